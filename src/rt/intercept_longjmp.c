/*
** intercept_longjmp.c: a jump out of a signal handler leaves the handler.
**
** longjmp, _longjmp, siglongjmp and __longjmp_chk tell intercept_signal.c
** where the thread goes on: the target's stack pointer, read from the
** jmp_buf, and the mask it restores, if sigsetjmp saved one. Handlers whose
** frames lie below the target are left. glibc stores the stack pointer
** mangled with a per-process guard; the guard is found at start-up and
** checked on a jmp_buf of our own. If it cannot be, a jump taken inside a
** handler counts as leaving every handler, the usual reason to jump there.
** Nothing here runs unless a handler is running or a mask was saved.
*/
#include "rt.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <stdlib.h>

typedef void (*jump_fn)(struct __jmp_buf_tag *, int) __attribute__((noreturn));

static struct {
	_Atomic(jump_fn) longjmp_, _longjmp_, siglongjmp_, longjmp_chk;
} real_jump;

/* 0: the stack pointer of a jmp_buf cannot be read. */
static uintptr_t guard;
static bool guard_known;

#if defined(__x86_64__)
#define JB_SP 6
static uintptr_t unmangle(uintptr_t v, uintptr_t g)
{
	return ((v >> 17) | (v << 47)) ^ g;
}
/* The guard sits in the thread control block at a fixed offset. */
static bool find_guard(void)
{
	__asm__("mov %%fs:0x30, %0" : "=r"(guard));
	return true;
}
#elif defined(__aarch64__)
#define JB_SP 13
static uintptr_t unmangle(uintptr_t v, uintptr_t g)
{
	return v ^ g;
}
/* sigsetjmp stores this function's own stack pointer (it is a leaf). */
static __attribute__((noinline)) bool find_guard(void)
{
	sigjmp_buf b;
	uintptr_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	if (sigsetjmp(b, 0) == 0)
		guard = (uintptr_t)b[0].__jmpbuf[JB_SP] ^ sp;
	return true;
}
#else
static uintptr_t unmangle(uintptr_t v, uintptr_t g)
{
	(void)g;
	return v;
}
static bool find_guard(void)
{
	return false;
}
#define JB_SP 0
#endif

/* Our own sigsetjmp must give back a stack pointer just below our locals. */
static __attribute__((noinline)) bool guard_works(void)
{
	sigjmp_buf b;
	volatile char probe = 0;
	if (sigsetjmp(b, 0) != 0)
		return false;
	uintptr_t sp = unmangle((uintptr_t)b[0].__jmpbuf[JB_SP], guard);
	uintptr_t at = (uintptr_t)&probe;
	return sp <= at && at - sp < 4096;
}

static jump_fn lookup(const char *name)
{
	return (jump_fn)dlsym(RTLD_NEXT, name);
}

void ud_rt_longjmp_init(void)
{
	atomic_store(&real_jump.longjmp_, lookup("longjmp"));
	atomic_store(&real_jump._longjmp_, lookup("_longjmp"));
	atomic_store(&real_jump.siglongjmp_, lookup("siglongjmp"));
	atomic_store(&real_jump.longjmp_chk, lookup("__longjmp_chk"));
	guard_known = find_guard() && guard_works();
}

/* Declared only under _FORTIFY_SOURCE. */
void __longjmp_chk(struct __jmp_buf_tag env[1], int val) __attribute__((noreturn));

static void before_jump(struct __jmp_buf_tag *env)
{
	bool in = ud_rt_signals_in_handler();
	if (ud_likely(!in && !env->__mask_was_saved))
		return;
	uintptr_t sp = guard_known ?
		unmangle((uintptr_t)env->__jmpbuf[JB_SP], guard) : 0;
	ud_rt_signals_jump(sp, env->__mask_was_saved ?
			   (const sigset_t *)&env->__saved_mask : NULL);
}

static __attribute__((noreturn)) void jump(_Atomic(jump_fn) *real,
					   const char *name,
					   struct __jmp_buf_tag *env, int val)
{
	before_jump(env);
	jump_fn f = atomic_load_explicit(real, memory_order_relaxed);
	if (ud_unlikely(!f)) {
		/* Only before start-up. */
		f = lookup(name);
		if (!f)
			abort();
		atomic_store_explicit(real, f, memory_order_relaxed);
	}
	f(env, val);
}

UD_INTERCEPTOR(__attribute__((noreturn)) void, longjmp, struct __jmp_buf_tag env[1], int val)
{
	jump(&real_jump.longjmp_, "longjmp", env, val);
}

UD_INTERCEPTOR(__attribute__((noreturn)) void, _longjmp, struct __jmp_buf_tag env[1], int val)
{
	jump(&real_jump._longjmp_, "_longjmp", env, val);
}

UD_INTERCEPTOR(__attribute__((noreturn)) void, siglongjmp, struct __jmp_buf_tag env[1], int val)
{
	jump(&real_jump.siglongjmp_, "siglongjmp", env, val);
}

UD_INTERCEPTOR(__attribute__((noreturn)) void, __longjmp_chk, struct __jmp_buf_tag env[1], int val)
{
	jump(&real_jump.longjmp_chk, "__longjmp_chk", env, val);
}
