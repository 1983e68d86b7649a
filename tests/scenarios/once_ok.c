/*
** once_ok.c: pthread_once used correctly from several threads: the init
** routine takes `a`, callers hold nothing, or hold a lock the routine does not
** take (`b`), and one init routine calls pthread_once for another.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t inner_once = PTHREAD_ONCE_INIT;
static pthread_once_t outer_once = PTHREAD_ONCE_INIT;
static int ready;

static void init_inner(void)
{
	MUST(pthread_mutex_lock(&a), 0);
	ready++;
	MUST(pthread_mutex_unlock(&a), 0);
}

static void init_outer(void)
{
	MUST(pthread_once(&inner_once, init_inner), 0);
	ready++;
}

static void *worker(void *arg)
{
	MUST(pthread_once(&outer_once, init_outer), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_once(&outer_once, init_outer), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	return arg;
}

int main(void)
{
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		MUST(pthread_create(&th[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 3; i++)
		MUST(pthread_join(th[i], NULL), 0);
	return ready == 2 ? 0 : 1;
}
