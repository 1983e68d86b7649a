/*
** check.c: the rules, applied at each acquisition and release.
**
** An acquisition extends the thread's chain key and probes the chain cache
** (inline in hot.h for the common case, in ud_acquire() otherwise); a hit
** means this exact sequence of held classes was validated before, and nothing
** else is done. On a miss, ud_validate() applies the rules under the graph
** lock:
**
**  1. Same class already held (scanning down the held stack):
**     - a recursive read under any read of that class never blocks: fine;
**     - the very same instance: a self-deadlock ("recursive locking");
**     - another instance of the class: with `strict`, recursive locking, as
**       the kernel says; otherwise, when it is directly nested (on top, or
**       under trylocks only), the order of the two instances is recorded
**       and checked (instance ordering), so that parent-before-child or
**       address-order nesting is accepted and an inversion between two
**       instances is a circular dependency.
**  2. Dependencies from the held locks to the new one: from each lock on top
**     of the stack down to and including the first that was not a trylock
**     (earlier ones already lead to it). A dependency that is new, or new in
**     kind, is searched for a strong path back (bfs.c); finding one is a
**     circular dependency, and the edge closing it is not added. A new
**     class dependency is also checked against signal usage (usage.c).
**  3. Wait context: a sleeping wait (any lock but a spinlock, or a wait on a
**     pseudo-lock) while a spinlock is held is an invalid wait context.
**  4. The chain is cached.
**
** Annotations shape the rules: a class with an instance order (cmp) accepts
** nesting in that order; an unordered class (a `ring:` line) records no
** order between its instances; a no-validate class takes part in no
** dependency.
**
** Reports are built as data under the lock and submitted after it is dropped,
** because formatting symbolizes, which allocates and may lock.
*/
#include "internal.h"

#include <string.h>

#include "../base/alloc.h"

/*
** One acquisition being validated: what every rule and every report about it
** needs, passed whole from rule to rule. `depth` is the number of held
** entries below the new one: the acquisition's context (a re-validation
** after an out-of-order release looks at an entry in the middle of the
** stack). Reports are collected in `pending` and submitted once the graph
** lock is dropped.
*/
typedef struct acq {
	ud_thread_t *t;
	unsigned depth;
	ud_instance_t *inst;
	ud_class_t *c;
	ud_mode_t mode;
	unsigned flags;		/* UD_ACQ_* */
	uintptr_t pc;
	ud_stack_id_t stack;
	ud_report_t *pending;
	unsigned npending, cap;
} acq_t;

static ud_report_t *pending_new(acq_t *a)
{
	if (a->npending == a->cap) {
		unsigned cap = a->cap ? a->cap * 2 : 2;
		a->pending = ud_realloc(a->pending, a->cap * sizeof *a->pending,
					cap * sizeof *a->pending);
		a->cap = cap;
	}
	return &a->pending[a->npending++];
}

static void pending_submit(acq_t *a)
{
	for (unsigned i = 0; i < a->npending; i++)
		ud_engine_submit(&a->pending[i]);
	ud_free(a->pending, a->cap * sizeof *a->pending);
}

/* The lock being acquired, as a report shows it. */
static void fill_new_lock(ud_report_lock_t *l, const acq_t *a)
{
	l->addr = atomic_load_explicit(&a->inst->addr, memory_order_relaxed);
	ud_report_fill_class(&l->cls, a->c);
	l->mode = a->mode;
	l->references = 1;
	l->pc = a->pc;
}

/* What every report about an acquisition under held locks shows: the thread,
** the lock being taken, the held lock h, the stack, and what was held below
** the acquisition. */
static void report_common(ud_report_t *r, const acq_t *a, const ud_held_t *h)
{
	ud_report_fill_thread(r, a->t);
	fill_new_lock(&r->target, a);
	ud_report_fill_lock(&r->held, h);
	r->stack = a->stack;
	ud_report_fill_held(r, a->t, a->depth);
}

