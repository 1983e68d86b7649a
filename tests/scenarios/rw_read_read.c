/*
** rw_read_read.c: rdlock A then mutex B in one thread; later mutex B then
** rdlock A in another. A is a default glibc rwlock.
**
** glibc's default rwlock prefers readers: a new reader gets in while another
** reader holds the lock, even if a writer is waiting. So a reader of A never
** waits for a reader of A; it can only wait for a writer, and nobody writes A.
** The cycle A -> B -> A passes through A as a reader entering and a reader
** leaving, which cannot deadlock (row 9 of the lockdep scenario table:
** recursive readers). No report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static pthread_rwlock_t A = PTHREAD_RWLOCK_INITIALIZER;
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
	pthread_t t;

	MUST(pthread_create(&t, NULL, read_a_then_b, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, b_then_read_a, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
