/*
** own_stack.h: run a function on a stack the runtime owns.
**
** A report may be made on a thread whose stack is small (16 KiB is allowed)
** or nearly used up; symbolizing it (libdw) needs far more than that. The
** work runs on a stack of its own instead, reserved once, of which only the
** pages used are ever touched, with every signal blocked meanwhile, and comes
** back to the caller's stack when done. Same thread, so thread-local state
** (errno, libdw's error codes) is the caller's.
*/
#ifndef UD_BASE_OWN_STACK_H
#define UD_BASE_OWN_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <ucontext.h>

typedef struct ud_own_stack {
	size_t size;		/* bytes reserved, above a guard page */
	char *mem;		/* NULL until first use */
	size_t guard;
	bool busy;		/* a call is running on it */
	ucontext_t caller, worker;
	void (*fn)(void *);
	void *arg;
} ud_own_stack_t;

#define UD_OWN_STACK_INIT(bytes) { .size = (bytes) }

/*
** fn(arg) on s's stack. The caller serializes the uses of s (one lock held
** across the call). If the stack cannot be made, or this thread is already
** running on it, fn runs on the current stack.
*/
void ud_own_stack_run(ud_own_stack_t *s, void (*fn)(void *), void *arg);
/* fn(arg) on s's stack only: false, fn not run, when that cannot be. */
bool ud_own_stack_call(ud_own_stack_t *s, void (*fn)(void *), void *arg);
/* At start-up (may allocate): switch with libc's own swapcontext, not a
** sanitizer's interceptor of it, which would warn the program's user. */
void ud_own_stack_init(void);

#endif
