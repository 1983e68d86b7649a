/*
** signal_order_ok.c: dependencies that touch a handler's lock but cannot
** deadlock through the signal: no report.
**
** SIGUSR1's handler takes a. b -> a (taken unblocked, then a with the signal
** blocked): a thread holding b never waits for a lock the handler holds
** while interrupted. a -> c where c is only ever taken with SIGUSR1 blocked:
** no holder of c can be interrupted by the handler.
*/
// EXPECT: none
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	MUST(pthread_mutex_lock(&a), 0);
	handled++;
	MUST(pthread_mutex_unlock(&a), 0);
}

int main(void)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	signal(SIGUSR1, on_usr1);

	raise(SIGUSR1);
	MUST(pthread_mutex_lock(&b), 0);	/* b: SIGUSR1-unsafe */
	pthread_sigmask(SIG_BLOCK, &set, &old);
	MUST(pthread_mutex_lock(&a), 0);	/* b -> a */
	MUST(pthread_mutex_lock(&c), 0);	/* a -> c, c only blocked */
	MUST(pthread_mutex_unlock(&c), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	MUST(pthread_mutex_unlock(&b), 0);
	raise(SIGUSR1);
	return handled == 2 ? 0 : 1;
}
