/*
** custom_spinlock.c: a spinlock built on C11 atomics, annotated for ulockdep.
**
** ulockdep sees pthread locks by itself; a lock a program builds itself is
** invisible to it until the program says when it is taken and released. The
** annotations below cost one predicted branch each when the program runs on
** its own, and do nothing then: it prints nothing and exits 0.
**
** Under `ulockdep run`, the two paths below are an ABBA between the spinlock
** and a pthread mutex: stats_update() takes stats_lock then queue_lock,
** queue_push() takes queue_lock then stats_lock. They run one after the
** other, so nothing blocks, but two threads running them at once could
** deadlock: a circular dependency. And queue_push() sleeps on a mutex while
** spinning on queue_lock: an invalid wait context, since the lock is declared
** spin-only.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <ulockdep.h>

/* ---- the lock ------------------------------------------------------------ */

typedef struct spinlock {
	atomic_flag taken;
} spinlock_t;

/* Every spinlock_t is one class, named after this key. */
ULOCKDEP_DEFINE_KEY(spinlock_key);

static void spin_init(spinlock_t *s, const char *name)
{
	atomic_flag_clear(&s->taken);
	ulockdep_lock_init(s, &spinlock_key, name, ULOCKDEP_LOCK_SPIN);
}

static void spin_lock(spinlock_t *s)
{
	/* Validated before it may spin: a deadlock is reported, not suffered. */
	ulockdep_acquire(s, ULOCKDEP_EXCLUSIVE);
	if (atomic_flag_test_and_set_explicit(&s->taken, memory_order_acquire)) {
		ulockdep_contended(s);
		while (atomic_flag_test_and_set_explicit(&s->taken, memory_order_acquire))
			;
		ulockdep_acquired(s);
	}
}

static int spin_trylock(spinlock_t *s)
{
	if (atomic_flag_test_and_set_explicit(&s->taken, memory_order_acquire))
		return 0;
	ulockdep_acquire_try(s, ULOCKDEP_EXCLUSIVE);
	return 1;
}

static void spin_unlock(spinlock_t *s)
{
	ulockdep_release(s);
	atomic_flag_clear_explicit(&s->taken, memory_order_release);
}

static void spin_destroy(spinlock_t *s)
{
	ulockdep_lock_destroy(s);
}

/* ---- a program using it ------------------------------------------------------ */

static spinlock_t queue_lock;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int queue_len, pushes;

static void *stats_update(void *arg)
{
	pthread_mutex_lock(&stats_lock);
	spin_lock(&queue_lock);		/* stats_lock -> queue_lock */
	pushes = queue_len;
	spin_unlock(&queue_lock);
	pthread_mutex_unlock(&stats_lock);
	return arg;
}

static void *queue_push(void *arg)
{
	spin_lock(&queue_lock);
	queue_len++;
	pthread_mutex_lock(&stats_lock);	/* queue_lock -> stats_lock */
	pushes++;
	pthread_mutex_unlock(&stats_lock);
	spin_unlock(&queue_lock);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t th;
	if (pthread_create(&th, NULL, fn, NULL) || pthread_join(th, NULL))
		abort();
}

int main(void)
{
	spin_init(&queue_lock, "queue_lock");
	if (spin_trylock(&queue_lock))	/* uncontended here: always taken */
		spin_unlock(&queue_lock);
	run(stats_update);
	run(queue_push);
	spin_destroy(&queue_lock);
	return queue_len == 1 && pushes == 1 ? 0 : 1;
}
