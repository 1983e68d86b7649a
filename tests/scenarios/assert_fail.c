/*
** assert_fail.c: every assertion of ulockdep.h violated once, and pin misuse.
** Each failure is one "lock assertion failed" report; the program goes on.
*/
// EXPECT: assert
// CHECK: failed ulockdep_assert_held(lock_a)
// CHECK: failed ulockdep_assert_held_write(rw)
// CHECK: failed ulockdep_assert_held_read(rw)
// CHECK: failed ulockdep_assert_not_held(lock_a)
// CHECK: asserts that it holds no lock
// CHECK: is pinning a lock (lock_b) that it does not hold
// CHECK: is unpinning a lock (lock_a) that it has not pinned
// CHECK: is releasing a pinned lock (lock_a)
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

int main(void)
{
	int failed = 0;
	failed += !ulockdep_assert_held(&lock_a);

	MUST(pthread_rwlock_rdlock(&rw), 0);
	failed += !ulockdep_assert_held_write(&rw);
	MUST(pthread_rwlock_unlock(&rw), 0);
	MUST(pthread_rwlock_wrlock(&rw), 0);
	failed += !ulockdep_assert_held_read(&rw);
	MUST(pthread_rwlock_unlock(&rw), 0);

	MUST(pthread_mutex_lock(&lock_a), 0);
	failed += !ulockdep_assert_not_held(&lock_a);
	failed += !ulockdep_assert_none_held();
	ulockdep_pin(&lock_b);
	ulockdep_unpin(&lock_a);
	ulockdep_pin(&lock_a);
	MUST(pthread_mutex_unlock(&lock_a), 0);	/* still pinned */
	if (failed != 5) {
		fprintf(stderr, "%d assertions failed, expected 5\n", failed);
		return 1;
	}
	return 0;
}
