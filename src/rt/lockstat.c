/*
** lockstat.c: lock statistics (lockstat.h, docs/lock-stat.md).
**
** Counters are per thread: each thread adds into tables of its own (per
** class, and per instance with lock_stat=instance), merged into the totals
** when it ends and summed with the live threads' at exit or when a record is
** written. No counter shared between threads is written per acquisition.
** What must be known across threads lives in a side record per lock (its
** address hashed into a fixed table, one cache line each): who holds it
** exclusively, since when and from which site, and its last taker. Only
** threads that take that lock write its line, which the lock's own word
** already moves between them.
**
** Waits are timed around the real lock call, as the kernel's
** LOCK_CONTENDED does: the hook notes the acquisition (pending), then the
** wrapper installed in ud_real_locks tries the lock first; if that fails the
** acquisition is contended, the holder's site is read, and the real call
** blocks. Lock calls that no wrapper times (spinlocks, GLib and C11 locks,
** timed locks) are counted when the next hook of the thread runs, without
** contention, their hold starting before the call.
**
** Clock: clock_gettime(CLOCK_MONOTONIC), served by the vDSO without a system
** call (about 20 ns); rdtsc would be cheaper but needs calibration, a
** constant-rate TSC and care across CPUs, and the lock's own line transfer
** costs as much when it matters.
*/
#include "lockstat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <threads.h>
#include <time.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../base/log.h"
#include "../base/own_stack.h"

bool ud_lockstat_on;
static bool per_instance;

uint64_t ud_lockstat_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t since(uint64_t t0, uint64_t now)
{
	return now > t0 ? now - t0 : 0;	/* never negative */
}

/* ---- counters ------------------------------------------------------------- */

typedef struct acc {
	uint64_t key;		/* class id, or lock address | class << 48; 0: empty */
	unsigned cls;
	uintptr_t addr;
	uint64_t acquired, acquired_read, contended, owner_changes, con_bounces;
	uint64_t wait_total, wait_min, wait_max, waits;
	uint64_t hold_total, hold_min, hold_max, holds;
	ud_stat_point_t con[UD_STAT_POINTS], cing[UD_STAT_POINTS];
} acc_t;

typedef struct acc_table {
	size_t cap, n;
	acc_t e[];
} acc_table_t;

static size_t table_bytes(size_t cap)
{
	return sizeof(acc_table_t) + cap * sizeof(acc_t);
}

/* A read hold, kept by its thread: several threads hold a read lock at once. */
typedef struct rd_hold {
	const void *lock;
	unsigned cls;
	uint64_t t;
} rd_hold_t;
#define RD_MAX 16	/* a ring: the oldest (maybe released by another thread) goes */

typedef struct tstat {
	struct tstat *prev, *next;
	acc_table_t *cls, *inst;
	rd_hold_t rd[RD_MAX];
	unsigned rd_next;
} tstat_t;

/* An acquisition noted by a hook, before the real call. */
typedef struct pending {
	const void *lock;
	unsigned cls;
	bool read;
	uintptr_t pc;
	uint64_t t0;
} pending_t;

static __thread struct {
	pending_t p;
	tstat_t *ts;
} tls __attribute__((tls_model("initial-exec")));

/* The threads' tables and the ended threads' totals; growth of a table
** happens under it too, so that a reader never sees one freed. */
static ud_lock_t list_lock = UD_LOCK_INIT;
static tstat_t *threads;
static tstat_t ended;
static ud_lock_t ended_lock = UD_LOCK_INIT;	/* merges into `ended` */

