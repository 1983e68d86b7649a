/*
** hooks_fast.h: the common case of the lock hooks, inline in the interceptors.
**
** A call is tracked when the thread is known (the runtime is then ready) and
** not already inside the runtime. Its instance is found through the hint kept
** in the lock object (mutexes, see below) or the thread's cache (other
** locks), and the engine's fast acquire or release (engine/hot.h) does the
** rest.
** Whenever any of that does not apply, the out-of-line hook of hooks.c runs
** instead and starts over: the inline half changes nothing unless it
** finishes.
**
** The thread's in_runtime guard is raised around the engine call, as the
** out-of-line hooks do, so that a signal handler that takes a lock meanwhile
** passes through instead of changing the held stack under us. The signal
** fences keep the compiler from moving the engine's stores out of the guard.
*/
#ifndef UD_RT_HOOKS_FAST_H
#define UD_RT_HOOKS_FAST_H

#include "rt.h"
#include "../engine/hot.h"
#include "glibc.h"

/* ---- lock modes ----------------------------------------------------------- */

static inline ud_mode_t ud_lock_mode(ud_lock_kind_t kind, int mode)
{
	if (mode != UD_HOOK_READ)
		return UD_MODE_WRITE;
	return kind == UD_KIND_RWLOCK ? UD_MODE_READ_RECURSIVE : UD_MODE_READ;
}

/* The kind of a GLib lock type, which its object does not record. */
static inline ud_lock_kind_t ud_fixed_kind(ud_lock_type_t type)
{
	switch (type) {
	case UD_LT_GRECMUTEX:
		return UD_KIND_MUTEX_RECURSIVE;
	case UD_LT_GRWLOCK:
		return UD_KIND_RWLOCK;
	case UD_LT_GSTATIC_RWLOCK:
		return UD_KIND_RWLOCK_NONRECURSIVE;
	default:
		return UD_KIND_MUTEX;
	}
}

/* ---- the inline halves ----------------------------------------------------- */

/*
** The engine thread of a tracked call, or NULL. A thread has an engine thread
** only once the runtime is ready (the slow hooks make it), and not after its
** end (ud_rt_thread_end() clears it, inside the runtime), so neither the
** runtime's state nor `dead` needs a test of its own here. After the exit
** handler (state OFF) the inline halves may still run: they report nothing,
** and the engine threads they use are not freed.
*/
static inline __attribute__((always_inline)) ud_thread_t *
ud_fast_thread(ud_rt_thread_t *ts)
{
	if (ud_likely(!ts->in_runtime))
		return ts->fast;
	return NULL;
}

/* The value of expr, evaluated inside the thread's in_runtime guard (the
** header says why); a GNU statement expression. */
#define UD_GUARDED(ts, expr)                                                 \
	({                                                                   \
		(ts)->in_runtime = 1;                                        \
		atomic_signal_fence(memory_order_seq_cst);                   \
		__typeof__(expr) guarded_ = (expr);                          \
		atomic_signal_fence(memory_order_seq_cst);                   \
		(ts)->in_runtime = 0;                                        \
		guarded_;                                                    \
	})

/* ud_acquire_fast() inside the in_runtime guard; with pairs, a cached pair
** of one class's instances counts too (hot.h). */
static inline __attribute__((always_inline)) bool
ud_fast_acquire(ud_rt_thread_t *ts, ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
		bool trylock, uintptr_t pc, bool pairs)
{
	return UD_GUARDED(ts, ud_acquire_fast_pairs(t, inst, mode, trylock, pc, pairs));
}

/*
** ud_acquire_hinted() of mutex m, hintable, inside the in_runtime guard: the
** instance, or NULL if nothing was done. The instance's kind needs no
** comparison with the object's: no type change outlives a hint (glibc.h).
*/
static inline __attribute__((always_inline)) ud_instance_t *
ud_fast_mutex_acquire_hinted(ud_rt_thread_t *ts, ud_thread_t *t, const pthread_mutex_t *m,
			     bool trylock, uintptr_t pc, bool pairs)
{
	ud_hint_t h = ud_mutex_hint(m);
	return UD_GUARDED(ts, ud_acquire_hinted_pairs(t, m, h.w[0], h.w[1], UD_MODE_WRITE,
						      trylock, pc, pairs));
}

