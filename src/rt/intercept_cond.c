/*
** intercept_cond.c: condition waits, pthread and C11. The wait releases the
** mutex and takes it again before it returns; the hook models both before the
** thread blocks. The mutex is held again on return whatever the result, so
** there is nothing to undo.
**
** A signal or broadcast marks the innermost lock its thread holds: a thread
** whose last act was to signal under L is done with L when joined
** (src/engine/takers.c).
*/
#include "rt.h"

UD_INTERCEPTOR(int, pthread_cond_wait, pthread_cond_t *cv, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return REAL(pthread_cond_wait)(cv, m);
}

UD_INTERCEPTOR(int, pthread_cond_timedwait, pthread_cond_t *cv,
	       pthread_mutex_t *m, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return REAL(pthread_cond_timedwait)(cv, m, ts);
}

UD_INTERCEPTOR(int, pthread_cond_clockwait, pthread_cond_t *cv,
	       pthread_mutex_t *m, clockid_t clk, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return REAL(pthread_cond_clockwait)(cv, m, clk, ts);
}

UD_INTERCEPTOR(int, cnd_wait, cnd_t *cv, mtx_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return REAL(cnd_wait)(cv, m);
}

UD_INTERCEPTOR(int, cnd_timedwait, cnd_t *cv, mtx_t *m, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return REAL(cnd_timedwait)(cv, m, ts);
}

UD_INTERCEPTOR(int, pthread_cond_signal, pthread_cond_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	return REAL(pthread_cond_signal)(cv);
}

UD_INTERCEPTOR(int, pthread_cond_broadcast, pthread_cond_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	return REAL(pthread_cond_broadcast)(cv);
}

UD_INTERCEPTOR(int, cnd_signal, cnd_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	return REAL(cnd_signal)(cv);
}

UD_INTERCEPTOR(int, cnd_broadcast, cnd_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	return REAL(cnd_broadcast)(cv);
}