/* A new pending report of that kind, with its common part. */
static ud_report_t *report_begin(acq_t *a, ud_report_kind_t kind, const ud_held_t *h)
{
	ud_report_t *r = pending_new(a);
	memset(r, 0, sizeof *r);
	r->kind = kind;
	report_common(r, a, h);
	return r;
}

uint64_t ud_signature_mix(uint64_t signature, uint64_t v)
{
	uint64_t x = signature ^ (v * UD_HASH_PHI);
	x ^= x >> 29;
	x *= UD_HASH_SPLITMIX1;
	return x ^ (x >> 32);
}

static void report_recursive(acq_t *a, const ud_held_t *h)
{
	ud_report_t *r = report_begin(a, UD_REPORT_RECURSIVE, h);
	r->same_instance = ud_held_is(h, a->inst);
	r->signature = ud_signature_mix(ud_signature_mix(UD_REPORT_RECURSIVE, a->c->id),
					r->same_instance);
}

/* Sort a few ids (insertion sort) so a cycle's signature ignores rotation. */
static void sort_ids(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

static void report_circular(acq_t *a, const ud_held_t *h, const ud_path_t *path,
			    bool instances)
{
	ud_report_t *r = report_begin(a, UD_REPORT_CIRCULAR, h);
	unsigned n = path->n + 1;
	ud_report_alloc(r, n, 0);
	fill_new_lock(&r->links[0].lock, a);
	r->links[0].stack = a->stack;
	r->links[0].tid = a->t->tid;
	memcpy(r->links[0].thread_name, a->t->name, sizeof a->t->name);
	/* One bug, one report: a cycle through thread lifetimes is signed by its
	** locks alone (when two or more), so the same locks' cycle without the
	** lifetime, or with another thread's, counts as the report made first. */
	uint64_t ids[n], locks[n];
	unsigned nlocks = 0;
	ids[0] = instances ? a->stack : a->c->id;
	if (!(a->c->hot.flags & UD_CLASS_IMPLICIT))
		locks[nlocks++] = a->c->id;
	for (unsigned i = 1; i < n; i++) {
		const ud_edge_t *e = path->edges[i - 1];
		ud_report_fill_link(&r->links[i], e);
		ids[i] = instances ? e->stack : e->to->cls->id;
		if (!(e->to->cls->hot.flags & UD_CLASS_IMPLICIT))
			locks[nlocks++] = e->to->cls->id;
	}
	uint64_t *sign = ids;
	if (!instances && nlocks >= 2 && nlocks < n) {
		sign = locks;
		n = nlocks;
	}
	sort_ids(sign, n);
	uint64_t signature = ud_signature_mix(UD_REPORT_CIRCULAR, instances ? a->c->id : 0);
	for (unsigned i = 0; i < n; i++)
		signature = ud_signature_mix(signature, sign[i]);
	r->signature = signature;
}

/* A new class dependency h -> c that joins a signal handler's lock to one
** taken with that signal unblocked (usage.c). */
static void check_signal_order(acq_t *a, const ud_held_t *h)
{
	ud_report_t r = {0};
	if (!ud_usage_order(&r, h->cls, a->c))
		return;
	/* The order-specific part is filled; the common part keeps it. */
	ud_report_t *q = pending_new(a);
	*q = r;
	report_common(q, a, h);
}

/* Record the first creation of an edge. */
static void edge_origin(ud_edge_t *e, const acq_t *a)
{
	e->to_mode = (uint8_t)a->mode;
	e->stack = a->stack;
	e->to_addr = atomic_load_explicit(&a->inst->addr, memory_order_relaxed);
	e->to_pc = a->pc;
	e->tid = a->t->tid;
	e->thread_origin = a->t->parent_tid ? a->t->origin : 0;
	memcpy(e->thread_name, a->t->name, sizeof e->thread_name);
}

/*
** Add from -> to (with the kind given by h's mode and the new one) unless it
** closes a strong cycle; returns false and reports when it does. `instances`:
** the nodes are the two instances of one class (instance ordering).
*/
static bool add_dependency(acq_t *a, const ud_held_t *h, ud_node_t *from,
			   ud_node_t *to, bool instances)
{
	if (!instances && ud_wait_done_with(a->t, h, a->flags))
		return true;
	unsigned dep = ud_dep_bit((ud_mode_t)h->mode, a->mode);
	ud_edge_t *e = ud_graph_find_edge(from, to);
	if (e && (e->dep & dep))
		return true;
	ud_path_t path;
	if (ud_bfs_find(to, a->mode, from, (ud_mode_t)h->mode, &path) &&
	    (instances || !ud_cycle_other_instance(a->t, h, a->inst, a->c, &path))) {
		report_circular(a, h, &path, instances);
		return false;
	}
	if (e) {
		e->dep |= (uint8_t)dep;
	} else {
		if (!instances)
			check_signal_order(a, h);
		e = ud_graph_add_edge(from, to, dep);
		edge_origin(e, a);
	}
	return true;
}

/* Does this acquisition sleep, rather than spin? */
static bool sleeps(const acq_t *a)
{
	switch (a->inst->kind) {
	case UD_KIND_SPIN:
		return false;
	case UD_KIND_PSEUDO:
		return a->flags & UD_ACQ_WAIT;
	default:
		return true;
	}
}

static bool held_spins(const ud_held_t *h)
{
	if (ud_held_is(h, h->inst))
		return h->inst->kind == UD_KIND_SPIN;
	return h->cls->kind == UD_KIND_SPIN;
}

/* The innermost spinlock held below the acquisition, or NULL. */
static ud_held_t *held_spinlock(const acq_t *a)
{
	for (unsigned i = a->depth; i-- > 0;)
		if (held_spins(&a->t->held[i]))
			return &a->t->held[i];
	return NULL;
}

static void report_wait_context(acq_t *a, const ud_held_t *h)
{
	ud_report_t *r = report_begin(a, UD_REPORT_WAIT_CONTEXT, h);
	r->signature = ud_signature_mix(ud_signature_mix(UD_REPORT_WAIT_CONTEXT, a->c->id),
					h->cls->id);
}

/* The lock of class c held directly under a new acquisition at depth: on
** top, or under nothing but trylocks; NULL if none. Such nesting is checked
** per instance. */
static ud_held_t *nested_same_class(ud_thread_t *t, unsigned depth, const ud_class_t *c)
{
	for (unsigned i = depth; i-- > 0;) {
		if (t->held[i].cls == c)
			return &t->held[i];
		if (!t->held[i].trylock)
			return NULL;
	}
	return NULL;
}

bool ud_pair_cached(ud_thread_t *t, unsigned depth, const ud_instance_t *inst,
		    const ud_class_t *c, uint64_t key)
{
	const ud_held_t *h = nested_same_class(t, depth, c);
	return h && !atomic_load_explicit(&c->hot.ordered, memory_order_relaxed) &&
	       ud_held_is(h, h->inst) &&
	       ud_chain_lookup(ud_pair_key(key, h->inst, h->gen, inst,
					   atomic_load_explicit(&inst->gen,
								memory_order_relaxed)));
}

/* The topmost held entry of class c below depth, or NULL. */
static ud_held_t *held_of_class(ud_thread_t *t, unsigned depth, const ud_class_t *c)
{
	for (unsigned i = depth; i-- > 0;)
		if (t->held[i].cls == c)
			return &t->held[i];
	return NULL;
}

/*
** Rule 1: a lock of the class already held. A self-deadlock is reported
** alone (the cycle through the locks in between says nothing more); a
** recursive read under a read adds no dependency, as the locks below
** already lead to that class. `order` is the class's own comparison of the
** held instance with the new one (0 when it has none). Returns whether the
** dependencies of rule 2 are still to be added.
*/
static bool check_same_class(acq_t *a, int order)
{
	ud_thread_t *t = a->t;
	ud_class_t *c = a->c;
	bool direct = true;
	for (unsigned i = a->depth; i-- > 0; direct = direct && t->held[i].trylock) {
		ud_held_t *h = &t->held[i];
		if (h->cls != c)
			continue;
		bool same = ud_held_is(h, a->inst);
		if (a->mode == UD_MODE_READ_RECURSIVE && h->mode != UD_MODE_WRITE) {
			/* Never blocks. Re-reading the same lock adds nothing; another
			** instance of the class still waits for its writers, so the
			** dependencies from the locks in between are kept. */
			return !same;
		}
		if (!same && c->cmp) {
			/* Ordered by the class's own rule, or out of it. */
			if (order < 0)
				return true;
			report_recursive(a, h);
			return false;
		}
		if (same || (ud_config.strict_same_class &&
			     /* the runtime's model (a thread joining one of its
			     ** own routine) keeps instance order */
			     !(c->hot.flags & UD_CLASS_IMPLICIT))) {
			report_recursive(a, h);
			return false;
		}
		if (direct && !(c->hot.flags & UD_CLASS_UNORDERED))
			add_dependency(a, h, ud_instance_node(h->inst),
				       ud_instance_node(a->inst), true);
		return true;
	}
	return true;
}

/* Rule 2: dependencies from the held locks to the new one's class. */
static void add_class_dependencies(acq_t *a)
{
	for (unsigned i = a->depth; i-- > 0;) {
		ud_held_t *h = &a->t->held[i];
		/* A no-validate lock is transparent: look through it. */
		bool skip = h->cls->hot.flags & UD_CLASS_NOVALIDATE;
		if (h->cls != a->c && !skip)
			add_dependency(a, h, &h->cls->node, &a->c->node, false);
		if (!h->trylock && !skip)
			break;
	}
}

__attribute__((noinline)) void ud_validate(ud_thread_t *t, unsigned depth,
					   ud_instance_t *inst, ud_class_t *c,
					   ud_mode_t mode, uintptr_t pc,
					   uint64_t key, unsigned flags)
{
	/* Direct same-class nesting is checked per instance: such a chain is
	** never cached, and the lookup that misses it is the test; the pair of
	** instances is cached instead, when it is validated without a report
	** (ud_pair_key), in its present lives and for a class whose order is not
	** the program's own comparison (program code, asked every time). A
	** chain whose class still lacks the signal usage of the thread's context
	** (an entry re-keyed after a release below it) is not cached either:
	** the key stands for that usage too (ud_chain_ctx). */
	ud_held_t *below = nested_same_class(t, depth, c);
	bool usage = ud_usage_adds(t, c, mode);
	/* A join judged by its thread's done protocol holds for that thread only. */
	bool cache = !below && !usage && !t->wait_done;
	uint64_t pair = 0;
	if (below && !usage && !atomic_load_explicit(&c->hot.ordered, memory_order_relaxed) &&
	    ud_held_is(below, below->inst) &&
	    below->inst != inst)
		pair = ud_pair_key(key, below->inst, below->gen, inst,
				   atomic_load_explicit(&inst->gen, memory_order_relaxed));
	if (ud_unlikely(c->hot.flags & UD_CLASS_NOVALIDATE)) {
		if (cache) {
			ud_lock_acquire(&ud_graph_lock);
			ud_chain_insert(key);
			ud_lock_release(&ud_graph_lock);
		}
		return;
	}
	acq_t a = { .t = t, .depth = depth, .inst = inst, .c = c, .mode = mode,
		    .flags = flags, .pc = pc };
	/* Captured before taking the graph lock: unwinding may take the
	** loader's lock, which must never be waited for under ours. */
	a.stack = ud_stack_capture();

	/* The class's own instance order is program code: asked before the
	** graph lock is taken, since it may run anything. */
	int order = 0;
	if (ud_unlikely(c->cmp != NULL)) {
		ud_held_t *h = held_of_class(t, depth, c);
		if (h && !ud_held_is(h, inst))
			order = c->cmp((const void *)h->addr,
				       (const void *)atomic_load_explicit(
					       &inst->addr, memory_order_relaxed));
	}

	ud_lock_acquire(&ud_graph_lock);
	if (check_same_class(&a, order))
		add_class_dependencies(&a);
	if (sleeps(&a)) {
		ud_held_t *h = held_spinlock(&a);
		if (ud_unlikely(h != NULL))
			report_wait_context(&a, h);
	}
	if (cache)
		ud_chain_insert(key);
	else if (pair && !a.npending)
		ud_chain_insert_pair(pair);
	ud_lock_release(&ud_graph_lock);
	pending_submit(&a);
	if (ud_config.learnt)
		ud_config.learnt();
}

/* A recursive mutex re-locked by its owner nests: no new dependency. */
static __attribute__((noinline)) bool relock_recursive(ud_thread_t *t,
							ud_instance_t *inst)
{
	ud_held_t *h = ud_held_find(t, inst, 0);
	if (!h)
		return false;
	h->refs++;
	return true;
}

/* Nothing to validate or push: an untracked class, or a recursive mutex
** re-locked by its owner (which only counts). */
static inline bool acquire_ends_early(ud_thread_t *t, ud_instance_t *inst,
				      const ud_class_t *c)
{
	return ud_unlikely(c->hot.flags & UD_CLASS_NOTRACK) ||
	       (ud_unlikely(inst->kind == UD_KIND_MUTEX_RECURSIVE) &&
		relock_recursive(t, inst));
}

/* The acquisition of inst as class c: usage, then (for a chain not in the
** cache) validation, then the push. */
static inline __attribute__((always_inline)) void
acquire_as_class(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c,
		 ud_mode_t mode, unsigned flags, uintptr_t pc)
{
	bool trylock = flags & UD_ACQ_TRY;
	ud_held_freshen(t);
	/* Usage first, as the kernel marks it before validating: a report about
	** this acquisition then shows the usage it adds. */
	ud_usage_check(t, inst, c, mode, pc);
	uint64_t key = ud_chain_step(t, t->chain_key, c, mode, trylock);
	if (!trylock && ud_likely(ud_engine_active()) && ud_unlikely(!ud_chain_lookup(key)) &&
	    !ud_pair_cached(t, t->depth, inst, c, key))
		ud_validate(t, t->depth, inst, c, mode, pc, key, flags);
	ud_held_push(t, inst, c, mode, trylock, pc, key);
}

/* The full acquisition, for whatever the inline fast path (hot.h) left. */
void ud_acquire(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
		unsigned flags, uintptr_t pc)
{
	ud_class_t *c = ud_instance_class(inst);
	if (acquire_ends_early(t, inst, c))
		return;
	acquire_as_class(t, inst, c, mode, flags, pc);
}

void ud_acquire_as(ud_thread_t *t, ud_instance_t *inst, ud_class_t *c,
		   ud_mode_t mode, unsigned flags, const void *nest, uintptr_t pc)
{
	if (!c)
		c = ud_instance_class(inst);
	if (acquire_ends_early(t, inst, c))
		return;
	bool nested = false;
	if (nest && ud_held_find(t, NULL, (uintptr_t)nest)) {
		/* Under its nest lock, a class is held once, counted. */
		for (unsigned i = t->depth; i-- > 0;) {
			ud_held_t *h = &t->held[i];
			if (h->cls == c && h->nest) {
				h->refs++;
				return;
			}
		}
		nested = true;
	}
	acquire_as_class(t, inst, c, mode, flags, pc);
	t->held[t->depth - 1].nest = nested;
}

void ud_acquire_undo(ud_thread_t *t, ud_instance_t *inst)
{
	ud_held_t *h = ud_held_find(t, inst, 0);
	if (!h)
		return;
	if (UD_HELD_REFS(h) > 1)
		h->refs--;
	else
		ud_held_remove(t, h);
}

static void report_unlock_balance(ud_thread_t *t, const void *addr, uintptr_t pc,
				  ud_bad_unlock_t why)
{
	ud_report_t r = {0};
	r.kind = UD_REPORT_UNLOCK_BALANCE;
	r.detail = why;
	ud_report_fill_thread(&r, t);
	r.target.addr = (uintptr_t)addr;
	r.target.pc = pc;
	r.target.references = 1;
	ud_report_fill_class(&r.target.cls, ud_instance_class(ud_instance_lookup(addr)));
	ud_report_fill_held(&r, t, t->depth);
	r.stack = ud_stack_capture();
	r.signature = ud_signature_mix(ud_signature_mix(
		ud_signature_mix(UD_REPORT_UNLOCK_BALANCE, r.target.cls.id), pc), why);
	ud_engine_submit(&r);
}

/* Entry counting the instance at addr under a nest lock (by class), or NULL. */
static ud_held_t *held_nested_class(ud_thread_t *t, const ud_instance_t *inst)
{
	ud_class_t *c = ud_instance_class(inst);
	for (unsigned i = t->depth; i-- > 0;) {
		ud_held_t *h = &t->held[i];
		if (h->nest && h->cls->key.kind == c->key.kind &&
		    h->cls->key.key == c->key.key)
			return h;
	}
	return NULL;
}

static __attribute__((noinline)) bool release_slow(ud_thread_t *t,
						       const void *addr, uintptr_t pc,
						       ud_owner_t owner)
{
	ud_held_t *h = ud_held_find(t, NULL, (uintptr_t)addr);
	if (ud_unlikely(!h)) {
		ud_instance_t *inst = ud_instance_lookup(addr);
		/* Under a nest lock, any lock of the class counts on one entry. */
		h = inst ? held_nested_class(t, inst) : NULL;
		if (!h) {
			/* A lock this thread took while not tracked (before the
			** runtime started, while calls passed through) is not on
			** its stack: only the lock's own record of its owner
			** tells it from a bad unlock. Without that record, a lock
			** never seen cannot be judged; an untracked class is
			** never held. */
			if (ud_engine_active() && inst && owner != UD_OWNER_SELF &&
			    !(ud_instance_class(inst)->hot.flags & UD_CLASS_NOTRACK))
				report_unlock_balance(t, addr, pc,
						      UD_BAD_UNLOCK_NOT_HELD);
			return false;
		}
	}
	if (ud_unlikely(h->refs & UD_HELD_PINNED)) {
		/* Report, then release as asked: the program goes on. */
		ud_report_assert(t, UD_ASSERT_RELEASE_PINNED, (uintptr_t)addr, h, pc);
		h->pins = 0;
		h->refs &= ~UD_HELD_PINNED;
	}
	if (UD_HELD_REFS(h) > 1)
		h->refs--;
	else
		ud_held_remove(t, h);
	return true;
}

bool ud_release(ud_thread_t *t, const void *addr, uintptr_t pc)
{
	if (ud_likely(ud_release_fast(t, addr)))
		return true;
	return release_slow(t, addr, pc, UD_OWNER_UNKNOWN);
}

bool ud_release_owner(ud_thread_t *t, const void *addr, uintptr_t pc,
		      ud_owner_t owner)
{
	if (ud_likely(ud_release_fast(t, addr)))
		return true;
	return release_slow(t, addr, pc, owner);
}

void ud_release_invalid(ud_thread_t *t, const void *addr, uintptr_t pc,
			ud_bad_unlock_t why)
{
	ud_held_t *h = ud_held_find(t, NULL, (uintptr_t)addr);
	if (h)
		ud_held_remove(t, h);	/* overwritten while held: gone now */
	if (ud_engine_active() && ud_instance_lookup(addr))
		report_unlock_balance(t, addr, pc, why);
}
