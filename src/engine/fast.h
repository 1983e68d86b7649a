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

/* ud_instance_lookup() through a hint (engine.h); NULL: the hint is of no use. */
static inline __attribute__((always_inline)) ud_instance_t *
ud_instance_from_hint(const void *addr, uint64_t hint)
{
	uint32_t idx = (uint32_t)hint;
	/* The range check comes first: nothing is read through a bad hint. */
	if (UD_unlikely(idx >= atomic_load_explicit(&ud_hot.inst_limit, memory_order_acquire)))
		return NULL;
	ud_instance_t *in = &ud_hot.inst_base[idx];
	if (UD_unlikely(atomic_load_explicit(&in->addr, memory_order_relaxed) !=
				(uintptr_t)addr ||
			atomic_load_explicit(&in->gen, memory_order_relaxed) != (uint32_t)(hint >> 32)))
		return NULL;
	return in;
}

static inline ud_lock_kind_t ud_instance_kind_fast(const ud_instance_t *inst)
{
	return inst->kind;
}

/*
** ud_note_taker() and ud_acquire(t, inst, mode, trylock ? UD_ACQ_TRY : 0, pc)
** when no rule has anything to say: the taker already noted, not a recursive
** mutex, a tracked class, no new signal
** usage, and for a blocking acquisition a chain validated before with no
** lock of the class directly below. Returns false, having changed nothing,
** in every other case.
*/
static inline __attribute__((always_inline)) bool
ud_acquire_fast(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode, bool trylock,
		uintptr_t pc)
{
	if (UD_unlikely(inst->kind == UD_KIND_MUTEX_RECURSIVE))
		return false;
	/* Taken first by this thread, or by two already: takers.c has
	** nothing to note. */
	if (UD_unlikely(atomic_load_explicit(&inst->taker, memory_order_relaxed) !=
				t->taker_tag &&
			!atomic_load_explicit(&inst->shared, memory_order_relaxed)))
		return false;
	ud_class_t *c = atomic_load_explicit(&inst->cls, memory_order_relaxed);
	if (UD_unlikely(c->flags & UD_CLASS_NOTRACK))
		return false;
	if (UD_unlikely(ud_usage_adds(t, c)))
		return false;
	uint64_t key = ud_chain_mix(t->chain_key, c, mode, trylock);
	if (!trylock) {
		/* ud_chain_lookup() and ud_nested_same_class(), inline. With
		** validation off (halt_on_error fired), ud_acquire() only pushes,
		** which is what this does too: no need to ask. */
		if (UD_unlikely(!ud_chain_lookup(key) ||
				ud_nested_same_class(t, t->depth, c)))
			return false;
	}
	/* Not deeper than the thread ever was: then the stack has room
	** (max_depth <= cap) and no record to publish; no call is needed. */
	unsigned d = t->depth;
	if (UD_unlikely(d >= t->max_depth))
		return false;
	ud_held_t *h = &t->held[d];
	ud_held_fill(h, inst, c, mode, trylock, pc);
	h->prev_key = t->chain_key;
	t->depth = d + 1;
	t->chain_key = key;
	return true;
}

/* ud_release() of the lock on top, taken once (not pinned, not recursively
** held); false: anything else. Makes no call. */
static inline __attribute__((always_inline)) bool
ud_release_top_fast(ud_thread_t *t, const void *addr)
{
	unsigned d = t->depth;
	if (UD_likely(d != 0)) {
		ud_held_t *h = &t->held[d - 1];
		if (UD_likely(h->addr == (uintptr_t)addr && h->refs == 1)) {
			t->chain_key = h->prev_key;
			t->depth = d - 1;
			return true;
		}
	}
	return false;
}

/* ud_release_top_fast(), or the same for the lock just under the top. */
static inline __attribute__((always_inline)) bool
ud_release_fast(ud_thread_t *t, const void *addr)
{
	if (UD_likely(ud_release_top_fast(t, addr)))
		return true;
	unsigned d = t->depth;
	if (d >= 2 && t->held[d - 2].addr == (uintptr_t)addr && t->held[d - 2].refs == 1)
		return ud_held_remove_under_top(t);
	return false;
}

#endif
