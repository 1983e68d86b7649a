/*
** barrier_ok.c: barriers used correctly. Three workers and main go through
** three phases; in each phase every party takes `a` and releases it before the
** barrier. Main then joins the workers, after its last barrier wait.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t phases;
static int counter;

static void phase_work(void)
{
	MUST(pthread_mutex_lock(&a), 0);
	counter++;
	MUST(pthread_mutex_unlock(&a), 0);
}

static void *worker(void *arg)
{
	for (int i = 0; i < 3; i++) {
		phase_work();
		pthread_barrier_wait(&phases);
	}
	return arg;
}

int main(void)
{
	pthread_t th[3];
	MUST(pthread_barrier_init(&phases, NULL, 4), 0);
	for (int i = 0; i < 3; i++)
		MUST(pthread_create(&th[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 3; i++) {
		phase_work();
		pthread_barrier_wait(&phases);
	}
	for (int i = 0; i < 3; i++)
		MUST(pthread_join(th[i], NULL), 0);
	MUST(pthread_barrier_destroy(&phases), 0);
	return counter == 12 ? 0 : 1;
}