static acc_t *acc_find(acc_table_t **tp, uint64_t key, unsigned cls, uintptr_t addr)
{
	acc_table_t *t = *tp;
	if (!t || (t->n + 1) * 2 > t->cap) {
		size_t cap = t ? t->cap * 2 : 16;
		acc_table_t *nt = ud_alloc(table_bytes(cap));
		nt->cap = cap;
		if (t) {
			for (size_t i = 0; i < t->cap; i++) {
				if (!t->e[i].key)
					continue;
				size_t j = (size_t)(ud_hash_fib(t->e[i].key) >> 20) & (cap - 1);
				while (nt->e[j].key)
					j = (j + 1) & (cap - 1);
				nt->e[j] = t->e[i];
			}
			nt->n = t->n;
		}
		ud_lock_acquire(&list_lock);
		*tp = nt;
		ud_lock_release(&list_lock);
		if (t)
			ud_free(t, table_bytes(t->cap));
		t = nt;
	}
	size_t j = (size_t)(ud_hash_fib(key) >> 20) & (t->cap - 1);
	while (t->e[j].key && t->e[j].key != key)
		j = (j + 1) & (t->cap - 1);
	acc_t *a = &t->e[j];
	if (!a->key) {
		a->key = key;
		a->cls = cls;
		a->addr = addr;
		t->n++;
	}
	return a;
}

static tstat_t *my_stats(void)
{
	if (ud_likely(tls.ts != NULL))
		return tls.ts;
	tstat_t *ts = ud_alloc(sizeof *ts);
	ud_lock_acquire(&list_lock);
	ts->next = threads;
	if (threads)
		threads->prev = ts;
	threads = ts;
	ud_lock_release(&list_lock);
	tls.ts = ts;
	return ts;
}

/* The counters of class cls (and of the instance at lock) of this thread:
** up to two. */
static unsigned accs_of(tstat_t *ts, unsigned cls, const void *lock, acc_t *out[2])
{
	unsigned n = 0;
	out[n++] = acc_find(&ts->cls, cls, cls, 0);
	if (per_instance && lock)
		out[n++] = acc_find(&ts->inst, (uint64_t)(uintptr_t)lock | (uint64_t)cls << 48,
				    cls, (uintptr_t)lock);
	return n;
}

/* Count pc at a point list: the first UD_STAT_POINTS sites met, as the kernel. */
static void point_add(ud_stat_point_t *p, uintptr_t pc, uint64_t wait)
{
	for (unsigned i = 0; i < UD_STAT_POINTS; i++) {
		if (!p[i].count || p[i].pc == pc) {
			p[i].pc = pc;
			p[i].count++;
			p[i].wait_ns += wait;
			return;
		}
	}
}

static void time_add(uint64_t *total, uint64_t *min, uint64_t *max, uint64_t *n, uint64_t v)
{
	*total += v;
	if (!*n || v < *min)
		*min = v;
	if (v > *max)
		*max = v;
	(*n)++;
}

/* ---- side records --------------------------------------------------------------- */

typedef struct side {
	_Atomic uintptr_t addr;	/* 0: free; never freed once claimed */
	int holder;		/* tid holding it exclusively, 0: none known */
	unsigned depth;		/* recursive holds */
	unsigned cls;
	int last;		/* the last thread that took it */
	uintptr_t pc;		/* where the last taker took it */
	uint64_t t_acq;		/* when the exclusive holder took it */
} __attribute__((aligned(64))) side_t;

#define SIDE_BITS 18	/* 16 MiB of address space, touched as used */
#define SIDE_PROBE 32
static side_t *sides;

static side_t *side_find(const void *lock, bool create)
{
	if (!sides)
		return NULL;
	uintptr_t a = (uintptr_t)lock;
	size_t mask = ((size_t)1 << SIDE_BITS) - 1;
	size_t j = (size_t)(ud_hash_fib(a) >> (64 - SIDE_BITS)) & mask;
	for (unsigned k = 0; k < SIDE_PROBE; k++, j = (j + 1) & mask) {
		uintptr_t have = atomic_load_explicit(&sides[j].addr, memory_order_acquire);
		if (have == a)
			return &sides[j];
		if (have)
			continue;
		if (!create)
			return NULL;
		if (atomic_compare_exchange_strong(&sides[j].addr, &have, a))
			return &sides[j];
		if (have == a)
			return &sides[j];
	}
	return NULL;	/* full here: this lock goes without owner and hold times */
}

static int my_tid(void)
{
	return ud_gettid();
}

/* In a fork child, the forking thread's tid in the parent is ours too. */
static bool is_me(int tid)
{
	return tid == my_tid() || (ud_tls.fork_tid && tid == ud_tls.fork_tid);
}

/* ---- acquisitions and releases ---------------------------------------------- */

