/*
** dl_lib.c: a shared library, loaded with dlopen by dl_main.c, whose own
** functions take two locks in both orders. The lock calls are in the
** library, so the report's frames must come from it.
*/
#include <pthread.h>

static pthread_mutex_t dl_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t dl_b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void dl_forward(void)
{
	pthread_mutex_lock(&dl_a);
	pthread_mutex_lock(&dl_b); /* MARK:dl_fwd_b */
	pthread_mutex_unlock(&dl_b);
	pthread_mutex_unlock(&dl_a);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void dl_backward(void)
{
	pthread_mutex_lock(&dl_b);
	pthread_mutex_lock(&dl_a); /* MARK:dl_bwd_a */
	pthread_mutex_unlock(&dl_a);
	pthread_mutex_unlock(&dl_b);
	__asm__ volatile("" ::: "memory");
}
