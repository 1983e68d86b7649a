/*
** abcdbcda.c: a->b, c->d, b->c, d->a (liblockdep's ABCDBCDA).
**
** Two unconnected pairs are joined by b -> c, then d -> a closes the cycle
** a -> b -> c -> d -> a.
** One thread runs the pairs one after another, so nothing blocks; the
** dependencies recorded still form a cycle: circular.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	LOCK_UNLOCK_2(a, b);
	LOCK_UNLOCK_2(c, d);
	LOCK_UNLOCK_2(b, c);
	LOCK_UNLOCK_2(d, a);
	return 0;
}
