/*
** signal_nested_altstack.c: a SIGUSR2 handler on an alternate signal stack
** runs nested in a SIGUSR1 handler on the thread's own stack, and takes K.
**
** K is taken inside both handlers: IN-SIGUSR1 and IN-SIGUSR2. The switch to
** the alternate stack must not count as leaving the SIGUSR1 handler. Main
** then takes K with SIGUSR2 blocked and SIGUSR1 unblocked: the SIGUSR1
** handler may interrupt it, an inconsistent lock state for SIGUSR1 only.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {IN-SIGUSR1-W} -> {SIGUSR1-ON-W} usage.
// CHECK-NOT: SIGUSR2-ON
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "scenario.h"

static pthread_mutex_t k = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr2(int sig)
{
	(void)sig;
	MUST(pthread_mutex_lock(&k), 0);
	handled++;
	MUST(pthread_mutex_unlock(&k), 0);
}

static void on_usr1(int sig)
{
	(void)sig;
	raise(SIGUSR2);
}

int main(void)
{
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
	MUST(sigaltstack(&ss, NULL), 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	MUST(sigaction(SIGUSR1, &sa, NULL), 0);
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_ONSTACK;
	MUST(sigaction(SIGUSR2, &sa, NULL), 0);
	raise(SIGUSR1);
	MUST(handled, 1);

	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	MUST(sigprocmask(SIG_BLOCK, &usr2, NULL), 0);
	MUST(pthread_mutex_lock(&k), 0);	/* SIGUSR1 unblocked */
	handled++;
	MUST(pthread_mutex_unlock(&k), 0);
	return 0;
}
