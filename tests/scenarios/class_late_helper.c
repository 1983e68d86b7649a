/*
** class_late_helper.c: a helper found shared after its first lock. Objects
** are made by obj_init() through the helper lock_init(). The first object is
** made before any other caller of lock_init() is seen, so its lock gets the
** helper's one-frame key; then other_init() calls lock_init() too, the
** helper is learnt shared, and later objects are keyed past it. All object
** locks are still one class: the first object's. Each object is taken in
** both orders with the global `g` (one inversion): reported once, not once
** per class the field would otherwise have.
*/
// EXPECT: circular
// CHECK: ; 1 problem reported
// CHECK-NOT: ; 2 problems reported
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

struct object {
	pthread_mutex_t lock;
	int value;
};

static pthread_mutex_t g = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t other;

static __attribute__((noinline)) void lock_init(pthread_mutex_t *m)
{
	MUST(pthread_mutex_init(m, NULL), 0);
}

static __attribute__((noinline)) void obj_init(struct object *o)
{
	lock_init(&o->lock);
	o->value = 0;
}

static __attribute__((noinline)) void other_init(pthread_mutex_t *m)
{
	lock_init(m);
}

static __attribute__((noinline)) void obj_then_g(struct object *o)
{
	MUST(pthread_mutex_lock(&o->lock), 0);
	MUST(pthread_mutex_lock(&g), 0);
	o->value++;
	MUST(pthread_mutex_unlock(&g), 0);
	MUST(pthread_mutex_unlock(&o->lock), 0);
}

static __attribute__((noinline)) void g_then_obj(struct object *o)
{
	MUST(pthread_mutex_lock(&g), 0);
	MUST(pthread_mutex_lock(&o->lock), 0);
	o->value++;
	MUST(pthread_mutex_unlock(&o->lock), 0);
	MUST(pthread_mutex_unlock(&g), 0);
}

int main(void)
{
	struct object objs[3];
	for (int i = 0; i < 3; i++) {
		obj_init(&objs[i]);
		if (i == 0)
			other_init(&other);
	}
	for (int i = 0; i < 3; i++) {
		obj_then_g(&objs[i]);
		g_then_obj(&objs[i]);
	}
	return 0;
}
