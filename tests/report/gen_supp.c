/*
** gen_supp.c: five problems, each in a function of its own, two of them of
** one kind: an inversion of a and b (closed in ab_backward), an inversion of
** c and d (closed in cd_backward), the release of a lock not held
** (release_unheld), a failed ulockdep_assert_held (assert_unheld; no frame
** rule covers assertions) and a lock held when a thread ends (keeper). It
** exits with 3, so that a test can tell the program's own status from
** ulockdep's.
*/
#include <pthread.h>
#include <stdlib.h>

#include "ulockdep.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t unheld = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t asserted = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t kept = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void ab_forward(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

__attribute__((noinline)) void ab_backward(void)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

__attribute__((noinline)) void cd_forward(void)
{
	pthread_mutex_lock(&c);
	pthread_mutex_lock(&d);
	pthread_mutex_unlock(&d);
	pthread_mutex_unlock(&c);
}

__attribute__((noinline)) void cd_backward(void)
{
	pthread_mutex_lock(&d);
	pthread_mutex_lock(&c);
	pthread_mutex_unlock(&c);
	pthread_mutex_unlock(&d);
}

__attribute__((noinline)) void release_unheld(void)
{
	pthread_mutex_lock(&unheld);
	pthread_mutex_unlock(&unheld);
	pthread_mutex_unlock(&unheld);	/* not held any more */
}

__attribute__((noinline)) void assert_unheld(void)
{
	ulockdep_assert_held(&asserted);
}

static void *keeper(void *arg)
{
	pthread_mutex_lock(&kept);
	return arg;
}

int main(void)
{
	ab_forward();
	ab_backward();
	cd_forward();
	cd_backward();
	release_unheld();
	assert_unheld();
	pthread_t t;
	if (pthread_create(&t, NULL, keeper, NULL) || pthread_join(t, NULL))
		abort();
	return 3;
}