static void note_acquire(const pending_t *p, uint64_t t_acq, bool contended, uint64_t wait,
			 uintptr_t holder_pc, side_t *s)
{
	tstat_t *ts = my_stats();
	acc_t *a[2];
	unsigned n = accs_of(ts, p->cls, p->lock, a);
	if (!s)
		s = side_find(p->lock, true);
	bool changed = false;
	if (s) {
		int me = my_tid();
		changed = s->last != me;
		s->last = me;
		s->pc = p->pc;
		if (!p->read) {
			if (s->depth && is_me(s->holder)) {
				s->depth++;
			} else {
				s->holder = me;
				s->depth = 1;
				s->cls = p->cls;
				s->t_acq = t_acq;
			}
		}
	}
	if (p->read) {
		rd_hold_t *r = &ts->rd[ts->rd_next++ % RD_MAX];
		*r = (rd_hold_t){ p->lock, p->cls, t_acq };
	}
	for (unsigned i = 0; i < n; i++) {
		acc_t *x = a[i];
		x->acquired++;
		x->acquired_read += p->read;
		x->owner_changes += changed;
		if (contended) {
			x->contended++;
			x->con_bounces += changed;
			time_add(&x->wait_total, &x->wait_min, &x->wait_max, &x->waits, wait);
			point_add(x->con, p->pc, wait);
			if (holder_pc)
				point_add(x->cing, holder_pc, 0);
		}
	}
}

static void note_hold(unsigned cls, const void *lock, uint64_t hold)
{
	acc_t *a[2];
	unsigned n = accs_of(my_stats(), cls, lock, a);
	for (unsigned i = 0; i < n; i++)
		time_add(&a[i]->hold_total, &a[i]->hold_min, &a[i]->hold_max, &a[i]->holds, hold);
}

/* An acquisition noted and not timed by a wrapper: counted now, uncontended. */
static void flush_pending(void)
{
	if (!tls.p.lock)
		return;
	pending_t p = tls.p;
	tls.p.lock = NULL;
	note_acquire(&p, p.t0, false, 0, 0, NULL);
}

static unsigned class_of(ud_instance_t *inst)
{
	return ud_class_id(ud_instance_class(inst));
}

void ud_lockstat_before_lock(ud_thread_t *t, const void *lock, ud_instance_t *inst,
			     bool read, uintptr_t pc)
{
	(void)t;
	flush_pending();
	tls.p = (pending_t){ lock, class_of(inst), read, pc, ud_lockstat_now() };
}

void ud_lockstat_lock_failed(void)
{
	tls.p.lock = NULL;
}

void ud_lockstat_trylock(ud_thread_t *t, const void *lock, ud_instance_t *inst, bool read,
			 uintptr_t pc)
{
	(void)t;
	flush_pending();
	pending_t p = { lock, class_of(inst), read, pc, 0 };
	note_acquire(&p, ud_lockstat_now(), false, 0, 0, NULL);
}

void ud_lockstat_release(ud_thread_t *t, const void *lock)
{
	flush_pending();
	uint64_t now = ud_lockstat_now();
	int mode = ud_held_mode(t, lock);
	if (mode == UD_MODE_READ || mode == UD_MODE_READ_RECURSIVE) {
		tstat_t *ts = my_stats();
		for (unsigned k = 1; k <= RD_MAX; k++) {
			rd_hold_t *r = &ts->rd[(ts->rd_next - k) % RD_MAX];
			if (r->lock == lock) {
				note_hold(r->cls, lock, since(r->t, now));
				r->lock = NULL;
				return;
			}
		}
		return;
	}
	/* Held exclusively, here or (released by another thread) elsewhere. */
	side_t *s = side_find(lock, false);
	if (!s || !s->depth)
		return;
	if (s->depth > 1 && is_me(s->holder)) {
		s->depth--;
		return;
	}
	s->depth = 0;
	s->holder = 0;
	note_hold(s->cls, lock, since(s->t_acq, now));
}

void ud_lockstat_forget(const void *lock)
{
	flush_pending();
	side_t *s = side_find(lock, false);
	if (s) {
		s->depth = 0;
		s->holder = 0;
	}
}

/* ---- the timing wrappers of the lock calls ------------------------------------- */

static ud_real_locks_t truef;

