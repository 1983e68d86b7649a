/*
** cancel_blocked_lock.c: threads cancelled (asynchronously) while they wait
** in pthread_mutex_lock, pthread_rwlock_wrlock and mtx_lock for locks the
** main thread holds.
**
** Natively the waiters end without the locks, and main releases them once
** they have unwound (joining them while holding the locks would be a
** deadlock if a cancellation were lost, which the runtime rightly reports). The runtime records an acquisition before the real call
** blocks; a waiter cancelled inside the call never got the lock, so its end
** must not be reported as "still has locks held".
*/
// EXPECT: none
// TIMEOUT: 60
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <threads.h>
#include <time.h>

#include "scenario.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rm;	/* recursive: not the runtime's plain path */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static mtx_t cm;
static atomic_int waiting, unwound;

static void async_cancel(void)
{
	int old;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	atomic_fetch_add(&waiting, 1);
}

static void note_unwound(void *arg)
{
	(void)arg;
	atomic_fetch_add(&unwound, 1);
}

static void *wait_mutex(void *arg)
{
	(void)arg;
	async_cancel();
	pthread_cleanup_push(note_unwound, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *wait_recursive(void *arg)
{
	(void)arg;
	async_cancel();
	pthread_cleanup_push(note_unwound, NULL);
	pthread_mutex_lock(&rm);
	pthread_mutex_unlock(&rm);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *wait_rwlock(void *arg)
{
	(void)arg;
	async_cancel();
	pthread_cleanup_push(note_unwound, NULL);
	pthread_rwlock_wrlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *wait_mtx(void *arg)
{
	(void)arg;
	async_cancel();
	pthread_cleanup_push(note_unwound, NULL);
	mtx_lock(&cm);
	mtx_unlock(&cm);
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	void *(*fn[])(void *) = { wait_mutex, wait_recursive, wait_rwlock, wait_mtx };
	enum { N = sizeof fn / sizeof fn[0] };
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rm, &a);
	mtx_init(&cm, mtx_plain);

	pthread_mutex_lock(&m);
	pthread_mutex_lock(&rm);
	pthread_rwlock_rdlock(&rw);
	mtx_lock(&cm);
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, fn[i], NULL);
	while (atomic_load(&waiting) < N)
		sched_yield();
	/* Long enough for each of them to block in its lock call. */
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	for (int i = 0; i < N; i++)
		pthread_cancel(t[i]);
	while (atomic_load(&unwound) < N)
		sched_yield();
	mtx_unlock(&cm);
	pthread_rwlock_unlock(&rw);
	pthread_mutex_unlock(&rm);
	pthread_mutex_unlock(&m);
	int bad = 0;
	for (int i = 0; i < N; i++) {
		void *rv;
		pthread_join(t[i], &rv);
		bad += rv != PTHREAD_CANCELED;
	}
	return bad;
}
