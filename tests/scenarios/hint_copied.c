/*
** hint_copied.c: mutexes whose unused words carry another lock's hint.
**
** The runtime remembers a mutex's instance and class in two words of the
** mutex that glibc leaves alone. A copy of a mutex carries the original's
** words, and a program may put anything there; the runtime must then find
** the copy's own identity. Here b is a byte copy of a (after a was locked, so
** the words are set) and c gets a's words by hand; both are taken in both
** orders with a. Two unrelated locks are nested first, so that the thread
** has been two deep and the runtime's fast path, which reads the words,
** applies.
**
** Expected: circular only. Were a's words believed, b and c would be a itself
** and every nesting below would be reported as recursive locking instead.
*/
// EXPECT: circular
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static pthread_mutex_t *new_mutex(void)
{
	pthread_mutex_t *m = malloc(sizeof *m);
	if (!m)
		abort();
	MUST(pthread_mutex_init(m, NULL), 0);
	return m;
}

static pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER, y = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	LOCK_UNLOCK_2(x, y);
	pthread_mutex_t *a = new_mutex(), *c = new_mutex();
	MUST(pthread_mutex_lock(a), 0);
	MUST(pthread_mutex_unlock(a), 0);

	pthread_mutex_t *b = malloc(sizeof *b);
	if (!b)
		abort();
	memcpy(b, a, sizeof *b);
	memcpy(&c->__data.__list, &a->__data.__list, sizeof c->__data.__list);

	LOCK_UNLOCK_2(*a, *b);
	LOCK_UNLOCK_2(*b, *a);
	LOCK_UNLOCK_2(*a, *c);
	LOCK_UNLOCK_2(*c, *a);
	return 0;
}
