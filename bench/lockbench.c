/*
** lockbench.c: lock-heavy loops whose cost per iteration is compared between
** a native run and runs under a lock checker (ulockdep, TSan, Helgrind).
**
** Usage: lockbench WORKLOAD THREADS [ITERATIONS]
**        lockbench all THREADS        every workload at its default count
**        lockbench list               name, default iterations, thread
**                                     counts for bench/run.sh, description
**
** Each thread runs ITERATIONS iterations of the workload's loop, all threads
** at once. One warm-up round (a quarter of the iterations) is followed by 3
** timed rounds; the best round counts. A round's time is the wall time from
** the earliest thread start to the latest thread end (CLOCK_MONOTONIC), so
** ns/op is what one iteration costs each thread while THREADS threads run
** concurrently: with perfect scaling it equals the one-thread figure.
**
** Output, one line per workload on stdout: "WORKLOAD THREADS NS_PER_OP".
** Every critical section bumps a counter under the lock; the counters are
** checked after the run, so a checker that broke mutual exclusion fails the
** run (exit status 2) instead of looking fast.
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 3		/* timed rounds after the warm-up */
#define MAX_THREADS 256
#define N_OBJECTS 100000	/* table_object: one class, many instances */
#define N_CLASSES 1000		/* many_classes: static locks, one class each */
#define DEEP 32			/* deep: nesting depth */
#define N_POOL 1000		/* pool: one class, many threads */
#define N_PAIRS 64		/* random_pairs: the pool */
#define N_LIST 64		/* list, rw_list: nodes */
#define N_PARENTS 16		/* tree, rw_tree: parents, each with N_CHILDREN */
#define N_CHILDREN 15
#define N_TREE (N_PARENTS * (1 + N_CHILDREN))
#define LIST_STEPS 8		/* list, rw_list: hand-over-hand steps */
#define DEEP_OOO 100		/* deep100_ooo */
#define DEEPER_OOO 300		/* deep300_ooo */

/* A lock and the counter it protects, alone on its cache line so that two
 * threads touching neighbouring slots do not share a line. */
typedef struct slot {
	pthread_mutex_t m;
	long count;
} __attribute__((aligned(64))) slot_t;

#define SLOT_INIT { PTHREAD_MUTEX_INITIALIZER, 0 }

/* Static locks never initialised at run time: one class each. */
static slot_t g16[16] = { [0 ... 15] = SLOT_INIT };
static slot_t d32[DEEP] = { [0 ... DEEP - 1] = SLOT_INIT };
static slot_t c1000[N_CLASSES] = { [0 ... N_CLASSES - 1] = SLOT_INIT };
static slot_t table = SLOT_INIT;
static pthread_rwlock_t grw = PTHREAD_RWLOCK_INITIALIZER;

/* Heap locks, initialised at one call site each (see init_slots): every
 * array is one class, whose instances are nested in the workloads below. */
static slot_t *objects;			/* N_OBJECTS */
static slot_t *private_slots;		/* 16 per thread */
static slot_t *stripes;			/* 16 */
static slot_t *pool;			/* N_POOL */
static slot_t *pairs;			/* N_PAIRS */
static slot_t *list;			/* N_LIST */
static slot_t *tree;			/* N_TREE: parents first */
static slot_t *ooo;			/* DEEPER_OOO */

/* An rwlock and its counter, alone on a cache line; readers count with an
 * atomic add, writers with a plain one. */
typedef struct rwslot {
	pthread_rwlock_t l;
	long count;
} __attribute__((aligned(64))) rwslot_t;
static rwslot_t *rwlist;		/* N_LIST */
static rwslot_t *rwtree;		/* N_TREE */

typedef struct tctx {
	int id;
	uint64_t rng;
	slot_t *mine;			/* this thread's 16 private slots */
	pthread_t th;
	struct timespec t0[ROUNDS + 1], t1[ROUNDS + 1];
} __attribute__((aligned(64))) tctx_t;

typedef struct workload {
	const char *name;
	long iters;			/* default iterations per thread */
	const char *threads;		/* thread counts bench/run.sh uses */
	void (*run)(tctx_t *c, long n);
	const char *what;
} workload_t;

/* xorshift64: cheap, per thread, no shared state. */
static inline uint64_t next(tctx_t *c)
{
	uint64_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return c->rng = x;
}

