/*
** usage.c: signal-handler context, lockdep's irq usage rules for signals.
**
** Each class records the signals whose handlers it was taken in (IN-S) and
** the signals that were unblocked when it was taken (S-ON), with the stack
** that first set each bit. A class with both bits for one signal S can be
** taken by the handler while the thread that the handler interrupted holds
** it: "inconsistent lock state". The acquire path only tests whether the
** acquisition adds a bit (ud_usage_check); everything else happens here.
**
** Two classes can deadlock the same way through a dependency. Say A is taken
** in a handler of S (S-safe), B with S unblocked (S-unsafe), and somewhere B
** is taken while A is held, A -> B. One thread holds B with S unblocked; a
** second holds A and waits for B; S arrives on the first, whose handler waits
** for A. So a path of dependencies from an S-safe class to an S-unsafe one is
** reported, at whichever event completes it:
**  - a new dependency prev -> next, when a class at or before prev is S-safe
**    and one at or after next is S-unsafe ("S-safe -> S-unsafe lock order");
**  - a class gaining S-safe usage with an S-unsafe class after it, or S-unsafe
**    usage with an S-safe class before it ("lock inversion").
** The searches follow every dependency, and run only for signals that some
** class was taken in a handler of, so a program whose handlers take no lock
** pays nothing for them.
*/
#include "internal.h"

#include <string.h>

#include "../base/alloc.h"

/* Signals any class was taken in a handler of / with unblocked (graph lock). */
static uint64_t any_in, any_on;

void ud_thread_set_signals(ud_thread_t *t, uint64_t unblocked, uint64_t in_handler)
{
	t->sig_on = unblocked;
	t->sig_in = in_handler;
	t->chain_ctx = ud_chain_ctx(unblocked, in_handler);
}

void ud_thread_get_signals(const ud_thread_t *t, uint64_t *unblocked,
			   uint64_t *in_handler)
{
	*unblocked = t->sig_on;
	*in_handler = t->sig_in;
}

/* Records the event that set bits in and on of c. The array grows in powers
** of two, which are the allocator's block sizes: most classes see one or two
** events, whatever the signals (every unblocked signal is set at once). */
static void add_event(ud_class_t *c, uint64_t in, uint64_t on, bool excl,
		      ud_stack_id_t stack)
{
	uint32_t n = c->nusage;
	if (!(n & (n - 1)))	/* 0 or a power of two: full */
		c->usage = ud_realloc(c->usage, n * sizeof *c->usage,
				      (n ? 2 * n : 1) * sizeof *c->usage);
	c->usage[n] = (ud_usage_event_t){ .in = in, .on = on, .stack = stack, .excl = excl };
	c->nusage = n + 1;
}

/* What both usage reports show of the acquisition: thread, lock, stacks. */
static void fill_acquisition(ud_report_t *r, ud_report_kind_t kind, ud_thread_t *t,
			     ud_instance_t *inst, ud_class_t *c, ud_mode_t mode,
			     uintptr_t pc, ud_stack_id_t stack)
{
	r->kind = kind;
	ud_report_fill_thread(r, t);
	r->target.addr = atomic_load_explicit(&inst->addr, memory_order_relaxed);
	ud_report_fill_class(&r->target.cls, c);
	r->target.mode = mode;
	r->target.references = 1;
	r->target.pc = pc;
	ud_report_fill_held(r, t, t->depth);
	r->stack = stack;
}

static void report_inconsistent(ud_report_t *r, ud_thread_t *t,
				ud_instance_t *inst, ud_class_t *c,
				ud_mode_t mode, uintptr_t pc, ud_stack_id_t stack,
				unsigned signo, bool new_in, bool old_read, ud_stack_id_t old)
{
	fill_acquisition(r, UD_REPORT_INCONSISTENT, t, inst, c, mode, pc, stack);
	r->usage_stack = old;
	r->detail = signo | (new_in ? UD_USAGE_NEW_IN : 0) | (old_read ? UD_USAGE_OLD_READ : 0);
	r->signature = ud_signature_mix(
		ud_signature_mix(ud_signature_mix(UD_REPORT_INCONSISTENT, c->id), signo),
		new_in);
}

