/*
** signal_inconsistent.c: a lock taken in a SIGUSR1 handler and by the main
** thread with SIGUSR1 unblocked.
**
** The handler runs (raise) while L is free, so nothing deadlocks here; but
** had SIGUSR1 arrived while main held L, the handler would wait for L forever
** on the thread that holds it. The handler's usage comes first, so the report
** is IN-SIGUSR1 -> SIGUSR1-ON, with the handler's stack as the old usage.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {IN-SIGUSR1-W} -> {SIGUSR1-ON-W} usage.
// CHECK: {IN-SIGUSR1-W} state was registered at:
// CHECK: on_usr1
// CHECK: <SIGUSR1>
// CHECK: (l){?...}-{3:3}
#include <pthread.h>
#include <signal.h>
#include <string.h>

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);

	pthread_mutex_lock(&l);	/* SIGUSR1 unblocked: the handler may interrupt */
	handled++;
	pthread_mutex_unlock(&l);
	return handled == 2 ? 0 : 1;
}
