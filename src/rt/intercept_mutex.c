/*
** intercept_mutex.c: pthread_mutex_* interceptors. No logic here: each one
** runs the hooks around REAL() in the shapes described in rt.h (lock and
** unlock: the inline hook of hooks_fast.h, else the general shape out of
** line; a free plain mutex is taken and released by glibc.h).
*/
#include "hooks_fast.h"

#include <errno.h>

/* A blocking or timed mutex lock took the lock (EOWNERDEAD: taken, owner died). */
static inline bool mutex_taken(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

UD_INTERCEPTOR(int, pthread_mutex_init, pthread_mutex_t *m,
	       const pthread_mutexattr_t *a)
{
	ud_call_t c = UD_CALL_INIT;
	int rc = REAL(pthread_mutex_init)(m, a);
	if (rc == 0)
		ud_hook_init(&c, m, UD_LT_MUTEX);
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_destroy, pthread_mutex_t *m)
{
	ud_call_t c = UD_CALL_INIT;
	ud_hook_destroy(&c, m);
	return REAL(pthread_mutex_destroy)(m);
}

/* A plain mutex nested under one of its class (a cached pair) is still
** taken here; anything else goes the general way (for a plain mutex, the
** inline half and the pair's attempt having said no, straight to the full
** hook). fp and sp: what mutex_lock_framed() was entered with. */
int ud_mutex_lock_hooked(pthread_mutex_t *m, uintptr_t pc, uintptr_t fp, uintptr_t sp);
__attribute__((noinline, used, visibility("hidden"))) int
ud_mutex_lock_hooked(pthread_mutex_t *m, uintptr_t pc, uintptr_t fp, uintptr_t sp)
{
	int tid;
	ud_instance_t *inst;
	if (ud_plain_mutex_kind(ud_mutex_raw_kind(m))) {
		if (ud_hook_mutex_lock_plain_pairs(m, pc, &tid)) {
			if (ud_plain_mutex_trylock(m, tid))
				return 0;
			return UD_WAIT(m, REAL(pthread_mutex_lock)(m));
		}
		inst = ud_hook_lock_at(m, UD_LT_MUTEX, UD_HOOK_WRITE, 0, pc, fp, sp);
	} else {
		inst = ud_hook_mutex_lock_at(m, 0, pc, fp, sp);
	}
	int rc = UD_WAIT(m, REAL(pthread_mutex_lock)(m));
	ud_hook_lock_done(inst, mutex_taken(rc));
	return rc;
}

/*
** ud_mutex_lock_hooked() with the frame pointer and stack pointer this is
** entered with, for the call site past the C++ library's frames
** (call_site.c). The interceptor enters it by a tail call: then the word at
** the stack pointer is the lock call's return address and the frame pointer
** the caller's, which the C code of the out-of-line half, built without frame
** pointers, could not read any more.
*/
int mutex_lock_framed(pthread_mutex_t *m, uintptr_t pc) __attribute__((visibility("hidden")));
#if defined(__x86_64__)
__asm__(".text\n"
	".p2align 4\n"
	".hidden mutex_lock_framed\n"
	".globl mutex_lock_framed\n"
	".type mutex_lock_framed, @function\n"
	"mutex_lock_framed:\n"
	"\tmov %rbp, %rdx\n"
	"\tmov %rsp, %rcx\n"
	"\tjmp ud_mutex_lock_hooked\n"
	".size mutex_lock_framed, .-mutex_lock_framed\n");
#else
int mutex_lock_framed(pthread_mutex_t *m, uintptr_t pc)
{
	return ud_mutex_lock_hooked(m, pc, 0, 0);
}
#endif

/* The full hook's shape, for a plain mutex the inline half and the pair
** cache left. */
static __attribute__((noinline)) int mutex_lock_full(pthread_mutex_t *m, uintptr_t pc)
{
	ud_instance_t *inst = ud_hook_lock(m, UD_LT_MUTEX, UD_HOOK_WRITE, 0, pc);
	int rc = UD_WAIT(m, REAL(pthread_mutex_lock)(m));
	ud_hook_lock_done(inst, mutex_taken(rc));
	return rc;
}

/* A plain mutex held by another thread, once validated: glibc waits. */
static __attribute__((noinline)) int mutex_lock_wait(pthread_mutex_t *m)
{
	return UD_WAIT(m, REAL(pthread_mutex_lock)(m));
}

/* A plain mutex whose chain the inline half found not cached, inside the
** guard it left raised: the pair cache, else the full hook. Only tail
** calls, so that the pair's hit needs no stack frame. */
static __attribute__((noinline)) int mutex_lock_pair(pthread_mutex_t *m, uintptr_t pc,
						     ud_class_t *c, uint64_t key,
						     ud_instance_t *inst, uint32_t gen)
{
	int tid;
	if (ud_unlikely(!ud_hook_mutex_lock_pair(m, pc, c, key, inst, gen, &tid)))
		return mutex_lock_full(m, pc);
	if (ud_plain_mutex_trylock(m, tid))
		return 0;
	return mutex_lock_wait(m);
}

UD_INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m)
{
	int tid;
	ud_fast_miss_t miss;
	if (ud_hook_mutex_lock_plain_miss(m, UD_CALLER_PC(), &tid, &miss)) {
		if (ud_plain_mutex_trylock(m, tid))
			return 0;
		return UD_WAIT(m, REAL(pthread_mutex_lock)(m));
	}
	if (miss.key)
		return mutex_lock_pair(m, UD_CALLER_PC(), miss.cls, miss.key, miss.inst, miss.gen);
	return mutex_lock_framed(m, UD_CALLER_PC());
}

