/*
** rwlock_hint_words.c: the runtime keeps a rwlock's hint in __pad3/__pad4
** and __pad2 (src/rt/glibc.h), which glibc must never read or write.
**
**  1. glibc's own calls (bound by symbol version, so that the runtime does
**     not see them) leave marks in those words as they were, for the three
**     reader rules, with readers and writers of three threads waiting on
**     each other.
**  2. Interposed calls leave every other field of a rwlock as glibc's own
**     calls leave a twin's: after rdlock, wrlock, tryrdlock, trywrlock and
**     unlock, each three times (the first through the slow path).
**  3. After a lock, the words hold a hint (with rwlock_hint=0: still zero),
**     and pthread_rwlock_destroy() clears them.
**
** Expected: no report, and exit status 0 (a mismatch aborts with a message).
*/
// EXPECT: none
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_BASE "GLIBC_2.17"
#endif
int glibc_rdlock(pthread_rwlock_t *l);
int glibc_wrlock(pthread_rwlock_t *l);
int glibc_tryrdlock(pthread_rwlock_t *l);
int glibc_trywrlock(pthread_rwlock_t *l);
int glibc_unlock(pthread_rwlock_t *l);
__asm__(".symver glibc_rdlock, __pthread_rwlock_rdlock@" GLIBC_BASE);
__asm__(".symver glibc_wrlock, __pthread_rwlock_wrlock@" GLIBC_BASE);
__asm__(".symver glibc_tryrdlock, __pthread_rwlock_tryrdlock@" GLIBC_BASE);
__asm__(".symver glibc_trywrlock, __pthread_rwlock_trywrlock@" GLIBC_BASE);
__asm__(".symver glibc_unlock, __pthread_rwlock_unlock@" GLIBC_BASE);

#define MARK34 0x5a5a5a5aa5a5a5a5ull
#define MARK2 0x0123456789abcdefull

static uint64_t pad34(const pthread_rwlock_t *l)
{
	uint64_t v;
	memcpy(&v, &l->__data.__pad3, sizeof v);
	return v;
}

static uint64_t pad2(const pthread_rwlock_t *l)
{
	return l->__data.__pad2;
}

static void set_pads(pthread_rwlock_t *l, uint64_t a, uint64_t b)
{
	memcpy(&l->__data.__pad3, &a, sizeof a);
	l->__data.__pad2 = b;
}

static void marks_kept(const pthread_rwlock_t *l, const char *step)
{
	if (pad34(l) != MARK34 || pad2(l) != MARK2) {
		fprintf(stderr, "%s: glibc changed the hint words: %#llx %#llx\n", step,
			(unsigned long long)pad34(l), (unsigned long long)pad2(l));
		abort();
	}
}

/* ---- 1. glibc leaves the words alone --------------------------------------- */

static pthread_rwlock_t contended;

static void *reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		MUST(glibc_rdlock(&contended), 0);
		usleep(200);
		MUST(glibc_unlock(&contended), 0);
	}
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		MUST(glibc_wrlock(&contended), 0);
		usleep(200);
		MUST(glibc_unlock(&contended), 0);
	}
	return NULL;
}

static void glibc_keeps_marks(int kind, const char *name)
{
	pthread_rwlockattr_t a;
	MUST(pthread_rwlockattr_init(&a), 0);
	MUST(pthread_rwlockattr_setkind_np(&a, kind), 0);
	MUST(pthread_rwlock_init(&contended, &a), 0);
	MUST(pthread_rwlockattr_destroy(&a), 0);
	set_pads(&contended, MARK34, MARK2);

	/* Held for writing while a reader and a writer queue, then read while
	** a writer queues. */
	MUST(glibc_wrlock(&contended), 0);
	pthread_t r, w, r2;
	MUST(pthread_create(&r, NULL, reader, NULL), 0);
	MUST(pthread_create(&w, NULL, writer, NULL), 0);
	usleep(20000);
	MUST(glibc_unlock(&contended), 0);
	MUST(pthread_create(&r2, NULL, reader, NULL), 0);
	for (int i = 0; i < 20; i++) {
		MUST(glibc_rdlock(&contended), 0);
		usleep(100);
		MUST(glibc_unlock(&contended), 0);
		if (glibc_trywrlock(&contended) == 0)
			MUST(glibc_unlock(&contended), 0);
		if (glibc_tryrdlock(&contended) == 0)
			MUST(glibc_unlock(&contended), 0);
	}
	MUST(pthread_join(r, NULL), 0);
	MUST(pthread_join(w, NULL), 0);
	MUST(pthread_join(r2, NULL), 0);
	marks_kept(&contended, name);
	set_pads(&contended, 0, 0);
	MUST(pthread_rwlock_destroy(&contended), 0);
}

