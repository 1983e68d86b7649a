/*
** detail.c: the reports whose detail is more than their locks, in this
** order: an inconsistent lock state (L taken in a SIGUSR1 handler, then by
** main with SIGUSR1 unblocked), a failed ulockdep_assert_held on a lock not
** held, and a failed ulockdep_assert_held_write on a lock held for reading.
** Lines marked MARK:name are checked by the JSON and SARIF tests.
*/
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "ulockdep.h"

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&l);	/* MARK:in_handler */
	pthread_mutex_unlock(&l);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	pthread_mutex_lock(&l);	/* MARK:unblocked */
	pthread_mutex_unlock(&l);

	ulockdep_assert_held(&m);	/* MARK:assert_held */
	pthread_rwlock_rdlock(&rw);	/* MARK:rdlock */
	ulockdep_assert_held_write(&rw);	/* MARK:assert_write */
	pthread_rwlock_unlock(&rw);
	return 0;
}
