/*
** signal_blocked_ok.c: a lock taken in a SIGUSR1 handler and by the main
** thread with SIGUSR1 blocked around its critical section (the userspace
** local_irq_save), before and after the handler ran: consistent, no report.
** The mask is also changed with sigprocmask, and the handler is installed
** with signal(), so both forms are followed.
*/
// EXPECT: none
#include <pthread.h>
#include <signal.h>

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
}

static void section(int use_sigprocmask)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (use_sigprocmask)
		sigprocmask(SIG_BLOCK, &set, &old);
	else
		pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_mutex_lock(&l);
	handled++;
	pthread_mutex_unlock(&l);
	if (use_sigprocmask)
		sigprocmask(SIG_SETMASK, &old, NULL);
	else
		pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	section(0);
	raise(SIGUSR1);
	section(1);
	raise(SIGUSR1);
	return handled == 4 ? 0 : 1;
}