/* The stack that gave class c usage `in` (handler) or `on` of signal bit,
** by an acquisition that excluded readers if `excl`: a scan, for reports
** only. */
static ud_stack_id_t usage_stack(const ud_class_t *c, unsigned bit, bool in, bool excl)
{
	for (uint32_t i = 0; i < c->nusage; i++)
		if ((in ? c->usage[i].in : c->usage[i].on) >> bit & 1 &&
		    (c->usage[i].excl || !excl))
			return c->usage[i].stack;
	return 0;
}


/* Links for the classes of a path, `first` then the end of each edge. A path
** walked backwards (edges[0] ends at the start) is turned round. */
static void fill_path(ud_report_link_t *l, ud_class_t *first,
		      ud_edge_t *const *edges, unsigned n, bool walked_back)
{
	ud_report_fill_class(&l[0].lock.cls, first);
	l[0].lock.references = 1;
	for (unsigned i = 0; i < n; i++)
		ud_report_fill_link(&l[i + 1], edges[walked_back ? n - 1 - i : i]);
}

/* A private copy of a search's path: the next search reuses the buffer. */
static ud_edge_t **path_copy(const ud_path_t *p)
{
	ud_edge_t **e = ud_alloc((p->n ? p->n : 1) * sizeof *e);
	if (p->n)
		memcpy(e, p->edges, p->n * sizeof *e);
	return e;
}

static uint64_t usage_signature(ud_report_kind_t kind, const ud_class_t *safe,
				const ud_class_t *unsafe, unsigned signo)
{
	return ud_signature_mix(
		ud_signature_mix(ud_signature_mix(kind, safe->id), unsafe->id), signo);
}

/*
** c just gained usage: `in` (handler) signals that already have an unsafe
** class, `on` (unblocked) signals that already have a safe one. Looks for a
** class of the opposite usage after c, or before it, and fills r if found.
*/
static void inversion(ud_report_t *r, ud_thread_t *t, ud_instance_t *inst,
		      ud_class_t *c, ud_mode_t mode, uintptr_t pc,
		      ud_stack_id_t stack, uint64_t in, uint64_t on)
{
	ud_path_t path;
	ud_class_t *other = NULL;
	bool new_in = false;
	if (in && (other = ud_bfs_usage(&c->node, false, true, in, NULL, &path)))
		new_in = true;
	else if (!on || !(other = ud_bfs_usage(&c->node, true, true, on, NULL, &path)))
		return;
	uint64_t both = new_in ? in & atomic_load_explicit(&other->hot.sig_on_used,
							    memory_order_relaxed)
			       : on & atomic_load_explicit(&other->hot.sig_in_used,
							    memory_order_relaxed);
	unsigned bit = (unsigned)__builtin_ctzll(both);
	ud_class_t *safe = new_in ? c : other, *unsafe = new_in ? other : c;

	fill_acquisition(r, UD_REPORT_SIG_INVERSION, t, inst, c, mode, pc, stack);
	r->detail = (bit + 1) | (new_in ? UD_USAGE_NEW_IN : 0);
	ud_report_fill_class(&r->safe, safe);
	ud_report_fill_class(&r->unsafe, unsafe);
	r->safe_stack = usage_stack(safe, bit, true, false);
	r->unsafe_stack = usage_stack(unsafe, bit, false, false);
	ud_report_alloc(r, path.n + 1, 0);
	r->split = path.n + 1;
	fill_path(r->links, safe, path.edges, path.n, !new_in);
	r->signature = usage_signature(UD_REPORT_SIG_INVERSION, safe, unsafe, bit);
}

bool ud_usage_order(ud_report_t *r, ud_class_t *prev, ud_class_t *next)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	uint64_t sigs = any_in & any_on, in = 0;
	if (!sigs)
		return false;
	ud_path_t path;
	/* Which signals' handlers took a class at or before prev... */
	ud_bfs_usage(&prev->node, true, false, 0, &in, &path);
	if (!(in & sigs))
		return false;
	/* ...then the nearest class after next taken with one unblocked. */
	ud_class_t *unsafe = ud_bfs_usage(&next->node, false, false, in & sigs, NULL, &path);
	if (!unsafe)
		return false;
	uint64_t on = atomic_load_explicit(&unsafe->hot.sig_on_used, memory_order_relaxed);
	unsigned bit = (unsigned)__builtin_ctzll(on & in & sigs);
	ud_edge_t **fwd = path_copy(&path);
	unsigned nfwd = path.n;
	ud_class_t *safe = ud_bfs_usage(&prev->node, true, false, 1ull << bit, NULL, &path);

	r->kind = UD_REPORT_SIG_ORDER;
	r->detail = bit + 1;
	ud_report_fill_class(&r->safe, safe);
	ud_report_fill_class(&r->unsafe, unsafe);
	r->safe_stack = usage_stack(safe, bit, true, false);
	r->unsafe_stack = usage_stack(unsafe, bit, false, false);
	ud_report_alloc(r, path.n + 1 + nfwd + 1, 0);
	r->split = path.n + 1;
	fill_path(r->links, safe, path.edges, path.n, true);
	fill_path(r->links + r->split, next, fwd, nfwd, false);
	ud_free(fwd, (nfwd ? nfwd : 1) * sizeof *fwd);
	r->signature = usage_signature(UD_REPORT_SIG_ORDER, safe, unsafe, bit);
	return true;
}

