/*
** debug.h: the checks of the debug build (cmake -DUD_DEBUG=ON).
**
** The runtime's shortcuts and invariants are argued in prose; a debug build
** also proves them as it runs, as SQLite's assert() and the kernel's
** check_chain_key() do: held-lock assertions on the engine's locks, the
** chain key recomputed from the held stack after every change, and whatever
** else a file asserts with UD_ASSERT(). A failed check prints
** "ulockdep: internal error: ..." (which the scenario runner fails on) and
** aborts. In a normal build every check compiles to nothing.
*/
#ifndef UD_BASE_DEBUG_H
#define UD_BASE_DEBUG_H

#include "compiler.h"

#ifdef UD_DEBUG
__attribute__((noreturn, cold)) void ud_assert_fail(const char *what, const char *file,
						    int line);
#define UD_ASSERT(cond)                                                   \
	(ud_likely(cond) ? (void)0 : ud_assert_fail(#cond, __FILE__, __LINE__))
/* Statements that exist only in the debug build. */
#define UD_DEBUG_ONLY(...) __VA_ARGS__
#else
#define UD_ASSERT(cond) ((void)0)
#define UD_DEBUG_ONLY(...)
#endif

/* The calling thread holds runtime lock l (base/lock.h). */
#define UD_ASSERT_LOCKED(l) UD_ASSERT(ud_lock_held_by_me(l))

#endif
