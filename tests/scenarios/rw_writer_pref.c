/*
** rw_writer_pref.c: the sequence of rw_read_read.c with a writer-preferring
** rwlock (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP).
**
** With this kind a new reader queues behind a waiting writer. So: thread 1
** reads A and waits for B; thread 2 holds B and wants to read A; a third
** thread waiting to write A (taking no other lock) makes thread 2's read wait,
** and the writer waits for thread 1: deadlock. Readers of this kind are not
** recursive (row 10 of the lockdep scenario table): circular.
*/
// EXPECT: circular
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_rwlock_t A;
static pthread_mutex_t B = PTHREAD_MUTEX_INITIALIZER;

static void *read_a_then_b(void *arg)
{
	(void)arg;
	MUST(pthread_rwlock_rdlock(&A), 0);
	MUST(pthread_mutex_lock(&B), 0);
	MUST(pthread_mutex_unlock(&B), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
	return NULL;
}

static void *b_then_read_a(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&B), 0);
	MUST(pthread_rwlock_rdlock(&A), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
	MUST(pthread_mutex_unlock(&B), 0);
	return NULL;
}

int main(void)
{
	pthread_rwlockattr_t attr;
	pthread_t t;

	MUST(pthread_rwlockattr_init(&attr), 0);
	MUST(pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP), 0);
	MUST(pthread_rwlock_init(&A, &attr), 0);
	MUST(pthread_rwlockattr_destroy(&attr), 0);

	MUST(pthread_create(&t, NULL, read_a_then_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, b_then_read_a, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_rwlock_destroy(&A), 0);
	return 0;
}