__attribute__((noinline)) void ud_usage_mark(ud_thread_t *t, ud_instance_t *inst,
					     ud_class_t *c, ud_mode_t mode, uintptr_t pc)
{
	/* Captured before the graph lock, as in ud_validate(). */
	ud_stack_id_t stack = ud_stack_capture();
	ud_report_t r = {0};

	ud_lock_acquire(&ud_graph_lock);
	bool excl = ud_usage_excl(mode);
	uint64_t in = atomic_load_explicit(&c->hot.sig_in_used, memory_order_relaxed);
	uint64_t on = atomic_load_explicit(&c->hot.sig_on_used, memory_order_relaxed);
	uint64_t ein = atomic_load_explicit(&c->hot.sig_in_excl, memory_order_relaxed);
	uint64_t eon = atomic_load_explicit(&c->hot.sig_on_excl, memory_order_relaxed);
	uint64_t new_in = t->sig_in & ~in, new_on = t->sig_on & ~on;
	uint64_t new_ein = excl ? t->sig_in & ~ein : 0, new_eon = excl ? t->sig_on & ~eon : 0;
	/* Nothing new if another thread added these bits since the check. */
	if (new_in | new_on | new_ein | new_eon)
		add_event(c, new_in | new_ein, new_on | new_eon, excl, stack);
	atomic_store_explicit(&c->hot.sig_in_excl, ein | new_ein, memory_order_relaxed);
	atomic_store_explicit(&c->hot.sig_on_excl, eon | new_eon, memory_order_relaxed);
	atomic_store_explicit(&c->hot.sig_in_used, in | new_in, memory_order_relaxed);
	atomic_store_explicit(&c->hot.sig_on_used, on | new_on, memory_order_relaxed);
	any_in |= new_in;
	any_on |= new_on;
	/*
	** A new bit that meets the other usage of its signal; the lowest such
	** signal is reported, and the bits stay set so it is reported once. As
	** in the kernel, two recursive readers never conflict: an excluding
	** acquisition meets any usage (its own included: a handler running
	** with its signal unblocked), a recursive read only an excluding one.
	*/
	uint64_t bad_in, bad_on;
	if (excl) {
		bad_in = new_ein & (on | t->sig_on);
		bad_on = new_eon & in;
	} else {
		bad_in = new_in & eon;
		bad_on = new_on & ein;
	}
	if ((bad_in | bad_on) && ud_engine_active()) {
		bool is_in = bad_in && (!bad_on || __builtin_ctzll(bad_in) <=
						      __builtin_ctzll(bad_on));
		unsigned bit = (unsigned)__builtin_ctzll(is_in ? bad_in : bad_on);
		/* The usage met: any, or for a recursive reader an excluding one;
		** for an excluding acquisition, reads only unless an excluding
		** one (this one's own, unblocked, included) set the bit. */
		uint64_t old_excl = is_in ? eon | t->sig_on : ein;
		bool old_read = excl && !(old_excl >> bit & 1);
		ud_stack_id_t old = usage_stack(c, bit, !is_in, !old_read);
		report_inconsistent(&r, t, inst, c, mode, pc, stack, bit + 1, is_in,
				    old_read, old);
	} else if (((new_in & any_on) | (new_on & any_in)) && ud_engine_active()) {
		inversion(&r, t, inst, c, mode, pc, stack, new_in & any_on,
			  new_on & any_in);
	}
	ud_lock_release(&ud_graph_lock);
	if (r.kind == UD_REPORT_INCONSISTENT || r.kind == UD_REPORT_SIG_INVERSION)
		ud_engine_submit(&r);
}
