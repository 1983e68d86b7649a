/*
** signal_rwlock_readers.c: a SIGUSR1 handler read-locks a default rwlock,
** and the main thread read-locks it with SIGUSR1 unblocked, the handler
** running while main holds its read lock.
**
** glibc's default rwlock prefers readers: a reader never waits for another
** reader, even with a writer queued, so the handler cannot deadlock on the
** thread it interrupted. As in the kernel, two recursive read usages do not
** conflict.
**
** Expected: no report.
*/
// EXPECT: none
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "scenario.h"

static pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	MUST(pthread_rwlock_rdlock(&l), 0);
	handled++;
	MUST(pthread_rwlock_unlock(&l), 0);
}

int main(void)
{
	ON_SIGNAL(SIGUSR1, on_usr1);
	raise(SIGUSR1);

	MUST(pthread_rwlock_rdlock(&l), 0);
	raise(SIGUSR1);		/* the handler reads under main's read */
	MUST(pthread_rwlock_unlock(&l), 0);
	return handled == 2 ? 0 : 1;
}
