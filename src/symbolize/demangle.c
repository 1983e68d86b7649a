/*
** demangle.c: C++ names for people, without the program's malloc.
**
** libiberty's cplus_demangle_v3_callback hands the name to a callback and
** allocates nothing on the heap: the runtime controls it, whether or not the
** program carries a demangler (a C program with a C++ plugin has none until
** the plugin's libstdc++ is loaded). It keeps its working arrays on the stack
** instead, about 70 bytes per character of the mangled name, and recurses as
** deep as the name nests. The thread that asks may be deep in the program's
** own stack, or on a small one, so the demangler runs on a stack of its own
** (swapcontext), one caller at a time, with every signal blocked meanwhile.
** The switch is libc's swapcontext, not a sanitizer's interceptor of it
** (ud_demangle_init), which would warn the program's user about it.
** Names are demangled without parameter lists ("Cache::put"), the form DWARF
** gives inlined functions, so a function has one name at -O0 and at -O2.
*/
#include "symbolize.h"
#include "symbolize_int.h"
#include "../base/libc.h"
#include "../base/lock.h"

#include <libiberty/demangle.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define STACK_SIZE (4u << 20)	/* reserved; only the pages used are touched */
#define MAX_MANGLED 16384	/* longer names stay mangled: bounds the stack used */

ud_lock_t ud_demangle_lock = UD_LOCK_INIT;
static char *stack;		/* lowest page is a guard */
static size_t guard;
static ucontext_t caller, worker;
static const char *job_name;	/* the job, under ud_demangle_lock */
static ud_buf_t *job_out;
static int job_ok;

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

void ud_demangle_init(void)
{
#ifndef UD_ASAN_BUILD
	swap_fn f = (swap_fn)ud_libc_sym("swapcontext", NULL);
	if (f)
		swap = f;
#endif
}

static void put(const char *s, size_t n, void *arg)
{
	ud_buf_printf(arg, "%.*s", (int)n, s);
}

static void run_job(void)
{
	job_ok = cplus_demangle_v3_callback(job_name, DMGL_NO_OPTS, put, job_out);
}

/* ud_demangle_lock held. */
static bool stack_ready(void)
{
	if (stack)
		return true;
	guard = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, STACK_SIZE + guard, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return false;
	/* An overflow faults instead of writing over other memory. */
	mprotect(p, guard, PROT_NONE);
	stack = p;
	return true;
}

/* Run the job on the demangler's stack and come back; ud_demangle_lock held.
** getcontext returns twice: its own frame keeps nothing that could be lost. */
static __attribute__((noinline)) bool run_on_stack(void)
{
	if (getcontext(&worker) != 0)
		return false;
	worker.uc_stack.ss_sp = stack + guard;
	worker.uc_stack.ss_size = STACK_SIZE;
	worker.uc_link = &caller;
	/* No handler of the program runs on this stack. */
	sigfillset(&worker.uc_sigmask);
	makecontext(&worker, run_job, 0);
	return swap(&caller, &worker) == 0;
}

bool ud_demangle(const char *raw, ud_buf_t *out)
{
	if (!raw || raw[0] != '_' || raw[1] != 'Z' || strnlen(raw, MAX_MANGLED) == MAX_MANGLED)
		return false;
	size_t start = out->len;
	ud_lock_acquire(&ud_demangle_lock);
	job_name = raw;
	job_out = out;
	job_ok = 0;
	bool ok = stack_ready() && run_on_stack() && job_ok;
	ud_lock_release(&ud_demangle_lock);
	if (!ok && out->data) {
		/* Drop what a failed demangling wrote. */
		out->len = start;
		out->data[start] = 0;
	}
	return ok && out->len > start;
}
