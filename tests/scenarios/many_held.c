/*
** many_held.c: 200 distinct mutexes held at once.
**
** All 200 are locked in index order, unlocked in reverse, then the same again
** (the second pass meets only dependencies already recorded). One global
** order, so no report; the point is depth: far more locks held at once than
** the kernel's 48, which must neither overflow nor be mistaken for anything.
** Each mutex is a separate static object, hence its own class.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

enum { NLOCKS = 200 };

static pthread_mutex_t locks[NLOCKS] = {
	[0 ... NLOCKS - 1] = PTHREAD_MUTEX_INITIALIZER
};

int main(void)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < NLOCKS; i++)
			MUST(pthread_mutex_lock(&locks[i]), 0);
		for (int i = NLOCKS - 1; i >= 0; i--)
			MUST(pthread_mutex_unlock(&locks[i]), 0);
	}
	return 0;
}
