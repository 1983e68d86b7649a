/*
** ulockdep.h: annotations for the ulockdep lock validator.
**
** A program includes this header to tell the validator what it cannot see by
** itself: lock classes and names, locks it builds itself (spinlocks on atomics,
** futex locks), waits that are not locks, and what it expects to hold. Every
** call works in C and C++ and costs one well-predicted branch when the runtime
** is not loaded, so an annotated program ships with its annotations: the first
** call looks the runtime up with dlsym() (the exported function
** ulockdep_rt_api) and caches the answer; without the runtime every call does
** nothing (assertions succeed, the locking helpers just lock).
**
** docs/annotations.md describes each call with examples.
** Link with -ldl on glibc older than 2.34.
*/
#ifndef ULOCKDEP_H
#define ULOCKDEP_H

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The project's version, and its only home: CMakeLists.txt reads these three
** lines; cli/version checks that the man page and the command agree. */
#define ULOCKDEP_VERSION_MAJOR 0
#define ULOCKDEP_VERSION_MINOR 2
#define ULOCKDEP_VERSION_PATCH 0

/* The table version this header asks for. */
#define ULOCKDEP_API_VERSION 1

#define ULOCKDEP_INLINE static inline __attribute__((always_inline, unused))

/* ---- types ---------------------------------------------------------------- */

/*
** A class key: its address identifies a lock class. Define one, in static
** storage, next to each lock type that is one class (ULOCKDEP_DEFINE_KEY).
** Unnamed classes are printed with the key's variable name.
*/
typedef char ulockdep_class_key_t;

/* `static ulockdep_class_key_t name;` usable at file or function scope. */
#define ULOCKDEP_DEFINE_KEY(name) static ulockdep_class_key_t name

/* How a lock is taken. */
enum ulockdep_mode {
	ULOCKDEP_EXCLUSIVE = 0,		/* a writer, a mutex */
	ULOCKDEP_SHARED = 1,		/* a reader that queues behind waiting writers */
	ULOCKDEP_SHARED_RECURSIVE = 2,	/* a reader blocked only by a writer holding it */
};

/* ulockdep_lock_init() flags: what kind of lock a custom lock is. */
enum ulockdep_lock_flags {
	ULOCKDEP_LOCK_SPIN = 1u << 0,		/* spins: no sleeping wait under it */
	ULOCKDEP_LOCK_RECURSIVE = 1u << 1,	/* the holder may take it again */
	ULOCKDEP_LOCK_RW = 1u << 2,		/* has a shared mode */
};

/*
** A pseudo-lock ("map"): a wait that is not a lock, such as a queue flush or
** the end of a job. Code that others may wait for runs between
** ulockdep_map_acquire() and ulockdep_map_release(); a waiter calls
** ulockdep_map_wait(). Fill it with ULOCKDEP_MAP_INIT or ulockdep_map_init().
** Its address is its identity; with a NULL key, the map is its own class.
*/
typedef struct ulockdep_map {
	const char *name;
	const ulockdep_class_key_t *key;
} ulockdep_map_t;

#define ULOCKDEP_MAP_INIT(name_, key_) { (name_), (key_) }

/* Assertion kinds (the runtime's side of ulockdep_assert_*). */
enum ulockdep_assert {
	ULOCKDEP_ASSERT_HELD,
	ULOCKDEP_ASSERT_HELD_WRITE,
	ULOCKDEP_ASSERT_HELD_READ,
	ULOCKDEP_ASSERT_NOT_HELD,
	ULOCKDEP_ASSERT_NONE_HELD,
};

/* Class settings (ulockdep_set_novalidate_class and friends). */
enum ulockdep_class_setting {
	ULOCKDEP_CLASS_NOVALIDATE = 1,
	ULOCKDEP_CLASS_NOTRACK = 2,
};

/* ulockdep_rt_api_t.acquire flags. */
enum {
	ULOCKDEP_ACQ_TRY = 1u << 0,	/* a trylock that succeeded */
	ULOCKDEP_ACQ_WAIT = 1u << 1,	/* a wait: acquired and released at once */
};

