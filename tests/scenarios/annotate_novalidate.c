/*
** annotate_novalidate.c: an ABBA between a and b, where a's class is
** no-validate, and another between c and d, where c's class is not tracked:
** nothing is reported. a is still tracked (its assertion holds); c is not
** (releasing it is no bad unlock).
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <ulockdep.h>

#include "scenario.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;

static void both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	MUST(pthread_mutex_lock(x), 0);
	MUST(pthread_mutex_lock(y), 0);
	MUST(pthread_mutex_unlock(y), 0);
	MUST(pthread_mutex_unlock(x), 0);
}

int main(void)
{
	ulockdep_set_novalidate_class(&a);
	ulockdep_set_notrack_class(&c);
	both(&a, &b);
	both(&b, &a);
	both(&c, &d);
	both(&d, &c);
	MUST(pthread_mutex_lock(&a), 0);
	int held = ulockdep_assert_held(&a);
	MUST(pthread_mutex_unlock(&a), 0);
	return held ? 0 : 1;
}
