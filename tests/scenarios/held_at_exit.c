/*
** held_at_exit.c: a thread returns from its start routine still holding a
** mutex.
**
** The lock stays locked forever: whoever needs it next blocks. The thread's
** end is the last moment the validator can point at it: held_at_exit. The
** main thread joins it and exits holding nothing (it never touches m again).
*/
// EXPECT: held_at_exit
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int items;

static void *forgetful(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&m), 0);
	items++;
	if (items > 0)
		return NULL;		/* early return skips the unlock */
	MUST(pthread_mutex_unlock(&m), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	MUST(pthread_create(&t, NULL, forgetful, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
