/*
** signal_order.c: a new dependency from a lock taken in a signal handler to
** one taken with that signal unblocked: the kernel's "safe -> unsafe lock
** order".
**
** SIGUSR1's handler takes a; main takes b with SIGUSR1 unblocked; then main,
** with SIGUSR1 blocked, takes b under a. Had SIGUSR1 arrived at a thread
** holding b while another held a and waited for b, the handler would wait
** for a forever. The same through a middle lock for SIGUSR2: c -> m -> d,
** where only c is taken in the handler and only d with the signal unblocked.
*/
// EXPECT: signal_order
// CHECK: WARNING: SIGUSR1-safe -> SIGUSR1-unsafe lock order detected
// CHECK: WARNING: SIGUSR2-safe -> SIGUSR2-unsafe lock order detected
// CHECK: which would create a new lock dependency:
// CHECK: but this new dependency connects a SIGUSR1-safe lock:
// CHECK: ... which became SIGUSR1-safe at:
// CHECK: ... which became SIGUSR1-unsafe at:
// CHECK: the dependencies between the SIGUSR2-safe lock and the holding lock:
// CHECK: -> (m){
// CHECK: <SIGUSR1>
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	pthread_mutex_t *l = sig == SIGUSR1 ? &a : &c;
	pthread_mutex_lock(l);
	handled++;
	pthread_mutex_unlock(l);
}

int main(void)
{
	sigset_t old;
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);

	LOCK_UNLOCK(b);		/* b: SIGUSR1-unsafe */
	raise(SIGUSR1);			/* a: SIGUSR1-safe */
	BLOCK_SIGNAL(SIGUSR1, &old);
	LOCK_UNLOCK_2(a, b);		/* a -> b: reported */
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	LOCK_UNLOCK(d);		/* d: SIGUSR2-unsafe */
	raise(SIGUSR2);			/* c: SIGUSR2-safe */
	BLOCK_SIGNAL(SIGUSR2, &old);
	LOCK_UNLOCK_2(c, m);		/* c -> m: m never unblocked */
	LOCK_UNLOCK_2(m, d);		/* m -> d closes c -> m -> d */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return handled == 2 ? 0 : 1;
}
