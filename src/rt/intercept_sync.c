/*
** intercept_sync.c: waits the runtime models as locks, with no annotation.
**
** pthread_join: each thread started through pthread_create holds a pseudo-lock,
** its lifetime, from start to end; its class is keyed by where it was created
** (the creation stack, as a lock is keyed by its init site) and printed
** "thread:<start routine>". Joining a thread is a wait on its class, so
** joining while holding a lock the thread takes is a circular dependency.
**
** pthread_once (and C11's call_once): the once-control is a pseudo-lock
** ("once:<init routine>") held around the init routine, and every call
** waits on it.
**
** pthread_barrier_wait: the barrier ("barrier:<variable>") is waited on, and
** the barrier in turn waits for the parties' progress: the waiter's thread
** lifetime is released during the wait and taken again after it, and the
** barrier gets a dependency on the waiter's thread class. A lock held across the wait
** that a party takes in its phase is then a cycle. docs/design.md explains
** the model.
**
** pthread_join and the barrier calls are looked up with dlsym the first time
** they are used; pthread_once is bound to glibc's __pthread_once.
*/
#include "rt.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../base/log.h"

UD_ALIAS(pthread_once);
int ud_alias_pthread_once(pthread_once_t *ctl, void (*init)(void));
#define ud_real_pthread_once ud_alias_pthread_once

/* ---- real functions ------------------------------------------------------- */

static struct {
	void *join, *barrier_init, *barrier_destroy, *barrier_wait, *thrd_join;
	void *timedjoin_np, *clockjoin_np, *tryjoin_np;
} real;

static void *resolve(void **slot, const char *name)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (ud_likely(p != NULL))
		return p;
	ud_tls.in_runtime++;	/* dlsym may allocate and lock: not ours to judge */
	p = dlvsym(RTLD_NEXT, name, "GLIBC_2.34");
	if (!p)
		p = dlsym(RTLD_NEXT, name);
	ud_tls.in_runtime--;
	if (!p) {
		ud_log_message("ulockdep: internal error: %s not found", name);
		abort();
	}
	__atomic_store_n(slot, p, __ATOMIC_RELEASE);
	return p;
}

#define REAL_SYNC(field, type) ((type)resolve(&real.field, "pthread_" #field))

/* ---- threads: pthread_t -> lifetime class ---------------------------------- */

/*
** Filled by each new thread, read by its joiner. Open addressing on the
** pthread_t; an entry is cleared by the join and re-used for the same value,
** so the table stays as large as the number of thread handles in use at once.
*/
typedef struct tentry {
	pthread_t th;
	ud_class_t *life;	/* NULL once joined */
	ud_instance_t *done;	/* the lock it ended done with (takers.c) */
	uint32_t done_gen;
	bool used;
} tentry_t;

static ud_lock_t tab_lock = UD_LOCK_INIT;
static tentry_t *tab;
static size_t tab_cap, tab_used;

static size_t th_hash(pthread_t th)
{
	uint64_t x = (uint64_t)th * UD_HASH_PHI;
	return (size_t)(x >> 32);
}

/* Slot for th (found, or the empty one to fill); tab_lock held, table not full. */
static tentry_t *tab_slot(pthread_t th)
{
	size_t i = th_hash(th) & (tab_cap - 1);
	while (tab[i].used && !pthread_equal(tab[i].th, th))
		i = (i + 1) & (tab_cap - 1);
	return &tab[i];
}

/*
** List th as a thread of class life. With `if_new`, only if it is not listed
** yet: the creator lists the new thread too, after the thread may have
** listed itself, ended and left what it was done with.
*/
static void tab_put(pthread_t th, ud_class_t *life, bool if_new)
{
	ud_lock_acquire(&tab_lock);
	if ((tab_used + 1) * 2 > tab_cap) {
		size_t ocap = tab_cap;
		tentry_t *old = tab;
		tab_cap = ocap ? ocap * 2 : 64;
		tab = ud_alloc(tab_cap * sizeof *tab);
		for (size_t i = 0; i < ocap; i++)
			if (old[i].used)
				*tab_slot(old[i].th) = old[i];
		ud_free(old, ocap * sizeof *old);
	}
	tentry_t *e = tab_slot(th);
	if (!(if_new && e->used && e->life)) {
		if (!e->used)
			tab_used++;
		e->used = true;
		e->th = th;
		e->life = life;
		e->done = NULL;
	}
	ud_lock_release(&tab_lock);
}

