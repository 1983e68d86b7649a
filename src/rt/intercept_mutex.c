/*
** intercept_mutex.c: pthread_mutex_* interceptors. No logic here: each one
** runs the hooks around REAL() in the shape described in rt.h.
*/
#include "rt.h"

#include <errno.h>

/* A blocking or timed mutex lock took the lock (EOWNERDEAD: taken, owner died). */
static inline bool mutex_taken(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

UD_INTERCEPTOR(int, pthread_mutex_init, pthread_mutex_t *m,
	       const pthread_mutexattr_t *a)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(pthread_mutex_init)(m, a);
	if (rc == 0)
		ud_hook_init(&c, m, UD_LT_MUTEX);
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_destroy, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_destroy(&c, m);
	return REAL(pthread_mutex_destroy)(m);
}

UD_INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_lock(&c, m, UD_LT_MUTEX, UD_HOOK_WRITE, 0);
	int rc = REAL(pthread_mutex_lock)(m);
	ud_hook_lock_done(&c, mutex_taken(rc));
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_trylock, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(pthread_mutex_trylock)(m);
	if (mutex_taken(rc))
		ud_hook_trylock(&c, m, UD_LT_MUTEX, UD_HOOK_WRITE);
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_timedlock, pthread_mutex_t *m,
	       const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_lock(&c, m, UD_LT_MUTEX, UD_HOOK_WRITE, UD_ACQ_TIMED);
	int rc = REAL(pthread_mutex_timedlock)(m, ts);
	ud_hook_lock_done(&c, mutex_taken(rc));
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_clocklock, pthread_mutex_t *m, clockid_t clk,
	       const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_lock(&c, m, UD_LT_MUTEX, UD_HOOK_WRITE, UD_ACQ_TIMED);
	int rc = REAL(pthread_mutex_clocklock)(m, clk, ts);
	ud_hook_lock_done(&c, mutex_taken(rc));
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_unlock, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_unlock(&c, m);
	return REAL(pthread_mutex_unlock)(m);
}
