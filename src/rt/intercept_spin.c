/*
** intercept_spin.c: pthread_spin_* interceptors, in the shape of rt.h.
*/
#include "hooks_fast.h"

UD_INTERCEPTOR(int, pthread_spin_init, pthread_spinlock_t *s, int pshared)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(pthread_spin_init)(s, pshared);
	if (rc == 0)
		ud_hook_init(&c, (const void *)s, UD_LT_SPIN);
	return rc;
}

UD_INTERCEPTOR(int, pthread_spin_destroy, pthread_spinlock_t *s)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_destroy(&c, (const void *)s);
	return REAL(pthread_spin_destroy)(s);
}

UD_INTERCEPTOR(int, pthread_spin_lock, pthread_spinlock_t *s)
{
	ud_instance_t *inst = ud_hook_lock((const void *)s, UD_LT_SPIN, UD_HOOK_WRITE, 0,
					    UD_CALLER_PC());
	int rc = UD_WAIT(s, REAL(pthread_spin_lock)(s));
	ud_hook_lock_done(inst, rc == 0);
	return rc;
}

UD_INTERCEPTOR(int, pthread_spin_trylock, pthread_spinlock_t *s)
{
	int rc = REAL(pthread_spin_trylock)(s);
	if (rc == 0)
		ud_hook_trylock((const void *)s, UD_LT_SPIN, UD_HOOK_WRITE, UD_CALLER_PC());
	return rc;
}

UD_INTERCEPTOR(int, pthread_spin_unlock, pthread_spinlock_t *s)
{
	ud_thread_t *t;
	if (!ud_hook_release_fast((const void *)s, &t))
		ud_hook_unlock((const void *)s, UD_CALLER_PC());
	return REAL(pthread_spin_unlock)(s);
}
