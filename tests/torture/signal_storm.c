/*
** signal_storm.c: SIGALRM every 50 us (setitimer) while threads create,
** lock and destroy mutexes, with a handler that takes a mutex H.
**
** Outside the handler H is only ever taken with SIGALRM blocked, the rule the
** kernel sets for an interrupt-safe lock: no thread can be interrupted by the
** handler while it holds H, and nothing is taken under H, so natively this
** cannot deadlock. Under ulockdep there is nothing to report either; what is
** tortured is the runtime's own state, which the handler's lock reaches from
** inside any interceptor the signal lands in.
*/
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>

#include "torture.h"

#define WORKERS 4
#define BATCH 64

static pthread_mutex_t H = PTHREAD_MUTEX_INITIALIZER;
static unsigned long handled;		/* under H */
static atomic_ulong batches;
static double deadline;

static void on_alarm(int sig)
{
	int saved = errno;
	(void)sig;
	pthread_mutex_lock(&H);
	handled++;
	pthread_mutex_unlock(&H);
	errno = saved;
}

/* Reads under H, with the handler kept out of this thread meanwhile. */
static unsigned long read_handled(void)
{
	sigset_t alrm, old;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	MUST(pthread_sigmask(SIG_BLOCK, &alrm, &old));
	MUST(pthread_mutex_lock(&H));
	unsigned long n = handled;
	MUST(pthread_mutex_unlock(&H));
	MUST(pthread_sigmask(SIG_SETMASK, &old, NULL));
	return n;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_t *m = malloc(BATCH * sizeof *m);
	if (!m)
		exit(1);
	while (now_s() < deadline) {
		for (int i = 0; i < BATCH; i++)
			MUST(pthread_mutex_init(&m[i], NULL));
		/* Nested pairs in index order: one order everywhere. */
		for (int i = 0; i + 1 < BATCH; i++) {
			MUST(pthread_mutex_lock(&m[i]));
			MUST(pthread_mutex_lock(&m[i + 1]));
			MUST(pthread_mutex_unlock(&m[i + 1]));
			MUST(pthread_mutex_unlock(&m[i]));
		}
		for (int i = 0; i < BATCH; i++)
			MUST(pthread_mutex_destroy(&m[i]));
		if (atomic_fetch_add(&batches, 1) % 16 == 0)
			(void)read_handled();
	}
	free(m);
	return NULL;
}

int main(int argc, char **argv)
{
	deadline = now_s() + run_seconds(argc, argv);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	MUST(sigaction(SIGALRM, &sa, NULL));
	struct itimerval it = { { 0, 50 }, { 0, 50 } };
	MUST(setitimer(ITIMER_REAL, &it, NULL));

	pthread_t t[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		MUST(pthread_create(&t[i], NULL, worker, NULL));
	/* The kernel gives a process signal to an idle main thread first:
	** blocking it here sends every one into the busy workers. */
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	MUST(pthread_sigmask(SIG_BLOCK, &alrm, NULL));
	for (int i = 0; i < WORKERS; i++)
		MUST(pthread_join(t[i], NULL));

	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	MUST(setitimer(ITIMER_REAL, &off, NULL));
	unsigned long n = read_handled();
	printf("signal_storm: %lu batches of %d mutexes, %lu signals handled\n",
	       (unsigned long)batches, BATCH, n);
	if (n == 0) {
		fprintf(stderr, "signal_storm: no signal was handled\n");
		return 1;
	}
	return 0;
}
