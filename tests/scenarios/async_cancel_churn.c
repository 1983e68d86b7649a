/*
** async_cancel_churn.c: threads with asynchronous cancellation initialise and
** destroy mutexes in a loop, and are cancelled at arbitrary moments, often
** inside the runtime (a first init captures and stores a stack under the
** runtime's own locks). Then the main thread initialises and takes a mutex.
**
** Natively this is fine: a cancelled thread holds no lock of the program. A
** runtime that let such a thread die holding one of its own locks would
** hang the main thread's init; the runtime keeps cancellation off while it
** holds one.
*/
// EXPECT: none
// TIMEOUT: 60
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "scenario.h"

#define ROUNDS 40
#define THREADS 4

/* Distinct call sites, so that the runtime keeps learning new init stacks. */
static void init_destroy_a(void)
{
	pthread_mutex_t m;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_destroy(&m);
}

static void init_destroy_b(void)
{
	pthread_mutex_t *m = malloc(sizeof *m);
	if (!m)
		return;
	pthread_mutex_init(m, NULL);
	pthread_mutex_destroy(m);
	free(m);
}

static void *churn(void *arg)
{
	(void)arg;
	int old;
	MUST(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old), 0);
	for (;;) {
		init_destroy_a();
		init_destroy_b();
	}
	return NULL;
}

int main(void)
{
	for (int r = 0; r < ROUNDS; r++) {
		pthread_t t[THREADS];
		for (int i = 0; i < THREADS; i++)
			MUST(pthread_create(&t[i], NULL, churn, NULL), 0);
		struct timespec d = { 0, 200000 + (r % 7) * 150000 };
		nanosleep(&d, NULL);
		for (int i = 0; i < THREADS; i++) {
			MUST(pthread_cancel(t[i]), 0);
			MUST(pthread_join(t[i], NULL), 0);
		}
		pthread_mutex_t m;
		MUST(pthread_mutex_init(&m, NULL), 0);
		MUST(pthread_mutex_lock(&m), 0);
		MUST(pthread_mutex_unlock(&m), 0);
		MUST(pthread_mutex_destroy(&m), 0);
	}
	return 0;
}
