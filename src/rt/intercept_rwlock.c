/*
** intercept_rwlock.c: pthread_rwlock_* interceptors, in the shape of rt.h.
** Whether readers are recursive is the hooks' business (the lock's kind).
*/
#include "hooks_fast.h"

UD_INTERCEPTOR(int, pthread_rwlock_init, pthread_rwlock_t *l,
	       const pthread_rwlockattr_t *a)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(pthread_rwlock_init)(l, a);
	if (rc == 0)
		ud_hook_init(&c, l, UD_LT_RWLOCK);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_destroy, pthread_rwlock_t *l)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_destroy(&c, l);
	ud_rwlock_hint_clear(l);	/* glibc's destroy changes nothing (glibc.h) */
	return REAL(pthread_rwlock_destroy)(l);
}

UD_INTERCEPTOR(int, pthread_rwlock_rdlock, pthread_rwlock_t *l)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_READ, 0, UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_rdlock)(l));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_tryrdlock, pthread_rwlock_t *l)
{
	int rc = REAL(pthread_rwlock_tryrdlock)(l);
	if (rc == 0)
		ud_hook_rwlock_trylock(l, UD_HOOK_READ, UD_CALLER_PC());
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_timedrdlock, pthread_rwlock_t *l,
	       const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_READ, UD_ACQ_TIMED,
						   UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_timedrdlock)(l, ts));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_clockrdlock, pthread_rwlock_t *l,
	       clockid_t clk, const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_READ, UD_ACQ_TIMED,
						   UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_clockrdlock)(l, clk, ts));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_wrlock, pthread_rwlock_t *l)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_WRITE, 0, UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_wrlock)(l));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_trywrlock, pthread_rwlock_t *l)
{
	int rc = REAL(pthread_rwlock_trywrlock)(l);
	if (rc == 0)
		ud_hook_rwlock_trylock(l, UD_HOOK_WRITE, UD_CALLER_PC());
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_timedwrlock, pthread_rwlock_t *l,
	       const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_WRITE, UD_ACQ_TIMED,
						   UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_timedwrlock)(l, ts));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_rwlock_clockwrlock, pthread_rwlock_t *l,
	       clockid_t clk, const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_rwlock_lock(l, UD_HOOK_WRITE, UD_ACQ_TIMED,
						   UD_CALLER_PC());
	int rc = UD_WAIT(l, REAL(pthread_rwlock_clockwrlock)(l, clk, ts));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

static __attribute__((noinline)) int rwlock_unlock_hooked(pthread_rwlock_t *l,
							  ud_thread_t *t, uintptr_t pc)
{
	if (!ud_hook_release_under_top(t, l) &&
	    !(ud_hook_release_stale_may(t) && ud_hook_release_stale(t, l)))
		ud_hook_unlock(l, pc);
	return REAL(pthread_rwlock_unlock)(l);
}

UD_INTERCEPTOR(int, pthread_rwlock_unlock, pthread_rwlock_t *l)
{
	ud_thread_t *t;
	if (ud_hook_release_fast(l, &t))
		return REAL(pthread_rwlock_unlock)(l);
	return rwlock_unlock_hooked(l, t, UD_CALLER_PC());
}
