/*
** usage.c: signal-handler context, lockdep's irq usage rules for signals.
**
** Each class records the signals whose handlers it was taken in (IN-S) and
** the signals that were unblocked when it was taken (S-ON), with the stack
** that first set each bit. A class with both bits for one signal S can be
** taken by the handler while the thread that the handler interrupted holds
** it: "inconsistent lock state". The acquire path only tests whether the
** acquisition adds a bit (ud_usage_check); everything else happens here.
*/
#include "internal.h"

#include "../base/alloc.h"

void ud_thread_set_signals(ud_thread_t *t, uint64_t unblocked, uint64_t in_handler)
{
	t->sig_on = unblocked;
	t->sig_in = in_handler;
}

void ud_thread_get_signals(const ud_thread_t *t, uint64_t *unblocked,
			   uint64_t *in_handler)
{
	*unblocked = t->sig_on;
	*in_handler = t->sig_in;
}

static void set_stacks(ud_stack_id_t *s, uint64_t bits, ud_stack_id_t stack)
{
	for (unsigned i = 0; i < 64; i++)
		if (bits >> i & 1)
			s[i] = stack;
}

static void report_inconsistent(ud_report_t *r, ud_thread_t *t,
				ud_instance_t *inst, ud_class_t *c,
				ud_mode_t mode, uintptr_t pc, ud_stack_id_t stack,
				unsigned sig, bool new_in, ud_stack_id_t old)
{
	r->kind = UD_REPORT_INCONSISTENT;
	ud_report_fill_thread(r, t);
	r->target.addr = atomic_load_explicit(&inst->addr, memory_order_relaxed);
	ud_report_fill_class(&r->target.cls, c);
	r->target.mode = mode;
	r->target.references = 1;
	r->target.pc = pc;
	ud_report_fill_held(r, t);
	r->stack = stack;
	r->usage_stack = old;
	r->detail = sig | (new_in ? UD_USAGE_NEW_IN : 0);
	r->signature = ud_sig_mix(ud_sig_mix(ud_sig_mix(UD_REPORT_INCONSISTENT,
							 c->id), sig), new_in);
}

__attribute__((noinline)) void ud_usage_mark(ud_thread_t *t, ud_instance_t *inst,
					     ud_class_t *c, ud_mode_t mode, uintptr_t pc)
{
	/* Captured before the graph lock, as in ud_validate(). */
	ud_stack_id_t stack = ud_stack_capture();
	ud_report_t r = {0};

	ud_lock_acquire(&ud_graph_lock);
	if (!c->sig_stacks)
		c->sig_stacks = ud_alloc(128 * sizeof *c->sig_stacks);
	uint64_t in = atomic_load_explicit(&c->sig_in_used, memory_order_relaxed);
	uint64_t on = atomic_load_explicit(&c->sig_on_used, memory_order_relaxed);
	uint64_t new_in = t->sig_in & ~in, new_on = t->sig_on & ~on;
	set_stacks(c->sig_stacks, new_in, stack);
	set_stacks(c->sig_stacks + 64, new_on, stack);
	atomic_store_explicit(&c->sig_in_used, in | new_in, memory_order_relaxed);
	atomic_store_explicit(&c->sig_on_used, on | new_on, memory_order_relaxed);
	/* A new bit that meets the other usage of its signal; the lowest such
	** signal is reported, and the bits stay set so it is reported once. */
	uint64_t bad_in = new_in & (on | new_on), bad_on = new_on & in;
	if ((bad_in | bad_on) && ud_engine_active()) {
		bool is_in = bad_in && (!bad_on || __builtin_ctzll(bad_in) <=
						      __builtin_ctzll(bad_on));
		unsigned bit = (unsigned)__builtin_ctzll(is_in ? bad_in : bad_on);
		ud_stack_id_t old = c->sig_stacks[bit + (is_in ? 64 : 0)];
		report_inconsistent(&r, t, inst, c, mode, pc, stack, bit + 1, is_in, old);
	}
	ud_lock_release(&ud_graph_lock);
	if (r.kind == UD_REPORT_INCONSISTENT) {
		ud_engine_submit(&r);
		ud_report_release(&r);
	}
}