/* ---- 2. the interposed calls change what glibc's change -------------------- */

static void same(const pthread_rwlock_t *ours, const pthread_rwlock_t *ref, const char *step)
{
	pthread_rwlock_t a = *ours, b = *ref;
	set_pads(&a, 0, 0);
	set_pads(&b, 0, 0);
	if (memcmp(&a, &b, sizeof a) != 0) {
		fprintf(stderr, "%s: the rwlocks differ beyond the hint words\n", step);
		abort();
	}
}

static void twins(int kind, int hint_on)
{
	pthread_rwlockattr_t at;
	pthread_rwlock_t a, b;
	MUST(pthread_rwlockattr_init(&at), 0);
	MUST(pthread_rwlockattr_setkind_np(&at, kind), 0);
	MUST(pthread_rwlock_init(&a, &at), 0);
	MUST(pthread_rwlock_init(&b, &at), 0);
	MUST(pthread_rwlockattr_destroy(&at), 0);
	for (int i = 0; i < 3; i++) {
		MUST(pthread_rwlock_rdlock(&a), 0);
		MUST(glibc_rdlock(&b), 0);
		same(&a, &b, "rdlock");
		MUST(pthread_rwlock_unlock(&a), 0);
		MUST(glibc_unlock(&b), 0);
		same(&a, &b, "unlock after rdlock");
		MUST(pthread_rwlock_wrlock(&a), 0);
		MUST(glibc_wrlock(&b), 0);
		same(&a, &b, "wrlock");
		MUST(pthread_rwlock_unlock(&a), 0);
		MUST(glibc_unlock(&b), 0);
		same(&a, &b, "unlock after wrlock");
		MUST(pthread_rwlock_tryrdlock(&a), 0);
		MUST(glibc_tryrdlock(&b), 0);
		same(&a, &b, "tryrdlock");
		MUST(pthread_rwlock_unlock(&a), 0);
		MUST(glibc_unlock(&b), 0);
		MUST(pthread_rwlock_trywrlock(&a), 0);
		MUST(glibc_trywrlock(&b), 0);
		same(&a, &b, "trywrlock");
		MUST(pthread_rwlock_unlock(&a), 0);
		MUST(glibc_unlock(&b), 0);
		same(&a, &b, "unlock after trywrlock");
	}
	/* 3. the hint is there (or, turned off, nothing is), and destroy ends it. */
	if (hint_on != (pad34(&a) != 0 && pad2(&a) != 0)) {
		fprintf(stderr, "hint words %#llx %#llx with rwlock_hint=%d\n",
			(unsigned long long)pad34(&a), (unsigned long long)pad2(&a), hint_on);
		abort();
	}
	MUST(pthread_rwlock_destroy(&a), 0);
	MUST(pthread_rwlock_destroy(&b), 0);
	if (pad34(&a) != 0 || pad2(&a) != 0) {
		fprintf(stderr, "destroy left the hint words %#llx %#llx\n",
			(unsigned long long)pad34(&a), (unsigned long long)pad2(&a));
		abort();
	}
}

int main(void)
{
	/* The debug build's run with every shortcut off passes rwlock_hint=0. */
	const char *o = getenv("ULOCKDEP_OPTIONS");
	int hint_on = !(o && strstr(o, "rwlock_hint=0"));

	glibc_keeps_marks(PTHREAD_RWLOCK_PREFER_READER_NP, "prefer reader");
	glibc_keeps_marks(PTHREAD_RWLOCK_PREFER_WRITER_NP, "prefer writer");
	glibc_keeps_marks(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP,
			  "prefer writer, nonrecursive");
	twins(PTHREAD_RWLOCK_PREFER_READER_NP, hint_on);
	twins(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP, hint_on);
	return 0;
}
