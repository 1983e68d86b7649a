/*
** real.c: the real functions behind the interceptors, as REAL(name).
**
** Lock calls are libc's own definitions, found in libc's handle (or
** libpthread's, before glibc 2.34), not the next definition in the lookup
** order: a sanitizer's runtime loaded before ours (linked into the program
** by clang, or preloaded first) intercepts some of them, and the runtime
** must reach glibc whatever the order. Calls a sanitizer must see to work
** (pthread_create, thrd_create, pthread_setname_np) are the next definition
** (dlsym(RTLD_NEXT)), as are the other interceptors' real calls.
**
** Until the lookup is done, the most used lock calls go to glibc's internal
** aliases bound at link time (rt.h), which work before any initialisation.
** The lookup may allocate, and an allocator may take locks that come back
** here: while it runs, calls to a function not resolved yet take a fallback
** built on those (a trylock loop for timed locks, a spurious wake-up for
** condition waits, glibc's own spinlock representation for spinlocks). Every
** fallback keeps the POSIX meaning of the call.
*/
#include "rt.h"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "../base/libc.h"
#include "../base/lock.h"

/* Only used by the C11 fallbacks; not intercepted. */
int ud_alias_pthread_mutexattr_init(pthread_mutexattr_t *a);
int ud_alias_pthread_mutexattr_settype(pthread_mutexattr_t *a, int type);
int ud_alias_pthread_mutexattr_destroy(pthread_mutexattr_t *a);
UD_ALIAS(pthread_mutexattr_init);
UD_ALIAS(pthread_mutexattr_settype);
UD_ALIAS(pthread_mutexattr_destroy);

/* ---- the most used lock calls ------------------------------------------- */

int ud_alias_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int ud_alias_pthread_mutex_destroy(pthread_mutex_t *m);
int ud_alias_pthread_mutex_lock(pthread_mutex_t *m);
int ud_alias_pthread_mutex_trylock(pthread_mutex_t *m);
int ud_alias_pthread_mutex_unlock(pthread_mutex_t *m);
int ud_alias_pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a);
int ud_alias_pthread_rwlock_destroy(pthread_rwlock_t *l);
int ud_alias_pthread_rwlock_rdlock(pthread_rwlock_t *l);
int ud_alias_pthread_rwlock_tryrdlock(pthread_rwlock_t *l);
int ud_alias_pthread_rwlock_wrlock(pthread_rwlock_t *l);
int ud_alias_pthread_rwlock_trywrlock(pthread_rwlock_t *l);
int ud_alias_pthread_rwlock_unlock(pthread_rwlock_t *l);
UD_ALIAS(pthread_mutex_init);
UD_ALIAS(pthread_mutex_destroy);
UD_ALIAS(pthread_mutex_lock);
UD_ALIAS(pthread_mutex_trylock);
UD_ALIAS(pthread_mutex_unlock);
UD_ALIAS(pthread_rwlock_init);
UD_ALIAS(pthread_rwlock_destroy);
UD_ALIAS(pthread_rwlock_rdlock);
UD_ALIAS(pthread_rwlock_tryrdlock);
UD_ALIAS(pthread_rwlock_wrlock);
UD_ALIAS(pthread_rwlock_trywrlock);
UD_ALIAS(pthread_rwlock_unlock);

ud_real_locks_t ud_real_locks = {
	.mutex_init = ud_alias_pthread_mutex_init,
	.mutex_destroy = ud_alias_pthread_mutex_destroy,
	.mutex_lock = ud_alias_pthread_mutex_lock,
	.mutex_trylock = ud_alias_pthread_mutex_trylock,
	.mutex_unlock = ud_alias_pthread_mutex_unlock,
	.rwlock_init = ud_alias_pthread_rwlock_init,
	.rwlock_destroy = ud_alias_pthread_rwlock_destroy,
	.rwlock_rdlock = ud_alias_pthread_rwlock_rdlock,
	.rwlock_tryrdlock = ud_alias_pthread_rwlock_tryrdlock,
	.rwlock_wrlock = ud_alias_pthread_rwlock_wrlock,
	.rwlock_trywrlock = ud_alias_pthread_rwlock_trywrlock,
	.rwlock_unlock = ud_alias_pthread_rwlock_unlock,
};

