/*
** takers.c: cycles through a thread lifetime need one lock instance.
**
** A thread lifetime class stands for every thread created at one place, and
** a lock class for every lock initialised at one site. A program that gives
** each thread its own object (node's worker threads each own an isolate with
** its own ThreadManager mutex) then shows a class cycle that no pair of
** instances can close: the joiner holds its own object's lock and joins a
** worker that only ever takes the worker's own one.
**
** Such a deadlock needs the lock where the cycle closes to be wanted by two
** threads: the joiner holds it while another thread waits for it, or this
** thread waits for it while another holds it. So each instance remembers
** its first taker and whether another thread took it too; a cycle through a
** lifetime that closes at an instance only this thread ever took is not
** reported. Its dependency is still added: it is real, and a later cycle
** that does close at a shared instance is found through it.
**
** Threads are told apart by a 16-bit tag of their id: two threads whose ids
** differ by a multiple of 65535 look like one, and a cycle closing at a lock
** only those two took is not reported.
**
** The limit: the instance is judged on the takers seen so far. A worker
** whose only taking of the joiner's lock comes after the cycle was first
** seen is not revalidated (its chain is cached) and goes unreported.
**
** The done protocol (pigz's yarn, thread pools): a worker's last act is to
** take L, mark itself done, signal a condition and release L; the joiner,
** holding L, joins only threads it saw marked done. Such a join waits for
** nothing that takes L. What the runtime sees of it: the thread signalled a
** condition while L was its innermost lock, took no lock since (the entry
** above its lifetime, left in its held array by the release, is still L's
** marked one, since every push clears the mark), and holds nothing. Such a
** join adds no dependency from L, and its chain is not cached: the next
** join may be of a thread that is not done. A thread that signals under L
** and then, after the join began, takes L again would deadlock; the join
** saw it done and is not reported (the protocol says it cannot happen).
*/
#include "internal.h"

_Static_assert(sizeof(struct ud_instance) <= 32,
	       "an instance record must stay within its 32-byte block");

void ud_note_taker(const ud_thread_t *t, ud_instance_t *inst)
{
	uint16_t me = t->taker_tag;
	uint16_t first = atomic_load_explicit(&inst->taker, memory_order_relaxed);
	if (ud_likely(first == me) ||
	    atomic_load_explicit(&inst->shared, memory_order_relaxed))
		return;
	if (first == 0) {
		uint16_t none = 0;
		if (atomic_compare_exchange_strong_explicit(
			    &inst->taker, &none, me, memory_order_relaxed,
			    memory_order_relaxed) ||
		    none == me)
			return;
	}
	atomic_store_explicit(&inst->shared, 1, memory_order_relaxed);
}

static bool is_lifetime(const ud_class_t *c)
{
	return c->hot.flags & UD_CLASS_IMPLICIT;
}

static bool through_lifetime(const ud_held_t *h, const ud_class_t *c,
			     const ud_path_t *path)
{
	if (is_lifetime(c) || is_lifetime(h->cls))
		return true;
	for (unsigned i = 0; i < path->n; i++)
		if (is_lifetime(path->edges[i]->to->cls))
			return true;
	return false;
}

static bool only_mine(const ud_thread_t *t, const ud_instance_t *in)
{
	return atomic_load_explicit(&((ud_instance_t *)in)->taker,
				    memory_order_relaxed) == t->taker_tag &&
	       !atomic_load_explicit(&((ud_instance_t *)in)->shared,
				     memory_order_relaxed);
}

static bool on_path(const ud_class_t *c, const ud_path_t *path)
{
	for (unsigned i = 0; i < path->n; i++)
		if (path->edges[i]->to->cls == c)
			return true;
	return false;
}

