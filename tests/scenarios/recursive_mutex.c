/*
** recursive_mutex.c: a PTHREAD_MUTEX_RECURSIVE mutex r taken several times
** by its owner, with a normal mutex m always nested inside it.
**
** Relocking a recursive mutex one already owns just counts up; it never
** waits, so it is neither recursive locking nor a new dependency:
**   - r three times, then m, then r unlocked three times;
**   - r, m, then r again while m is held: the inner lock of r is a nested
**     re-entry, not an m -> r dependency (it cannot wait, since this thread
**     owns r); another thread doing r -> m meanwhile just waits for r;
**   - a second thread takes r -> m the ordinary way.
** Only one blocking order (r -> m) exists: no report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t r;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *r_then_m(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&r), 0);
	MUST(pthread_mutex_lock(&m), 0);
	counter++;
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_unlock(&r), 0);
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_t t;

	MUST(pthread_mutexattr_init(&attr), 0);
	MUST(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE), 0);
	MUST(pthread_mutex_init(&r, &attr), 0);
	MUST(pthread_mutexattr_destroy(&attr), 0);

	MUST(pthread_mutex_lock(&r), 0);
	MUST(pthread_mutex_lock(&r), 0);
	MUST(pthread_mutex_lock(&r), 0);
	MUST(pthread_mutex_lock(&m), 0);
	counter++;
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_unlock(&r), 0);
	MUST(pthread_mutex_unlock(&r), 0);
	MUST(pthread_mutex_unlock(&r), 0);

	MUST(pthread_mutex_lock(&r), 0);
	MUST(pthread_mutex_lock(&m), 0);
	MUST(pthread_mutex_lock(&r), 0);	/* re-entry under m */
	counter++;
	MUST(pthread_mutex_unlock(&r), 0);
	MUST(pthread_mutex_unlock(&m), 0);
	MUST(pthread_mutex_unlock(&r), 0);

	MUST(pthread_create(&t, NULL, r_then_m, NULL), 0);
	MUST(pthread_join(t, NULL), 0);

	/* r is free again: destroy succeeds only if every lock was undone */
	MUST(pthread_mutex_destroy(&r), 0);
	return counter == 3 ? 0 : 1;
}