/* The same for a mutex with this __kind, which may not be hintable. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_fast_mutex_acquire(ud_rt_thread_t *ts, ud_thread_t *t, const pthread_mutex_t *m,
		      int kind, bool trylock, uintptr_t pc, bool pairs)
{
	if (ud_unlikely(!ud_mutex_hintable(kind)))
		return NULL;
	return ud_fast_mutex_acquire_hinted(ts, t, m, trylock, pc, pairs);
}

/*
** Before a blocking lock of a plain (normal or adaptive) mutex, which the
** interceptor may take itself (glibc.h): the common case of
** ud_hook_mutex_lock(). True when done; the interceptor then has nothing left
** to do but the lock, and *tid is the caller's tid. False: nothing was done,
** and the interceptor takes the general shape.
*/
static inline __attribute__((always_inline)) bool
ud_hook_mutex_lock_plain(const pthread_mutex_t *m, uintptr_t pc, int *tid)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	/* A plain mutex is hintable (not recursive, no flag bit). */
	if (ud_likely(t != NULL && ud_plain_mutex_kind(ud_mutex_raw_kind(m))) &&
	    ud_likely(ud_fast_mutex_acquire_hinted(ts, t, m, false, pc, false) != NULL)) {
		*tid = ud_thread_tid_fast(t);
		return true;
	}
	return false;
}

/*
** ud_hook_mutex_lock_plain() that tells a chain not cached from the other
** misses: then it returns false with *miss filled (hot.h) and leaves the
** in_runtime guard raised for ud_hook_mutex_lock_pair(), which the
** interceptor calls next, out of line (the probe's call would cost a chain
** hit its stack frame). Otherwise miss->key is 0 and, when it returns
** false, nothing was done.
*/
static inline __attribute__((always_inline)) bool
ud_hook_mutex_lock_plain_miss(const pthread_mutex_t *m, uintptr_t pc, int *tid,
			      ud_fast_miss_t *miss)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	miss->key = 0;
	if (ud_likely(t != NULL && ud_plain_mutex_kind(ud_mutex_raw_kind(m)))) {
		ud_hint_t h = ud_mutex_hint(m);
		ts->in_runtime = 1;
		atomic_signal_fence(memory_order_seq_cst);
		ud_instance_t *inst = ud_acquire_hinted_miss(t, m, h.w[0], h.w[1], UD_MODE_WRITE,
							     false, pc, false, miss);
		if (ud_unlikely(!inst) && miss->key)
			return false;	/* still inside the guard */
		atomic_signal_fence(memory_order_seq_cst);
		ts->in_runtime = 0;
		if (ud_likely(inst)) {
			*tid = ud_thread_tid_fast(t);
			return true;
		}
	}
	return false;
}

/*
** After ud_hook_mutex_lock_plain_miss() gave a chain key not cached, inside
** the guard it left raised: the pair of the lock on top and m's instance
** inst (life gen, class c) cached on that chain, then the push. Lowers the
** guard. True when done (*tid as for the plain lock); false: nothing was
** done, and the full hook must run.
*/
static inline __attribute__((always_inline)) bool
ud_hook_mutex_lock_pair(const pthread_mutex_t *m, uintptr_t pc, ud_class_t *c, uint64_t key,
			ud_instance_t *inst, uint32_t gen, int *tid)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ts->fast;	/* unchanged inside the guard */
	bool done = ud_acquire_pair_as(t, inst, gen, (uintptr_t)m, c, UD_MODE_WRITE, pc, key);
	atomic_signal_fence(memory_order_seq_cst);
	ts->in_runtime = 0;
	*tid = ud_thread_tid_fast(t);
	return done;
}

/*
** ud_hook_mutex_lock_plain() where a cached pair of one class's instances
** counts too: for the interceptor's out-of-line half, once the inline half
** said no.
*/
static inline __attribute__((always_inline)) bool
ud_hook_mutex_lock_plain_pairs(const pthread_mutex_t *m, uintptr_t pc, int *tid)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL && ud_plain_mutex_kind(ud_mutex_raw_kind(m))) &&
	    ud_likely(ud_fast_mutex_acquire_hinted(ts, t, m, false, pc, true) != NULL)) {
		*tid = ud_thread_tid_fast(t);
		return true;
	}
	return false;
}

