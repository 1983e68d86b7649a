/*
** glibc.h: what the runtime knows of glibc's lock objects, in one place.
**
** The runtime reads and, for a few cases, writes glibc's pthread_mutex_t and
** pthread_rwlock_t directly: a mutex's type and owner, a rwlock's reader
** rule, the two words of a mutex and of a rwlock that keep the runtime's
** hint, and the uncontended lock and unlock of a plain mutex. Every such use of glibc's
** layout (glibc 2.36 on x86-64 and aarch64, as measured) is in this file;
** elsewhere the runtime calls these functions.
*/
#ifndef UD_RT_GLIBC_H
#define UD_RT_GLIBC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/compiler.h"
#include "../engine/engine.h"

/* ---- a mutex's type and owner ----------------------------------------------- */

/* __kind: the low two bits are the type (PTHREAD_MUTEX_*); above them the
** flag bits of glibc's pthreadP.h. A destroyed mutex has __kind -1: every
** bit set. */
#define UD_MUTEX_TYPE 0x3
#define UD_MUTEX_ROBUST 0x10
#define UD_MUTEX_PI 0x20
#define UD_MUTEX_PP 0x40
#define UD_MUTEX_PSHARED 0x80
#define UD_MUTEX_ELISION 0x100		/* lock elision started: no owner kept */
#define UD_MUTEX_NO_ELISION 0x200	/* set by settype(NORMAL) and mtx_init */

static inline ud_lock_kind_t ud_mutex_kind(int kind)
{
	switch (kind & UD_MUTEX_TYPE) {
	case PTHREAD_MUTEX_RECURSIVE_NP:
		return UD_KIND_MUTEX_RECURSIVE;
	case PTHREAD_MUTEX_ERRORCHECK_NP:
		return UD_KIND_MUTEX_ERRORCHECK;
	default:		/* normal, adaptive */
		return UD_KIND_MUTEX;
	}
}

static inline int ud_mutex_raw_kind(const pthread_mutex_t *m)
{
	return __atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED);
}

/*
** Does __kind hold a mutex at all? Only the bits above are ever set by glibc,
** plus a PP mutex's priority ceiling in the top bits; a destroyed mutex has
** -1. Anything else is memory that was never initialised as a mutex (glibc's
** unlock answers EINVAL or EPERM, or corrupts it). Returns the reason of a
** bad unlock, or UD_BAD_UNLOCK_NOT_HELD for a real mutex.
*/
#define UD_MUTEX_CEILING_MASK 0xfff80000u
static inline ud_bad_unlock_t ud_mutex_kind_check(int kind)
{
	unsigned k = (unsigned)kind;
	unsigned known = UD_MUTEX_TYPE | UD_MUTEX_ROBUST | UD_MUTEX_PI | UD_MUTEX_PP |
			 UD_MUTEX_PSHARED | UD_MUTEX_ELISION | UD_MUTEX_NO_ELISION;
	if (kind == -1)
		return UD_BAD_UNLOCK_DESTROYED;
	if (k & UD_MUTEX_PP)
		known |= UD_MUTEX_CEILING_MASK;
	return k & ~known ? UD_BAD_UNLOCK_NOT_A_LOCK : UD_BAD_UNLOCK_NOT_HELD;
}

/*
** The tid of the thread holding mutex m, 0 if none, by glibc's record, or -1
** when m records no owner. glibc 2.36, measured: every successful lock, trylock,
** timed lock and condition-wait return sets __owner, of every type (normal,
** adaptive, recursive, errorcheck; robust, PI, PP, process-shared; C11 mtx_t),
** and the last unlock clears it. A mutex under lock elision records no owner,
** and a destroyed one has __kind -1, which has that bit.
*/
static inline int ud_mutex_owner(const pthread_mutex_t *m)
{
	if (ud_mutex_raw_kind(m) & UD_MUTEX_ELISION)
		return -1;
	return __atomic_load_n(&m->__data.__owner, __ATOMIC_RELAXED);
}