/* ---- looked-up functions ------------------------------------------------ */

static struct {
	int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*spin_init)(pthread_spinlock_t *, int);
	int (*spin_destroy)(pthread_spinlock_t *);
	int (*spin_lock)(pthread_spinlock_t *);
	int (*spin_trylock)(pthread_spinlock_t *);
	int (*spin_unlock)(pthread_spinlock_t *);
	int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
			      const struct timespec *);
	int (*mtx_init)(mtx_t *, int);
	int (*mtx_lock)(mtx_t *);
	int (*mtx_timedlock)(mtx_t *, const struct timespec *);
	int (*mtx_trylock)(mtx_t *);
	int (*mtx_unlock)(mtx_t *);
	void (*mtx_destroy)(mtx_t *);
	int (*cond_signal)(pthread_cond_t *);
	int (*cond_broadcast)(pthread_cond_t *);
	int (*cnd_signal)(cnd_t *);
	int (*cnd_broadcast)(cnd_t *);
	int (*cnd_wait)(cnd_t *, mtx_t *);
	int (*cnd_timedwait)(cnd_t *, mtx_t *, const struct timespec *);
	int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*setname)(pthread_t, const char *);
	int (*thrd_create)(thrd_t *, thrd_start_t, void *);
} real;

/* 0: not looked up, 1: lookup running, 2: done. */
static _Atomic int resolve_state;
static _Atomic int resolver_tid;

/* A lock call: libc's default version, else the next definition. */
static void *lock_sym(const char *name)
{
	void *p = ud_libc_sym(name, NULL);
	return p ? p : dlsym(RTLD_NEXT, name);
}

/* The POSIX condition calls, not the pre-2.3.2 compat ones. */
static void *cond_sym(const char *name)
{
	void *p = ud_libc_sym(name, "GLIBC_2.3.2");
	return p ? p : lock_sym(name);
}

/* A call the sanitizers must see: the next definition. */
static void *sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

#define SET(field, expr) \
	atomic_store_explicit((_Atomic(void *) *)(void *)&real.field, (expr), \
			      memory_order_release)
#define GET(field) \
	((__typeof__(real.field))atomic_load_explicit( \
		(_Atomic(void *) *)(void *)&real.field, memory_order_acquire))

void ud_real_init(void)
{
	int expect = 0;
	if (atomic_load_explicit(&resolve_state, memory_order_acquire) == 2 ||
	    !atomic_compare_exchange_strong(&resolve_state, &expect, 1))
		return;	/* done, or running (maybe on this very thread): fallbacks */
	atomic_store(&resolver_tid, ud_gettid());

	/* Replaced only when found: a lookup that fails keeps the alias. */
#define SET_LOCK(field, name) do { \
		void *p_ = lock_sym(name); \
		if (p_) \
			__atomic_store_n((void **)(void *)&ud_real_locks.field, p_, \
					 __ATOMIC_RELAXED); \
	} while (0)
	SET_LOCK(mutex_init, "pthread_mutex_init");
	SET_LOCK(mutex_destroy, "pthread_mutex_destroy");
	SET_LOCK(mutex_lock, "pthread_mutex_lock");
	SET_LOCK(mutex_trylock, "pthread_mutex_trylock");
	SET_LOCK(mutex_unlock, "pthread_mutex_unlock");
	SET_LOCK(rwlock_init, "pthread_rwlock_init");
	SET_LOCK(rwlock_destroy, "pthread_rwlock_destroy");
	SET_LOCK(rwlock_rdlock, "pthread_rwlock_rdlock");
	SET_LOCK(rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
	SET_LOCK(rwlock_wrlock, "pthread_rwlock_wrlock");
	SET_LOCK(rwlock_trywrlock, "pthread_rwlock_trywrlock");
	SET_LOCK(rwlock_unlock, "pthread_rwlock_unlock");
#undef SET_LOCK
	SET(mutex_timedlock, lock_sym("pthread_mutex_timedlock"));
	SET(mutex_clocklock, lock_sym("pthread_mutex_clocklock"));
	SET(rwlock_timedrdlock, lock_sym("pthread_rwlock_timedrdlock"));
	SET(rwlock_clockrdlock, lock_sym("pthread_rwlock_clockrdlock"));
	SET(rwlock_timedwrlock, lock_sym("pthread_rwlock_timedwrlock"));
	SET(rwlock_clockwrlock, lock_sym("pthread_rwlock_clockwrlock"));
	SET(spin_init, lock_sym("pthread_spin_init"));
	SET(spin_destroy, lock_sym("pthread_spin_destroy"));
	SET(spin_lock, lock_sym("pthread_spin_lock"));
	SET(spin_trylock, lock_sym("pthread_spin_trylock"));
	SET(spin_unlock, lock_sym("pthread_spin_unlock"));
	SET(cond_wait, cond_sym("pthread_cond_wait"));
	SET(cond_timedwait, cond_sym("pthread_cond_timedwait"));
	SET(cond_clockwait, lock_sym("pthread_cond_clockwait"));
	SET(mtx_init, lock_sym("mtx_init"));
	SET(mtx_lock, lock_sym("mtx_lock"));
	SET(mtx_timedlock, lock_sym("mtx_timedlock"));
	SET(mtx_trylock, lock_sym("mtx_trylock"));
	SET(mtx_unlock, lock_sym("mtx_unlock"));
	SET(mtx_destroy, lock_sym("mtx_destroy"));
	SET(cond_signal, cond_sym("pthread_cond_signal"));
	SET(cond_broadcast, cond_sym("pthread_cond_broadcast"));
	SET(cnd_signal, lock_sym("cnd_signal"));
	SET(cnd_broadcast, lock_sym("cnd_broadcast"));
	SET(cnd_wait, lock_sym("cnd_wait"));
	SET(cnd_timedwait, lock_sym("cnd_timedwait"));
	SET(create, sym("pthread_create"));
	SET(setname, sym("pthread_setname_np"));
	SET(thrd_create, sym("thrd_create"));
	atomic_store_explicit(&resolve_state, 2, memory_order_release);
}