/* Uniform in [0, n) from the high bits, without a division. */
static inline uint32_t pick(uint64_t r, uint32_t n)
{
	return (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);
}

static inline void lock(slot_t *s)
{
	pthread_mutex_lock(&s->m);
}

static inline void unlock(slot_t *s)
{
	pthread_mutex_unlock(&s->m);
}

static void run_flat(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		slot_t *s = &g16[next(c) >> 60];
		lock(s);
		s->count++;
		unlock(s);
	}
}

/* 4 of 16 in increasing order: one from each quarter (256 chains). */
static void run_nest4(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		slot_t *a = &g16[0 + ((r >> 56) & 3)];
		slot_t *b = &g16[4 + ((r >> 58) & 3)];
		slot_t *d = &g16[8 + ((r >> 60) & 3)];
		slot_t *e = &g16[12 + ((r >> 62) & 3)];
		lock(a);
		lock(b);
		lock(d);
		lock(e);
		e->count++;
		unlock(e);
		unlock(d);
		unlock(b);
		unlock(a);
	}
}

/* Look-up under the table lock, then hand over to the object's lock. */
static void run_table_object(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		lock(&table);
		slot_t *o = &objects[pick(next(c), N_OBJECTS)];
		lock(o);
		unlock(&table);
		o->count++;
		unlock(o);
	}
}

static void run_rw_then_mutex(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		slot_t *s = &g16[next(c) >> 60];
		pthread_rwlock_rdlock(&grw);
		lock(s);
		s->count++;
		unlock(s);
		pthread_rwlock_unlock(&grw);
	}
}

static void run_deep(tctx_t *c, long n)
{
	(void)c;
	for (long i = 0; i < n; i++) {
		for (int k = 0; k < DEEP; k++)
			lock(&d32[k]);
		d32[DEEP - 1].count++;
		for (int k = DEEP - 1; k >= 0; k--)
			unlock(&d32[k]);
	}
}

/* One of 1,000 classes, then one of 16: 16,000 chains. */
static void run_many_classes(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		slot_t *a = &c1000[pick(r, N_CLASSES)];
		slot_t *b = &g16[r & 15];
		lock(a);
		lock(b);
		b->count++;
		unlock(b);
		unlock(a);
	}
}

/* Each thread its own 16 locks: natively no sharing at all, so any loss
 * with more threads comes from the checker's shared state. */
static void run_private(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		slot_t *s = &c->mine[next(c) >> 60];
		lock(s);
		s->count++;
		unlock(s);
	}
}

/* Lock striping: 4 of 16 mutexes made by one init loop (one class), in
 * index order, one from each quarter. */
static void run_stripe(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		slot_t *a = &stripes[0 + ((r >> 56) & 3)];
		slot_t *b = &stripes[4 + ((r >> 58) & 3)];
		slot_t *d = &stripes[8 + ((r >> 60) & 3)];
		slot_t *e = &stripes[12 + ((r >> 62) & 3)];
		lock(a);
		lock(b);
		lock(d);
		lock(e);
		e->count++;
		unlock(e);
		unlock(d);
		unlock(b);
		unlock(a);
	}
}

/* Parent, then one of its children: two instances of one class. */
static void run_tree(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		uint32_t p = pick(r, N_PARENTS);
		slot_t *parent = &tree[p];
		slot_t *child = &tree[N_PARENTS + p * N_CHILDREN + (r & 15) % N_CHILDREN];
		lock(parent);
		lock(child);
		child->count++;
		unlock(child);
		unlock(parent);
	}
}

/* Hand over hand along a list of one class, LIST_STEPS steps from a random
 * node. */
static void run_list(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint32_t k = pick(next(c), N_LIST - LIST_STEPS);
		slot_t *cur = &list[k];
		lock(cur);
		for (int s = 1; s <= LIST_STEPS; s++) {
			slot_t *nx = &list[k + s];
			lock(nx);
			unlock(cur);
			cur = nx;
		}
		cur->count++;
		unlock(cur);
	}
}

/* rwlocks of one class, one iteration in four a writer at the end. */
static void rw_take(rwslot_t *s, int write)
{
	if (write)
		pthread_rwlock_wrlock(&s->l);
	else
		pthread_rwlock_rdlock(&s->l);
}

static void rw_count(rwslot_t *s, int write)
{
	if (write)
		s->count++;
	else
		__atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
}

