/*
** abba_inline.c: two threads take lock_a and lock_b in opposite orders, one
** after the other (so the run never hangs). forward() takes lock_b through
** an always-inlined helper, so its link of the chain must show the helper as
** an [inline] frame. The MARK comments name the lines the tests look for.
*/
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static inline __attribute__((always_inline)) void take_b_inl(void)
{
	pthread_mutex_lock(&lock_b); /* MARK:inl_b */
}

__attribute__((noinline, noclone)) void *forward(void *arg)
{
	pthread_mutex_lock(&lock_a); /* MARK:fwd_a */
	take_b_inl(); /* MARK:fwd_call */
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	__asm__ volatile("" ::: "memory");	/* no tail call */
	return arg;
}

__attribute__((noinline, noclone)) void *backward(void *arg)
{
	pthread_mutex_lock(&lock_b); /* MARK:bwd_b */
	pthread_mutex_lock(&lock_a); /* MARK:bwd_a */
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	__asm__ volatile("" ::: "memory");
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, forward, NULL) || pthread_join(t, NULL))
		abort();
	if (pthread_create(&t, NULL, backward, NULL) || pthread_join(t, NULL))
		abort();
	return 0;
}
