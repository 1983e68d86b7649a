/*
** signal_bsd_signal.c: a handler installed with bsd_signal() takes L; main
** then takes L with SIGUSR1 unblocked: inconsistent lock state.
**
** bsd_signal keeps its own semantics under the runtime: the handler runs
** with SIGUSR1 blocked, stays installed after it ran (no reset), and the
** program sees its own handler, not the runtime's, as the previous one.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {IN-SIGUSR1-W} -> {SIGUSR1-ON-W} usage.
// CHECK: {IN-SIGUSR1-W} state was registered at:
// CHECK: on_usr1
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

/* glibc declares it only for older X/Open levels. */
extern __sighandler_t bsd_signal(int sig, __sighandler_t handler);

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled, blocked_inside = -1;

static void on_usr1(int sig)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_inside = sigismember(&now, sig);
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

int main(void)
{
	MUST(bsd_signal(SIGUSR1, on_usr1) == SIG_DFL, 1);
	MUST(raise(SIGUSR1), 0);
	MUST(raise(SIGUSR1), 0);	/* still installed */
	MUST(handled, 2);
	MUST(blocked_inside, 1);
	MUST(bsd_signal(SIGUSR1, on_usr1) == on_usr1, 1);
	struct sigaction now;
	MUST(sigaction(SIGUSR1, NULL, &now), 0);
	MUST(now.sa_handler == on_usr1, 1);
	MUST((now.sa_flags & SA_RESTART) != 0, 1);

	pthread_mutex_lock(&l);	/* SIGUSR1 unblocked */
	handled++;
	pthread_mutex_unlock(&l);
	return handled == 3 ? 0 : 1;
}