/* Parent read-locked, then a child read- or (one in four) write-locked. */
static void run_rw_tree(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		int write = (r & 0x300) == 0;
		uint32_t p = pick(r, N_PARENTS);
		rwslot_t *parent = &rwtree[p];
		rwslot_t *child = &rwtree[N_PARENTS + p * N_CHILDREN + (r & 15) % N_CHILDREN];
		rw_take(parent, 0);
		rw_take(child, write);
		rw_count(child, write);
		pthread_rwlock_unlock(&child->l);
		pthread_rwlock_unlock(&parent->l);
	}
}

/* Hand over hand along rwlocks: read-locks, the last node write-locked one
 * iteration in four. */
static void run_rw_list(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		int write = (r & 0x300) == 0;
		uint32_t k = pick(r, N_LIST - LIST_STEPS);
		rwslot_t *cur = &rwlist[k];
		rw_take(cur, 0);
		for (int s = 1; s <= LIST_STEPS; s++) {
			rwslot_t *nx = &rwlist[k + s];
			rw_take(nx, s == LIST_STEPS && write);
			pthread_rwlock_unlock(&cur->l);
			cur = nx;
		}
		rw_count(cur, write);
		pthread_rwlock_unlock(&cur->l);
	}
}

/* A lock's whole life per iteration: init, lock, unlock, destroy. */
static void run_churn(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		pthread_mutex_t m;
		pthread_mutex_init(&m, NULL);
		pthread_mutex_lock(&m);
		c->mine[0].count++;
		pthread_mutex_unlock(&m);
		pthread_mutex_destroy(&m);
	}
}

/* 3 of 1,000 mutexes made by one init loop, in index order (one from each
 * third): many threads over one class of many instances. */
static void run_pool(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		slot_t *a = &pool[pick(r, N_POOL / 3)];
		slot_t *b = &pool[N_POOL / 3 + pick(r << 11, N_POOL / 3)];
		slot_t *d = &pool[2 * (N_POOL / 3) + pick(r << 22, N_POOL / 3)];
		lock(a);
		lock(b);
		lock(d);
		d->count++;
		unlock(d);
		unlock(b);
		unlock(a);
	}
}

/* Two random mutexes of a pool (one class), the lower index first. */
static void run_random_pairs(tctx_t *c, long n)
{
	for (long i = 0; i < n; i++) {
		uint64_t r = next(c);
		uint32_t x = pick(r, N_PAIRS), y = pick(r << 16, N_PAIRS - 1);
		if (y >= x)
			y++;
		slot_t *a = &pairs[x < y ? x : y], *b = &pairs[x < y ? y : x];
		lock(a);
		lock(b);
		b->count++;
		unlock(b);
		unlock(a);
	}
}

/* Nest `depth` mutexes of one class, then release them oldest first. */
static void nest_oldest_first(long n, int depth)
{
	for (long i = 0; i < n; i++) {
		for (int k = 0; k < depth; k++)
			lock(&ooo[k]);
		ooo[depth - 1].count++;
		for (int k = 0; k < depth; k++)
			unlock(&ooo[k]);
	}
}

static void run_deep100_ooo(tctx_t *c, long n)
{
	(void)c;
	nest_oldest_first(n, DEEP_OOO);
}

static void run_deep300_ooo(tctx_t *c, long n)
{
	(void)c;
	nest_oldest_first(n, DEEPER_OOO);
}