/* The acquisition the hook noted for lock, if any (then taken from it). */
static bool take_pending(const void *lock, pending_t *p)
{
	if (ud_likely(tls.p.lock != lock) || !lock)
		return false;
	*p = tls.p;
	tls.p.lock = NULL;
	return true;
}

/* The real call returned; taken says whether it got the lock. */
static void blocked_done(const pending_t *p, bool taken, uint64_t t_wait, uintptr_t holder_pc,
			 side_t *s)
{
	if (!taken)
		return;
	uint64_t now = ud_lockstat_now();
	ud_tls.in_runtime++;
	note_acquire(p, now, true, since(t_wait, now), holder_pc, s);
	ud_tls.in_runtime--;
}

static void uncontended(const pending_t *p)
{
	ud_tls.in_runtime++;
	note_acquire(p, p->t0, false, 0, 0, NULL);
	ud_tls.in_runtime--;
}

/* Where the lock's holder took it, read before waiting: its contending point. */
static uintptr_t holder_site(const void *lock, side_t **sp)
{
	side_t *s = side_find(lock, true);
	*sp = s;
	return s ? s->pc : 0;
}

/* A trylock failed on a lock held: a contention of its class, no wait. */
static void try_busy(const void *lock)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->in_runtime || ts->dead || !ts->t ||
	    atomic_load_explicit(&ud_rt_hot.state, memory_order_relaxed) != UD_RT_READY)
		return;
	ts->in_runtime++;
	ud_instance_t *inst = ud_instance_lookup(lock);
	if (inst) {
		flush_pending();
		side_t *s = side_find(lock, false);
		acc_t *a[2];
		unsigned n = accs_of(my_stats(), class_of(inst), lock, a);
		for (unsigned i = 0; i < n; i++) {
			a[i]->contended++;
			if (s && s->pc)
				point_add(a[i]->cing, s->pc, 0);
		}
	}
	ts->in_runtime--;
}

static bool mutex_taken(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

static int w_mutex_lock(pthread_mutex_t *m)
{
	pending_t p;
	if (!take_pending(m, &p))
		return truef.mutex_lock(m);
	int rc = truef.mutex_trylock(m);
	if (mutex_taken(rc)) {
		uncontended(&p);
		return rc;
	}
	if (rc != EBUSY)	/* not a lock held by another: let the real call say */
		return truef.mutex_lock(m);
	uint64_t t = ud_lockstat_now();
	side_t *s;
	uintptr_t hpc = holder_site(m, &s);
	rc = truef.mutex_lock(m);
	blocked_done(&p, mutex_taken(rc), t, hpc, s);
	return rc;
}

static int w_mutex_trylock(pthread_mutex_t *m)
{
	int rc = truef.mutex_trylock(m);
	if (rc == EBUSY)
		try_busy(m);
	return rc;
}

/* An rwlock lock, read or write, with its try and blocking calls. */
static int rw_lock(pthread_rwlock_t *l, int (*try)(pthread_rwlock_t *),
		   int (*lock)(pthread_rwlock_t *))
{
	pending_t p;
	if (!take_pending(l, &p))
		return lock(l);
	int rc = try(l);
	if (rc == 0) {
		uncontended(&p);
		return 0;
	}
	if (rc != EBUSY)
		return lock(l);
	uint64_t t = ud_lockstat_now();
	side_t *s;
	uintptr_t hpc = holder_site(l, &s);
	rc = lock(l);
	blocked_done(&p, rc == 0, t, hpc, s);
	return rc;
}

static int w_rwlock_rdlock(pthread_rwlock_t *l)
{
	return rw_lock(l, truef.rwlock_tryrdlock, truef.rwlock_rdlock);
}

static int w_rwlock_wrlock(pthread_rwlock_t *l)
{
	return rw_lock(l, truef.rwlock_trywrlock, truef.rwlock_wrlock);
}

static int w_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	int rc = truef.rwlock_tryrdlock(l);
	if (rc == EBUSY)
		try_busy(l);
	return rc;
}

static int w_rwlock_trywrlock(pthread_rwlock_t *l)
{
	int rc = truef.rwlock_trywrlock(l);
	if (rc == EBUSY)
		try_busy(l);
	return rc;
}

