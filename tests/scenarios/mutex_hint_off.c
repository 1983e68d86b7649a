/*
** mutex_hint_off.c: with mutex_hint=0 the runtime writes nothing into the
** program's mutexes: after being locked and unlocked, a mutex has the bytes
** of a fresh one (a program may compare them), and lock order is still
** validated (an ABBA, reported).
*/
// EXPECT: circular
// OPTIONS: mutex_hint=0:exitcode=0
// EXIT: 0
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_t *h = malloc(sizeof *h);
	if (!h)
		return 1;
	MUST(pthread_mutex_init(h, NULL), 0);
	for (int i = 0; i < 3; i++) {
		LOCK_UNLOCK_2(a, *h);
		LOCK_UNLOCK_2(b, a);
	}
	LOCK_UNLOCK_2(a, b);
	int same = !memcmp(&a, &fresh, sizeof a) && !memcmp(&b, &fresh, sizeof b) &&
		   !memcmp(h, &fresh, sizeof *h);
	MUST(pthread_mutex_destroy(h), 0);
	free(h);
	return same ? 0 : 3;
}