static const workload_t workloads[] = {
	{ "flat", 4000000, "1,2", run_flat,
	  "lock/unlock one of 16 global mutexes" },
	{ "nest4", 1000000, "1,2", run_nest4,
	  "nest 4 of 16 global mutexes in a fixed order" },
	{ "table_object", 2000000, "1,2", run_table_object,
	  "table mutex, then one of 100,000 object mutexes (one class)" },
	{ "rw_then_mutex", 2000000, "1,2", run_rw_then_mutex,
	  "read-lock a global rwlock, then one of 16 mutexes" },
	{ "deep", 200000, "1,2", run_deep,
	  "nest 32 global mutexes in a fixed order" },
	{ "many_classes", 2000000, "1,2", run_many_classes,
	  "one of 1,000 static mutexes (1,000 classes), then one of 16" },
	{ "private", 4000000, "1,2", run_private,
	  "lock/unlock one of 16 mutexes owned by the thread" },
	{ "stripe", 1000000, "1,2", run_stripe,
	  "nest 4 of 16 mutexes of one init loop (one class) in index order" },
	{ "tree", 2000000, "1,2,4", run_tree,
	  "parent, then one of its children (256 mutexes, one class)" },
	{ "list", 300000, "1,2,4", run_list,
	  "hand over hand, 8 steps along a list of 64 mutexes (one class)" },
	{ "rw_tree", 2000000, "1,2,4", run_rw_tree,
	  "read-lock a parent, then read- or write-lock a child (rwlocks, one class)" },
	{ "rw_list", 300000, "1,2,4", run_rw_list,
	  "hand over hand along 64 rwlocks (one class), readers and writers" },
	{ "churn", 1000000, "1,2", run_churn,
	  "init, lock, unlock and destroy a mutex" },
	{ "pool", 30000, "1,64", run_pool,
	  "3 of 1,000 mutexes of one init loop, in index order" },
	{ "random_pairs", 1000000, "1,4", run_random_pairs,
	  "two random mutexes of a pool of 64 (one class), lower index first" },
	{ "deep100_ooo", 500, "40", run_deep100_ooo,
	  "nest 100 mutexes of one class, release them oldest first" },
	{ "deep300_ooo", 40, "1", run_deep300_ooo,
	  "nest 300 mutexes of one class, release them oldest first" },
};
#define N_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

/* One call site for every lock of an array: they form one class. */
static slot_t *init_slots(size_t n)
{
	slot_t *s = aligned_alloc(64, n * sizeof(*s));
	if (!s) {
		perror("lockbench: aligned_alloc");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_init(&s[i].m, NULL);
		s[i].count = 0;
	}
	return s;
}

/* The same for rwlocks. */
static rwslot_t *init_rwslots(size_t n)
{
	rwslot_t *s = aligned_alloc(64, n * sizeof(*s));
	if (!s) {
		perror("lockbench: aligned_alloc");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		pthread_rwlock_init(&s[i].l, NULL);
		s[i].count = 0;
	}
	return s;
}

static long rwsum(const rwslot_t *s, size_t n)
{
	long t = 0;
	for (size_t i = 0; s && i < n; i++)
		t += s[i].count;
	return t;
}

static void rwzero(rwslot_t *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		s[i].count = 0;
}

static long sum(const slot_t *s, size_t n)
{
	long t = 0;
	for (size_t i = 0; s && i < n; i++)
		t += s[i].count;
	return t;
}

static void zero(slot_t *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		s[i].count = 0;
}

static int nthreads;
static tctx_t *ctx;
static pthread_barrier_t start;
static const workload_t *cur;
static long cur_iters;

static void *thread_main(void *arg)
{
	tctx_t *c = arg;
	for (int r = 0; r <= ROUNDS; r++) {
		long n = r == 0 ? (cur_iters + 3) / 4 : cur_iters;
		pthread_barrier_wait(&start);
		clock_gettime(CLOCK_MONOTONIC, &c->t0[r]);
		cur->run(c, n);
		clock_gettime(CLOCK_MONOTONIC, &c->t1[r]);
	}
	return NULL;
}

static double ns(const struct timespec *t)
{
	return t->tv_sec * 1e9 + t->tv_nsec;
}