/* The looked-up function, or NULL while the lookup runs (take the fallback). */
#define RESOLVED(field) \
	(ud_likely(GET(field) != NULL) ? GET(field) : (ud_real_init(), GET(field)))

/* ---- fallbacks ------------------------------------------------------------- */

static bool deadline_passed(clockid_t clk, const struct timespec *abs)
{
	struct timespec now;
	if (clock_gettime(clk, &now) != 0)
		return true;
	return now.tv_sec > abs->tv_sec ||
	       (now.tv_sec == abs->tv_sec && now.tv_nsec >= abs->tv_nsec);
}

/* A timed lock as a trylock loop; the deadline is checked as the real call does. */
static int timed_by_try(int (*try)(void *), void *lock, clockid_t clk,
			const struct timespec *abs)
{
	for (;;) {
		int rc = try(lock);
		if (rc != EBUSY)
			return rc;
		if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)
			return EINVAL;
		if (deadline_passed(clk, abs))
			return ETIMEDOUT;
		sched_yield();
	}
}

static int try_mutex(void *m) { return ud_real_pthread_mutex_trylock(m); }
static int try_rd(void *l) { return ud_real_pthread_rwlock_tryrdlock(l); }
static int try_wr(void *l) { return ud_real_pthread_rwlock_trywrlock(l); }

/* glibc's spinlock word: x86_64 counts down from 1 (free), others use 0 (free). */
#if defined(__x86_64__)
#define SPIN_FREE 1
#define SPIN_TAKEN 0
#else
#define SPIN_FREE 0
#define SPIN_TAKEN 1
#endif

static int spin_try(pthread_spinlock_t *s)
{
	int expect = SPIN_FREE;
	return __atomic_compare_exchange_n((int *)s, &expect, SPIN_TAKEN, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)
		       ? 0 : EBUSY;
}

/* ---- the REAL() entry points ----------------------------------------------- */

int ud_real_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *ts)
{
	__typeof__(real.mutex_timedlock) f = RESOLVED(mutex_timedlock);
	return f ? f(m, ts) : timed_by_try(try_mutex, m, CLOCK_REALTIME, ts);
}

int ud_real_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
				    const struct timespec *ts)
{
	__typeof__(real.mutex_clocklock) f = RESOLVED(mutex_clocklock);
	return f ? f(m, clk, ts) : timed_by_try(try_mutex, m, clk, ts);
}

