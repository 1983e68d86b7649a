/*
** thread.c: threads and their held-lock stacks.
**
** Each thread owns its stack of held locks, outermost first, and the chain key
** of that stack. Only the owning thread touches them, so no lock is needed.
** The stack grows without limit. Releasing a lock that is not on top is legal:
** the entries above it are re-keyed and their new chains validated, since
** "A, C held" is a combination the program now really has.
**
** Lazily, when many entries are above and few below (locks released oldest
** first): only the entries whose validation the release changes are
** validated at once, those whose held locks down to the first blocking one
** (the dependencies' sources) included the released lock. Every other entry
** above keeps the locks its dependencies come from, and no same-class or
** spinlock rule of its own changes (see lazy_ok()), so its validation would
** end as its acquisition's did. Their keys are left stale, with the fast
** paths' gates closed, until an acquisition or another change needs them
** (ud_held_freshen()). The entries below move up one slot instead of those
** above moving down, so such a release costs O(1).
*/
#include "internal.h"

#include <limits.h>
#include <string.h>

#include "../base/alloc.h"

ud_thread_t *ud_thread_new(int tid, const char *name)
{
	ud_thread_t *t = ud_alloc(sizeof *t);
	t->tid = tid;
	t->taker_tag = ud_taker_tag(tid);
	t->chain_key = UD_CHAIN_KEY_INITIAL;
	t->under_top_min = 2;
	ud_thread_set_name(t, name);
	ud_held_grow(t);
	return t;
}

void ud_thread_free(ud_thread_t *t)
{
	if (!t)
		return;
	ud_free(t->held - 1 - t->shift, (t->cap + t->shift + 1) * sizeof *t->held);
	ud_free(t, sizeof *t);
}

void ud_thread_set_name(ud_thread_t *t, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n >= sizeof t->name)
		n = sizeof t->name - 1;
	memcpy(t->name, name ? name : "", n);
	t->name[n] = 0;
}

void ud_thread_set_origin(ud_thread_t *t, int parent_tid, ud_stack_id_t stack)
{
	t->parent_tid = parent_tid;
	t->origin = stack;
}

int ud_thread_tid(const ud_thread_t *t)
{
	return t->tid;
}

unsigned ud_thread_depth(const ud_thread_t *t)
{
	return t->depth;
}

/* A new personal record: publish it if it is also the process's. */
void ud_note_depth(ud_thread_t *t)
{
	t->max_depth = t->depth;
	if (!t->stale)
		t->push_limit = t->depth;
	unsigned m = atomic_load_explicit(&ud_stat_max_depth, memory_order_relaxed);
	while (m < t->depth &&
	       !atomic_compare_exchange_weak_explicit(&ud_stat_max_depth, &m, t->depth,
						      memory_order_relaxed,
						      memory_order_relaxed))
		;
}

/* Move the stack back to the start of its allocation (after lazy releases). */
static void held_unshift(ud_thread_t *t)
{
	if (!t->shift)
		return;
	ud_held_t *base = t->held - t->shift;
	memmove(base, t->held, t->depth * sizeof *base);
	t->held = base;
	t->cap += t->shift;
	t->shift = 0;
}

/* The stack has an entry below its first, never held (address 0): the fast
** release finds the top entry at held[depth - 1] without testing depth. */
void ud_held_grow(ud_thread_t *t)
{
	held_unshift(t);
	unsigned cap = t->cap ? t->cap * 2 : 16;
	ud_held_t *base = t->held ? t->held - 1 : NULL;
	base = ud_realloc(base, t->held ? (t->cap + 1) * sizeof *base : 0,
			  (cap + 1) * sizeof *base);
	if (!t->held)
		memset(base, 0, sizeof *base);
	t->held = base + 1;
	t->cap = cap;
}

/* Topmost entry for inst (or, with inst NULL, for address addr). While the
** keys are stale the addresses held are distinct (lazy_ok()): the lowest
** entry for addr is the only one, and the lock released oldest first is
** found at once. */
ud_held_t *ud_held_find(ud_thread_t *t, const ud_instance_t *inst, uintptr_t addr)
{
	if (t->stale && !inst) {
		for (unsigned i = 0; i < t->depth; i++)
			if (t->held[i].addr == addr)
				return &t->held[i];
		return NULL;
	}
	for (unsigned i = t->depth; i-- > 0;) {
		ud_held_t *h = &t->held[i];
		if (inst ? ud_held_is(h, inst) : h->addr == addr)
			return h;
	}
	return NULL;
}

