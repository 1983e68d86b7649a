/*
** robust.c: a thread ends while holding a robust mutex; the next locker gets
** EOWNERDEAD, repairs the state and carries on.
**
** Expected: held_at_exit, once, for the thread that died holding the lock.
** A robust mutex makes recovery possible, it does not make ending with the
** lock held correct: the data it protects may be half updated, which is why
** the next locker is told so. The validator cannot know the death was planned
** (here it stands for a crash), so the report is right. Nothing else may be
** reported: EOWNERDEAD means the lock WAS acquired, so the recovering thread's
** unlock is balanced (no unlock_balance), and the dead thread's hold must have
** been forgotten when it exited (no recursive or circular report from the
** next acquisitions).
*/
// EXPECT: held_at_exit
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t m;
static int state;

static void *die_holding(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&m), 0);
	state = -1;			/* "half-way through an update" */
	return NULL;			/* ends with m held */
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_t t;

	MUST(pthread_mutexattr_init(&attr), 0);
	MUST(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST), 0);
	MUST(pthread_mutex_init(&m, &attr), 0);
	MUST(pthread_mutexattr_destroy(&attr), 0);

	MUST(pthread_create(&t, NULL, die_holding, NULL), 0);
	MUST(pthread_join(t, NULL), 0);

	MUST(pthread_mutex_lock(&m), EOWNERDEAD);
	state = 0;			/* repair */
	MUST(pthread_mutex_consistent(&m), 0);
	MUST(pthread_mutex_unlock(&m), 0);

	MUST(pthread_mutex_lock(&m), 0);	/* usable again */
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_destroy(&m), 0);
	return state;
}