int ud_real_pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *ts)
{
	__typeof__(real.rwlock_timedrdlock) f = RESOLVED(rwlock_timedrdlock);
	return f ? f(l, ts) : timed_by_try(try_rd, l, CLOCK_REALTIME, ts);
}

int ud_real_pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk,
				       const struct timespec *ts)
{
	__typeof__(real.rwlock_clockrdlock) f = RESOLVED(rwlock_clockrdlock);
	return f ? f(l, clk, ts) : timed_by_try(try_rd, l, clk, ts);
}

int ud_real_pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *ts)
{
	__typeof__(real.rwlock_timedwrlock) f = RESOLVED(rwlock_timedwrlock);
	return f ? f(l, ts) : timed_by_try(try_wr, l, CLOCK_REALTIME, ts);
}

int ud_real_pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk,
				       const struct timespec *ts)
{
	__typeof__(real.rwlock_clockwrlock) f = RESOLVED(rwlock_clockwrlock);
	return f ? f(l, clk, ts) : timed_by_try(try_wr, l, clk, ts);
}

int ud_real_pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	__typeof__(real.spin_init) f = RESOLVED(spin_init);
	if (f)
		return f(s, pshared);
	__atomic_store_n((int *)s, SPIN_FREE, __ATOMIC_RELEASE);
	return 0;
}

int ud_real_pthread_spin_destroy(pthread_spinlock_t *s)
{
	__typeof__(real.spin_destroy) f = RESOLVED(spin_destroy);
	return f ? f(s) : 0;
}

int ud_real_pthread_spin_lock(pthread_spinlock_t *s)
{
	__typeof__(real.spin_lock) f = RESOLVED(spin_lock);
	if (f)
		return f(s);
	while (spin_try(s) != 0)
		sched_yield();
	return 0;
}

int ud_real_pthread_spin_trylock(pthread_spinlock_t *s)
{
	__typeof__(real.spin_trylock) f = RESOLVED(spin_trylock);
	return f ? f(s) : spin_try(s);
}

int ud_real_pthread_spin_unlock(pthread_spinlock_t *s)
{
	__typeof__(real.spin_unlock) f = RESOLVED(spin_unlock);
	if (f)
		return f(s);
	__atomic_store_n((int *)s, SPIN_FREE, __ATOMIC_RELEASE);
	return 0;
}

/* A condition wait may always wake spuriously: drop the mutex, yield, retake. */
static int spurious_wake(pthread_mutex_t *m)
{
	int rc = ud_real_pthread_mutex_unlock(m);
	if (rc != 0)
		return rc;
	sched_yield();
	rc = ud_real_pthread_mutex_lock(m);
	return rc == EOWNERDEAD ? rc : 0;
}

int ud_real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	__typeof__(real.cond_wait) f = RESOLVED(cond_wait);
	return f ? f(c, m) : spurious_wake(m);
}

int ud_real_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				   const struct timespec *ts)
{
	__typeof__(real.cond_timedwait) f = RESOLVED(cond_timedwait);
	return f ? f(c, m, ts) : spurious_wake(m);
}

int ud_real_pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
				   clockid_t clk, const struct timespec *ts)
{
	__typeof__(real.cond_clockwait) f = RESOLVED(cond_clockwait);
	return f ? f(c, m, clk, ts) : spurious_wake(m);
}

/* C11 calls on glibc are its pthread calls on the same object (mtx_t wraps a
** pthread_mutex_t); the fallbacks do the same through the aliases. */
static int thrd_result(int rc)
{
	return rc == 0 ? thrd_success : rc == EBUSY ? thrd_busy
	       : rc == ETIMEDOUT ? thrd_timedout : thrd_error;
}

int ud_real_mtx_init(mtx_t *m, int type)
{
	__typeof__(real.mtx_init) f = RESOLVED(mtx_init);
	if (f)
		return f(m, type);
	pthread_mutexattr_t a;
	ud_alias_pthread_mutexattr_init(&a);
	if (type & mtx_recursive)
		ud_alias_pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	int rc = ud_real_pthread_mutex_init((pthread_mutex_t *)m, &a);
	ud_alias_pthread_mutexattr_destroy(&a);
	return thrd_result(rc);
}