/* Work out the stale keys (ud_held_freshen) and open the fast paths again. */
static void freshen(ud_thread_t *t)
{
	unsigned s = t->stale_from;
	uint64_t key;
	if (t->depth < s) {
		/* Popped below the stale part: the entry just above the top,
		** left as it was, has the key of those below. */
		s = t->depth;
		key = t->held[s].prev_key;
	} else {
		key = t->stale_key;
	}
	held_unshift(t);
	for (unsigned j = s; j < t->depth; j++) {
		ud_held_t *e = &t->held[j];
		e->prev_key = key;
		UD_DEBUG_ONLY(e->ctx = t->chain_ctx;)
		key = ud_chain_step(t, key, e->cls, (ud_mode_t)e->mode, e->trylock);
	}
	t->chain_key = key;
	t->stale = false;
	t->push_limit = t->max_depth;
	t->under_top_min = 2;
	UD_CHECK_CHAIN_KEY(t);
}

void ud_held_freshen(ud_thread_t *t)
{
	if (ud_unlikely(t->stale))
		freshen(t);
}

/* Lazy releases: at least this many entries above, at most this many below
** (hot.h, which has the common case of one). */
#define LAZY_ABOVE_MIN UD_LAZY_ABOVE_MIN
#define LAZY_BELOW_MAX UD_LAZY_BELOW_MAX

/* Are the addresses of t's held locks distinct? (A temporary hash set.) */
static bool held_addrs_distinct(const ud_thread_t *t)
{
	size_t n = 16;
	while (n < 2 * (size_t)t->depth)
		n *= 2;
	uintptr_t *set = ud_alloc(n * sizeof *set);
	bool distinct = true;
	for (unsigned i = 0; i < t->depth && distinct; i++) {
		uintptr_t a = t->held[i].addr;
		for (size_t k = ud_addr_hash(a) & (n - 1);; k = (k + 1) & (n - 1)) {
			if (!set[k]) {
				set[k] = a;
				break;
			}
			if (set[k] == a) {
				distinct = false;
				break;
			}
		}
	}
	ud_free(set, n * sizeof *set);
	return distinct;
}

/*
** May the release of h, at index i, be lazy? Then no entry above it that
** the walk of lazy_remove() leaves alone may see its validation change:
** - the locks its dependencies come from are above h (the walk takes the
**   others);
** - the topmost lock of its class below it stays, or was h and then, with
**   h's address held nowhere else (the addresses are distinct), not nested
**   directly (the walk takes those) and of another instance: without
**   `strict` and an instance order of the program's, such a lock adds
**   nothing, and neither does the next one below, for the same reasons;
** - the innermost spinlock below it stays, or was h with none below (a
**   report against another spinlock would be new).
** Stale keys wait for the next acquisition only when what is below h is
** known (i at or below stale_from).
*/
static bool lazy_ok(ud_thread_t *t, const ud_held_t *h, unsigned i)
{
	if (ud_config.no_lazy_release || t->depth - i - 1 < LAZY_ABOVE_MIN ||
	    i > LAZY_BELOW_MAX || (t->stale && i > t->stale_from) ||
	    ud_config.strict_same_class || h->cls->cmp ||
	    (i > 0 && (ud_held_is(h, h->inst) ? h->inst->kind : h->cls->kind) == UD_KIND_SPIN))
		return false;
	/* Nothing is pushed while the keys are stale, so once checked, the
	** addresses stay distinct. */
	return t->stale || held_addrs_distinct(t);
}

/* The lazy release of h at index i (lazy_ok()). */
static void lazy_remove(ud_thread_t *t, ud_held_t *h, unsigned i)
{
	if (!t->stale || i < t->stale_from) {
		t->stale_from = i;
		t->stale_key = h->prev_key;	/* right: below stale_from */
	}
	t->stale = true;
	t->push_limit = 0;
	t->under_top_min = UINT_MAX;
	uint64_t key = t->stale_key;
	ud_held_lazy_drop(t, i);
	/* The entries whose dependencies came from h, or through it, as the
	** eager release would validate them. */
	for (unsigned j = i; j < t->depth; j++) {
		ud_held_t *e = &t->held[j];
		key = ud_chain_step(t, key, e->cls, (ud_mode_t)e->mode, e->trylock);
		if (!e->trylock && ud_engine_active() && !ud_chain_lookup(key) &&
		    !(ud_held_is(e, e->inst) && ud_pair_cached(t, j, e->inst, e->cls, key)))
			ud_validate(t, j, e->inst, e->cls, (ud_mode_t)e->mode, e->pc,
				    key, 0);
		if (!e->trylock && !(e->cls->hot.flags & UD_CLASS_NOVALIDATE))
			break;
	}
}

