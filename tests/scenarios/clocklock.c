/*
** clocklock.c: ABBA through pthread_mutex_clocklock (glibc 2.30+).
**
** Like timedlock.c with a CLOCK_MONOTONIC deadline: a clock-bounded lock still
** waits, so thread 1's a -> b and thread 2's later b -> a form a cycle:
** circular. Nothing contends, so every call succeeds at once.
*/
// EXPECT: circular
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void clock_lock(pthread_mutex_t *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 60;
	MUST(pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &ts), 0);
}

static void *a_then_b(void *arg)
{
	(void)arg;
	clock_lock(&a);
	clock_lock(&b);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	clock_lock(&b);
	clock_lock(&a);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_mutex_unlock(&b), 0);
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
