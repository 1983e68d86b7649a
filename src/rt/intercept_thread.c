/*
** intercept_thread.c: thread birth, death and naming. pthread_create starts
** the new thread in a trampoline (thread.c) that registers it with the engine,
** with its creator and creation stack. pthread_exit is not intercepted: it
** unwinds the thread, running its cleanup handlers and (C++) destructors,
** which may release locks, and the thread ends for the engine after them,
** in thread.c's key destructor, as a cancelled thread does (thrd_exit
** too). glibc's thrd_create does not go through pthread_create: it has its
** own interceptor.
*/
#include "rt.h"

UD_INTERCEPTOR(int, pthread_create, pthread_t *th, const pthread_attr_t *a,
	       void *(*start)(void *), void *arg)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_thread_create(&c, &start, &arg);
	int rc = REAL(pthread_create)(th, a, start, arg);
	ud_hook_thread_create_done(&c, arg, rc == 0 ? th : NULL);
	return rc;
}

UD_INTERCEPTOR(int, thrd_create, thrd_t *th, thrd_start_t func, void *arg)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_thrd_create(&c, &func, &arg);
	int rc = REAL(thrd_create)(th, func, arg);
	ud_hook_thread_create_done(&c, arg, rc == thrd_success ? (pthread_t *)th : NULL);
	return rc;
}

UD_INTERCEPTOR(int, pthread_setname_np, pthread_t th, const char *name)
{
	int rc = REAL(pthread_setname_np)(th, name);
	if (rc == 0)
		ud_hook_thread_setname(th, name);
	return rc;
}