/*
** Remove one entry. Entries above it move down and get new chain keys; each
** blocking one whose new chain was never seen is validated as if acquired now
** (the kernel's re-acquire after an out-of-order release), or lazily (above).
*/
void ud_held_remove(ud_thread_t *t, ud_held_t *h)
{
	unsigned i = (unsigned)(h - t->held);
	if (lazy_ok(t, h, i)) {
		lazy_remove(t, h, i);
		return;
	}
	ud_held_freshen(t);
	h = &t->held[i];
	uint64_t key = h->prev_key;
	memmove(h, h + 1, (t->depth - i - 1) * sizeof *h);
	t->depth--;
	for (unsigned j = i; j < t->depth; j++) {
		ud_held_t *e = &t->held[j];
		e->prev_key = key;
		UD_DEBUG_ONLY(e->ctx = t->chain_ctx;)
		key = ud_chain_step(t, key, e->cls, (ud_mode_t)e->mode, e->trylock);
		if (!e->trylock && ud_engine_active() && !ud_chain_lookup(key) &&
		    !(ud_held_is(e, e->inst) && ud_pair_cached(t, j, e->inst, e->cls, key)))
			ud_validate(t, j, e->inst, e->cls, (ud_mode_t)e->mode, e->pc,
				    key, 0);
	}
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
}

void ud_acquire_bottom(ud_thread_t *t, ud_instance_t *inst, ud_mode_t mode,
		       uintptr_t pc)
{
	ud_class_t *c = ud_instance_class(inst);
	if (c->hot.flags & UD_CLASS_NOTRACK)
		return;
	ud_held_freshen(t);
	if (t->depth == t->cap)
		ud_held_grow(t);
	memmove(t->held + 1, t->held, t->depth * sizeof *t->held);
	t->depth++;
	if (t->depth > t->max_depth)
		ud_note_depth(t);
	ud_held_fill(&t->held[0], inst, c, mode, true, pc);
	/* Every entry above now has another chain below it. */
	uint64_t key = UD_CHAIN_KEY_INITIAL;
	for (unsigned j = 0; j < t->depth; j++) {
		ud_held_t *e = &t->held[j];
		e->prev_key = key;
		UD_DEBUG_ONLY(e->ctx = t->chain_ctx;)
		key = ud_chain_step(t, key, e->cls, (ud_mode_t)e->mode, e->trylock);
	}
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
}

bool ud_is_held(const ud_thread_t *t, const ud_instance_t *inst)
{
	for (unsigned i = t->depth; i-- > 0;)
		if (ud_held_is(&t->held[i], inst))
			return true;
	return false;
}

bool ud_holds_in(const ud_thread_t *t, uintptr_t lo, uintptr_t hi)
{
	for (unsigned i = t->depth; i-- > 0;) {
		const ud_held_t *h = &t->held[i];
		/* A lock in static storage is in no heap block; the
		** runtime's own entries (a thread's lifetime) in none. */
		if (h->addr - lo < hi - lo && h->cls->key.kind != UD_KEY_STATIC &&
		    !(h->cls->hot.flags & UD_CLASS_IMPLICIT))
			return true;
	}
	return false;
}

/* ---- report helpers ----------------------------------------------------- */

void ud_report_fill_class(ud_report_class_t *rc, const ud_class_t *c)
{
	rc->id = c->id;
	rc->key = c->key;
	rc->kind = c->kind;
	ud_class_hot_t *h = ud_class_hot_of(c);
	rc->sig_in = atomic_load_explicit(&h->sig_in_used, memory_order_relaxed);
	rc->sig_on = atomic_load_explicit(&h->sig_on_used, memory_order_relaxed);
}

void ud_report_fill_lock(ud_report_lock_t *l, const ud_held_t *h)
{
	l->addr = h->addr;
	ud_report_fill_class(&l->cls, h->cls);
	l->mode = (ud_mode_t)h->mode;
	l->trylock = h->trylock;
	l->references = UD_HELD_REFS(h);
	l->pc = h->pc;
}

void ud_report_fill_link(ud_report_link_t *l, const ud_edge_t *e)
{
	l->lock.addr = e->to_addr;
	ud_report_fill_class(&l->lock.cls, e->to->cls);
	l->lock.mode = (ud_mode_t)e->to_mode;
	l->lock.references = 1;
	l->lock.pc = e->to_pc;
	l->stack = e->stack;
	l->tid = e->tid;
	l->thread_origin = e->thread_origin;
	memcpy(l->thread_name, e->thread_name, sizeof l->thread_name);
}

