/*
** condvar.c: a waiter sleeps on a condition variable with mutex m; another
** thread sets the flag and signals.
**
** The waiter holds nothing but m, and pthread_cond_wait gives m up while it
** sleeps and takes it back (while holding nothing else) when woken. The
** signaller also takes only m. One lock, no order to invert: no report, and
** the release and re-acquisition inside the wait must keep the books balanced
** (no unlock_balance, no held_at_exit).
*/
// EXPECT: none
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting;	/* the waiter is inside pthread_cond_wait (under m) */
static int ready;	/* what the waiter waits for (under m) */

static void *waiter(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&m), 0);
	waiting = 1;
	while (!ready)
		MUST(pthread_cond_wait(&cv, &m), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int signalled = 0;

	MUST(pthread_create(&t, NULL, waiter, NULL), 0);
	/*
	** Signal only once the waiter is asleep: it sets `waiting` under m and
	** gives m up only inside the wait, so seeing it under m proves the wait
	** really happens and the re-acquisition path is exercised.
	*/
	while (!signalled) {
		MUST(pthread_mutex_lock(&m), 0);
		if (waiting) {
			ready = 1;
			MUST(pthread_cond_signal(&cv), 0);
			signalled = 1;
		}
		MUST(pthread_mutex_unlock(&m), 0);
		if (!signalled)
			sched_yield();
	}
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