/*
** glibc 2.36, measured (thread A holds a read lock, thread B blocks in wrlock,
** then A takes a second read lock):
**   PTHREAD_RWLOCK_PREFER_READER_NP (default, __flags 0)      second read acquired
**   PTHREAD_RWLOCK_PREFER_WRITER_NP (__flags 1)                second read acquired
**   PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP (__flags 2)   second read blocks
** Readers only queue behind a waiting writer in the last case.
*/
static inline ud_lock_kind_t ud_rwlock_kind(const pthread_rwlock_t *l)
{
	return l->__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
		       ? UD_KIND_RWLOCK_NONRECURSIVE : UD_KIND_RWLOCK;
}

/* ---- the hint in a mutex -------------------------------------------------- */

/* A may_alias word: a hint is read and written over glibc's fields. */
typedef uint64_t __attribute__((may_alias)) ud_hint_word_t;

/*
** Where the hint (engine.h) of a mutex is kept, and why it is safe. This is
** the one statement of the argument; other places refer to it.
**
** glibc's pthread_mutex_t on 64-bit targets ends with __list, two pointers
** that link a robust mutex into its owner's robust list while it is held.
** Nothing else reads or writes them: a mutex that is not robust leaves them
** as pthread_mutex_init() or PTHREAD_MUTEX_INITIALIZER made them, zero. The
** runtime keeps the hint there, for hintable mutexes only: none of the
** robust, priority-inheritance, priority-protect and process-shared bits
** (robust ones use the words; a process-shared one is mapped by other
** processes, whose hints would not pass this one's check), and not
** recursive (which the fast path leaves to the engine).
**
** The engine's check proves that a hint was made for the lock at this
** address, in this process, and still names its class and takers; it cannot
** see that the mutex's identity ended. Here every end of an identity clears
** or disables the words:
**   - pthread_mutex_destroy() sets __kind to -1, which has every flag bit:
**     not hintable, so the words are neither read nor written;
**   - pthread_mutex_init() and the assignment of an initializer write the
**     words to zero (no hint) and set the type, so a mutex's type cannot
**     change under an old hint either;
**   - memory freed and reused for a new mutex gets one of the two above
**     before its first lock, as POSIX requires.
** mutex_hint=0 turns the hint off: the words are then never written.
*/
#if defined(__GLIBC__) && (defined(__x86_64__) || defined(__aarch64__))
#define UD_MUTEX_HINTS 1
#define UD_MUTEX_NO_HINT (UD_MUTEX_ROBUST | UD_MUTEX_PI | UD_MUTEX_PP | UD_MUTEX_PSHARED)

_Static_assert(sizeof(((pthread_mutex_t *)0)->__data.__list) == 2 * sizeof(uint64_t),
	       "__list is two 64-bit pointers");

static inline ud_hint_word_t *ud_mutex_hint_words(const pthread_mutex_t *m)
{
	return (ud_hint_word_t *)&((pthread_mutex_t *)m)->__data.__list;
}

static inline bool ud_mutex_hintable(int kind)
{
	return !(kind & UD_MUTEX_NO_HINT) &&
	       (kind & UD_MUTEX_TYPE) != PTHREAD_MUTEX_RECURSIVE_NP;
}

static inline ud_hint_t ud_mutex_hint(const pthread_mutex_t *m)
{
	ud_hint_word_t *w = ud_mutex_hint_words(m);
	ud_hint_t h = { { __atomic_load_n(&w[0], __ATOMIC_RELAXED),
			  __atomic_load_n(&w[1], __ATOMIC_RELAXED) } };
	return h;
}
#else
#define UD_MUTEX_HINTS 0
static inline bool ud_mutex_hintable(int kind) { (void)kind; return false; }
static inline ud_hint_t ud_mutex_hint(const pthread_mutex_t *m)
{
	(void)m;
	ud_hint_t h = { { 0, 0 } };
	return h;
}
#endif

