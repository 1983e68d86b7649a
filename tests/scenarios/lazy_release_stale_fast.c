/*
** lazy_release_stale_fast.c: locks released oldest first once the keys are
** stale (lazy_release), where the unlock takes the lazy release's common
** case without the slow path, and where it must not.
**
** First, ten mutexes and then six rwlocks (each its own class) are held and
** released oldest first, twice: from the second release on, each one is the
** lowest stale entry and the lock above it finds its chain cached.
**
** Then x and y, of one class (one init loop), are held with o and p between
** them (no-validate classes, which take part in no dependency) and c, d, e,
** f above: o is released (the first lazy release), then p, the lowest stale
** entry. y is now directly on x, a chain never seen, which
** the common case cannot vouch for: the release validates it and records
** the order x before y (an instance edge). Thread `reversed` takes y, then x:
** a circular dependency, the only report. No acquisition nests x and y
** directly.
*/
// EXPECT: circular
// OPTIONS: init_frames=1
// CHECK: reversed+
// CHECK: main+
// CHECK: lazy_release_stale_fast.c:102
// CHECK-NOT: recursive locking
#include <pthread.h>
#include <stdio.h>
#include <ulockdep.h>

#include "scenario.h"

#define NM 10
#define NR 6
static pthread_mutex_t a[NM] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER,
};
static pthread_rwlock_t r[NR] = {
	PTHREAD_RWLOCK_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER,
	PTHREAD_RWLOCK_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER,
};
static pthread_mutex_t k[2];	/* x = k[0], y = k[1] */
static pthread_mutex_t o = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t p = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t e = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t f = PTHREAD_MUTEX_INITIALIZER;

static void lock(pthread_mutex_t *m)
{
	MUST(pthread_mutex_lock(m), 0);
}

static void unlock(pthread_mutex_t *m)
{
	MUST(pthread_mutex_unlock(m), 0);
}

static void init_one(int i)
{
	MUST(pthread_mutex_init(&k[i], NULL), 0);	/* the one class */
}

static void *reversed(void *arg)
{
	(void)arg;
	lock(&k[1]);
	lock(&k[0]);
	unlock(&k[0]);
	unlock(&k[1]);
	return NULL;
}

int main(void)
{
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < NM; i++)
			lock(&a[i]);
		for (int i = 0; i < NM; i++)
			unlock(&a[i]);
		for (int i = 0; i < NR; i++)
			MUST(i % 2 ? pthread_rwlock_rdlock(&r[i]) : pthread_rwlock_wrlock(&r[i]), 0);
		for (int i = 0; i < NR; i++)
			MUST(pthread_rwlock_unlock(&r[i]), 0);
	}

	for (int i = 0; i < 2; i++)
		init_one(i);
	ulockdep_set_novalidate_class(&o);
	ulockdep_set_novalidate_class(&p);
	lock(&k[0]);
	lock(&o);
	lock(&p);
	lock(&k[1]);
	lock(&c);
	lock(&d);
	lock(&e);
	lock(&f);
	unlock(&o);
	unlock(&p);	/* x, y, c, d, e, f held */
	unlock(&f);
	unlock(&e);
	unlock(&d);
	unlock(&c);
	unlock(&k[1]);
	unlock(&k[0]);

	pthread_t th;
	MUST(pthread_create(&th, NULL, reversed, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	return 0;
}