/* The lifetime class of th, and forget it if `clear`; with done, the lock
** it ended done with, if it ended. */
static ud_class_t *tab_get(pthread_t th, bool clear, ud_instance_t **done,
			   uint32_t *gen)
{
	ud_class_t *life = NULL;
	ud_lock_acquire(&tab_lock);
	if (tab_cap) {
		tentry_t *e = tab_slot(th);
		if (e->used) {
			life = e->life;
			if (done) {
				*done = e->done;
				*gen = e->done_gen;
			}
			if (clear)
				e->life = NULL;
		}
	}
	ud_lock_release(&tab_lock);
	return life;
}

void ud_sync_thread_end(ud_instance_t *inst, uint32_t gen)
{
	pthread_t self = pthread_self();
	ud_lock_acquire(&tab_lock);
	if (tab_cap) {
		tentry_t *e = tab_slot(self);
		if (e->used && e->life) {
			e->done = inst;
			e->done_gen = gen;
		}
	}
	ud_lock_release(&tab_lock);
}

/* The lock thread th is done with: asked of the thread while it lives,
** else of what it left at its end (it is listed until it has left that). */
static ud_instance_t *done_with(pthread_t th, ud_class_t *life, const ud_thread_t *joiner,
				uint32_t *gen)
{
	ud_instance_t *done = ud_rt_thread_done_with(th, life, joiner, gen);
	if (!done)
		(void)tab_get(th, false, &done, gen);
	return done;
}

/* ---- fork ----------------------------------------------------------------------- */

/* Our locks are whole in a fork child: taken around fork like the others,
** by init.c's handlers (after the program's prepare handlers, which must run
** with their signals and with none of our locks held). */
void ud_sync_fork_prepare(void)
{
	ud_annotate_fork_prepare();
	ud_lock_acquire(&tab_lock);
}

void ud_sync_fork_parent(void)
{
	ud_lock_release(&tab_lock);
	ud_annotate_fork_parent();
}

void ud_sync_fork_child(void)
{
	ud_lock_reset(&tab_lock);
	ud_annotate_fork_child();
}

/* ---- thread lifetime ------------------------------------------------------------ */

/* Threads created at one place (one stack) are one class; without a stack,
** the start routine keys it. Named "thread:" + the start routine. */
static ud_class_key_t life_key(void *(*start)(void *), ud_stack_id_t created)
{
	ud_class_key_t k = {
		.kind = created ? UD_KEY_INIT_SITE : UD_KEY_USER,
		.key = created ? created : (uintptr_t)start,
		.site = created,
		.addr = (uintptr_t)start,
		.name = "thread:",
	};
	return k;
}

/* The pc lines show for a lifetime: just past the routine's entry, so that
** the symbolizer (which steps back from return addresses) names the routine. */
static uintptr_t start_pc(void *(*start)(void *))
{
	return (uintptr_t)start + 1;
}

ud_class_t *ud_sync_life_class(void *(*start)(void *), ud_stack_id_t created)
{
	ud_class_key_t k = life_key(start, created);
	ud_class_t *c = ud_class_get(&k);
	if (!(ud_class_flags(c) & UD_CLASS_IMPLICIT))
		ud_class_add_flags(c, UD_CLASS_IMPLICIT);
	return c;
}

void ud_sync_thread_created(pthread_t th, ud_class_t *life)
{
	tab_put(th, life, true);
}

void ud_sync_thread_begin(ud_rt_thread_t *ts, void *(*start)(void *),
			  ud_stack_id_t created)
{
	ud_thread_t *t = ts->t;
	if (!t)
		return;
	ud_class_key_t k = life_key(start, created);
	ud_instance_t *inst = ud_instance_create(&ts->life, UD_KIND_PSEUDO, &k);
	ud_class_t *c = ud_instance_class(inst);
	/* Lifetime entries are the runtime's: no held-lock list shows them. */
	if (!(ud_class_flags(c) & UD_CLASS_IMPLICIT))
		ud_class_add_flags(c, UD_CLASS_IMPLICIT);
	ts->start = start;
	ts->life_cls = c;
	tab_put(pthread_self(), c, false);
	ud_acquire(t, inst, UD_MODE_WRITE, 0, start_pc(start));
}

/*
** Wait for threads of class c to end (or progress): the wait is taken on an
** instance of the class that nobody holds, at the class's own address.
*/
static void wait_thread_class(ud_thread_t *t, ud_class_t *c, unsigned flags,
			      uintptr_t pc)
{
	ud_instance_t *inst = ud_rt_instance(c, UD_KIND_PSEUDO, ud_class_key(c), pc);
	ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, flags, NULL, pc);
	(void)ud_release(t, c, pc);
}

