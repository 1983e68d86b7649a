/*
** off.c: ulockdep_off() silences the calling thread only. A worker takes a
** then b, and b then a, between ulockdep_off() and ulockdep_on(): nothing is
** reported. Main then takes c then d, and d then c, tracked: one circular
** report, about c and d only.
*/
// EXPECT: circular
// CHECK: (lock_c)
// CHECK-NOT: (lock_a)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_d = PTHREAD_MUTEX_INITIALIZER;

static void both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	MUST(pthread_mutex_lock(x), 0);
	MUST(pthread_mutex_lock(y), 0);
	MUST(pthread_mutex_unlock(y), 0);
	MUST(pthread_mutex_unlock(x), 0);
}

static void *quiet(void *arg)
{
	ulockdep_off();
	ulockdep_off();		/* nests */
	both(&lock_a, &lock_b);
	ulockdep_on();
	both(&lock_b, &lock_a);
	ulockdep_on();
	return arg;
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, quiet, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	both(&lock_c, &lock_d);
	both(&lock_d, &lock_c);
	return 0;
}
