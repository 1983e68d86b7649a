/*
** class_ctor_2sites.c: a constructor called from two places. obj_new()
** allocates an object and initialises its lock; make_sender() and
** make_receiver() each call it. Every object's lock is one class, the
** constructor's site, whoever called it, as in the kernel: obj_new is not a
** lock wrapper by its name. One thread takes the sender's lock then the
** global `registry`, another takes `registry` then the receiver's lock: no
** object was ever taken in both orders, but a third object taken by both
** paths would deadlock them, and that is the inversion reported.
*/
// EXPECT: circular
// CHECK: (obj_new@class_ctor_2sites.c:
// CHECK-NOT: make_sender@
// CHECK-NOT: make_receiver@
// CHECK: ; 1 problem reported
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

struct obj {
	pthread_mutex_t lock;
	int messages;
};

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static int registered;

static __attribute__((noinline)) struct obj *obj_new(void)
{
	struct obj *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	MUST(pthread_mutex_init(&o->lock, NULL), 0);
	return o;
}

static __attribute__((noinline)) struct obj *make_sender(void)
{
	return obj_new();
}

static __attribute__((noinline)) struct obj *make_receiver(void)
{
	return obj_new();
}

/* Holding an object, register it. */
static void *send_thread(void *arg)
{
	struct obj *o = arg;
	MUST(pthread_mutex_lock(&o->lock), 0);
	MUST(pthread_mutex_lock(&registry), 0);
	registered++;
	MUST(pthread_mutex_unlock(&registry), 0);
	o->messages++;
	MUST(pthread_mutex_unlock(&o->lock), 0);
	return NULL;
}

/* Holding the registry, deliver to an object. */
static void *receive_thread(void *arg)
{
	struct obj *o = arg;
	MUST(pthread_mutex_lock(&registry), 0);
	MUST(pthread_mutex_lock(&o->lock), 0);
	o->messages++;
	MUST(pthread_mutex_unlock(&o->lock), 0);
	registered++;
	MUST(pthread_mutex_unlock(&registry), 0);
	return NULL;
}

int main(void)
{
	struct obj *s = make_sender(), *r = make_receiver();
	pthread_t t;
	MUST(pthread_create(&t, NULL, send_thread, s), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, receive_thread, r), 0);
	MUST(pthread_join(t, NULL), 0);
	return s->messages + r->messages == 2 ? 0 : 1;
}
