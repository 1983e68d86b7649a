/*
** join_ok.c: correct joins. Workers take `a`; main joins them holding nothing,
** takes `a` after the joins, and joins a thread that takes no lock while it
** holds `a`. A worker also joins a thread of its own, and one of its own
** routine: under the strict rule too, that is no recursive locking.
** Threads are classed by where they are created: one created elsewhere with
** the routine that took `a`, but that does not take it, is joined holding `a`.
*/
// EXPECT: none
// OPTIONS: strict=1
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;

static void *idle(void *arg)
{
	return arg;
}

static void *worker(void *arg)
{
	pthread_t th;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_create(&th, NULL, idle, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	if (!arg) {
		MUST(pthread_create(&th, NULL, worker, (void *)1), 0);
		MUST(pthread_join(th, NULL), 0);
	}
	return arg;
}

static void *maybe_lock(void *arg)
{
	if (arg) {
		MUST(pthread_mutex_lock(&a), 0);
		MUST(pthread_mutex_unlock(&a), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t locker, quiet;
	MUST(pthread_create(&locker, NULL, maybe_lock, (void *)1), 0);
	MUST(pthread_join(locker, NULL), 0);
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_create(&quiet, NULL, maybe_lock, NULL), 0);
	MUST(pthread_join(quiet, NULL), 0);
	MUST(pthread_mutex_unlock(&a), 0);

	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		MUST(pthread_create(&th[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++)
		MUST(pthread_join(th[i], NULL), 0);
	MUST(pthread_mutex_lock(&a), 0);
	pthread_t t2;
	MUST(pthread_create(&t2, NULL, idle, NULL), 0);
	MUST(pthread_join(t2, NULL), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return 0;
}