void ud_lockstat_init(void)
{
	const char *v = ud_rt_opts.lock_stat;
	if (!strcmp(v, "0") || !v[0])
		return;
	if (strcmp(v, "1") && strcmp(v, "instance")) {
		ud_log_message("unknown lock_stat '%s' (0, 1 or instance); using 1", v);
	}
	per_instance = !strcmp(v, "instance");
	void *p = mmap(NULL, sizeof(side_t) << SIDE_BITS, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	sides = p == MAP_FAILED ? NULL : p;
	truef = ud_real_locks;
	__atomic_store_n(&ud_real_locks.mutex_lock, w_mutex_lock, __ATOMIC_RELAXED);
	__atomic_store_n(&ud_real_locks.mutex_trylock, w_mutex_trylock, __ATOMIC_RELAXED);
	__atomic_store_n(&ud_real_locks.rwlock_rdlock, w_rwlock_rdlock, __ATOMIC_RELAXED);
	__atomic_store_n(&ud_real_locks.rwlock_wrlock, w_rwlock_wrlock, __ATOMIC_RELAXED);
	__atomic_store_n(&ud_real_locks.rwlock_tryrdlock, w_rwlock_tryrdlock, __ATOMIC_RELAXED);
	__atomic_store_n(&ud_real_locks.rwlock_trywrlock, w_rwlock_trywrlock, __ATOMIC_RELAXED);
	ud_lockstat_on = true;
}

/* ---- condition variables ------------------------------------------------------- */

/* Per condition variable, shared: a wait is a system call anyway. */
typedef struct cond_rec {
	_Atomic uintptr_t addr;
	_Atomic uintptr_t site;	/* first wait site */
	_Atomic uintptr_t sig_site;	/* first signal or broadcast site */
	_Atomic uint64_t waits, timed_out, signals, broadcasts, wait_total, wait_max;
} cond_rec_t;

#define COND_MAX 4096
static cond_rec_t *_Atomic conds;

static cond_rec_t *cond_find(const void *cv)
{
	if (!atomic_load(&conds)) {
		cond_rec_t *mine = ud_alloc(COND_MAX * sizeof *mine), *none = NULL;
		if (!atomic_compare_exchange_strong(&conds, &none, mine))
			ud_free(mine, COND_MAX * sizeof *mine);	/* another thread's won */
	}
	uintptr_t a = (uintptr_t)cv;
	size_t j = (size_t)(ud_hash_fib(a) >> 40) & (COND_MAX - 1);
	for (unsigned k = 0; k < 64; k++, j = (j + 1) & (COND_MAX - 1)) {
		uintptr_t have = atomic_load(&conds[j].addr);
		if (have == a)
			return &conds[j];
		if (!have && (atomic_compare_exchange_strong(&conds[j].addr, &have, a) ||
			      have == a))
			return &conds[j];
	}
	return NULL;
}

/* Is this call tracked, and the caller outside the runtime? Then enter it. */
static bool cond_enter(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->in_runtime || ts->dead || !ts->t ||
	    atomic_load_explicit(&ud_rt_hot.state, memory_order_relaxed) != UD_RT_READY)
		return false;
	ts->in_runtime++;
	return true;
}

void ud_lockstat_cond_done(const void *cv, const void *m, int timed_out, uint64_t t0,
			   uintptr_t pc)
{
	uint64_t now = ud_lockstat_now();
	if (!cond_enter())
		return;
	cond_rec_t *c = cond_find(cv);
	if (c) {
		uintptr_t none = 0;
		atomic_compare_exchange_strong(&c->site, &none, pc);
		uint64_t w = since(t0, now);
		atomic_fetch_add_explicit(&c->waits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&c->timed_out, timed_out != 0, memory_order_relaxed);
		atomic_fetch_add_explicit(&c->wait_total, w, memory_order_relaxed);
		uint64_t max = atomic_load_explicit(&c->wait_max, memory_order_relaxed);
		while (w > max && !atomic_compare_exchange_weak(&c->wait_max, &max, w))
			;
	}
	/* The mutex is held again from now on (the hook noted it). */
	pending_t p;
	if (take_pending(m, &p))
		note_acquire(&p, now, false, 0, 0, NULL);
	ud_tls.in_runtime--;
}