UD_INTERCEPTOR(int, pthread_mutex_trylock, pthread_mutex_t *m)
{
	int rc = REAL(pthread_mutex_trylock)(m);
	if (mutex_taken(rc))
		ud_hook_mutex_trylock(m, UD_CALLER_PC());
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_timedlock, pthread_mutex_t *m,
	       const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_mutex_lock(m, UD_ACQ_TIMED, UD_CALLER_PC());
	int rc = UD_WAIT(m, REAL(pthread_mutex_timedlock)(m, ts));
	ud_hook_lock_done(inst, mutex_taken(rc));
	return rc;
}

UD_INTERCEPTOR(int, pthread_mutex_clocklock, pthread_mutex_t *m, clockid_t clk,
	       const struct timespec *ts)
{
	ud_instance_t *inst = ud_hook_mutex_lock(m, UD_ACQ_TIMED, UD_CALLER_PC());
	int rc = UD_WAIT(m, REAL(pthread_mutex_clocklock)(m, clk, ts));
	ud_hook_lock_done(inst, mutex_taken(rc));
	return rc;
}

/* The real unlock: the interceptor's own for a plain mutex, else glibc's. */
static inline __attribute__((always_inline)) int mutex_unlock_real(pthread_mutex_t *m)
{
	if (ud_plain_mutex_kind(ud_mutex_raw_kind(m)))
		return ud_plain_mutex_unlock(m);
	return REAL(pthread_mutex_unlock)(m);
}

static __attribute__((noinline)) int mutex_unlock_slow(pthread_mutex_t *m, uintptr_t pc)
{
	ud_bad_unlock_t why = ud_mutex_kind_check(ud_mutex_raw_kind(m));
	if (ud_unlikely(why != UD_BAD_UNLOCK_NOT_HELD))
		ud_hook_mutex_unlock_invalid(m, why, pc);
	else
		ud_hook_mutex_unlock(m, pc);
	return mutex_unlock_real(m);
}

/* A mutex released oldest first: the lazy release's common case. */
static __attribute__((noinline)) int mutex_unlock_stale(pthread_mutex_t *m,
							ud_thread_t *t, uintptr_t pc)
{
	if (ud_hook_release_stale(t, m))
		return mutex_unlock_real(m);
	return mutex_unlock_slow(m, pc);
}

/* Apart from the slow path, so that this one needs no stack frame. */
static __attribute__((noinline)) int mutex_unlock_hooked(pthread_mutex_t *m,
							 ud_thread_t *t, uintptr_t pc)
{
	if (ud_hook_release_under_top(t, m))
		return mutex_unlock_real(m);
	if (ud_hook_release_stale_may(t))
		return mutex_unlock_stale(m, t, pc);
	return mutex_unlock_slow(m, pc);
}

UD_INTERCEPTOR(int, pthread_mutex_unlock, pthread_mutex_t *m)
{
	ud_thread_t *t;
	if (ud_hook_release_fast(m, &t))
		return mutex_unlock_real(m);
	return mutex_unlock_hooked(m, t, UD_CALLER_PC());
}
