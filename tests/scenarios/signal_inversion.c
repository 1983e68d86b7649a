/*
** signal_inversion.c: a lock gains signal usage that, through a dependency
** already known, joins a handler's lock to one taken with the signal
** unblocked: the kernel's "irq lock inversion".
**
** SIGUSR1: a -> b is taken with the signal blocked, the handler takes a,
** then main takes b unblocked: b "was taken by another, SIGUSR1-safe lock".
** SIGUSR2: d is taken unblocked, c -> d blocked, then the handler takes c:
** c "took another, SIGUSR2-unsafe lock".
*/
// EXPECT: signal_inversion
// CHECK: WARNING: possible signal lock inversion dependency detected
// CHECK: [SIGUSR1 unblocked] just changed the state of lock:
// CHECK: but this lock was taken by another, SIGUSR1-safe lock in the past:
// CHECK: [in a SIGUSR2 handler] just changed the state of lock:
// CHECK: but this lock took another, SIGUSR2-unsafe lock in the past:
// CHECK: and signals could create inverse lock ordering between them.
// CHECK: the shortest dependencies between the SIGUSR1-safe lock and the SIGUSR1-unsafe lock:
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	pthread_mutex_t *l = sig == SIGUSR1 ? &a : &c;
	MUST(pthread_mutex_lock(l), 0);
	handled++;
	MUST(pthread_mutex_unlock(l), 0);
}

int main(void)
{
	sigset_t old;
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);

	BLOCK_SIGNAL(SIGUSR1, &old);
	LOCK_UNLOCK_2(a, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	raise(SIGUSR1);			/* a: SIGUSR1-safe, b not yet unsafe */
	LOCK_UNLOCK(b);			/* b: SIGUSR1-unsafe: reported */

	LOCK_UNLOCK(d);			/* d: SIGUSR2-unsafe */
	BLOCK_SIGNAL(SIGUSR2, &old);
	LOCK_UNLOCK_2(c, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	raise(SIGUSR2);			/* c: SIGUSR2-safe: reported */
	return handled == 2 ? 0 : 1;
}