void ud_report_fill_thread(ud_report_t *r, const ud_thread_t *t)
{
	r->thread.tid = t->tid;
	memcpy(r->thread.name, t->name, sizeof r->thread.name);
	r->thread.parent_tid = t->parent_tid;
	r->thread.origin = t->origin;
}

/* The held locks a report lists: those the program took (not the entries the
** runtime holds to model thread lifetimes and barrier phases). */
void ud_report_fill_held(ud_report_t *r, const ud_thread_t *t, unsigned depth)
{
	unsigned n = 0;
	for (unsigned i = 0; i < depth; i++)
		n += !(t->held[i].cls->hot.flags & UD_CLASS_IMPLICIT);
	if (!n)
		return;
	r->held_locks = ud_alloc(n * sizeof *r->held_locks);
	r->nheld = n;
	n = 0;
	for (unsigned i = 0; i < depth; i++)
		if (!(t->held[i].cls->hot.flags & UD_CLASS_IMPLICIT))
			ud_report_fill_lock(&r->held_locks[n++], &t->held[i]);
}

int ud_held_mode(const ud_thread_t *t, const void *addr)
{
	for (unsigned i = t->depth; i-- > 0;)
		if (t->held[i].addr == (uintptr_t)addr)
			return t->held[i].mode;
	return -1;
}

/* Quietly: the combinations left were each held at some point already. */
void ud_release_implicit(ud_thread_t *t)
{
	ud_held_freshen(t);
	unsigned n = 0;
	uint64_t key = UD_CHAIN_KEY_INITIAL;
	for (unsigned i = 0; i < t->depth; i++) {
		ud_held_t *h = &t->held[i];
		if (h->cls->hot.flags & UD_CLASS_IMPLICIT)
			continue;
		t->held[n] = *h;
		t->held[n].prev_key = key;
		UD_DEBUG_ONLY(t->held[n].ctx = t->chain_ctx;)
		key = ud_chain_step(t, key, h->cls, (ud_mode_t)h->mode, h->trylock);
		n++;
	}
	t->depth = n;
	t->chain_key = key;
	UD_CHECK_CHAIN_KEY(t);
}
#ifdef UD_DEBUG
void ud_chain_key_check(const ud_thread_t *t)
{
	if (t->stale)
		return;	/* checked once freshened */
	uint64_t key = UD_CHAIN_KEY_INITIAL;
	for (unsigned i = 0; i < t->depth; i++) {
		const ud_held_t *h = &t->held[i];
		UD_ASSERT(h->prev_key == key);
		key = ud_chain_mix(key ^ h->ctx, h->cls, (ud_mode_t)h->mode, h->trylock);
	}
	UD_ASSERT(t->chain_key == key);
}
#endif

/* ---- thread end and fork ------------------------------------------------- */

void ud_thread_exit(ud_thread_t *t)
{
	ud_release_implicit(t);
	if (!t->depth)
		return;
	/* A lock already reported as freed while held is one bug, told once. */
	unsigned unreported = 0;
	for (unsigned i = 0; i < t->depth; i++)
		unreported += !t->held[i].freed;
	if (ud_config.check_exit && unreported && ud_engine_active()) {
		ud_report_t r = {0};
		r.kind = UD_REPORT_HELD_AT_EXIT;
		ud_report_fill_thread(&r, t);
		ud_report_fill_held(&r, t, t->depth);
		/* The lock it names: the innermost one held. */
		ud_report_fill_lock(&r.target, &t->held[t->depth - 1]);
		r.stack = ud_stack_capture();
		uint64_t signature = (uint64_t)UD_REPORT_HELD_AT_EXIT << 56;
		for (unsigned i = 0; i < t->depth; i++)
			if (!t->held[i].freed)
				signature = ud_chain_mix(signature, t->held[i].cls,
							 UD_MODE_WRITE, false);
		r.signature = signature;
		ud_engine_submit(&r);
	}
	t->depth = 0;
	t->chain_key = UD_CHAIN_KEY_INITIAL;
}

void ud_thread_forked(ud_thread_t *t, int new_tid)
{
	t->tid = new_tid;
	t->taker_tag = ud_taker_tag(new_tid);
	for (unsigned i = 0; i < t->depth; i++)
		t->held[i].forked = 1;
}
