/*
** condvar_inversion.c: waiting on a condition variable while holding another
** lock taken after the condvar's mutex.
**
** The waiter locks a, then b (a -> b), then calls pthread_cond_wait(cv, a)
** still holding b. The wait releases a and, when woken, takes a back while b
** is held: b -> a. Together: circular. The bug is real: while the waiter
** sleeps holding b, any thread that takes a and then wants b blocks holding a,
** and the waiter, once signalled, can never get a back.
** Here the signaller takes only a, so this run finishes; it signals only once
** the waiter is inside the wait (see condvar.c), so the re-acquisition happens
** on every run.
*/
// EXPECT: circular
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting, ready;	/* under a */

static void *waiter(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	waiting = 1;
	while (!ready)
		MUST(pthread_cond_wait(&cv, &a), 0);	/* sleeps holding b */
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int signalled = 0;

	MUST(pthread_create(&t, NULL, waiter, NULL), 0);
	while (!signalled) {
		MUST(pthread_mutex_lock(&a), 0);
		if (waiting) {
			ready = 1;
			MUST(pthread_cond_signal(&cv), 0);
			signalled = 1;
		}
		MUST(pthread_mutex_unlock(&a), 0);
		if (!signalled)
			sched_yield();
	}
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