/* Join thread th of class c: a wait on its class, which adds no dependency
** from a lock the thread is done with (the done protocol, takers.c). */
static void join_thread(ud_thread_t *t, pthread_t th, ud_class_t *c, uintptr_t pc)
{
	uint32_t gen = 0;
	ud_instance_t *done = done_with(th, c, t, &gen);
	if (!done) {
		wait_thread_class(t, c, UD_ACQ_WAIT, pc);
		return;
	}
	ud_instance_t *inst = ud_rt_instance(c, UD_KIND_PSEUDO, ud_class_key(c), pc);
	ud_acquire_wait_done(t, inst, done, gen, pc);
	(void)ud_release(t, c, pc);
}

/*
** A join of th by `join`, whose arguments past the thread are in `args`: a
** wait on the thread's lifetime class (none for a try, which never waits).
** glibc's other joins (thrd_join, the _np ones) do not go through
** pthread_join, so each is intercepted.
*/
typedef struct join_args {
	void *out;
	const struct timespec *abstime;
	clockid_t clock;
} join_args_t;

static int join_thread_by(pthread_t th, int (*join)(pthread_t, const join_args_t *),
			  const join_args_t *args, int success, bool waits, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	bool waited = !waits;
	ud_thread_t *t = waits ? ud_rt_enter(&ts) : NULL;
	if (t) {
		ud_class_t *life = tab_get(th, false, NULL, NULL);
		if (life)
			join_thread(t, th, life, pc);
		waited = life != NULL;
		ud_rt_leave(ts);
	}
	int rc = join(th, args);
	if (rc == success && (t = ud_rt_enter(&ts)) != NULL) {
		/* A thread joined before it got to register is judged now. */
		ud_class_t *life = tab_get(th, true, NULL, NULL);
		if (life && !waited)
			wait_thread_class(t, life, UD_ACQ_WAIT, pc);
		ud_rt_leave(ts);
	}
	return rc;
}

static int real_pthread_join(pthread_t th, const join_args_t *a)
{
	return REAL_SYNC(join, int (*)(pthread_t, void **))(th, a->out);
}

UD_INTERCEPTOR(int, pthread_join, pthread_t th, void **rv)
{
	/* Inside g_thread_join, the program's call site is GLib's caller. */
	uintptr_t pc = ud_tls.outer_pc ? ud_tls.outer_pc : UD_CALLER_PC();
	join_args_t a = { .out = rv };
	return join_thread_by(th, real_pthread_join, &a, 0, true, pc);
}

static int real_timedjoin(pthread_t th, const join_args_t *a)
{
	return REAL_SYNC(timedjoin_np, int (*)(pthread_t, void **, const struct timespec *))(
		th, a->out, a->abstime);
}

UD_INTERCEPTOR(int, pthread_timedjoin_np, pthread_t th, void **rv,
	       const struct timespec *abstime)
{
	join_args_t a = { .out = rv, .abstime = abstime };
	return join_thread_by(th, real_timedjoin, &a, 0, true, UD_CALLER_PC());
}

static int real_clockjoin(pthread_t th, const join_args_t *a)
{
	return REAL_SYNC(clockjoin_np, int (*)(pthread_t, void **, clockid_t,
					       const struct timespec *))(
		th, a->out, a->clock, a->abstime);
}

UD_INTERCEPTOR(int, pthread_clockjoin_np, pthread_t th, void **rv, clockid_t clock,
	       const struct timespec *abstime)
{
	join_args_t a = { .out = rv, .abstime = abstime, .clock = clock };
	return join_thread_by(th, real_clockjoin, &a, 0, true, UD_CALLER_PC());
}

static int real_tryjoin(pthread_t th, const join_args_t *a)
{
	return REAL_SYNC(tryjoin_np, int (*)(pthread_t, void **))(th, a->out);
}

UD_INTERCEPTOR(int, pthread_tryjoin_np, pthread_t th, void **rv)
{
	join_args_t a = { .out = rv };
	return join_thread_by(th, real_tryjoin, &a, 0, false, UD_CALLER_PC());
}

static int real_thrd_join(pthread_t th, const join_args_t *a)
{
	int (*f)(thrd_t, int *) = (int (*)(thrd_t, int *))resolve(&real.thrd_join,
								  "thrd_join");
	return f((thrd_t)th, a->out);
}

UD_INTERCEPTOR(int, thrd_join, thrd_t th, int *res)
{
	join_args_t a = { .out = res };
	return join_thread_by((pthread_t)th, real_thrd_join, &a, thrd_success, true,
			      UD_CALLER_PC());
}

/* ---- pthread_once --------------------------------------------------------------- */

/* A pthread_once call in progress on this thread (calls may nest). */
struct ud_once_frame {
	pthread_once_t *ctl;
	void (*init)(void);
	ud_instance_t *inst;
	uintptr_t pc;
	struct ud_once_frame *prev;
};

