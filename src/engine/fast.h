/*
** fast.h: the common case of the engine's hot calls, inline, for the
** runtime's lock hooks (src/rt/hooks_fast.h).
**
** Each function does what the engine.h call it stands for does, but only in
** the common case. When anything else applies it returns false or NULL having
** changed nothing, and the caller makes the full call. The rules therefore
** live in one place (check.c, instance.c); this file only decides that none
** of the exceptions applies.
*/
#ifndef UD_ENGINE_FAST_H
#define UD_ENGINE_FAST_H

#include "internal.h"

static inline int ud_thread_tid_fast(const ud_thread_t *t)
{
	return t->tid;
}

static inline ud_lock_kind_t ud_instance_kind_fast(const ud_instance_t *inst)
{
	return inst->kind;
}

/*
** The rules' part of ud_acquire_fast(), for instance inst in life gen at addr,
** of class c, once the instance's own tests passed (not a recursive mutex,
** taker noted, a tracked class): for a blocking acquisition, a chain
** validated before (which has no lock of the class directly below and gives
** no new signal usage: check.c never caches such a chain); for a trylock, no
** new signal usage.
*/
static inline __attribute__((always_inline)) bool
ud_acquire_fast_as(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
		   ud_class_t *c, ud_mode_t mode, bool trylock, uintptr_t pc)
{
	uint64_t key = ud_chain_step(t, t->chain_key, c, mode, trylock);
	/* A cached chain also vouches for the signal usage (ud_chain_ctx); a
	** trylock, which needs no cached chain, asks the usage itself. With
	** validation off (halt_on_error fired), ud_acquire() only pushes, which
	** is what this does too: no need to ask. */
	if (UD_unlikely(trylock ? ud_usage_adds(t, c, mode) : !ud_chain_lookup(key)))
		return false;
	/* Not deeper than the thread ever was: then the stack has room
	** (max_depth <= cap) and no record to publish; no call is needed. */
	unsigned d = t->depth;
	if (UD_unlikely(d >= t->max_depth))
		return false;
	ud_held_t *h = &t->held[d];
	ud_held_fill_as(h, inst, gen, addr, c, mode, trylock, pc);
	h->prev_key = t->chain_key;
	t->depth = d + 1;
	t->chain_key = key;
	return true;
}

/*
** ud_note_taker() and ud_acquire(t, inst, mode, trylock ? UD_ACQ_TRY : 0, pc)
** when no rule has anything to say: the taker already noted, not a recursive
** mutex, a tracked class, and ud_acquire_fast_as(). Returns false, having
** changed nothing, in every other case.
*/
static inline __attribute__((always_inline)) bool
ud_acquire_fast(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode, bool trylock,
		uintptr_t pc)
{
	ud_class_t *c = atomic_load_explicit(&inst->cls, memory_order_relaxed);
	if (UD_unlikely(inst->kind == UD_KIND_MUTEX_RECURSIVE ||
			(c->flags & UD_CLASS_NOTRACK)))
		return false;
	/* Taken first by this thread, or by two already: takers.c has
	** nothing to note. */
	if (UD_unlikely(atomic_load_explicit(&inst->taker, memory_order_relaxed) !=
				t->taker_tag &&
			!atomic_load_explicit(&inst->shared, memory_order_relaxed)))
		return false;
	return ud_acquire_fast_as(t, inst,
				  atomic_load_explicit(&inst->gen, memory_order_relaxed),
				  atomic_load_explicit(&inst->addr, memory_order_relaxed), c,
				  mode, trylock, pc);
}

/*
** ud_acquire_fast() of the lock at addr from its hint {w0, w1} (engine.h),
** without reading the instance's record: the hint gives the record, the life
** and the class, and its check vouches for the class, the taker and the
** class being tracked (a class loses its hints when it stops being). The
** caller has ruled out a recursive mutex. Returns the instance, or NULL
** having changed nothing.
*/
static inline __attribute__((always_inline)) ud_instance_t *
ud_acquire_hinted(ud_thread_t *t, const void *addr, uint64_t w0, uint64_t w1,
		  ud_mode_t mode, bool trylock, uintptr_t pc)
{
	uint32_t idx = (uint32_t)w0, meta = (uint32_t)w1;
	uint32_t slot = (meta & UD_HINT_CLASS_MAX) - 1;	/* class id 0: none */
	/* Both indices are bounded before anything is read through them. */
	class_table_t *ct = atomic_load_explicit(&ud_hot.classes, memory_order_acquire);
	if (UD_unlikely(idx >= atomic_load_explicit(&ud_hot.inst_limit, memory_order_acquire) ||
			slot >= atomic_load_explicit(&ct->n, memory_order_acquire)))
		return NULL;
	ud_class_t *c = ct->c[slot];
	uint32_t tag = (meta & UD_HINT_SHARED) ? 0 : t->taker_tag;
	uint32_t epoch = atomic_load_explicit(&c->hint_epoch, memory_order_relaxed);
	if (UD_unlikely(!ud_hint_ok((uintptr_t)addr, w0, w1, epoch, tag)))
		return NULL;
	ud_instance_t *inst = &ud_hot.inst_base[idx];
	if (!inst)
		__builtin_unreachable();	/* idx < inst_limit: the range exists */
	if (UD_unlikely(!ud_acquire_fast_as(t, inst, (uint32_t)(w0 >> 32), (uintptr_t)addr,
					    c, mode, trylock, pc)))
		return NULL;
	return inst;
}

/* ud_release() of the lock on top, taken once (not pinned, not recursively
** held); false: anything else. Makes no call. */
static inline __attribute__((always_inline)) bool
ud_release_top_fast(ud_thread_t *t, const void *addr)
{
	unsigned d = t->depth;
	ud_held_t *h = t->held + d - 1;	/* with no lock held: the entry below */
	if (UD_likely(h->addr == (uintptr_t)addr && h->refs == 1)) {
		t->chain_key = h->prev_key;
		t->depth = d - 1;
		return true;
	}
	return false;
}

/*
** The same for the lock just under the top (hand-over-hand locking): the top
** entry moves down, onto the chain below the released lock, which must have
** been validated, as for an acquisition (with validation off, halt_on_error
** having fired, it needs none). Makes no call.
*/
static inline __attribute__((always_inline)) bool
ud_release_under_top_fast(ud_thread_t *t, const void *addr)
{
	unsigned d = t->depth;
	if (d < 2)
		return false;
	ud_held_t *h = &t->held[d - 2], *top = &t->held[d - 1];
	if (h->addr != (uintptr_t)addr || h->refs != 1)
		return false;
	uint64_t prev = h->prev_key;
	uint64_t key = ud_chain_step(t, prev, top->cls, (ud_mode_t)top->mode, top->trylock);
	if (!top->trylock && UD_unlikely(!ud_chain_lookup(key)) &&
	    atomic_load_explicit(&ud_active, memory_order_relaxed))
		return false;
	*h = *top;
	h->prev_key = prev;
	t->depth = d - 1;
	t->chain_key = key;
	return true;
}

/* ud_release_top_fast() or ud_release_under_top_fast(). */
static inline __attribute__((always_inline)) bool
ud_release_fast(ud_thread_t *t, const void *addr)
{
	return ud_release_top_fast(t, addr) || ud_release_under_top_fast(t, addr);
}

#endif
