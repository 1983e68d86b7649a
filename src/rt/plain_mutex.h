/*
** plain_mutex.h: the uncontended lock and unlock of a plain glibc mutex,
** done by the interceptor itself.
**
** Once the inline hook has done its part, a lock of a free normal or
** adaptive mutex costs glibc about 30 instructions (type dispatch, the
** single-thread test, the lock word, owner and user count) and an unlock
** about 20: as much as the check itself. The interceptor already knows the
** type, so it makes the same changes to the mutex that glibc would and leaves
** every other case to glibc: a taken lock word (glibc then queues the thread
** as usual), any type or flag bit but those two types (robust, priority,
** process-shared, elision started; errorcheck and recursive, which have
** rules of their own).
**
** What glibc 2.36 does for those two types, and this file does the same
** (tests/scenarios/plain_mutex_state.c compares the bytes after each step
** with glibc's own calls):
**   lock:   __lock 0 -> 1, by a plain store in a process that never started
**           a second thread, else by compare-and-swap (acquire); then
**           __owner = the caller's tid and ++__nusers.
**   unlock: __owner = 0, --__nusers, then __lock = 0: a plain store in a
**           single-threaded process, else an exchange (release), and when
**           the old value says a thread waits (2), FUTEX_WAKE of one.
** __lock's values are glibc's futex protocol: 0 free, 1 held, 2 held with
** waiters. (For an adaptive mutex glibc takes the lock word with an atomic
** instruction even in a single-threaded process; the result is the same.)
** Lock elision is never started here: a mutex already marked for it (256) is
** glibc's to lock, and with glibc's elision tunable on, a normal mutex that
** glibc would have marked at its first lock is simply locked.
*/
#ifndef UD_RT_PLAIN_MUTEX_H
#define UD_RT_PLAIN_MUTEX_H

#include <pthread.h>
#include <stdbool.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32)) && \
	(defined(__x86_64__) || defined(__aarch64__))
#define UD_PLAIN_MUTEX 1
#include <sys/single_threaded.h>

/*
** __kind of a normal (0) or adaptive (3) mutex with no flag but "no elision"
** (512), which glibc's pthread_mutexattr_settype() adds to an explicitly
** normal mutex (and so mtx_init() to every mtx_t), and which its lock and
** unlock ignore.
*/
#define UD_MUTEX_NO_ELISION 0x200

static inline bool ud_plain_mutex_kind(int kind)
{
	int type = kind & ~UD_MUTEX_NO_ELISION;
	return type == PTHREAD_MUTEX_NORMAL || type == PTHREAD_MUTEX_ADAPTIVE_NP;
}

/* Takes plain mutex m for thread tid if it is free: true. False: nothing
** changed, and glibc's lock must run. */
static inline __attribute__((always_inline)) bool
ud_plain_mutex_trylock(pthread_mutex_t *m, int tid)
{
	int *word = &m->__data.__lock;
	if (__libc_single_threaded) {
		if (*word != 0)
			return false;
		*word = 1;
	} else {
		int free_word = 0;
		if (!__atomic_compare_exchange_n(word, &free_word, 1, false, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			return false;
	}
	m->__data.__owner = tid;
	m->__data.__nusers++;
	return true;
}

/* FUTEX_WAKE of one waiter of plain mutex m; returns 0 (plain_mutex.c). */
__attribute__((noinline, cold)) int ud_plain_mutex_wake(pthread_mutex_t *m);

/* Releases plain mutex m, waking one waiter if there is one; returns 0, as
** glibc's unlock does. (The wake is a tail call: the common case then needs
** no stack frame.) */
static inline __attribute__((always_inline)) int
ud_plain_mutex_unlock(pthread_mutex_t *m)
{
	m->__data.__owner = 0;
	m->__data.__nusers--;
	if (__libc_single_threaded) {
		m->__data.__lock = 0;
		return 0;
	}
	if (ud_unlikely(__atomic_exchange_n(&m->__data.__lock, 0, __ATOMIC_RELEASE) > 1))
		return ud_plain_mutex_wake(m);
	return 0;
}
#else
#define UD_PLAIN_MUTEX 0
static inline bool ud_plain_mutex_kind(int kind) { (void)kind; return false; }
static inline bool ud_plain_mutex_trylock(pthread_mutex_t *m, int tid)
{
	(void)m, (void)tid;
	return false;
}
static inline int ud_plain_mutex_unlock(pthread_mutex_t *m)
{
	(void)m;
	return 0;
}
#endif

#endif
