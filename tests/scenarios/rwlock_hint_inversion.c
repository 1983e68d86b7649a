/*
** rwlock_hint_inversion.c: a read-then-write inversion is still reported
** when the read was taken through the rwlock's hint and its chain cached.
**
** A thread reads rwlock A, then takes mutex B, 100 times: the first time
** through the slow path (which stores A's hint), then through the inline
** half (the hint, and the chain A(read) -> B cached). A second thread then
** reads A alone ten times (A, taken by two threads, gets a hint that says
** so, and the reads after the first take it), holds B and writes A: the
** write too goes through the hint, whose chain B -> A(write) is not cached.
** The writer waits for every reader of A, and the first thread's reader
** waits for B: circular, as in the kernel (a write against a read).
*/
// EXPECT: circular
// CHECK: (A){+...}-{3:3}, at: write_a_under_b+
// CHECK: but task is already holding lock:
// CHECK: (B){+...}-{3:3}, at: write_a_under_b+
// CHECK: -> #1 (B){+...}-{3:3}:
// CHECK: read_a_then_b+
// CHECK: possible deadlock in write_a_under_b (A -> B -> A)
#include <pthread.h>

#include "scenario.h"

static pthread_rwlock_t A = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t B = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void read_a_then_b(void)
{
	MUST(pthread_rwlock_rdlock(&A), 0);
	MUST(pthread_mutex_lock(&B), 0);
	MUST(pthread_mutex_unlock(&B), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
}

static void *reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		read_a_then_b();
	return NULL;
}

static __attribute__((noinline)) void write_a_under_b(void)
{
	MUST(pthread_mutex_lock(&B), 0);
	MUST(pthread_rwlock_wrlock(&A), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
	MUST(pthread_mutex_unlock(&B), 0);
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++) {
		MUST(pthread_rwlock_rdlock(&A), 0);
		MUST(pthread_rwlock_unlock(&A), 0);
	}
	write_a_under_b();
	return NULL;
}

int main(void)
{
	pthread_t t;
	MUST(pthread_create(&t, NULL, reader, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, writer, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return 0;
}
