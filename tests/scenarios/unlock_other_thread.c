/*
** unlock_other_thread.c: a thread unlocks mutexes that main holds.
**
** Main takes held_by_main as usual and taken_quietly between ulockdep_off()
** and ulockdep_on(), so the runtime never sees the latter. A worker then
** unlocks both: errorcheck mutexes, so glibc refuses (EPERM) and main still
** holds them. The first is not on the worker's held stack; the second is not
** either, and glibc records main, not the worker, as its owner: two bad
** unlock balances. Main's own unlocks after the join are silent, the second
** one because glibc says main is its owner.
*/
// EXPECT: unlock_balance
// CHECK: is trying to release lock (held_by_main) at:
// CHECK: is trying to release lock (taken_quietly) at:
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t held_by_main = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t taken_quietly = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void *intruder(void *arg)
{
	MUST(pthread_mutex_unlock(&held_by_main), EPERM);
	MUST(pthread_mutex_unlock(&taken_quietly), EPERM);
	return arg;
}

int main(void)
{
	pthread_t th;

	MUST(pthread_mutex_lock(&held_by_main), 0);
	ulockdep_off();
	MUST(pthread_mutex_lock(&taken_quietly), 0);
	ulockdep_on();
	MUST(pthread_create(&th, NULL, intruder, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	MUST(pthread_mutex_unlock(&taken_quietly), 0);
	MUST(pthread_mutex_unlock(&held_by_main), 0);
	return 0;
}
