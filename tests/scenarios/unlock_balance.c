/*
** unlock_balance.c: lock a; unlock a; unlock a (liblockdep's unlock_balance).
**
** The second unlock releases a lock this thread does not hold: bad unlock
** balance. The mutex is of type ERRORCHECK so that the double unlock is
** defined behaviour (glibc returns EPERM, checked below) rather than undefined
** as it would be for a default mutex.
*/
// EXPECT: unlock_balance
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t a;

	MUST(pthread_mutexattr_init(&attr), 0);
	MUST(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK), 0);
	MUST(pthread_mutex_init(&a, &attr), 0);
	MUST(pthread_mutexattr_destroy(&attr), 0);

	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_mutex_unlock(&a), EPERM);
	MUST(pthread_mutex_destroy(&a), 0);
	return 0;
}
