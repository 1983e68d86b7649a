/*
** exit_holding.c: the process exits while its main thread holds locks.
**
** Main holds a global lock for as long as it runs (as a server holds its
** module lock) and parks a worker by holding the lock the worker waits on;
** then it calls exit(). The process ends: nothing waits for those locks any
** more, so this is no "still has locks held" (only a thread that ends while
** the process goes on leaves a lock locked for good).
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t park = PTHREAD_MUTEX_INITIALIZER;
static int parked;

static void *worker(void *arg)
{
	__atomic_store_n(&parked, 1, __ATOMIC_RELEASE);
	MUST(pthread_mutex_lock(&park), 0);	/* waits until the process ends */
	MUST(pthread_mutex_unlock(&park), 0);
	return arg;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_mutex_lock(&global_lock), 0);
	MUST(pthread_mutex_lock(&park), 0);
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	while (!__atomic_load_n(&parked, __ATOMIC_ACQUIRE))
		;
	exit(0);
}
