/*
** unlock_not_a_lock.c: pthread_mutex_unlock on memory that holds no mutex.
**
** glibc answers EINVAL or EPERM (checked below) and the program goes on, but
** the call is a bug: Helgrind's "unlocked an invalid lock". Each is a bad
** unlock, with the reason the mutex's own type word gives: a mutex destroyed
** and not initialised again (type -1), a block filled with 0xFF (the same
** word), and a block of garbage that was never initialised.
*/
// EXPECT: unlock_balance
// CHECK: but it is not a lock: it looks destroyed (its type word is -1)!
// CHECK: but it is not a lock: the memory holds no initialised lock!
// CHECK: unlock_destroyed+
// CHECK: unlock_filled+
// CHECK: unlock_garbage+
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

__attribute__((noinline)) static void unlock_destroyed(void)
{
	pthread_mutex_t m;
	MUST(pthread_mutex_init(&m, NULL), 0);
	MUST(pthread_mutex_lock(&m), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_destroy(&m), 0);
	MUST(pthread_mutex_unlock(&m), EINVAL);
}

__attribute__((noinline)) static void unlock_filled(pthread_mutex_t *m)
{
	memset(m, 0xff, sizeof *m);
	MUST(pthread_mutex_unlock(m), EINVAL);
}

__attribute__((noinline)) static void unlock_garbage(pthread_mutex_t *m)
{
	memset(m, 0x07, sizeof *m);
	MUST(pthread_mutex_unlock(m), EINVAL);
}

int main(void)
{
	pthread_mutex_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	if (!a || !b)
		return 1;
	unlock_destroyed();
	unlock_filled(a);
	unlock_garbage(b);
	free(a);
	free(b);
	return 0;
}
