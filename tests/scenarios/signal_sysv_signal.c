/*
** signal_sysv_signal.c: a handler installed with sysv_signal() takes L.
**
** sysv_signal keeps its own semantics under the runtime: the handler runs
** with SIGUSR1 unblocked (SA_NODEFER), the disposition is back to SIG_DFL
** once it ran (SA_RESETHAND), and the previous handler is returned. With
** SIGUSR1 unblocked inside its own handler, a second SIGUSR1 could interrupt
** the handler while it holds L: the handler's own acquisition is both
** IN-SIGUSR1 and SIGUSR1-ON, an inconsistent lock state reported there.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {SIGUSR1-ON-W} -> {IN-SIGUSR1-W} usage.
// CHECK: [in a SIGUSR1 handler] takes:
// CHECK: {SIGUSR1-ON-W} state was registered at:
// CHECK: on_usr1
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>

#include "scenario.h"

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

static void other(int sig)
{
	(void)sig;
}

int main(void)
{
	MUST(sysv_signal(SIGUSR1, other) == SIG_DFL, 1);
	MUST(sysv_signal(SIGUSR1, on_usr1) == other, 1);
	MUST(raise(SIGUSR1), 0);
	MUST(handled, 1);
	MUST(blocked_inside, 0);
	struct sigaction now;
	MUST(sigaction(SIGUSR1, NULL, &now), 0);
	MUST(now.sa_handler == SIG_DFL, 1);

	pthread_mutex_lock(&l);	/* SIGUSR1 unblocked */
	handled++;
	pthread_mutex_unlock(&l);
	return handled == 2 ? 0 : 1;
}
