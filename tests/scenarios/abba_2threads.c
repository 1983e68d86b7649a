/*
** abba_2threads.c: thread 1 takes a then b; after it has been joined, thread 2
** takes b then a.
**
** The runs never overlap, so this run cannot deadlock; but had they overlapped,
** each thread could hold its first lock and wait for the other's. lockdep
** reports the inversion from the dependency graph, whatever the timing:
** circular.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *forward(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

static void *backward(void *arg)
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

	MUST(pthread_create(&t, NULL, forward, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, backward, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
