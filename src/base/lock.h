/*
** lock.h: the runtime's own lock.
**
** The runtime lives inside programs whose pthread functions it intercepts, so it
** can never use a pthread mutex for its own state. ud_lock_t is a small
** owner-recursive spinlock on C11 atomics that yields to the scheduler through a
** raw system call when it has to wait. It is owner-recursive for one reason:
** fork. The prepare handler takes every runtime lock so that the child inherits
** consistent data; a later prepare handler of an allocator then locks its arenas
** through our interceptors, on the same thread, and must get in again.
*/
#ifndef UD_BASE_LOCK_H
#define UD_BASE_LOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ud_lock {
	_Atomic int owner;	/* tid of the holder, 0 when free */
	unsigned depth;		/* re-entries by the holder */
} ud_lock_t;

#define UD_LOCK_INIT { 0, 0 }

void ud_lock_acquire(ud_lock_t *l);
/* Take l if it is free (or already ours); false, holding nothing, if not. */
bool ud_lock_try_acquire(ud_lock_t *l);
void ud_lock_release(ud_lock_t *l);
/*
** Block signals and cancellation as holding a runtime lock does, for a
** stretch of work that takes several runtime locks in turn (a lock's init or
** destroy): the locks taken inside it then make no system call of their own.
** Nests with the locks and with itself.
*/
void ud_lock_hold_signals(void);
void ud_lock_unhold_signals(void);
/* Forget any holder: used in a fork child, where only one thread survives. */
void ud_lock_reset(ud_lock_t *l);
/* In a fork child, once every lock is reset: the surviving thread holds none,
** and gets back the cancel state it had before taking them (lock.c). */
void ud_lock_fork_child(void);
/* Is l held by some thread? (Fork child handlers decide what to reset.) */
static inline bool ud_lock_is_held(ud_lock_t *l)
{
	return atomic_load_explicit(&l->owner, memory_order_relaxed) != 0;
}
/* The calling thread's kernel tid, cached per thread. */
int ud_gettid(void);
/* Does the calling thread hold l? (Debug checks.) */
static inline bool ud_lock_held_by_me(ud_lock_t *l)
{
	return atomic_load_explicit(&l->owner, memory_order_relaxed) == ud_gettid();
}
/* Forget the cached tid: the fork child calls this first. */
void ud_gettid_reset(void);

#endif
