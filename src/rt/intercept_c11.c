/*
** intercept_c11.c: C11 mtx_* interceptors. glibc's mtx_lock calls its internal
** mutex functions directly, not the interposed pthread_mutex_lock, so C11 locks
** need their own interceptors. An mtx_t holds a pthread_mutex_t, whose kind
** the hooks read (mtx_recursive gives a recursive mutex, the rest normal ones).
*/
#include "hooks_fast.h"

UD_INTERCEPTOR(int, mtx_init, mtx_t *m, int type)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(mtx_init)(m, type);
	if (rc == thrd_success)
		ud_hook_init(&c, m, UD_LT_MUTEX);
	return rc;
}

UD_INTERCEPTOR(void, mtx_destroy, mtx_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_destroy(&c, m);
	REAL(mtx_destroy)(m);
}

static __attribute__((noinline)) int mtx_lock_hooked(mtx_t *m, uintptr_t pc)
{
	ud_instance_t *inst = ud_hook_mutex_lock((pthread_mutex_t *)m, 0, pc);
	int rc = UD_WAIT(m, REAL(mtx_lock)(m));
	ud_hook_lock_done(inst, rc == thrd_success);
	return rc;
}

UD_INTERCEPTOR(int, mtx_lock, mtx_t *m)
{
	int tid;
	if (ud_hook_mutex_lock_plain((pthread_mutex_t *)m, UD_CALLER_PC(), &tid)) {
		if (ud_plain_mutex_trylock((pthread_mutex_t *)m, tid))
			return thrd_success;
		return UD_WAIT(m, REAL(mtx_lock)(m));
	}
	return mtx_lock_hooked(m, UD_CALLER_PC());
}

UD_INTERCEPTOR(int, mtx_timedlock, mtx_t *restrict m,
	       const struct timespec *restrict ts)
{
	ud_instance_t *inst = ud_hook_mutex_lock((pthread_mutex_t *)m, UD_ACQ_TIMED,
						  UD_CALLER_PC());
	int rc = UD_WAIT(m, REAL(mtx_timedlock)(m, ts));
	ud_hook_lock_done(inst, rc == thrd_success);
	return rc;
}

UD_INTERCEPTOR(int, mtx_trylock, mtx_t *m)
{
	int rc = REAL(mtx_trylock)(m);
	if (rc == thrd_success)
		ud_hook_mutex_trylock((pthread_mutex_t *)m, UD_CALLER_PC());
	return rc;
}

/* The real unlock: the interceptor's own for a plain mutex, else glibc's. */
static inline __attribute__((always_inline)) int mtx_unlock_real(mtx_t *m)
{
	pthread_mutex_t *pm = (pthread_mutex_t *)m;
	if (ud_plain_mutex_kind(ud_mutex_raw_kind(pm))) {
		_Static_assert(thrd_success == 0, "glibc's thrd_success is 0");
		return ud_plain_mutex_unlock(pm);
	}
	return REAL(mtx_unlock)(m);
}

static __attribute__((noinline)) int mtx_unlock_slow(mtx_t *m, uintptr_t pc)
{
	ud_hook_mutex_unlock((pthread_mutex_t *)m, pc);
	return mtx_unlock_real(m);
}

static __attribute__((noinline)) int mtx_unlock_hooked(mtx_t *m, ud_thread_t *t,
						       uintptr_t pc)
{
	if (ud_hook_release_under_top(t, m))
		return mtx_unlock_real(m);
	return mtx_unlock_slow(m, pc);
}

UD_INTERCEPTOR(int, mtx_unlock, mtx_t *m)
{
	ud_thread_t *t;
	if (ud_hook_release_fast(m, &t))
		return mtx_unlock_real(m);
	return mtx_unlock_hooked(m, t, UD_CALLER_PC());
}
