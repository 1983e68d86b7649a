/*
** barrier_deadlock.c: a party holds a lock across pthread_barrier_wait that
** another party takes before it reaches the barrier (in its first phase).
**
** Party 0 takes `a` and releases it, then says so; party 1 waits for that,
** takes `a` and waits at the barrier holding it. Party 0 comes to the barrier
** and both pass, so nothing blocks here; had party 1 taken `a` first, party 0
** would wait for `a` and party 1 for party 0 at the barrier. The barrier waits
** for its parties (their thread class, held from their start):
** a -> barrier:phase_barrier -> thread:party -> a.
*/
// EXPECT: circular
// CHECK: barrier:phase_barrier
// CHECK: thread:party
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t phase_barrier;
static int first_done;

static void *party(void *arg)
{
	int me = (int)(long)arg;
	if (me == 0) {
		MUST(pthread_mutex_lock(&a), 0);
		MUST(pthread_mutex_unlock(&a), 0);
		__atomic_store_n(&first_done, 1, __ATOMIC_RELEASE);
		pthread_barrier_wait(&phase_barrier);
	} else {
		while (!__atomic_load_n(&first_done, __ATOMIC_ACQUIRE))
			;
		MUST(pthread_mutex_lock(&a), 0);
		pthread_barrier_wait(&phase_barrier);
		MUST(pthread_mutex_unlock(&a), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[2];
	MUST(pthread_barrier_init(&phase_barrier, NULL, 2), 0);
	for (long i = 0; i < 2; i++)
		MUST(pthread_create(&th[i], NULL, party, (void *)i), 0);
	for (int i = 0; i < 2; i++)
		MUST(pthread_join(th[i], NULL), 0);
	MUST(pthread_barrier_destroy(&phase_barrier), 0);
	return 0;
}