/* Runs the init routine with the once-control held. */
static void once_trampoline(void)
{
	struct ud_once_frame *f = ud_tls.once;
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (t) {
		ud_acquire_as(t, f->inst, NULL, UD_MODE_WRITE, 0, NULL, f->pc);
		ud_rt_leave(ts);
	}
	f->init();
	if (t && (t = ud_rt_enter(&ts)) != NULL) {
		(void)ud_release(t, f->ctl, f->pc);
		ud_rt_leave(ts);
	}
}

static int once_at(pthread_once_t *ctl, void (*init)(void), uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return REAL(pthread_once)(ctl, init);
	ud_class_key_t k = {
		.kind = UD_KEY_USER,
		.key = (uintptr_t)ctl,
		.addr = (uintptr_t)init,
		.name = "once:",
	};
	ud_instance_t *inst = ud_rt_instance(ctl, UD_KIND_PSEUDO, &k, pc);
	ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
	(void)ud_release(t, ctl, pc);
	struct ud_once_frame f = { ctl, init, inst, pc, ts->once };
	ts->once = &f;
	ud_rt_leave(ts);
	int rc = REAL(pthread_once)(ctl, once_trampoline);
	ts->once = f.prev;
	return rc;
}

UD_INTERCEPTOR(int, pthread_once, pthread_once_t *ctl, void (*init)(void))
{
	return once_at(ctl, init, UD_CALLER_PC());
}

/* C11's call_once is glibc's pthread_once on the same word, called inside
** libc where no interposer sees it. */
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once_flag is a pthread_once_t");
UD_INTERCEPTOR(void, call_once, once_flag *flag, void (*init)(void))
{
	(void)once_at((pthread_once_t *)flag, init, UD_CALLER_PC());
}

/* ---- barriers ----------------------------------------------------------------------- */

static ud_instance_t *barrier_instance(pthread_barrier_t *b, uintptr_t pc)
{
	ud_class_key_t k = {
		.kind = UD_KEY_USER,
		.key = (uintptr_t)b,
		.addr = (uintptr_t)b,
		.name = "barrier:",
	};
	return ud_rt_instance(b, UD_KIND_PSEUDO, &k, pc);
}

/* A barrier's identity ends where its object is (re)initialised or destroyed. */
static void barrier_forget(pthread_barrier_t *b, uintptr_t pc)
{
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_destroy(t, b, pc);
	ud_rt_leave(ts);
}

UD_INTERCEPTOR(int, pthread_barrier_init, pthread_barrier_t *b,
	       const pthread_barrierattr_t *a, unsigned count)
{
	uintptr_t pc = UD_CALLER_PC();
	int rc = REAL_SYNC(barrier_init, int (*)(pthread_barrier_t *,
						 const pthread_barrierattr_t *,
						 unsigned))(b, a, count);
	if (rc == 0)
		barrier_forget(b, pc);
	return rc;
}

UD_INTERCEPTOR(int, pthread_barrier_destroy, pthread_barrier_t *b)
{
	barrier_forget(b, UD_CALLER_PC());
	return REAL_SYNC(barrier_destroy, int (*)(pthread_barrier_t *))(b);
}

UD_INTERCEPTOR(int, pthread_barrier_wait, pthread_barrier_t *b)
{
	uintptr_t pc = UD_CALLER_PC();
	ud_rt_thread_t *ts;
	ud_instance_t *life = NULL;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (t) {
		/* The phase this thread ends here is its lifetime so far. */
		if (ts->life_cls && ud_held_mode(t, &ts->life) >= 0) {
			life = ud_instance_lookup(&ts->life);
			(void)ud_release(t, &ts->life, pc);
		}
		ud_instance_t *inst = barrier_instance(b, pc);
		ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
		/* The barrier opens only when the parties of this class come. */
		if (ts->life_cls)
			wait_thread_class(t, ts->life_cls, 0, pc);
		(void)ud_release(t, b, pc);
		ud_rt_leave(ts);
	}
	int rc = REAL_SYNC(barrier_wait, int (*)(pthread_barrier_t *))(b);
	if (life && (t = ud_rt_enter(&ts)) != NULL) {
		/* The next phase: held again, under the locks held across the
		** wait (taken in the phase that just ended) and as a trylock (it
		** waited for nothing). On top, it would make every lock taken
		** next depend on it, and a barrier wait would then seem to wait
		** for what the parties do after the barrier. */
		ud_acquire_bottom(t, life, UD_MODE_WRITE, start_pc(ts->start));
		ud_rt_leave(ts);
	}
	return rc;
}