/*
** The runtime's entry points, fetched once with ulockdep_rt_api(version).
** Do not call them directly: the inline functions below tolerate the
** runtime's absence. Fields are only ever added at the end.
*/
typedef struct ulockdep_rt_api {
	unsigned version;
	unsigned size;		/* sizeof the runtime's table */
	void (*set_class)(const void *lock, const void *key, const char *name,
			  unsigned subclass);
	void (*set_subclass)(const void *lock, unsigned subclass);
	void (*set_class_setting)(const void *lock, int setting);
	void (*set_cmp_fn)(const void *lock, int (*cmp)(const void *, const void *));
	void (*lock_init)(const void *lock, const void *key, const char *name,
			  unsigned flags);
	void (*lock_destroy)(const void *lock);
	void (*acquire)(const void *lock, int mode, unsigned subclass,
			const void *nest_lock, unsigned flags);
	void (*acquire_failed)(const void *lock);
	void (*release)(const void *lock);
	void (*contended)(const void *lock);
	void (*acquired)(const void *lock);
	void (*map_acquire)(const ulockdep_map_t *map, int mode, unsigned flags);
	void (*map_release)(const ulockdep_map_t *map);
	void (*might_lock)(const void *lock, int mode);
	int (*check)(int what, const void *lock);
	void (*pin)(const void *lock);
	void (*unpin)(const void *lock);
	void (*off)(void);
	void (*on)(void);
	/* pthread_mutex_t *, pthread_rwlock_t *: void here, since strict ISO
	** modes leave pthread_rwlock_t undeclared. */
	int (*mutex_lock)(void *m, unsigned subclass, const void *nest_lock);
	int (*rwlock_lock)(void *l, int mode, unsigned subclass,
			   const void *nest_lock);
} ulockdep_rt_api_t;

/* glibc declares RTLD_DEFAULT only for _GNU_SOURCE; its value is 0. */
#ifdef RTLD_DEFAULT
#define ULOCKDEP__RTLD_DEFAULT RTLD_DEFAULT
#else
#define ULOCKDEP__RTLD_DEFAULT ((void *)0)
#endif

typedef const ulockdep_rt_api_t *(*ulockdep_rt_api_fn)(unsigned version);

/* The runtime's table, or NULL without the runtime. Looked up once. */
static inline const ulockdep_rt_api_t *ulockdep__api(void)
{
	/* (void *)1 marks "looked up, absent". Races only repeat the lookup. */
	static const void *api;
	const void *a = __atomic_load_n(&api, __ATOMIC_ACQUIRE);
	if (__builtin_expect(a == NULL, 0)) {
		ulockdep_rt_api_fn get;
		*(void **)&get = dlsym(ULOCKDEP__RTLD_DEFAULT, "ulockdep_rt_api");
		a = get ? (const void *)get(ULOCKDEP_API_VERSION) : NULL;
		if (!a)
			a = (const void *)1;
		__atomic_store_n(&api, a, __ATOMIC_RELEASE);
	}
	return a == (const void *)1 ? (const ulockdep_rt_api_t *)0
				    : (const ulockdep_rt_api_t *)a;
}

/* ---- classes and names ------------------------------------------------------ */

/*
** Put the lock at `lock` (a pthread mutex, rwlock, spinlock, C11 mtx_t, or a
** custom lock) into the class identified by `key`, printed as `name`. `key`
** is any address unique to the class, typically a ulockdep_class_key_t next
** to the lock type; locks with one key are one class. Call it after the
** lock's init. `name` must stay valid (a string literal).
*/
ULOCKDEP_INLINE void ulockdep_set_class(const void *lock, const void *key,
					const char *name)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_class(lock, key, name, 0);
}

/* Like ulockdep_set_class, with a subclass 0..7 for ordered same-class nesting. */
ULOCKDEP_INLINE void ulockdep_set_class_and_subclass(const void *lock,
						     const void *key,
						     const char *name,
						     unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_class(lock, key, name, subclass);
}

/* Keep the lock's class and name; give it subclass 0..7 for every acquisition. */
ULOCKDEP_INLINE void ulockdep_set_subclass(const void *lock, unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_subclass(lock, subclass);
}

/*
** ulockdep_name_lock(&mm->mmap_lock): name the class after the expression, as
** the kernel's init macros do. Every lock named at one source line is one class.
*/
#define ulockdep_name_lock(lock)                                         \
	do {                                                             \
		static const char ulockdep__key_ = 0;                    \
		ulockdep_set_class((lock), &ulockdep__key_, #lock);      \
	} while (0)

/*
** The lock's class has a total order on its instances: taking one while
** holding another is fine when cmp(held, new) < 0, and is reported as
** recursive locking otherwise. cmp gets the two lock addresses; it runs in
** the locking thread and must not take locks.
*/
ULOCKDEP_INLINE void ulockdep_set_cmp_fn(const void *lock,
					 int (*cmp)(const void *, const void *))
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_cmp_fn(lock, cmp);
}

