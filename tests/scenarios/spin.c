/*
** spin.c: ABBA with pthread spinlocks.
**
** Two threads spinning for each other's spinlock deadlock exactly like two
** threads sleeping on mutexes (worse: they burn CPU). Thread 1 takes a then b;
** after it has been joined, thread 2 takes b then a: circular. The spinlocks
** are initialised at two call sites, so they are two classes.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_spinlock_t a, b;

static void *a_then_b(void *arg)
{
	(void)arg;
	MUST(pthread_spin_lock(&a), 0);
	MUST(pthread_spin_lock(&b), 0);
	MUST(pthread_spin_unlock(&b), 0);
	MUST(pthread_spin_unlock(&a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	MUST(pthread_spin_lock(&b), 0);
	MUST(pthread_spin_lock(&a), 0);
	MUST(pthread_spin_unlock(&a), 0);
	MUST(pthread_spin_unlock(&b), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	MUST(pthread_spin_init(&a, PTHREAD_PROCESS_PRIVATE), 0);
	MUST(pthread_spin_init(&b, PTHREAD_PROCESS_PRIVATE), 0);
	MUST(pthread_create(&t, NULL, a_then_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, b_then_a, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_spin_destroy(&b), 0);
	MUST(pthread_spin_destroy(&a), 0);
	return 0;
}