void ud_lockstat_cond_signal(const void *cv, bool broadcast, uintptr_t pc)
{
	if (!cond_enter())
		return;
	cond_rec_t *c = cond_find(cv);
	uintptr_t none = 0;
	if (c)
		atomic_compare_exchange_strong(&c->sig_site, &none, pc);
	if (c)
		atomic_fetch_add_explicit(broadcast ? &c->broadcasts : &c->signals, 1,
					  memory_order_relaxed);
	ud_tls.in_runtime--;
}

/* ---- threads and fork ------------------------------------------------------------ */

static void merge_points(ud_stat_point_t *dst, const ud_stat_point_t *src)
{
	for (unsigned i = 0; i < UD_STAT_POINTS && src[i].count; i++) {
		unsigned j, low = 0;
		for (j = 0; j < UD_STAT_POINTS; j++) {
			if (!dst[j].count || dst[j].pc == src[i].pc)
				break;
			if (dst[j].count < dst[low].count)
				low = j;
		}
		if (j < UD_STAT_POINTS) {
			dst[j].pc = src[i].pc;
			dst[j].count += src[i].count;
			dst[j].wait_ns += src[i].wait_ns;
		} else if (src[i].count > dst[low].count) {
			dst[low] = src[i];
		}
	}
}

static void merge_time(uint64_t *total, uint64_t *min, uint64_t *max, uint64_t *n,
		       uint64_t stotal, uint64_t smin, uint64_t smax, uint64_t sn)
{
	if (!sn)
		return;
	if (!*n || smin < *min)
		*min = smin;
	if (smax > *max)
		*max = smax;
	*total += stotal;
	*n += sn;
}

static void merge_acc(acc_t *d, const acc_t *s)
{
	d->acquired += s->acquired;
	d->acquired_read += s->acquired_read;
	d->contended += s->contended;
	d->owner_changes += s->owner_changes;
	d->con_bounces += s->con_bounces;
	merge_time(&d->wait_total, &d->wait_min, &d->wait_max, &d->waits, s->wait_total,
		   s->wait_min, s->wait_max, s->waits);
	merge_time(&d->hold_total, &d->hold_min, &d->hold_max, &d->holds, s->hold_total,
		   s->hold_min, s->hold_max, s->holds);
	merge_points(d->con, s->con);
	merge_points(d->cing, s->cing);
}

static void merge_table(acc_table_t **dst, const acc_table_t *src)
{
	for (size_t i = 0; src && i < src->cap; i++) {
		const acc_t *s = &src->e[i];
		if (s->key)
			merge_acc(acc_find(dst, s->key, s->cls, s->addr), s);
	}
}

static void free_tables(tstat_t *ts)
{
	if (ts->cls)
		ud_free(ts->cls, table_bytes(ts->cls->cap));
	if (ts->inst)
		ud_free(ts->inst, table_bytes(ts->inst->cap));
	ts->cls = ts->inst = NULL;
}

void ud_lockstat_thread_end(void)
{
	tstat_t *ts = tls.ts;
	if (!ud_lockstat_on || !ts)
		return;
	flush_pending();
	tls.ts = NULL;
	ud_lock_acquire(&list_lock);
	if (ts->prev)
		ts->prev->next = ts->next;
	else
		threads = ts->next;
	if (ts->next)
		ts->next->prev = ts->prev;
	ud_lock_release(&list_lock);
	ud_lock_acquire(&ended_lock);
	merge_table(&ended.cls, ts->cls);
	merge_table(&ended.inst, ts->inst);
	ud_lock_release(&ended_lock);
	free_tables(ts);
	ud_free(ts, sizeof *ts);
}

void ud_lockstat_fork_child(void)
{
	if (!ud_lockstat_on)
		return;
	/* The child counts from the fork: what came before is the parent's. */
	ud_lock_reset(&list_lock);
	ud_lock_reset(&ended_lock);
	threads = NULL;
	free_tables(&ended);
	tstat_t *ts = tls.ts;
	if (ts) {
		free_tables(ts);
		memset(ts, 0, sizeof *ts);
		threads = ts;
	}
	tls.p.lock = NULL;
	if (conds) {
		for (size_t i = 0; i < COND_MAX; i++) {
			atomic_store(&conds[i].waits, 0);
			atomic_store(&conds[i].timed_out, 0);
			atomic_store(&conds[i].signals, 0);
			atomic_store(&conds[i].broadcasts, 0);
			atomic_store(&conds[i].wait_total, 0);
			atomic_store(&conds[i].wait_max, 0);
		}
	}
}

