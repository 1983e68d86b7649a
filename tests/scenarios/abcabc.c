/*
** abcabc.c: a->b, c->a, b->c (liblockdep's ABCABC).
**
** The cycle a -> b -> c -> a is closed by the middle edge of the chain:
** when b -> c is added, c -> a and a -> b already exist.
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

int main(void)
{
	LOCK_UNLOCK_2(a, b);
	LOCK_UNLOCK_2(c, a);
	LOCK_UNLOCK_2(b, c);
	return 0;
}
