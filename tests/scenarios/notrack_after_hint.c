/*
** notrack_after_hint.c: a mutex whose class stops being tracked after the
** fast path has learnt it.
**
** A thread takes m alone twice, so that m's hint is written and its chain
** cached; then m's class is made not tracked, and the thread takes m and
** returns without releasing it. An untracked lock is never held as far as the
** validator knows, so nothing is reported. Were m's hint still believed, the
** fast path would push m, and the thread's end would report it held.
**
** Expected: no report.
*/
// EXPECT: none
#include <pthread.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *keeper(void *arg)
{
	(void)arg;
	LOCK_UNLOCK(m);
	LOCK_UNLOCK(m);
	ulockdep_set_notrack_class(&m);
	MUST(pthread_mutex_lock(&m), 0);
	return NULL;			/* m stays locked */
}

int main(void)
{
	pthread_t th;
	MUST(pthread_create(&th, NULL, keeper, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	return 0;
}
