/*
** annotate_cmp_inverted.c: a class ordered by address (instance comparison
** function) nested against its order: recursive locking, even without the
** strict rule.
*/
// EXPECT: recursive
// CHECK: (ordered)
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

ULOCKDEP_DEFINE_KEY(ordered_key);

static int by_address(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

int main(void)
{
	pthread_mutex_t m[2];
	for (int i = 0; i < 2; i++) {
		MUST(pthread_mutex_init(&m[i], NULL), 0);
		ulockdep_set_class(&m[i], &ordered_key, "ordered");
	}
	ulockdep_set_cmp_fn(&m[0], by_address);
	MUST(pthread_mutex_lock(&m[1]), 0);
	MUST(pthread_mutex_lock(&m[0]), 0);
	MUST(pthread_mutex_unlock(&m[0]), 0);
	MUST(pthread_mutex_unlock(&m[1]), 0);
	return 0;
}
