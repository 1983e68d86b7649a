/*
** lockbench.c: lock-heavy loops whose cost per iteration is compared between
** a native run and runs under a lock checker (ulockdep, TSan, Helgrind).
**
** Usage: lockbench WORKLOAD THREADS [ITERATIONS]
**        lockbench all THREADS        every workload at its default count
**        lockbench list               name, default iterations, description
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

/* Heap locks, initialised at one call site each (see init_slots). */
static slot_t *objects;			/* N_OBJECTS */
static slot_t *private_slots;		/* 16 per thread */

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

static const workload_t workloads[] = {
	{ "flat", 4000000, run_flat,
	  "lock/unlock one of 16 global mutexes" },
	{ "nest4", 1000000, run_nest4,
	  "nest 4 of 16 global mutexes in a fixed order" },
	{ "table_object", 2000000, run_table_object,
	  "table mutex, then one of 100,000 object mutexes (one class)" },
	{ "rw_then_mutex", 2000000, run_rw_then_mutex,
	  "read-lock a global rwlock, then one of 16 mutexes" },
	{ "deep", 200000, run_deep,
	  "nest 32 global mutexes in a fixed order" },
	{ "many_classes", 2000000, run_many_classes,
	  "one of 1,000 static mutexes (1,000 classes), then one of 16" },
	{ "private", 4000000, run_private,
	  "lock/unlock one of 16 mutexes owned by the thread" },
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
	zero(g16, 16);
	zero(d32, DEEP);
	zero(c1000, N_CLASSES);
	zero(&table, 1);
	zero(objects, N_OBJECTS);
	zero(private_slots, 16 * (size_t)nthreads);

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
		sum(private_slots, 16 * (size_t)nthreads);
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
			printf("%s %ld %s\n", workloads[i].name,
			       workloads[i].iters, workloads[i].what);
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
