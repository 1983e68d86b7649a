/*
** ww_rwlock.c: wrlock a; rdlock b; wrlock a (liblockdep's WW).
**
** The second write lock of a by the thread that already write-holds it can
** never be granted: recursive locking. glibc detects this case and returns
** EDEADLK instead of blocking (checked below), so the program goes on: the
** failed call must be forgotten by the validator, and the unlocks that follow
** are balanced (no unlock_balance, no held_at_exit).
*/
// EXPECT: recursive
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_rwlock_t a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t b = PTHREAD_RWLOCK_INITIALIZER;

int main(void)
{
	MUST(pthread_rwlock_wrlock(&a), 0);
	MUST(pthread_rwlock_rdlock(&b), 0);
	MUST(pthread_rwlock_wrlock(&a), EDEADLK);
	MUST(pthread_rwlock_unlock(&b), 0);
	MUST(pthread_rwlock_unlock(&a), 0);
	return 0;
}
