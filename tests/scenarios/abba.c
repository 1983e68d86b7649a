/*
** abba.c: one thread takes a then b, later b then a (liblockdep's ABBA).
**
** Nothing blocks: a single thread cannot deadlock with itself here. But the two
** orders together mean two threads running these paths can deadlock, which is
** what lockdep reports (circular). As in liblockdep, both locks are then
** destroyed, re-initialised at the same call sites and used the same way again:
** the same classes, the same cycle, still only a circular report.
** The mutexes are initialised at run time at two different call sites, so they
** are two classes.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a, b;

static void lock_unlock_2(pthread_mutex_t *x, pthread_mutex_t *y)
{
	MUST(pthread_mutex_lock(x), 0);
	MUST(pthread_mutex_lock(y), 0);
	MUST(pthread_mutex_unlock(y), 0);
	MUST(pthread_mutex_unlock(x), 0);
}

static void init_both(void)
{
	MUST(pthread_mutex_init(&a, NULL), 0);
	MUST(pthread_mutex_init(&b, NULL), 0);
}

int main(void)
{
	for (int round = 0; round < 2; round++) {
		init_both();
		lock_unlock_2(&a, &b);
		lock_unlock_2(&b, &a);
		MUST(pthread_mutex_destroy(&b), 0);
		MUST(pthread_mutex_destroy(&a), 0);
	}
	return 0;
}
