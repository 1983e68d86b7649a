/*
** join_signal_then_lock.c: the done protocol broken. The worker signals
** under `a` as a pool worker does, but then takes `b`, which main holds
** while it joins: the worker's last lock is not the signalled one, so the
** join still counts as waiting for a thread that takes `b`. Here the worker
** is done with `b` before main takes it; had main been first, each would
** wait for the other.
*/
// EXPECT: circular
// CHECK: (thread:worker)
// CHECK: (b)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done, left;

static void *worker(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	done = 1;
	MUST(pthread_cond_signal(&cond), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	__atomic_store_n(&left, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	MUST(pthread_mutex_lock(&a), 0);
	while (!done)
		MUST(pthread_cond_wait(&cond, &a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	while (!__atomic_load_n(&left, __ATOMIC_ACQUIRE))
		;
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	return 0;
}
