/*
** mutex_overwritten_held.c: a held mutex whose memory is given a new lock by
** assignment, with no unlock, destroy or init call in between.
**
** A function takes a mutex on its stack and returns without unlocking it (an
** abandoned lock). The next call's frame reuses the same slot and assigns
** PTHREAD_MUTEX_INITIALIZER over it, as code that re-initialises a structure
** by assignment does, then locks it. Natively that lock succeeds at once: the
** memory is a fresh, free mutex. The mutex's own owner word says it is free,
** so the old entry is stale: no recursive-locking report. (Self-deadlocks on
** a mutex really held are the recursive scenarios.)
*/
// EXPECT: none
#include <pthread.h>

#include "scenario.h"

__attribute__((noinline)) static void slot_user(int unlock)
{
	pthread_mutex_t m;
	m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	MUST(pthread_mutex_lock(&m), 0);
	if (unlock)
		MUST(pthread_mutex_unlock(&m), 0);
	/* else: abandoned, held, and its frame gone */
}

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	slot_user(0);
	slot_user(0);
	slot_user(1);
	/* The same under another lock, so that the chain is not the first. */
	MUST(pthread_mutex_lock(&outer), 0);
	slot_user(0);
	slot_user(1);
	MUST(pthread_mutex_unlock(&outer), 0);
	return 0;
}
