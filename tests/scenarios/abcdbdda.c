/*
** abcdbdda.c: a->b, c->d, b->d, d->a (liblockdep's ABCDBDDA).
**
** The cycle a -> b -> d -> a skips c; the edge c -> d hangs off it and is
** not part of the cycle.
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
	LOCK_UNLOCK_2(b, d);
	LOCK_UNLOCK_2(d, a);
	return 0;
}