/* Runs one workload; returns the best round's ns per iteration. */
static double bench(const workload_t *w, long iters)
{
	if (w->run == run_table_object && !objects)
		objects = init_slots(N_OBJECTS);
	if (w->run == run_stripe && !stripes)
		stripes = init_slots(16);
	if (w->run == run_pool && !pool)
		pool = init_slots(N_POOL);
	if (w->run == run_random_pairs && !pairs)
		pairs = init_slots(N_PAIRS);
	if (w->run == run_list && !list)
		list = init_slots(N_LIST);
	if (w->run == run_tree && !tree)
		tree = init_slots(N_TREE);
	if ((w->run == run_deep100_ooo || w->run == run_deep300_ooo) && !ooo)
		ooo = init_slots(DEEPER_OOO);
	if (w->run == run_rw_list && !rwlist)
		rwlist = init_rwslots(N_LIST);
	if (w->run == run_rw_tree && !rwtree)
		rwtree = init_rwslots(N_TREE);
	zero(g16, 16);
	zero(d32, DEEP);
	zero(c1000, N_CLASSES);
	zero(&table, 1);
	zero(objects, N_OBJECTS);
	zero(private_slots, 16 * (size_t)nthreads);
	zero(stripes, 16);
	zero(pool, N_POOL);
	zero(pairs, N_PAIRS);
	zero(list, N_LIST);
	zero(tree, N_TREE);
	zero(ooo, DEEPER_OOO);
	rwzero(rwlist, N_LIST);
	rwzero(rwtree, N_TREE);

	cur = w;
	cur_iters = iters;
	for (int i = 1; i < nthreads; i++) {
		if (pthread_create(&ctx[i].th, NULL, thread_main, &ctx[i])) {
			fprintf(stderr, "lockbench: pthread_create failed\n");
			exit(1);
		}
	}
	thread_main(&ctx[0]);
	for (int i = 1; i < nthreads; i++)
		pthread_join(ctx[i].th, NULL);

	double best = 0;
	for (int r = 1; r <= ROUNDS; r++) {
		double lo = ns(&ctx[0].t0[r]), hi = ns(&ctx[0].t1[r]);
		for (int i = 1; i < nthreads; i++) {
			if (ns(&ctx[i].t0[r]) < lo)
				lo = ns(&ctx[i].t0[r]);
			if (ns(&ctx[i].t1[r]) > hi)
				hi = ns(&ctx[i].t1[r]);
		}
		if (r == 1 || hi - lo < best)
			best = hi - lo;
	}

	long expect = (long)nthreads * ((iters + 3) / 4 + ROUNDS * iters);
	long got = sum(g16, 16) + sum(d32, DEEP) + sum(c1000, N_CLASSES) +
		sum(&table, 1) + sum(objects, N_OBJECTS) +
		sum(private_slots, 16 * (size_t)nthreads) + sum(stripes, 16) +
		sum(pool, N_POOL) + sum(pairs, N_PAIRS) + sum(list, N_LIST) +
		sum(tree, N_TREE) + sum(ooo, DEEPER_OOO) + rwsum(rwlist, N_LIST) +
		rwsum(rwtree, N_TREE);
	if (got != expect) {
		fprintf(stderr, "lockbench: %s: %ld critical sections counted, "
			"%ld expected: mutual exclusion was broken\n",
			w->name, got, expect);
		exit(2);
	}
	return best / iters;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: lockbench WORKLOAD THREADS [ITERATIONS]\n"
		"       lockbench all THREADS\n"
		"       lockbench list\n"
		"Prints \"WORKLOAD THREADS NS_PER_OP\": the best of %d rounds, "
		"each thread running\nITERATIONS iterations concurrently; "
		"ns/op = round wall time / ITERATIONS.\nWorkloads:\n", ROUNDS);
	for (size_t i = 0; i < N_WORKLOADS; i++)
		fprintf(f, "  %-14s %s\n", workloads[i].name, workloads[i].what);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < N_WORKLOADS; i++)
			printf("%s %ld %s %s\n", workloads[i].name,
			       workloads[i].iters, workloads[i].threads,
			       workloads[i].what);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		usage(stderr);
		return 1;
	}
	const workload_t *w = NULL;
	int all = !strcmp(argv[1], "all");
	for (size_t i = 0; !all && i < N_WORKLOADS; i++)
		if (!strcmp(argv[1], workloads[i].name))
			w = &workloads[i];
	char *end;
	nthreads = (int)strtol(argv[2], &end, 10);
	long iters = argc == 4 ? strtol(argv[3], &end, 10) : 0;
	if ((!all && !w) || nthreads < 1 || nthreads > MAX_THREADS ||
	    (argc == 4 && (all || iters < 1 || *end))) {
		usage(stderr);
		return 1;
	}

	ctx = aligned_alloc(64, nthreads * sizeof(*ctx));
	if (!ctx) {
		perror("lockbench: aligned_alloc");
		return 1;
	}
	memset(ctx, 0, nthreads * sizeof(*ctx));
	private_slots = init_slots(16 * (size_t)nthreads);
	for (int i = 0; i < nthreads; i++) {
		ctx[i].id = i;
		ctx[i].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		ctx[i].mine = &private_slots[16 * i];
	}
	pthread_barrier_init(&start, NULL, (unsigned)nthreads);

	for (size_t i = 0; i < N_WORKLOADS; i++) {
		const workload_t *x = all ? &workloads[i] : w;
		printf("%s %d %.2f\n", x->name, nthreads,
		       bench(x, iters ? iters : x->iters));
		fflush(stdout);
		if (!all)
			break;
	}
	return 0;
}
