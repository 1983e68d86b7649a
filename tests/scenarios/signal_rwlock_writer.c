/*
** signal_rwlock_writer.c: a SIGUSR1 handler read-locks a default rwlock,
** and the main thread write-locks it with SIGUSR1 unblocked.
**
** Had SIGUSR1 arrived while main held the write lock, the handler's read
** would wait for it forever on the thread that holds it: a read in the
** handler conflicts with a write outside.
**
** Expected: inconsistent, the old usage the handler's read.
*/
// EXPECT: inconsistent
// CHECK: inconsistent {IN-SIGUSR1-R} -> {SIGUSR1-ON-W} usage.
// CHECK: {IN-SIGUSR1-R} state was registered at:
// CHECK: on_usr1
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

	MUST(pthread_rwlock_wrlock(&l), 0);	/* SIGUSR1 unblocked */
	handled++;
	MUST(pthread_rwlock_unlock(&l), 0);
	return handled == 2 ? 0 : 1;
}
