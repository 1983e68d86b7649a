/*
** join_shared_object.c: join_own_object.c, but the worker takes main's
** object's lock, the very instance main holds while it joins. The worker is
** done with it before the join here; had main locked first, each would wait
** for the other. The class cycle closes at an instance both threads take:
** circular.
*/
// EXPECT: circular
// CHECK: (thread:worker)
// CHECK: (obj_init@join_shared_object.c:
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
	obj_touch(arg);
	MUST(pthread_mutex_destroy(&own.lock), 0);
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	struct object mine;
	pthread_t th;
	obj_init(&mine);

	MUST(pthread_create(&th, NULL, worker, &mine), 0);
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	MUST(pthread_mutex_lock(&mine.lock), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&mine.lock), 0);
	return mine.value == 1 ? 0 : 1;
}
