/*
** wrapper_once.c: every lock made by one helper, and a once-routine.
**
** As OpenSSL's CRYPTO_THREAD_lock_new does, lock_new() makes every lock of
** the program. The once-routine load_registry takes the registry lock; the
** config path holds the config lock and calls pthread_once on the same
** control. Keyed by the init call site, the two locks would be one class
** and the once-control would close a cycle through it; but they are two
** locks that no path takes in both orders. By default lock_new, named for a
** lock, is a lock wrapper and each lock gets its caller's class: no report.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

static __attribute__((noinline)) pthread_mutex_t *lock_new(void)
{
	pthread_mutex_t *m = malloc(sizeof *m);
	if (!m)
		abort();
	MUST(pthread_mutex_init(m, NULL), 0);
	return m;
}

static pthread_mutex_t *registry_lock, *config_lock;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static int registry_size, config_loaded;

static __attribute__((noinline)) void registry_setup(void)
{
	registry_lock = lock_new();
}

static __attribute__((noinline)) void config_setup(void)
{
	config_lock = lock_new();
}

static void load_registry(void)
{
	MUST(pthread_mutex_lock(registry_lock), 0);
	registry_size = 10;
	MUST(pthread_mutex_unlock(registry_lock), 0);
}

static void *use_registry(void *arg)
{
	MUST(pthread_once(&registry_once, load_registry), 0);
	return arg;
}

int main(void)
{
	pthread_t th;
	registry_setup();
	config_setup();
	MUST(pthread_create(&th, NULL, use_registry, NULL), 0);
	MUST(pthread_join(th, NULL), 0);

	MUST(pthread_mutex_lock(config_lock), 0);
	MUST(pthread_once(&registry_once, load_registry), 0);
	config_loaded = registry_size;
	MUST(pthread_mutex_unlock(config_lock), 0);
	return config_loaded == 10 ? 0 : 1;
}
