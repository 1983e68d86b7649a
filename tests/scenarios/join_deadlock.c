/*
** join_deadlock.c: main joins a thread while holding a lock the thread takes.
**
** The worker takes `a` and signals (an atomic flag) before it ends; main then
** locks `a` and joins it. Here the worker no longer needs `a`, so nothing
** blocks; had main taken `a` first, the worker would wait for `a` and main
** for the worker. The thread's lifetime is a pseudo-lock, "thread:worker":
** a -> thread:worker (the join) closes thread:worker -> a (the worker).
*/
// EXPECT: circular
// CHECK: (thread:worker)
// CHECK: lock(thread:worker);
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static int done;

static void *worker(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return 0;
}
