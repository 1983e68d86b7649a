/*
** assert_ok.c: every assertion of ulockdep.h where it holds, and pins used
** correctly (nested, unpinned before the release): no report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void callback(void)
{
	if (!ulockdep_assert_held(&lock_a))
		abort();
}

int main(void)
{
	int ok = 0;
	ok += ulockdep_assert_none_held();
	ok += ulockdep_assert_not_held(&lock_a);
	MUST(pthread_mutex_lock(&lock_a), 0);
	ok += ulockdep_assert_held(&lock_a);
	ok += ulockdep_assert_held_write(&lock_a);
	ulockdep_pin(&lock_a);
	ulockdep_pin(&lock_a);
	callback();
	ulockdep_unpin(&lock_a);
	ulockdep_unpin(&lock_a);
	MUST(pthread_mutex_unlock(&lock_a), 0);
	MUST(pthread_rwlock_rdlock(&rw), 0);
	ok += ulockdep_assert_held_read(&rw);
	ok += ulockdep_assert_held(&rw);
	MUST(pthread_rwlock_unlock(&rw), 0);
	MUST(pthread_rwlock_wrlock(&rw), 0);
	ok += ulockdep_assert_held_write(&rw);
	MUST(pthread_rwlock_unlock(&rw), 0);
	ok += ulockdep_assert_none_held();
	return ok == 8 ? 0 : 1;
}
