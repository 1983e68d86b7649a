/*
** plain_mutex_state.c: the runtime takes and releases free normal and
** adaptive mutexes itself (src/rt/glibc.h); it must leave each mutex
** exactly as glibc would.
**
** Each step is made on two mutexes of the same type: one through the
** interposed pthread_mutex_lock/unlock (and mtx_lock/unlock), one through
** glibc's own functions, bound here by symbol version so that the runtime
** does not see them. After each step every field of the two must match, but
** __list, where the runtime keeps its hint. This is done before any thread is
** started (glibc then uses no atomic instruction), after, and in a forked
** child (whose tid is new). Then a second thread waits for a held mutex, and
** the unlock must wake it.
**
** Expected: no report, and exit status 0 (a mismatch or a waiter that never
** wakes aborts with a message).
*/
// EXPECT: none
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_BASE "GLIBC_2.17"
#endif
int glibc_lock(pthread_mutex_t *m);
int glibc_unlock(pthread_mutex_t *m);
__asm__(".symver glibc_lock, __pthread_mutex_lock@" GLIBC_BASE);
__asm__(".symver glibc_unlock, __pthread_mutex_unlock@" GLIBC_BASE);

static void same(const pthread_mutex_t *ours, const pthread_mutex_t *ref, const char *what,
		 const char *step)
{
	const struct __pthread_mutex_s *a = &ours->__data, *b = &ref->__data;
	if (a->__lock != b->__lock || a->__count != b->__count || a->__owner != b->__owner ||
	    a->__nusers != b->__nusers || a->__kind != b->__kind || a->__spins != b->__spins) {
		fprintf(stderr,
			"%s, %s: lock %d/%d count %u/%u owner %d/%d nusers %u/%u kind %d/%d "
			"spins %d/%d (interposed/glibc)\n",
			what, step, a->__lock, b->__lock, a->__count, b->__count, a->__owner,
			b->__owner, a->__nusers, b->__nusers, a->__kind, b->__kind, a->__spins,
			b->__spins);
		abort();
	}
}

static void init_pair(pthread_mutex_t *a, pthread_mutex_t *b, int type)
{
	pthread_mutexattr_t at;
	MUST(pthread_mutexattr_init(&at), 0);
	MUST(pthread_mutexattr_settype(&at, type), 0);
	MUST(pthread_mutex_init(a, &at), 0);
	MUST(pthread_mutex_init(b, &at), 0);
	MUST(pthread_mutexattr_destroy(&at), 0);
}

/* Lock and unlock both of a pair three times: the runtime's first take goes
** through its slow path, the next ones through its fast path. */
static void compare_pair(pthread_mutex_t *a, pthread_mutex_t *b, const char *what)
{
	for (int i = 0; i < 3; i++) {
		MUST(pthread_mutex_lock(a), 0);
		MUST(glibc_lock(b), 0);
		same(a, b, what, "locked");
		MUST(pthread_mutex_unlock(a), 0);
		MUST(glibc_unlock(b), 0);
		same(a, b, what, "unlocked");
	}
}

static void compare_all(const char *when)
{
	static const struct {
		int type;
		const char *name;
	} types[] = {
		{ PTHREAD_MUTEX_NORMAL, "normal" },
		{ PTHREAD_MUTEX_ADAPTIVE_NP, "adaptive" },
		{ PTHREAD_MUTEX_ERRORCHECK, "errorcheck" },
		{ PTHREAD_MUTEX_RECURSIVE, "recursive" },
	};
	char what[64];
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		pthread_mutex_t a, b;
		init_pair(&a, &b, types[i].type);
		snprintf(what, sizeof what, "%s mutex, %s", types[i].name, when);
		compare_pair(&a, &b, what);
		MUST(pthread_mutex_destroy(&a), 0);
		MUST(pthread_mutex_destroy(&b), 0);
	}
	pthread_mutex_t sa = PTHREAD_MUTEX_INITIALIZER, sb = PTHREAD_MUTEX_INITIALIZER;
	snprintf(what, sizeof what, "static mutex, %s", when);
	compare_pair(&sa, &sb, what);
	/* C11: an mtx_t holds a pthread_mutex_t. */
	mtx_t ca, cb;
	MUST(mtx_init(&ca, mtx_plain), thrd_success);
	MUST(mtx_init(&cb, mtx_plain), thrd_success);
	for (int i = 0; i < 3; i++) {
		MUST(mtx_lock(&ca), thrd_success);
		MUST(glibc_lock((pthread_mutex_t *)&cb), 0);
		same((pthread_mutex_t *)&ca, (pthread_mutex_t *)&cb, "mtx_t", "locked");
		MUST(mtx_unlock(&ca), thrd_success);
		MUST(glibc_unlock((pthread_mutex_t *)&cb), 0);
		same((pthread_mutex_t *)&ca, (pthread_mutex_t *)&cb, "mtx_t", "unlocked");
	}
	mtx_destroy(&ca);
	mtx_destroy(&cb);
}

static void *idle(void *arg)
{
	return arg;
}

static pthread_mutex_t contended = PTHREAD_MUTEX_INITIALIZER;
static atomic_int waiter_done;

static void *waiter(void *arg)
{
	(void)arg;
	MUST(pthread_mutex_lock(&contended), 0);
	MUST(pthread_mutex_unlock(&contended), 0);
	atomic_store(&waiter_done, 1);
	return NULL;
}

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };
	nanosleep(&ts, NULL);
}

int main(void)
{
	compare_all("one thread");

	pthread_t th;
	MUST(pthread_create(&th, NULL, idle, NULL), 0);
	MUST(pthread_join(th, NULL), 0);
	compare_all("threads started");

	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		abort();
	}
	if (child == 0) {
		compare_all("forked child");
		_exit(0);
	}
	int status;
	MUST(waitpid(child, &status, 0), child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "the forked child failed (status %d)\n", status);
		abort();
	}

	/* A waiter queues on a held mutex (glibc marks the lock word 2); the
	** unlock must wake it. */
	for (int round = 0; round < 3; round++) {
		atomic_store(&waiter_done, 0);
		MUST(pthread_mutex_lock(&contended), 0);
		MUST(pthread_create(&th, NULL, waiter, NULL), 0);
		int waited = 0;
		while (__atomic_load_n(&contended.__data.__lock, __ATOMIC_RELAXED) != 2) {
			if (++waited > 10000) {
				fprintf(stderr, "the waiter never queued\n");
				abort();
			}
			nap();
		}
		MUST(pthread_mutex_unlock(&contended), 0);
		for (waited = 0; !atomic_load(&waiter_done); waited++) {
			if (waited > 10000) {
				fprintf(stderr, "the unlock did not wake the waiter\n");
				abort();
			}
			nap();
		}
		MUST(pthread_join(th, NULL), 0);
		const struct __pthread_mutex_s *d = &contended.__data;
		if (d->__lock != 0 || d->__owner != 0 || d->__nusers != 0) {
			fprintf(stderr, "after the waiter: lock %d owner %d nusers %u\n",
				d->__lock, d->__owner, d->__nusers);
			abort();
		}
	}
	puts("every mutex as glibc leaves it");
	return 0;
}
