/*
** intercept_cond.c: condition waits, pthread and C11. The wait releases the
** mutex and takes it again before it returns; the hook models both before the
** thread blocks. The mutex is held again on return whatever the result, so
** there is nothing to undo. With lock_stat on, the wait is timed and
** counted, and signals and broadcasts are counted (lockstat.c).
**
** A signal or broadcast marks the innermost lock its thread holds: a thread
** whose last act was to signal under L is done with L when joined
** (src/engine/takers.c).
*/
#include "lockstat.h"

#include <errno.h>

/* The real wait `call`, timed when lock_stat is on; timeout: its result
** when the time ran out. */
#define COND_WAIT(cv, m, pc, timeout, call)                                   \
	({                                                                    \
		int crc_;                                                     \
		if (ud_unlikely(ud_lockstat_on)) {                            \
			uint64_t ct0_ = ud_lockstat_now();                    \
			crc_ = (call);                                        \
			ud_lockstat_cond_done(cv, m, crc_ == (timeout), ct0_, pc); \
		} else {                                                      \
			crc_ = (call);                                        \
		}                                                             \
		crc_;                                                         \
	})

UD_INTERCEPTOR(int, pthread_cond_wait, pthread_cond_t *cv, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return COND_WAIT(cv, m, c.pc, -1, REAL(pthread_cond_wait)(cv, m));
}

UD_INTERCEPTOR(int, pthread_cond_timedwait, pthread_cond_t *cv,
	       pthread_mutex_t *m, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return COND_WAIT(cv, m, c.pc, ETIMEDOUT, REAL(pthread_cond_timedwait)(cv, m, ts));
}

UD_INTERCEPTOR(int, pthread_cond_clockwait, pthread_cond_t *cv,
	       pthread_mutex_t *m, clockid_t clk, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return COND_WAIT(cv, m, c.pc, ETIMEDOUT,
			 REAL(pthread_cond_clockwait)(cv, m, clk, ts));
}

UD_INTERCEPTOR(int, cnd_wait, cnd_t *cv, mtx_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return COND_WAIT(cv, m, c.pc, -1, REAL(cnd_wait)(cv, m));
}

UD_INTERCEPTOR(int, cnd_timedwait, cnd_t *cv, mtx_t *m, const struct timespec *ts)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_wait(&c, m, UD_LT_MUTEX);
	return COND_WAIT(cv, m, c.pc, thrd_timedout, REAL(cnd_timedwait)(cv, m, ts));
}


UD_INTERCEPTOR(int, pthread_cond_signal, pthread_cond_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	if (ud_unlikely(ud_lockstat_on))
		ud_lockstat_cond_signal(cv, false, UD_CALLER_PC());
	return REAL(pthread_cond_signal)(cv);
}

UD_INTERCEPTOR(int, pthread_cond_broadcast, pthread_cond_t *cv)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_cond_signal(&c);
	if (ud_unlikely(ud_lockstat_on))
		ud_lockstat_cond_signal(cv, true, UD_CALLER_PC());
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