/* Remember inst in mutex m, which has this __kind (out of line: rare). */
void ud_mutex_hint_store(const pthread_mutex_t *m, int kind, const ud_instance_t *inst);

/* ---- the hint in a rwlock -------------------------------------------------- */

/*
** Where the hint of a rwlock is kept, and why it is safe (the mutex's
** argument above, for glibc's rwlock since 2.25). Its pthread_rwlock_t
** keeps two words that no rwlock function reads or writes: __pad3 with
** __pad4 (8 bytes at offset 16, left from the old implementation's queue
** counts) and __pad2 (8 bytes at offset 40). pthread_rwlock_init() and the
** initializers write them to zero. tests/scenarios/rwlock_hint_words.c
** checks that glibc's own calls leave them alone, contended or not.
**
** Only process-private rwlocks are hinted (__shared 0). The ends of an
** identity: pthread_rwlock_init() and the assignment of an initializer
** write the words to zero, and with them __flags, so a rwlock's reader rule
** cannot change under an old hint either; glibc's pthread_rwlock_destroy()
** changes nothing, so its interceptor clears the words
** (ud_rwlock_hint_clear()); memory freed and reused for a new rwlock gets an
** init or an initializer first. rwlock_hint=0 turns the hint off: the words
** are then never written.
*/
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)) && \
	(defined(__x86_64__) || defined(__aarch64__))
#define UD_RWLOCK_HINTS 1

_Static_assert(__builtin_offsetof(pthread_rwlock_t, __data.__pad3) == 16 &&
		       __builtin_offsetof(pthread_rwlock_t, __data.__pad4) == 20 &&
		       __builtin_offsetof(pthread_rwlock_t, __data.__pad2) == 40 &&
		       sizeof(((pthread_rwlock_t *)0)->__data.__pad2) == 8,
	       "the rwlock's unused words");

static inline ud_hint_word_t *ud_rwlock_hint_w0(const pthread_rwlock_t *l)
{
	return (ud_hint_word_t *)&((pthread_rwlock_t *)l)->__data.__pad3;
}

static inline ud_hint_word_t *ud_rwlock_hint_w1(const pthread_rwlock_t *l)
{
	return (ud_hint_word_t *)&((pthread_rwlock_t *)l)->__data.__pad2;
}

static inline bool ud_rwlock_hintable(const pthread_rwlock_t *l)
{
	return __atomic_load_n(&l->__data.__shared, __ATOMIC_RELAXED) == 0;
}

static inline ud_hint_t ud_rwlock_hint(const pthread_rwlock_t *l)
{
	ud_hint_t h = { { __atomic_load_n(ud_rwlock_hint_w0(l), __ATOMIC_RELAXED),
			  __atomic_load_n(ud_rwlock_hint_w1(l), __ATOMIC_RELAXED) } };
	return h;
}
#else
#define UD_RWLOCK_HINTS 0
static inline bool ud_rwlock_hintable(const pthread_rwlock_t *l) { (void)l; return false; }
static inline ud_hint_t ud_rwlock_hint(const pthread_rwlock_t *l)
{
	(void)l;
	ud_hint_t h = { { 0, 0 } };
	return h;
}
#endif

/* Remember inst in rwlock l; forget it (out of line: rare). */
void ud_rwlock_hint_store(const pthread_rwlock_t *l, const ud_instance_t *inst);
void ud_rwlock_hint_clear(const pthread_rwlock_t *l);

/* ---- the uncontended lock and unlock of a plain mutex ------------------------ */

/*
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
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32)) && \
	(defined(__x86_64__) || defined(__aarch64__))
#define UD_PLAIN_MUTEX 1
#include <sys/single_threaded.h>

/*
** __kind of a normal (0) or adaptive (3) mutex with no flag but "no elision",
** which glibc's pthread_mutexattr_settype() adds to an explicitly normal
** mutex (and so mtx_init() to every mtx_t), and which its lock and unlock
** ignore.
*/
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

/* FUTEX_WAKE of one waiter of plain mutex m; returns 0 (glibc.c). */
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
