/*
** own_stack.c: run a function on a stack the runtime owns (own_stack.h).
*/
#include "own_stack.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "libc.h"

/* Built with ASan itself (the unit tests): its interceptor must see the
** switch, to clear the new stack's shadow. */
#if defined(__SANITIZE_ADDRESS__)
#define UD_ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UD_ASAN_BUILD 1
#endif
#endif

typedef int (*swap_fn)(ucontext_t *, const ucontext_t *);
static swap_fn _Atomic swap = swapcontext;

void ud_own_stack_init(void)
{
#ifndef UD_ASAN_BUILD
	swap_fn f = (swap_fn)ud_libc_sym("swapcontext", NULL);
	if (f)
		swap = f;
#endif
}

/* The job of the context being started: makecontext passes no pointer. */
static __thread ud_own_stack_t *starting __attribute__((tls_model("initial-exec")));

static void entry(void)
{
	ud_own_stack_t *s = starting;
	s->fn(s->arg);
}

static bool ready(ud_own_stack_t *s)
{
	if (s->mem)
		return true;
	s->guard = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, s->size + s->guard, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return false;
	/* An overflow faults instead of writing over other memory. */
	mprotect(p, s->guard, PROT_NONE);
	s->mem = p;
	return true;
}

/* getcontext returns twice: its frame keeps nothing that could be lost. */
static __attribute__((noinline)) bool switch_to(ud_own_stack_t *s)
{
	if (getcontext(&s->worker) != 0)
		return false;
	s->worker.uc_stack.ss_sp = s->mem + s->guard;
	s->worker.uc_stack.ss_size = s->size;
	s->worker.uc_link = &s->caller;
	/* No handler of the program runs on this stack. */
	sigfillset(&s->worker.uc_sigmask);
	makecontext(&s->worker, entry, 0);
	starting = s;
	return swap(&s->caller, &s->worker) == 0;
}

bool ud_own_stack_call(ud_own_stack_t *s, void (*fn)(void *), void *arg)
{
	if (s->busy || !ready(s))
		return false;
	s->fn = fn;
	s->arg = arg;
	s->busy = true;
	bool ran = switch_to(s);
	s->busy = false;
	return ran;
}

void ud_own_stack_run(ud_own_stack_t *s, void (*fn)(void *), void *arg)
{
	if (!ud_own_stack_call(s, fn, arg))
		fn(arg);
}
