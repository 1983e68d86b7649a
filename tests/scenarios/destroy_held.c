/*
** destroy_held.c: pthread_mutex_destroy on a mutex the caller holds.
**
** Destroying a held lock is a bug (the memory is about to be reused while
** the lock is held): held_freed. glibc refuses with EBUSY (checked below) and
** leaves the mutex intact and still held, so the program goes on to unlock
** it and destroy it properly. That unlock is legitimate: since the destroy
** failed, the lock is still held and its release must not be reported as
** bad unlock balance, and nothing is left held at exit.
*/
// EXPECT: held_freed
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

int main(void)
{
	pthread_mutex_t m;

	MUST(pthread_mutex_init(&m, NULL), 0);
	MUST(pthread_mutex_lock(&m), 0);
	MUST(pthread_mutex_destroy(&m), EBUSY);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_destroy(&m), 0);
	return 0;
}