/* The lock is still tracked (assertions, held lists) but takes part in no
** dependency: for a lock whose ordering is known to be unprovable. */
ULOCKDEP_INLINE void ulockdep_set_novalidate_class(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_class_setting(lock, ULOCKDEP_CLASS_NOVALIDATE);
}

/* The lock is not tracked at all. */
ULOCKDEP_INLINE void ulockdep_set_notrack_class(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->set_class_setting(lock, ULOCKDEP_CLASS_NOTRACK);
}

/* ---- nested locking of pthread locks ---------------------------------------- */

/*
** pthread_mutex_lock(m), taken as subclass `subclass` (1..7) of its class: for
** ordered nesting of two locks of one class (parent, then child).
*/
ULOCKDEP_INLINE int ulockdep_mutex_lock_nested(pthread_mutex_t *m, unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->mutex_lock(m, subclass, NULL) : pthread_mutex_lock(m);
}

/*
** pthread_mutex_lock(m) under `nest_lock` (held): any number of locks of m's
** class may be held at once under it, in any order, since nest_lock
** serialises everyone who takes more than one.
*/
ULOCKDEP_INLINE int ulockdep_mutex_lock_nest_lock(pthread_mutex_t *m,
						  const void *nest_lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->mutex_lock(m, 0, nest_lock) : pthread_mutex_lock(m);
}

#ifdef PTHREAD_RWLOCK_INITIALIZER	/* rwlocks declared (POSIX 2001 and later) */
/* pthread_rwlock_rdlock(l) / _wrlock(l) as subclass `subclass`. */
ULOCKDEP_INLINE int ulockdep_rwlock_rdlock_nested(pthread_rwlock_t *l,
						  unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->rwlock_lock(l, ULOCKDEP_SHARED, subclass, NULL)
		 : pthread_rwlock_rdlock(l);
}

ULOCKDEP_INLINE int ulockdep_rwlock_wrlock_nested(pthread_rwlock_t *l,
						  unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->rwlock_lock(l, ULOCKDEP_EXCLUSIVE, subclass, NULL)
		 : pthread_rwlock_wrlock(l);
}
#endif

/* ---- custom locks --------------------------------------------------------- */

/*
** A lock the runtime cannot see (built on atomics or futexes, or from another
** library) starts a new life at `lock` (any address unique to it) in the
** class of `key` (NULL: keyed by this call site's lock, named `name`), with
** ULOCKDEP_LOCK_* flags. Call it when the lock is initialised.
*/
ULOCKDEP_INLINE void ulockdep_lock_init(const void *lock,
					const ulockdep_class_key_t *key,
					const char *name, unsigned flags)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->lock_init(lock, key, name, flags);
}

/* The custom lock's life ends (destroyed, or its memory is freed). */
ULOCKDEP_INLINE void ulockdep_lock_destroy(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->lock_destroy(lock);
}

/*
** Before a blocking acquisition of a custom lock in `mode`: validated, then
** counted as held. If the acquisition then fails (a timeout), call
** ulockdep_acquire_failed().
*/
ULOCKDEP_INLINE void ulockdep_acquire(const void *lock, enum ulockdep_mode mode)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquire(lock, mode, 0, NULL, 0);
}

/* ulockdep_acquire() as subclass 1..7 of the lock's class (ordered nesting). */
ULOCKDEP_INLINE void ulockdep_acquire_nested(const void *lock,
					     enum ulockdep_mode mode,
					     unsigned subclass)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquire(lock, mode, subclass, NULL, 0);
}

/* ulockdep_acquire() under the held `nest_lock` (see ulockdep_mutex_lock_nest_lock). */
ULOCKDEP_INLINE void ulockdep_acquire_nest_lock(const void *lock,
						enum ulockdep_mode mode,
						const void *nest_lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquire(lock, mode, 0, nest_lock, 0);
}

/* After a trylock of a custom lock succeeded: held, not validated (it did not wait). */
ULOCKDEP_INLINE void ulockdep_acquire_try(const void *lock, enum ulockdep_mode mode)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquire(lock, mode, 0, NULL, ULOCKDEP_ACQ_TRY);
}

/* The blocking acquisition announced by ulockdep_acquire() did not happen. */
ULOCKDEP_INLINE void ulockdep_acquire_failed(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquire_failed(lock);
}

