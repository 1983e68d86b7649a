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

static inline ud_lock_kind_t ud_instance_kind_fast(const ud_instance_t *inst)
{
	return inst->kind;
}

/* The class with this id from the table by id, or NULL: the id is bounded
** before anything is read through it. */
static inline __attribute__((always_inline)) ud_class_t *ud_class_by_id(uint32_t cid)
{
	class_table_t *ct = atomic_load_explicit(&ud_hot.classes, memory_order_acquire);
	uint32_t slot = cid - 1;	/* id 0: none */
	if (UD_unlikely(!ct || slot >= atomic_load_explicit(&ct->n, memory_order_acquire)))
		return NULL;
	return ct->c[slot];
}

/*
** The step cache. Whether an acquisition needs more than a push depends on the
** chain key below it, the class, the mode, trylock and the thread's signal
** masks, and on the class's flags: a tracked class, no new signal usage, and
** for a blocking acquisition a chain validated before (which has no lock of
** the class directly below: check.c never caches such a chain). Classes gain
** usage and chains are validated for good, so a step found once holds while
** the masks stay (step_gen); only the flags are read again. Each thread keeps
** the last two steps per set, in a table of its own: a hit costs two compares
** instead of the class table, the usage test, the key mix and the chain
** cache's probe.
*/
static inline uint64_t ud_step_tag(const ud_thread_t *t, uint32_t cid, ud_mode_t mode,
				   bool trylock)
{
	return (uint64_t)t->step_gen << 40 | (uint64_t)((unsigned)mode << 1 | trylock) << 32 |
	       cid;
}

/*
** The step from chain key `from` by class id cid (cls: that class, or NULL to
** find it by id), as above: true with the class in *cp and the new chain key
** in *keyp; false: the full path must run. Without `fill`, only a step in the
** cache is taken: the hottest callers leave the rest to an out-of-line retry,
** which keeps their code (and register use) small.
*/
static inline __attribute__((always_inline)) bool
ud_step(ud_thread_t *t, uint64_t from, uint32_t cid, ud_class_t *cls, ud_mode_t mode,
	bool trylock, bool fill, ud_class_t **cp, uint64_t *keyp)
{
	uint64_t tag = ud_step_tag(t, cid, mode, trylock);
	ud_step_t *s = &t->steps[((from ^ cid) & (UD_STEPS / 2 - 1)) * 2];
	ud_class_t *c;
	if (UD_likely(s->from == from && s->tag == tag)) {
		c = s->cls;
	} else if (s[1].from == from && s[1].tag == tag) {
		c = s[1].cls;
		s++;
	} else {
		if (!fill)
			return false;
		c = cls ? cls : ud_class_by_id(cid);
		if (UD_unlikely(!c || ud_usage_adds(t, c)))
			return false;
		uint64_t key = ud_chain_mix(from, c, mode, trylock);
		/* With validation off (halt_on_error fired), ud_acquire() only
		** pushes, which is what this does too: no need to ask. */
		if (!trylock && UD_unlikely(!ud_chain_lookup(key)))
			return false;
		s[1] = s[0];	/* the older step of the set goes */
		s->from = from;
		s->tag = tag;
		s->cls = c;
		s->to = key;
	}
	if (UD_unlikely(c->flags & UD_CLASS_NOTRACK))
		return false;
	*cp = c;
	*keyp = s->to;
	return true;
}

/* The push of an acquisition that needs nothing more (ud_step()): inst, in
** life gen at addr, of class c, with new chain key `key`. False if the stack
** must grow or publish its depth, which the full path does. */
static inline __attribute__((always_inline)) bool
ud_step_push(ud_thread_t *t, ud_instance_t *inst, uint32_t gen, uintptr_t addr,
	     ud_class_t *c, uint64_t key, ud_mode_t mode, bool trylock, uintptr_t pc)
{
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
** mutex, and a step that needs only the push. Returns false, having changed
** nothing, in every other case.
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
	uint64_t key;
	if (UD_unlikely(c->id > UD_HINT_CLASS_MAX ||
			!ud_step(t, t->chain_key, c->id, c, mode, trylock, true, &c, &key)))
		return false;
	return ud_step_push(t, inst, atomic_load_explicit(&inst->gen, memory_order_relaxed),
			    atomic_load_explicit(&inst->addr, memory_order_relaxed), c, key,
			    mode, trylock, pc);
}

/*
** ud_acquire_fast() of the lock at addr from its hint {w0, w1} (engine.h),
** without reading the instance's record: the hint gives the record, the life
** and the class, and its check vouches for the class and the taker. The
** caller has ruled out a recursive mutex. Returns the instance, or NULL
** having changed nothing. `fill`: as for ud_step().
*/
static inline __attribute__((always_inline)) ud_instance_t *
ud_acquire_hinted(ud_thread_t *t, const void *addr, uint64_t w0, uint64_t w1,
		  ud_mode_t mode, bool trylock, bool fill, uintptr_t pc)
{
	uint32_t idx = (uint32_t)w0, meta = (uint32_t)w1;
	ud_class_t *c;
	uint64_t key;
	/* The record index is bounded before anything is kept from it. */
	if (UD_unlikely(idx >= atomic_load_explicit(&ud_hot.inst_limit, memory_order_acquire) ||
			!ud_step(t, t->chain_key, meta & UD_HINT_CLASS_MAX, NULL, mode, trylock,
				 fill, &c, &key)))
		return NULL;
	uint32_t tag = (meta & UD_HINT_SHARED) ? 0 : t->taker_tag;
	uint32_t epoch = atomic_load_explicit(&c->hint_epoch, memory_order_relaxed);
	if (UD_unlikely(ud_hint_check((uintptr_t)addr, w0, meta, epoch, tag) !=
			(uint32_t)(w1 >> 32)))
		return NULL;
	ud_instance_t *inst = &ud_hot.inst_base[idx];
	if (UD_unlikely(!ud_step_push(t, inst, (uint32_t)(w0 >> 32), (uintptr_t)addr, c, key,
				      mode, trylock, pc)))
		return NULL;
	return inst;
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

/*
** The same for the lock just under the top (hand-over-hand locking): the top
** entry moves down, onto the chain below the released lock, and needs that
** step validated (ud_step(), else ud_held_remove_under_top() decides, if the
** caller allows a call: `call`).
*/
static inline __attribute__((always_inline)) bool
ud_release_under_top_fast(ud_thread_t *t, const void *addr, bool call)
{
	unsigned d = t->depth;
	if (d < 2)
		return false;
	ud_held_t *h = &t->held[d - 2], *top = &t->held[d - 1];
	if (h->addr != (uintptr_t)addr || h->refs != 1)
		return false;
	ud_class_t *c = top->cls;
	uint64_t prev = h->prev_key, key;
	if (UD_unlikely(c->id > UD_HINT_CLASS_MAX ||
			!ud_step(t, prev, c->id, c, (ud_mode_t)top->mode, top->trylock, call,
				 &c, &key)))
		return call && ud_held_remove_under_top(t);
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
	return ud_release_top_fast(t, addr) || ud_release_under_top_fast(t, addr, true);
}

#endif