int ud_real_mtx_lock(mtx_t *m)
{
	__typeof__(real.mtx_lock) f = RESOLVED(mtx_lock);
	return f ? f(m) : thrd_result(ud_real_pthread_mutex_lock((pthread_mutex_t *)m));
}

int ud_real_mtx_timedlock(mtx_t *m, const struct timespec *ts)
{
	__typeof__(real.mtx_timedlock) f = RESOLVED(mtx_timedlock);
	return f ? f(m, ts)
		 : thrd_result(timed_by_try(try_mutex, m, CLOCK_REALTIME, ts));
}

int ud_real_mtx_trylock(mtx_t *m)
{
	__typeof__(real.mtx_trylock) f = RESOLVED(mtx_trylock);
	return f ? f(m) : thrd_result(ud_real_pthread_mutex_trylock((pthread_mutex_t *)m));
}

int ud_real_mtx_unlock(mtx_t *m)
{
	__typeof__(real.mtx_unlock) f = RESOLVED(mtx_unlock);
	return f ? f(m) : thrd_result(ud_real_pthread_mutex_unlock((pthread_mutex_t *)m));
}

void ud_real_mtx_destroy(mtx_t *m)
{
	__typeof__(real.mtx_destroy) f = RESOLVED(mtx_destroy);
	if (f)
		f(m);
	else
		ud_real_pthread_mutex_destroy((pthread_mutex_t *)m);
}

/* A wake-up cannot be skipped: while the lookup runs, look the call up alone. */
int ud_real_pthread_cond_signal(pthread_cond_t *c)
{
	__typeof__(real.cond_signal) f = RESOLVED(cond_signal);
	if (!f)
		f = (__typeof__(f))cond_sym("pthread_cond_signal");
	return f(c);
}

int ud_real_pthread_cond_broadcast(pthread_cond_t *c)
{
	__typeof__(real.cond_broadcast) f = RESOLVED(cond_broadcast);
	if (!f)
		f = (__typeof__(f))cond_sym("pthread_cond_broadcast");
	return f(c);
}

int ud_real_cnd_signal(cnd_t *c)
{
	__typeof__(real.cnd_signal) f = RESOLVED(cnd_signal);
	return f ? f(c) : thrd_result(ud_real_pthread_cond_signal((pthread_cond_t *)c));
}

int ud_real_cnd_broadcast(cnd_t *c)
{
	__typeof__(real.cnd_broadcast) f = RESOLVED(cnd_broadcast);
	return f ? f(c) : thrd_result(ud_real_pthread_cond_broadcast((pthread_cond_t *)c));
}

int ud_real_cnd_wait(cnd_t *c, mtx_t *m)
{
	__typeof__(real.cnd_wait) f = RESOLVED(cnd_wait);
	return f ? f(c, m) : thrd_result(spurious_wake((pthread_mutex_t *)m));
}

int ud_real_cnd_timedwait(cnd_t *c, mtx_t *m, const struct timespec *ts)
{
	__typeof__(real.cnd_timedwait) f = RESOLVED(cnd_timedwait);
	return f ? f(c, m, ts) : thrd_result(spurious_wake((pthread_mutex_t *)m));
}

/*
** These have no fallback: wait for a lookup running on another thread. The
** lookup thread itself never gets here (dlsym starts no thread).
*/
static void wait_resolved(void)
{
	ud_real_init();
	while (atomic_load_explicit(&resolve_state, memory_order_acquire) != 2 &&
	       atomic_load(&resolver_tid) != ud_gettid())
		sched_yield();
}

int ud_real_pthread_create(pthread_t *th, const pthread_attr_t *a,
			   void *(*start)(void *), void *arg)
{
	wait_resolved();
	__typeof__(real.create) f = GET(create);
	return f ? f(th, a, start, arg) : EAGAIN;
}

int ud_real_thrd_create(thrd_t *th, thrd_start_t func, void *arg)
{
	wait_resolved();
	__typeof__(real.thrd_create) f = GET(thrd_create);
	return f ? f(th, func, arg) : thrd_error;
}

int ud_real_pthread_setname_np(pthread_t th, const char *name)
{
	wait_resolved();
	__typeof__(real.setname) f = GET(setname);
	return f ? f(th, name) : ENOSYS;
}
