/*
** timedlock.c: ABBA through pthread_mutex_timedlock and
** pthread_rwlock_timedwrlock.
**
** A timed lock waits (up to its deadline) like a plain lock, so it is half of
** a deadlock that only the timeout would break: its dependencies count. Thread
** 1 takes mutex a then write-locks rwlock b; later thread 2 write-locks b then
** takes a: circular. The deadlines are 60 s away and nothing contends, so every
** call succeeds at once.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t b = PTHREAD_RWLOCK_INITIALIZER;

static struct timespec deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	return ts;
}

static void *a_then_b(void *arg)
{
	struct timespec ts = deadline();

	(void)arg;
	MUST(pthread_mutex_timedlock(&a, &ts), 0);
	MUST(pthread_rwlock_timedwrlock(&b, &ts), 0);
	MUST(pthread_rwlock_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	struct timespec ts = deadline();

	(void)arg;
	MUST(pthread_rwlock_timedwrlock(&b, &ts), 0);
	MUST(pthread_mutex_timedlock(&a, &ts), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_rwlock_unlock(&b), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	MUST(pthread_create(&t, NULL, a_then_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, b_then_a, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
