/*
** same_class_ordered.c: eight mutexes of one class, always nested in index
** order.
**
** The eight are initialised by one pthread_mutex_init call site (a loop), so
** they are one class. Every pair i < j is nested as m[i] then m[j], and one
** pass holds all eight at once in index order. Instances of one class nested
** in a single consistent order cannot deadlock: with the default options
** (same-class nesting checked by instance order) there is no report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

enum { N = 8 };

static pthread_mutex_t m[N];

int main(void)
{
	for (int i = 0; i < N; i++)
		MUST(pthread_mutex_init(&m[i], NULL), 0);	/* one class */

	for (int i = 0; i < N; i++) {
		for (int j = i + 1; j < N; j++) {
			MUST(pthread_mutex_lock(&m[i]), 0);
			MUST(pthread_mutex_lock(&m[j]), 0);
			MUST(pthread_mutex_unlock(&m[j]), 0);
			MUST(pthread_mutex_unlock(&m[i]), 0);
		}
	}
	for (int i = 0; i < N; i++)
		MUST(pthread_mutex_lock(&m[i]), 0);
	for (int i = N - 1; i >= 0; i--)
		MUST(pthread_mutex_unlock(&m[i]), 0);

	for (int i = 0; i < N; i++)
		MUST(pthread_mutex_destroy(&m[i]), 0);
	return 0;
}
