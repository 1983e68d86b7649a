/*
** spin_ok.c: two threads take spinlocks a then b, concurrently, many times.
**
** One global order (a before b, plus trylock of b that may fail) cannot
** deadlock however the threads interleave: no report. This is the negative
** twin of spin.c.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

enum { ROUNDS = 2000 };

static pthread_spinlock_t a, b;
static long counter;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		MUST(pthread_spin_lock(&a), 0);
		MUST(pthread_spin_lock(&b), 0);
		counter++;
		MUST(pthread_spin_unlock(&b), 0);
		MUST(pthread_spin_unlock(&a), 0);

		/* b alone, then a by trylock: a trylock cannot wait */
		MUST(pthread_spin_lock(&b), 0);
		if (pthread_spin_trylock(&a) == 0)
			MUST(pthread_spin_unlock(&a), 0);
		MUST(pthread_spin_unlock(&b), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;

	MUST(pthread_spin_init(&a, PTHREAD_PROCESS_PRIVATE), 0);
	MUST(pthread_spin_init(&b, PTHREAD_PROCESS_PRIVATE), 0);
	MUST(pthread_create(&t1, NULL, worker, NULL), 0);
	MUST(pthread_create(&t2, NULL, worker, NULL), 0);
	MUST(pthread_join(t1, NULL), 0);
	MUST(pthread_join(t2, NULL), 0);
	if (counter != 2 * ROUNDS) {
		fprintf(stderr, "counter %ld, expected %d\n", counter, 2 * ROUNDS);
		return 1;
	}
	MUST(pthread_spin_destroy(&b), 0);
	MUST(pthread_spin_destroy(&a), 0);
	return 0;
}
