/*
** trylock_no_cycle.c: a -> trylock(b) in one thread, later b -> a in another.
**
** A trylock never waits, so taking b with trylock while holding a cannot be
** half of a deadlock: if b is busy the call fails instead of blocking. No edge
** a -> b is recorded. The only blocking dependency is b -> a, one direction
** only: no report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_try_b(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_trylock(&b), 0);	/* free: nobody else runs */
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	MUST(pthread_create(&t, NULL, a_then_try_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, b_then_a, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