/* Before a blocking or timed mutex lock: ud_hook_lock() for a mutex. Out of
** the interceptor's inline path (ud_hook_mutex_lock_plain() comes first), so
** a cached pair of one class's instances counts here. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_hook_mutex_lock_at(const pthread_mutex_t *m, unsigned flags, uintptr_t pc, uintptr_t fp,
		      uintptr_t sp)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL)) {
		ud_instance_t *inst = ud_fast_mutex_acquire(ts, t, m, ud_mutex_raw_kind(m),
							    false, pc, true);
		if (ud_likely(inst))
			return inst;
	}
	return ud_hook_lock_at(m, UD_LT_MUTEX, UD_HOOK_WRITE, flags, pc, fp, sp);
}

/* The same with the frame not known (ud_hook_lock_at()). */
static inline __attribute__((always_inline)) ud_instance_t *
ud_hook_mutex_lock(const pthread_mutex_t *m, unsigned flags, uintptr_t pc)
{
	return ud_hook_mutex_lock_at(m, flags, pc, 0, 0);
}

/* After a successful mutex trylock: ud_hook_trylock() for a mutex. */
static inline __attribute__((always_inline)) void
ud_hook_mutex_trylock(const pthread_mutex_t *m, uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL) &&
	    ud_likely(ud_fast_mutex_acquire(ts, t, m, ud_mutex_raw_kind(m), true, pc, false)))
		return;
	ud_hook_trylock(m, UD_LT_MUTEX, UD_HOOK_WRITE, pc);
}

/* The instance of rwlock l from the thread's cache, with its kind, or NULL. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_fast_rwlock_instance(const pthread_rwlock_t *l, ud_lock_kind_t *kind)
{
	ud_instance_t *inst = ud_instance_cached(l);
	*kind = ud_rwlock_kind(l);
	/* A dlclose is ending identities: the slow hook waits (intercept_dl.c). */
	if (ud_unlikely(atomic_load_explicit(&ud_rt_dl_dying, memory_order_relaxed)))
		return NULL;
	if (ud_likely(inst && ud_instance_kind_fast(inst) == *kind))
		return inst;
	return NULL;
}

/* The rwlock's fast acquisition (with or without pairs) of thread t. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_fast_rwlock_acquire(ud_rt_thread_t *ts, ud_thread_t *t, const pthread_rwlock_t *l,
		       int mode, uintptr_t pc, bool pairs)
{
	ud_lock_kind_t kind;
	ud_instance_t *inst = ud_fast_rwlock_instance(l, &kind);
	if (ud_likely(inst && ud_fast_acquire(ts, t, inst, ud_lock_mode(kind, mode), false,
					      pc, pairs)))
		return inst;
	return NULL;
}

/* The mode of an acquisition of rwlock l, mode UD_HOOK_READ or _WRITE. Its
** kind is the object's: no change of __flags outlives a hint (glibc.h). */
static inline __attribute__((always_inline)) ud_mode_t
ud_rwlock_mode(const pthread_rwlock_t *l, int mode)
{
	return ud_lock_mode(ud_rwlock_kind(l), mode);
}

