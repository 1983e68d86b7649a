/*
** join_own_object.c: each thread owns an object whose lock is made by one
** helper, so all the object locks are one class. Main holds its own object's
** lock while it joins a worker that takes only the worker's own object's
** lock: the class cycle obj_init -> thread:worker -> obj_init has no two
** instances that close it, and nothing can deadlock (node joins its worker
** threads so, each worker with its own isolate lock).
**
** The first worker takes its lock before the join (the join closes the class
** cycle); the second, created elsewhere, takes it while main is joining it
** (its acquisition closes the cycle, when it comes after the join's check).
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

struct object {
	pthread_mutex_t lock;
	int value;
};

static __attribute__((noinline)) void obj_init(struct object *o)
{
	MUST(pthread_mutex_init(&o->lock, NULL), 0);
	o->value = 0;
}

static __attribute__((noinline)) void obj_touch(struct object *o)
{
	MUST(pthread_mutex_lock(&o->lock), 0);
	o->value++;
	MUST(pthread_mutex_unlock(&o->lock), 0);
}

static int done;

static void *worker(void *arg)
{
	struct object own;
	obj_init(&own);
	obj_touch(&own);
	MUST(pthread_mutex_destroy(&own.lock), 0);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return arg;
}

int main(void)
{
	struct object mine;
	pthread_t th;
	obj_init(&mine);
	obj_touch(&mine);

	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	MUST(pthread_mutex_lock(&mine.lock), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&mine.lock), 0);

	MUST(pthread_mutex_lock(&mine.lock), 0);
	MUST(pthread_create(&th, NULL, worker, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&mine.lock), 0);
	return mine.value == 1 ? 0 : 1;
}
