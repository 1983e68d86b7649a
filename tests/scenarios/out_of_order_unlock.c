/*
** out_of_order_unlock.c: lock a, b, c; unlock b, then a, then c.
**
** Releasing locks in a different order than they were taken is legal and
** cannot deadlock. The held-lock bookkeeping must remove b from the middle
** and keep c, so the second round (a, b, c again, then released in reverse)
** must find nothing held: no recursive locking, no unlock imbalance, no
** report at all.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_lock(&c), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	MUST(pthread_mutex_unlock(&c), 0);

	MUST(pthread_mutex_lock(&a), 0);
	MUST(pthread_mutex_lock(&b), 0);
	MUST(pthread_mutex_lock(&c), 0);
	MUST(pthread_mutex_unlock(&c), 0);
	MUST(pthread_mutex_unlock(&b), 0);
	MUST(pthread_mutex_unlock(&a), 0);
	return 0;
}
