/*
** abbccdda.c: a->b, b->c, c->d, d->a (liblockdep's ABBCCDDA).
**
** A four-lock cycle closed by the last dependency, d -> a; the search must
** follow a path of three recorded edges to find it.
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
	LOCK_UNLOCK_2(b, c);
	LOCK_UNLOCK_2(c, d);
	LOCK_UNLOCK_2(d, a);
	return 0;
}
