/*
** join_cycle_once.c: one lock cycle, then its thread-lifetime form. The
** worker takes a then b; main then takes b then a (the ABBA, reported), and
** later joins the worker holding b, which closes b -> thread:worker -> a -> b:
** the same two locks' cycle through the worker's lifetime. One bug: one
** report (the second is counted as a hit of the first).
*/
// EXPECT: circular
// CHECK: ; 1 problem reported
// CHECK: 1 distinct problem reported (2 hits)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int done;

static void *worker(void *arg)
{
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return arg;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	return 0;
}
