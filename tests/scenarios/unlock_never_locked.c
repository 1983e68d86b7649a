/*
** unlock_never_locked.c: unlock of a static mutex that nobody ever locked.
**
** The runtime has never seen never_locked: no init call, no lock. glibc's
** record of its owner (none) says this thread does not hold it, so the unlock
** is a bad unlock balance, reported with the mutex's name and the unlock site.
** A default mutex lets the unlock through (returns 0); the errorcheck one
** refuses it (EPERM) and is reported too. Both are then used properly: their
** classes were made at the bad unlock and nothing more is reported.
*/
// EXPECT: unlock_balance
// CHECK: is trying to release lock (never_locked) at:
// CHECK: close_door+
// CHECK: unlock_never_locked.c:30
// CHECK: is trying to release lock (never_locked_checked) at:
// CHECK: unlock_never_locked.c:31
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t never_locked = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t never_locked_checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static __attribute__((noinline)) void close_door(void)
{
	MUST(pthread_mutex_unlock(&never_locked), 0);
	MUST(pthread_mutex_unlock(&never_locked_checked), EPERM);
}

int main(void)
{
	close_door();
	LOCK_UNLOCK_2(never_locked, never_locked_checked);
	return 0;
}
