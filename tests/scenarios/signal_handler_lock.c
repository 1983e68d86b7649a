/*
** signal_handler_lock.c: a signal handler that locks, interrupting a thread
** that locks and unlocks in a loop.
**
** The main thread takes and releases A 2,000,000 times while a timer raises
** SIGALRM about every 100 microseconds; the handler takes and releases B.
** A handler may interrupt the runtime in the middle of its own bookkeeping:
** its lock calls must pass through untracked then, and be tracked normally
** otherwise (when A is held, A -> B is a real dependency). Nothing here can
** deadlock and nothing is wrong: no report, no crash, and every lock and
** unlock balanced.
*/
// EXPECT: none
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	(void)sig;
	pthread_mutex_lock(&b);
	handled++;
	pthread_mutex_unlock(&b);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 100 }, { 0, 100 } };
	setitimer(ITIMER_REAL, &it, NULL);

	long counter = 0;
	for (int i = 0; i < 2000000; i++) {
		pthread_mutex_lock(&a);
		counter++;
		pthread_mutex_unlock(&a);
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	if (counter != 2000000 || handled == 0) {
		fprintf(stderr, "counter %ld, %d signals handled\n", counter, (int)handled);
		return 1;
	}
	return 0;
}