/*
** A wait on a pseudo-lock (a barrier) held over real locks: the cycle closes
** at the real locks held across the wait that it passes through. Excused
** when there is at least one and each was only ever taken by this thread:
** a party that took a lock in its own phase and holds it at the barrier
** waits for no one who wants it.
*/
static bool held_across_only_mine(const ud_thread_t *t, const ud_held_t *h,
				  const ud_path_t *path)
{
	unsigned found = 0;
	for (const ud_held_t *x = t->held; x < h; x++) {
		if (!ud_held_is(x, x->inst) || x->inst->kind == UD_KIND_PSEUDO ||
		    !on_path(x->cls, path))
			continue;
		if (!only_mine(t, x->inst))
			return false;
		found++;
	}
	return found > 0;
}

bool ud_cycle_other_instance(const ud_thread_t *t, const ud_held_t *h,
			     const ud_instance_t *inst, const ud_class_t *c,
			     const ud_path_t *path)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	if (!through_lifetime(h, c, path))
		return false;
	/* The lock the other thread would have to want: the one being taken,
	** or for a wait (a join), the one held across it. */
	const ud_instance_t *at = inst;
	if (at->kind == UD_KIND_PSEUDO) {
		if (!ud_held_is(h, h->inst))
			return false;
		if (h->inst->kind == UD_KIND_PSEUDO)
			return held_across_only_mine(t, h, path);
		at = h->inst;
	}
	return only_mine(t, at);
}

void ud_thread_signalled(ud_thread_t *t)
{
	for (unsigned i = t->depth; i-- > 0;) {
		ud_held_t *h = &t->held[i];
		if (h->inst->kind != UD_KIND_PSEUDO && !is_lifetime(h->cls)) {
			h->signalled = 1;
			return;
		}
	}
}

ud_instance_t *ud_thread_done_with(const ud_thread_t *t, uint32_t *gen)
{
	unsigned depth = t->depth;
	if (depth >= t->cap)
		return NULL;
	for (unsigned i = 0; i < depth; i++)
		if (!is_lifetime(t->held[i].cls))
			return NULL;
	const ud_held_t *last = &t->held[depth];
	if (!last->signalled || !last->inst || !ud_held_is(last, last->inst))
		return NULL;
	*gen = last->gen;
	return last->inst;
}

/*
** Another thread's view, taken under the runtime's thread list lock (t stays
** allocated) but racing with t's own pushes: nothing read from t's array is
** followed as a pointer. t must hold nothing or only its lifetime, of class
** life; the entry left above is compared, as values, with the locks the
** joiner holds. An array of more than 256 entries may be unmapped when it
** grows: such a thread is not judged done.
*/
ud_instance_t *ud_thread_done_with_held(const ud_thread_t *t, const ud_class_t *life,
					const ud_thread_t *joiner, uint32_t *gen)
{
	unsigned depth = __atomic_load_n(&t->depth, __ATOMIC_RELAXED);
	unsigned cap = __atomic_load_n(&t->cap, __ATOMIC_RELAXED);
	const ud_held_t *held = __atomic_load_n(&t->held, __ATOMIC_RELAXED);
	if (cap > 256 || depth >= cap || depth > 1 || (depth == 1 && held[0].cls != life))
		return NULL;
	const volatile ud_held_t *last = &held[depth];
	if (!last->signalled)
		return NULL;
	ud_instance_t *inst = last->inst;
	uint32_t g = last->gen;
	for (unsigned i = 0; i < joiner->depth; i++) {
		const ud_held_t *h = &joiner->held[i];
		if (h->inst == inst && h->gen == g && ud_held_is(h, h->inst)) {
			*gen = g;
			return inst;
		}
	}
	return NULL;
}

void ud_acquire_wait_done(ud_thread_t *t, ud_instance_t *inst, ud_instance_t *done,
			  uint32_t gen, uintptr_t pc)
{
	t->wait_done = done;
	t->wait_done_gen = gen;
	ud_acquire_as(t, inst, NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, pc);
	t->wait_done = NULL;
}

bool ud_wait_done_with(const ud_thread_t *t, const ud_held_t *h, unsigned flags)
{
	return ud_unlikely(t->wait_done != NULL) && (flags & UD_ACQ_WAIT) &&
	       h->inst == t->wait_done && h->gen == t->wait_done_gen;
}
