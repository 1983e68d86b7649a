/*
** stack.h: capture call stacks and keep each distinct one once (the depot).
**
** The engine captures a stack only on a slow path (a new dependency, a report).
** A stack is stored once, de-duplicated by hash, and named by a small id that
** the engine keeps in edges and reports; id 0 means "no stack". Frames inside
** the runtime itself (libulockdep) are dropped at capture, so frame 0 is the
** program's call into the intercepted function.
*/
#ifndef UD_BASE_STACK_H
#define UD_BASE_STACK_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t ud_stack_id_t;

#define UD_STACK_MAX_FRAMES 64

/* Capture the caller's stack, without runtime frames; returns its id (0 on failure). */
ud_stack_id_t ud_stack_capture(void);
/* The caller's first max frames (at most UD_STACK_MAX_FRAMES), without
** runtime frames, into pcs, not stored: for keys made of a few frames. */
unsigned ud_stack_walk(uintptr_t *pcs, unsigned max);
/* Store an explicit list of return addresses; returns its id. */
ud_stack_id_t ud_stack_put(const uintptr_t *pcs, unsigned n);
/* The frames of a stored stack: *n gets the count; NULL for id 0 or unknown. */
const uintptr_t *ud_stack_get(ud_stack_id_t id, unsigned *n);
/* Mark [lo, hi) as runtime code whose frames are dropped from captured stacks. */
void ud_stack_set_runtime_range(uintptr_t lo, uintptr_t hi);
/* Mark [lo, hi) as an interceptor in front of the runtime's (a sanitizer's
** that calls ours): a frame in it and every frame above it are dropped. */
void ud_stack_add_front_range(uintptr_t lo, uintptr_t hi);
/* Hold the depot's lock across fork() so the child inherits whole data. */
void ud_stack_fork_prepare(void);
void ud_stack_fork_parent(void);
void ud_stack_fork_child(void);
/* Stacks stored, for statistics. */
size_t ud_stack_count(void);

#endif
