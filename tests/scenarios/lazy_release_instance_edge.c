/*
** lazy_release_instance_edge.c: a dependency that only exists once a lock
** released below others is gone, found by a lazy release (lazy_release).
**
** x and y are of one class (one init loop); b's class is no-validate, so
** that it takes part in no dependency, but y is not directly nested under x
** while b is between them. The main thread holds x, b, y, c, d, e and
** releases b, from under four locks: y is now nested directly under x, a
** combination the program has, so the order x before y is recorded then (an
** instance edge), as if y had just been taken. Thread `reversed` then takes
** y, then x: against that order, a circular dependency. Without the
** release's validation of y, nothing would be reported: no acquisition
** nests x and y directly.
*/
// EXPECT: circular
// OPTIONS: init_frames=1
// CHECK: reversed+
// CHECK: main+
// CHECK: lazy_release_instance_edge.c:59
// CHECK-NOT: (b)
#include <pthread.h>
#include <stdio.h>
#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t k[2];	/* x = k[0], y = k[1] */
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t e = PTHREAD_MUTEX_INITIALIZER;

static void init_one(int i)
{
	MUST(pthread_mutex_init(&k[i], NULL), 0);	/* the one class */
}

static void *reversed(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&k[1]), 0);
	MUST(pthread_mutex_lock(&k[0]), 0);
	MUST(pthread_mutex_unlock(&k[0]), 0);
	MUST(pthread_mutex_unlock(&k[1]), 0);
	return NULL;
}

int main(void)
{
	for (int i = 0; i < 2; i++)
		init_one(i);
	ulockdep_set_novalidate_class(&b);
	MUST(pthread_mutex_lock(&k[0]), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_lock(&k[1]), 0);
	MUST(pthread_mutex_lock(&c), 0);
	MUST(pthread_mutex_lock(&d), 0);
	MUST(pthread_mutex_lock(&e), 0);
	MUST(pthread_mutex_unlock(&b), 0);	/* x, y, c, d, e held */
	MUST(pthread_mutex_unlock(&e), 0);
	MUST(pthread_mutex_unlock(&d), 0);
	MUST(pthread_mutex_unlock(&c), 0);
	MUST(pthread_mutex_unlock(&k[1]), 0);
	MUST(pthread_mutex_unlock(&k[0]), 0);

	pthread_t th;
	MUST(pthread_create(&th, NULL, reversed, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	return 0;
}