/* Before the custom lock is released. */
ULOCKDEP_INLINE void ulockdep_release(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->release(lock);
}

/*
** The acquisition had to wait (contended) / got the lock after waiting
** (acquired). Reserved for lock statistics: they do nothing yet.
*/
ULOCKDEP_INLINE void ulockdep_contended(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->contended(lock);
}

ULOCKDEP_INLINE void ulockdep_acquired(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->acquired(lock);
}

/* ---- pseudo-locks and possible locks ---------------------------------------- */

/* Fill a map at run time; `key` NULL makes the map its own class. */
ULOCKDEP_INLINE void ulockdep_map_init(ulockdep_map_t *map, const char *name,
				       const ulockdep_class_key_t *key)
{
	map->name = name;
	map->key = key;
}

/* Enter code that waiters of the map wait for (exclusive: one runs at a time). */
ULOCKDEP_INLINE void ulockdep_map_acquire(const ulockdep_map_t *map)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->map_acquire(map, ULOCKDEP_EXCLUSIVE, 0);
}

/* Enter it as one of many that may run at once (a recursive reader). */
ULOCKDEP_INLINE void ulockdep_map_acquire_read(const ulockdep_map_t *map)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->map_acquire(map, ULOCKDEP_SHARED_RECURSIVE, 0);
}

/* Leave it. */
ULOCKDEP_INLINE void ulockdep_map_release(const ulockdep_map_t *map)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->map_release(map);
}

/*
** Wait for what the map stands for to finish (a flush, a join): validated as
** acquiring and releasing it at once, so waiting while holding a lock that
** the code inside the map takes is a circular dependency.
*/
ULOCKDEP_INLINE void ulockdep_map_wait(const ulockdep_map_t *map)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->map_acquire(map, ULOCKDEP_EXCLUSIVE, ULOCKDEP_ACQ_WAIT);
}

/*
** This path may take `lock` (exclusively / for reading), though this time it
** does not: validated as taking and releasing it, as the kernel does for a
** page fault that may take mmap_lock.
*/
ULOCKDEP_INLINE void ulockdep_might_lock(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->might_lock(lock, ULOCKDEP_EXCLUSIVE);
}

ULOCKDEP_INLINE void ulockdep_might_lock_read(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->might_lock(lock, ULOCKDEP_SHARED);
}

/* ---- assertions and pins ---------------------------------------------------- */

/*
** Each assertion is checked against the calling thread's held locks; a failed
** one is reported ("WARNING: lock assertion failed!") and the program goes on.
** Each returns nonzero when it holds, and always without the runtime.
*/
ULOCKDEP_INLINE int ulockdep_assert_held(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->check(ULOCKDEP_ASSERT_HELD, lock) : 1;
}

/* Held exclusively. */
ULOCKDEP_INLINE int ulockdep_assert_held_write(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->check(ULOCKDEP_ASSERT_HELD_WRITE, lock) : 1;
}

/* Held shared. */
ULOCKDEP_INLINE int ulockdep_assert_held_read(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->check(ULOCKDEP_ASSERT_HELD_READ, lock) : 1;
}

ULOCKDEP_INLINE int ulockdep_assert_not_held(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->check(ULOCKDEP_ASSERT_NOT_HELD, lock) : 1;
}

/* The thread holds no lock at all (a point that may block for long). */
ULOCKDEP_INLINE int ulockdep_assert_none_held(void)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	return a ? a->check(ULOCKDEP_ASSERT_NONE_HELD, NULL) : 1;
}

/*
** Pin a held lock: until ulockdep_unpin(), releasing it is reported, so a
** callback run under the lock cannot drop it unnoticed. Pins nest.
*/
ULOCKDEP_INLINE void ulockdep_pin(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->pin(lock);
}

ULOCKDEP_INLINE void ulockdep_unpin(const void *lock)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->unpin(lock);
}

/* ---- switching off ------------------------------------------------------------ */

/*
** Stop / resume tracking the calling thread's locks (calls nest). Take and
** release each lock on one side of the pair: a lock taken while off and
** released after ulockdep_on() is a bad unlock, one taken before and released
** while off stays held for the validator.
*/
ULOCKDEP_INLINE void ulockdep_off(void)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->off();
}

ULOCKDEP_INLINE void ulockdep_on(void)
{
	const ulockdep_rt_api_t *a = ulockdep__api();
	if (a)
		a->on();
}

#ifdef __cplusplus
}
#endif

#endif /* ULOCKDEP_H */
