/*
** c11_mtx.c: ABBA with C11 <threads.h> mutexes and threads.
**
** mtx_lock is a blocking lock like pthread_mutex_lock (glibc implements it on
** the same code, without going through the interposable pthread symbol).
** Thread 1 takes a then b; after thrd_join, thread 2 takes b then a: circular.
*/
// EXPECT: circular
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#include "scenario.h"

static mtx_t a, b;

static int a_then_b(void *arg)
{
	(void)arg;
	MUST(mtx_lock(&a), thrd_success);
	MUST(mtx_lock(&b), thrd_success);
	MUST(mtx_unlock(&b), thrd_success);
	MUST(mtx_unlock(&a), thrd_success);
	return 0;
}

static int b_then_a(void *arg)
{
	(void)arg;
	MUST(mtx_lock(&b), thrd_success);
	MUST(mtx_lock(&a), thrd_success);
	MUST(mtx_unlock(&a), thrd_success);
	MUST(mtx_unlock(&b), thrd_success);
	return 0;
}

int main(void)
{
	thrd_t t;

	MUST(mtx_init(&a, mtx_plain), thrd_success);
	MUST(mtx_init(&b, mtx_plain), thrd_success);
	MUST(thrd_create(&t, a_then_b, NULL), thrd_success);
	MUST(thrd_join(t, NULL), thrd_success);
	MUST(thrd_create(&t, b_then_a, NULL), thrd_success);
	MUST(thrd_join(t, NULL), thrd_success);
	mtx_destroy(&b);
	mtx_destroy(&a);
	return 0;
}
