/*
** handler_malloc.c: a report made in a signal handler that interrupted
** malloc or free.
**
** The main thread takes H with SIGUSR1 unblocked, then loops on malloc and
** free of blocks too big for glibc's per-thread cache, so that most of its
** time is spent holding the heap's lock. Another thread sends it SIGUSR1
** every few milliseconds; the handler takes H (an inconsistent lock usage
** the first time: H is taken both in and outside SIGUSR1's handler). A
** runtime that symbolized the report with the program's malloc would wait,
** inside the handler, for the heap lock its own thread holds. Natively the
** program exits 0 after about half a second.
*/
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t H = PTHREAD_MUTEX_INITIALIZER;
static atomic_int handled, done;
static pthread_t main_thread;

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&H);
	atomic_fetch_add(&handled, 1);
	pthread_mutex_unlock(&H);
}

static void *sender(void *arg)
{
	(void)arg;
	while (!atomic_load(&done)) {
		nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
		pthread_kill(main_thread, SIGUSR1);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();

	pthread_mutex_lock(&H);	/* SIGUSR1 unblocked */
	pthread_mutex_unlock(&H);

	pthread_t t;
	if (pthread_create(&t, NULL, sender, NULL))
		return 1;
	void *keep[64] = { 0 };
	unsigned seed = 1;
	double end = now() + 0.5;
	while (now() < end || atomic_load(&handled) < 3) {
		for (int i = 0; i < 1000; i++) {
			int k = rand_r(&seed) % 64;
			free(keep[k]);
			keep[k] = malloc(2048 + (size_t)(rand_r(&seed) % 30000));
		}
	}
	atomic_store(&done, 1);
	pthread_join(t, NULL);
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return 0;
}