/* Before a blocking or timed rwlock lock, mode UD_HOOK_READ or _WRITE: the
** inline half, from the hint kept in the rwlock (glibc.h), where a cached
** pair of one class's instances counts too (the rwlock interceptor keeps a
** stack frame anyway, so the probe costs its chain hits nothing). When the
** hint was good but neither the chain nor the pair was cached, the full
** hook; else ud_hook_rwlock_lock_slow() (hooks.c), which tries the thread's
** cache first. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_hook_rwlock_lock(const pthread_rwlock_t *l, int mode, unsigned flags, uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL && ud_rwlock_hintable(l))) {
		ud_hint_t h = ud_rwlock_hint(l);
		ud_fast_miss_t miss;
		miss.key = 0;
		ud_instance_t *inst = UD_GUARDED(ts, ud_acquire_hinted_miss(t, l, h.w[0], h.w[1],
									    ud_rwlock_mode(l, mode),
									    false, pc, true, &miss));
		if (ud_likely(inst))
			return inst;
		if (miss.key)
			return ud_hook_lock(l, UD_LT_RWLOCK, mode, flags, pc);
	}
	return ud_hook_rwlock_lock_slow(l, mode, flags, pc);
}

/* After a successful rwlock trylock: the hint, else the thread's cache,
** else ud_hook_rwlock_trylock_slow(). */
static inline __attribute__((always_inline)) void
ud_hook_rwlock_trylock(const pthread_rwlock_t *l, int mode, uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL)) {
		ud_mode_t m = ud_rwlock_mode(l, mode);
		if (ud_likely(ud_rwlock_hintable(l))) {
			ud_hint_t h = ud_rwlock_hint(l);
			if (ud_likely(UD_GUARDED(ts, ud_acquire_hinted(t, l, h.w[0], h.w[1], m,
								       true, pc)) != NULL))
				return;
		}
		ud_lock_kind_t kind;
		ud_instance_t *inst = ud_fast_rwlock_instance(l, &kind);
		if (inst && ud_fast_acquire(ts, t, inst, m, true, pc, false))
			return;
	}
	ud_hook_rwlock_trylock_slow(l, mode, pc);
}

/*
** Before a blocking lock, or after a successful trylock (trylock true), of a
** GLib lock of this type: the thread's cache, else ud_hook_lock() or
** ud_hook_trylock(). The lock path returns the instance pushed.
*/
static inline __attribute__((always_inline)) ud_instance_t *
ud_hook_fixed_lock(const void *l, ud_lock_type_t type, int mode, bool trylock,
		   uintptr_t pc)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	if (ud_likely(t != NULL)) {
		ud_lock_kind_t kind = ud_fixed_kind(type);
		ud_instance_t *inst = ud_instance_cached(l);
		if (ud_likely(inst && ud_instance_kind_fast(inst) == kind &&
			      ud_fast_acquire(ts, t, inst, ud_lock_mode(kind, mode),
					      trylock, pc, false)))
			return inst;
	}
	if (trylock) {
		ud_hook_trylock(l, type, mode, pc);
		return NULL;
	}
	return ud_hook_lock(l, type, mode, 0, pc);
}

/*
** Before any real unlock: the common case of ud_hook_unlock(), the lock on
** top taken once, released inside the in_runtime guard (no call). False:
** nothing was done; *tp is then the thread for ud_hook_release_under_top(),
** or NULL if the call is not tracked.
*/
static inline __attribute__((always_inline)) bool
ud_hook_release_fast(const void *lock, ud_thread_t **tp)
{
	ud_rt_thread_t *ts = &ud_tls;
	ud_thread_t *t = ud_fast_thread(ts);
	*tp = t;
	if (ud_likely(t != NULL))
		return UD_GUARDED(ts, ud_release_top_fast(t, lock));
	return false;
}

/*
** After ud_hook_release_fast() said no, with the thread it gave: the lock
** just under the top (hand-over-hand locking), out of the unlock's inline
** path so that the common case stays short, and without asking again what
** that call asked a moment ago. False: nothing was done, and
** ud_hook_release_stale() may be tried, then ud_hook_unlock() or
** ud_hook_mutex_unlock() must run.
*/
static inline __attribute__((always_inline)) bool
ud_hook_release_under_top(ud_thread_t *t, const void *lock)
{
	if (!t)
		return false;
	ud_rt_thread_t *ts = &ud_tls;
	return UD_GUARDED(ts, ud_release_under_top_fast(t, lock));
}

/* Is there a lazy release (engine/thread.c) for ud_hook_release_stale() to
** try? t: as ud_hook_release_fast() gave it. */
static inline __attribute__((always_inline)) bool
ud_hook_release_stale_may(const ud_thread_t *t)
{
	return t && t->stale;
}

/* After ud_hook_release_under_top() said no, when ud_hook_release_stale_may():
** the lowest stale entry released (locks released oldest first) in the
** common case, ud_release_stale_fast(). The caller makes it a call apart,
** so that the hand-over-hand path keeps no register across a call. */
static inline __attribute__((always_inline)) bool
ud_hook_release_stale(ud_thread_t *t, const void *lock)
{
	ud_rt_thread_t *ts = &ud_tls;
	return UD_GUARDED(ts, ud_release_stale_fast(t, lock));
}

#endif
