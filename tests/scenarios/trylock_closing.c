/*
** trylock_closing.c: a lock taken by trylock is the first half of later edges.
**
** Thread 1: lock a; trylock b; lock c. Taking b cannot block, but once b is
** held, waiting for c while holding b can: the blocking lock of c records
** b -> c (and a -> c). Thread 2, later: lock c; lock b records c -> b. If the
** two overlapped, thread 1 would hold b and wait for c while thread 2 holds c
** and waits for b: circular (b -> c -> b).
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

static void *a_try_b_then_c(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_trylock(&b), 0);
	MUST(pthread_mutex_lock(&c), 0);
	MUST(pthread_mutex_unlock(&c), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

static void *c_then_b(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&c), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&c), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	MUST(pthread_create(&t, NULL, a_try_b_then_c, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, c_then_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
