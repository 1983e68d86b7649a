/*
** signal_storm_create.c: a timer signal every 50 µs, whose handler takes a
** mutex H and then makes, takes and destroys a mutex of its own, while three
** threads make, take and destroy mutexes in a loop.
**
** Natively nothing can deadlock: only handlers take H, and a handler never
** interrupts its own thread's handler. Under a runtime that let a handler run
** while its thread held one of the runtime's locks (the one that serialises
** new locks, say), the handler would wait for H while another thread's
** handler, holding H, waited for that runtime lock. The runtime blocks
** signals while it holds a lock of its own.
*/
// EXPECT: none
// TIMEOUT: 60
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "scenario.h"

static pthread_mutex_t h = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stop;
static atomic_ulong handled;

static void on_alarm(int sig)
{
	(void)sig;
	pthread_mutex_lock(&h);
	pthread_mutex_t mine;
	pthread_mutex_init(&mine, NULL);
	pthread_mutex_lock(&mine);
	pthread_mutex_unlock(&mine);
	pthread_mutex_destroy(&mine);
	pthread_mutex_unlock(&h);
	atomic_fetch_add(&handled, 1);
}

static void churn_one(void)
{
	pthread_mutex_t m;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
}

static void churn_two(void)
{
	pthread_mutex_t m;
	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
}

static void *churn(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		churn_one();
		churn_two();
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	MUST(sigaction(SIGALRM, &sa, NULL), 0);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		MUST(pthread_create(&t[i], NULL, churn, NULL), 0);
	struct itimerval it = { { 0, 50 }, { 0, 50 } };
	MUST(setitimer(ITIMER_REAL, &it, NULL), 0);
	struct timespec run = { 2, 0 };
	while (nanosleep(&run, &run) != 0)
		;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	MUST(setitimer(ITIMER_REAL, &off, NULL), 0);
	atomic_store(&stop, true);
	for (int i = 0; i < 3; i++)
		MUST(pthread_join(t[i], NULL), 0);
	if (atomic_load(&handled) == 0) {
		fprintf(stderr, "no signal was handled\n");
		return 1;
	}
	return 0;
}