/* ---- the figures --------------------------------------------------------------- */

static const ud_report_class_t *class_by_id(const ud_snapshot_t *s, unsigned id)
{
	/* The snapshot lists classes by id, in order (else: a scan). */
	size_t lo = 0, hi = s->nclasses;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->classes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nclasses && s->classes[lo].id == id)
		return &s->classes[lo];
	for (size_t i = 0; i < s->nclasses; i++)
		if (s->classes[i].id == id)
			return &s->classes[i];
	return NULL;
}

static size_t to_locks(const acc_table_t *t, const ud_snapshot_t *snap, ud_stat_lock_t **out,
		       size_t *cap)
{
	size_t n = 0;
	*out = NULL;
	*cap = 0;
	if (!t || !t->n)
		return 0;
	ud_stat_lock_t *l = ud_alloc(t->n * sizeof *l);
	*cap = t->n;
	for (size_t i = 0; i < t->cap; i++) {
		const acc_t *a = &t->e[i];
		const ud_report_class_t *c = a->key ? class_by_id(snap, a->cls) : NULL;
		if (!c || !(a->acquired || a->contended || a->holds))
			continue;
		ud_stat_lock_t *x = &l[n++];
		x->cls = *c;
		x->addr = a->addr;
		x->acquired = a->acquired;
		x->acquired_read = a->acquired_read;
		x->contended = a->contended;
		x->owner_changes = a->owner_changes;
		x->con_bounces = a->con_bounces;
		x->wait_total = a->wait_total;
		x->wait_min = a->wait_min;
		x->wait_max = a->wait_max;
		x->waits = a->waits;
		x->hold_total = a->hold_total;
		x->hold_min = a->hold_min;
		x->hold_max = a->hold_max;
		x->holds = a->holds;
		memcpy(x->contention, a->con, sizeof a->con);
		memcpy(x->contending, a->cing, sizeof a->cing);
		for (int k = 0; k < 2; k++) {
			ud_stat_point_t *p = k ? x->contending : x->contention;
			/* most frequent first */
			for (unsigned u = 1; u < UD_STAT_POINTS; u++)
				for (unsigned v = u; v > 0 && p[v].count > p[v - 1].count; v--) {
					ud_stat_point_t tmp = p[v];
					p[v] = p[v - 1];
					p[v - 1] = tmp;
				}
		}
	}
	*out = l;
	return n;
}

static int cmp_site(const void *a, const void *b)
{
	const ud_stat_cond_t *x = a, *y = b;
	return x->site < y->site ? -1 : x->site > y->site;
}

static size_t to_conds(ud_stat_cond_t **out)
{
	*out = NULL;
	if (!conds)
		return 0;
	size_t n = 0;
	ud_stat_cond_t *c = ud_alloc(COND_MAX * sizeof *c);
	for (size_t i = 0; i < COND_MAX; i++) {
		cond_rec_t *r = &conds[i];
		if (!atomic_load(&r->addr) || !(atomic_load(&r->waits) | atomic_load(&r->signals) |
						 atomic_load(&r->broadcasts)))
			continue;
		c[n++] = (ud_stat_cond_t){
			/* Never waited for: named by where it was signalled. */
			.site = atomic_load(&r->site) ? atomic_load(&r->site)
						      : atomic_load(&r->sig_site),
			.waits = atomic_load(&r->waits),
			.timed_out = atomic_load(&r->timed_out),
			.signals = atomic_load(&r->signals),
			.broadcasts = atomic_load(&r->broadcasts),
			.wait_total = atomic_load(&r->wait_total),
			.wait_max = atomic_load(&r->wait_max),
		};
	}
	/* One line per site: condition variables of one site are one class. */
	qsort(c, n, sizeof *c, cmp_site);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && c[k - 1].site == c[i].site) {
			ud_stat_cond_t *d = &c[k - 1];
			d->waits += c[i].waits;
			d->timed_out += c[i].timed_out;
			d->signals += c[i].signals;
			d->broadcasts += c[i].broadcasts;
			d->wait_total += c[i].wait_total;
			if (c[i].wait_max > d->wait_max)
				d->wait_max = c[i].wait_max;
		} else {
			c[k++] = c[i];
		}
	}
	*out = c;
	return k;
}

