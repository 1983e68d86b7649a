/*
** class_wrapper_heap.c: a lock wrapper that allocates the lock, as OpenSSL's
** CRYPTO_THREAD_lock_new() does: lock_new() returns a malloc'ed, initialised
** pthread_rwlock_t, and every rwlock of the program is made by it. Its name
** says it makes a lock, so a lock's class is the site that called it:
** cache_setup()'s and session_setup()'s are two classes. One path holds the
** cache lock and takes `config`; an unrelated one holds `config` and takes
** the session lock. Keyed by lock_new's own site (init_frames=1) the two
** would be one class and this a cycle; no lock is taken both ways round, so
** nothing is reported.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

typedef pthread_rwlock_t RWLOCK;

static __attribute__((noinline)) RWLOCK *lock_new(void)
{
	RWLOCK *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	MUST(pthread_rwlock_init(l, NULL), 0);
	return l;
}

static RWLOCK *cache_lock, *session_lock;
static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;
static int cache_entries, sessions, config_version;

static __attribute__((noinline)) void cache_setup(void)
{
	cache_lock = lock_new();
}

static __attribute__((noinline)) void session_setup(void)
{
	session_lock = lock_new();
}

/* Refresh the cache: cache lock, then the configuration. */
static void *cache_refresh(void *arg)
{
	MUST(pthread_rwlock_wrlock(cache_lock), 0);
	MUST(pthread_mutex_lock(&config), 0);
	cache_entries = config_version;
	MUST(pthread_mutex_unlock(&config), 0);
	MUST(pthread_rwlock_unlock(cache_lock), 0);
	return arg;
}

/* Reconfigure: the configuration, then the session table. */
static void *reconfigure(void *arg)
{
	MUST(pthread_mutex_lock(&config), 0);
	config_version++;
	MUST(pthread_rwlock_wrlock(session_lock), 0);
	sessions = 0;
	MUST(pthread_rwlock_unlock(session_lock), 0);
	MUST(pthread_mutex_unlock(&config), 0);
	return arg;
}

int main(void)
{
	pthread_t t;
	cache_setup();
	session_setup();
	MUST(pthread_create(&t, NULL, cache_refresh, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	MUST(pthread_create(&t, NULL, reconfigure, NULL), 0);
	MUST(pthread_join(t, NULL), 0);
	return config_version == 1 ? 0 : 1;
}
