/*
** rwlock_hint_read_write.c: the reader rules hold through the rwlock's hint.
**
** The main thread reads rwlock A twice, nested (a recursive read of a
** default rwlock: no report), 100 times, then reads A and, still reading,
** asks to write it with a timed lock (which may wait, so it is validated).
** After the first time every read is taken through A's hint. A writer waits
** for every reader, this thread's own included: recursive locking, reported
** before the lock times out.
*/
// EXPECT: recursive
// CHECK: (A){+...}-{3:3}, at: read_then_write+
// CHECK: but task is already holding lock:
// CHECK: possible recursive locking in read_then_write (A)
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "scenario.h"

static pthread_rwlock_t A = PTHREAD_RWLOCK_INITIALIZER;

static __attribute__((noinline)) void read_read(void)
{
	MUST(pthread_rwlock_rdlock(&A), 0);
	MUST(pthread_rwlock_rdlock(&A), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
	MUST(pthread_rwlock_unlock(&A), 0);
}

static __attribute__((noinline)) void read_then_write(void)
{
	struct timespec ts;
	MUST(pthread_rwlock_rdlock(&A), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	MUST(pthread_rwlock_timedwrlock(&A, &ts), ETIMEDOUT);
	MUST(pthread_rwlock_unlock(&A), 0);
}

int main(void)
{
	for (int i = 0; i < 100; i++)
		read_read();
	read_then_write();
	return 0;
}