bool ud_lockstat_collect(ud_stat_set_t *s, const ud_snapshot_t *snap, bool wait)
{
	memset(s, 0, sizeof *s);
	if (!ud_lockstat_on)
		return false;
	if (wait)
		ud_lock_acquire(&list_lock);
	else if (!ud_lock_try_acquire(&list_lock))
		return false;
	flush_pending();
	/* Copies of the tables, merged outside the list lock (acc_find may grow
	** a table, which takes it). */
	size_t nthreads = 1;
	for (tstat_t *t = threads; t; t = t->next)
		nthreads++;
	acc_table_t **copies = ud_alloc(2 * nthreads * sizeof *copies);
	size_t k = 0;
	const tstat_t *all = &ended;
	for (const tstat_t *t = all; t; t = t == &ended ? threads : t->next) {
		for (int w = 0; w < 2; w++) {
			const acc_table_t *src = w ? t->inst : t->cls;
			acc_table_t *c = NULL;
			if (src) {
				c = ud_alloc(table_bytes(src->cap));
				memcpy(c, src, table_bytes(src->cap));
			}
			copies[k++] = c;
		}
	}
	ud_lock_release(&list_lock);
	acc_table_t *cls = NULL, *inst = NULL;
	for (size_t i = 0; i < k; i++) {
		if (!copies[i])
			continue;
		merge_table(i % 2 ? &inst : &cls, copies[i]);
		ud_free(copies[i], table_bytes(copies[i]->cap));
	}
	ud_free(copies, 2 * nthreads * sizeof *copies);
	s->nclasses = to_locks(cls, snap, &s->classes, &s->classes_cap);
	s->ninstances = to_locks(inst, snap, &s->instances, &s->instances_cap);
	s->nconds = to_conds(&s->conds);
	ud_stat_sort(s->classes, s->nclasses);
	ud_stat_sort(s->instances, s->ninstances);
	if (cls)
		ud_free(cls, table_bytes(cls->cap));
	if (inst)
		ud_free(inst, table_bytes(inst->cap));
	return true;
}

void ud_lockstat_free(ud_stat_set_t *s)
{
	if (s->classes)
		ud_free(s->classes, s->classes_cap * sizeof *s->classes);
	if (s->instances)
		ud_free(s->instances, s->instances_cap * sizeof *s->instances);
	if (s->conds)
		ud_free(s->conds, COND_MAX * sizeof *s->conds);
	memset(s, 0, sizeof *s);
}

/* ---- output at exit ------------------------------------------------------------ */

static void print_job(void *arg)
{
	(void)arg;
	ud_snapshot_t snap;
	ud_engine_snapshot(&snap);
	ud_stat_set_t s;
	if (ud_lockstat_collect(&s, &snap, true)) {
		const char *f = ud_rt_opts.lock_stat_format;
		if (!f[0])
			f = strcmp(ud_rt_opts.format, "json") ? "summary" : "json";
		ud_buf_t b = { 0 };
		if (!strcmp(f, "kernel"))
			ud_stat_format_kernel(&b, &s);
		else if (!strcmp(f, "json"))
			ud_stat_format_json(&b, &s);
		else
			ud_stat_format_summary(&b, &s, (unsigned)ud_rt_opts.lock_stat_top);
		if (b.len)
			ud_log_write(b.data, b.len);
		ud_buf_free(&b);
		ud_lockstat_free(&s);
	}
	ud_snapshot_free(&snap);
}

/* Symbolizing needs more stack than a thread of the program may have. */
static ud_own_stack_t print_stack = UD_OWN_STACK_INIT(8u << 20);

void ud_lockstat_print(void)
{
	if (!ud_lockstat_on)
		return;
	ud_own_stack_run(&print_stack, print_job, NULL);
}
