/*
** test_engine_usage_stacks.c: the stacks that signal-usage reports name
** (usage.c). A class records each acquisition that gave it usage bits; a
** report names, for a bit, the acquisition that set it. Each acquisition
** here goes through take() at a chosen call depth, so the depth of a
** reported stack tells which acquisition it is.
*/
#include "engine_fixture.h"

#include "base/stack.h"

#define SIG(n) (1ull << ((n) - 1))
#define BASE_SIG 41	/* used only to measure the stack of depth 0 */

static struct {
	unsigned detail;
	ud_stack_id_t stack, usage_stack, safe_stack, unsafe_stack;
} last;

static void sink(const ud_report_t *r, void *arg)
{
	if (r->kind == UD_REPORT_INCONSISTENT || r->kind == UD_REPORT_SIG_ORDER ||
	    r->kind == UD_REPORT_SIG_INVERSION) {
		last.detail = r->detail;
		last.stack = r->stack;
		last.usage_stack = r->usage_stack;
		last.safe_stack = r->safe_stack;
		last.unsafe_stack = r->unsafe_stack;
	}
	ef_sink(r, arg);
}

/* Locks and unlocks x through `depth` nested calls. */
static __attribute__((noipa)) void take_at(unsigned depth, ud_thread_t *t,
					   const void *x)
{
	if (depth) {
		take_at(depth - 1, t, x);
		__asm__ volatile("" ::: "memory");	/* not a tail call */
	} else {
		ef_lock(t, x);
		ef_unlock(t, x);
	}
}

/* One acquisition of x with these signals unblocked / in handler. The test
** functions call it directly, so stacks differ only by depth. */
static __attribute__((noipa)) void take(ud_thread_t *t, const void *x,
					uint64_t unblocked, uint64_t in,
					unsigned depth)
{
	ud_thread_set_signals(t, unblocked, in);
	take_at(depth, t, x);
}

static unsigned frames(ud_stack_id_t id)
{
	unsigned n = 0;
	assert_non_null(ud_stack_get(id, &n));
	return n;
}

/* The depth of a stack taken through take(), given one of depth 0. */
static int depth_of(ud_stack_id_t id, ud_stack_id_t base)
{
	return (int)frames(id) - (int)frames(base);
}

static void begin(void)
{
	ef_begin(false);
	ud_report_set_sink(sink, &ef);
	memset(&last, 0, sizeof last);
}

/* Many events on one class, some setting bits of both kinds: each
** inconsistency names the acquisition that set the old bit. */
static void inconsistent_many_events(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *base_lock = ef_new(UD_KIND_MUTEX), *l = ef_new(UD_KIND_MUTEX);
	take(t, base_lock, SIG(BASE_SIG), 0, 0);
	take(t, base_lock, 0, SIG(BASE_SIG), 0);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);
	ud_stack_id_t base = last.stack;
	assert_int_not_equal(base, 0);

	/* In the handler of signal s at depth s, for s = 1..10. */
	for (unsigned s = 1; s <= 10; s++)
		take(t, l, 0, SIG(s), s);
	/* One event for two bits: in the handler of 11, 13 unblocked. */
	take(t, l, SIG(13), SIG(11), 11);
	/* Nothing new: the first stacks stay. */
	take(t, l, SIG(13), SIG(3) | SIG(11), 20);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);

	for (unsigned s = 1; s <= 11; s++) {
		take(t, l, SIG(s), 0, 0);
		assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1 + s);
		assert_int_equal(last.detail, s);
		assert_int_equal(depth_of(last.stack, base), 0);
		assert_int_equal(depth_of(last.usage_stack, base), s);
	}
	/* The other way round: the unblocked bit of 13 came with 11. */
	take(t, l, 0, SIG(13), 0);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 13);
	assert_int_equal(last.detail, 13u | UD_USAGE_NEW_IN);
	assert_int_equal(depth_of(last.usage_stack, base), 11);
	/* Both bits of one signal in one event: the old usage is this one. */
	void *m = ef_new(UD_KIND_MUTEX);
	take(t, m, SIG(20), 0, 2);
	take(t, m, SIG(21), SIG(21), 5);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 14);
	assert_int_equal(last.detail, 21u | UD_USAGE_NEW_IN);
	assert_int_equal(last.usage_stack, last.stack);
	assert_int_equal(depth_of(last.usage_stack, base), 5);
	ud_thread_free(t);
}

/* The safe and unsafe stacks of order and inversion reports, on classes
** with several events. */
static void order_and_inversion_stacks(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *base_lock = ef_new(UD_KIND_MUTEX);
	take(t, base_lock, SIG(BASE_SIG), 0, 0);
	take(t, base_lock, 0, SIG(BASE_SIG), 0);
	ud_stack_id_t base = last.stack;
	assert_int_not_equal(base, 0);

	/* a safe for 30, 31, 32 (depths 1, 2, 3); b unsafe for 35, then 32. */
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	for (unsigned i = 0; i < 3; i++)
		take(t, a, 0, SIG(30 + i), 1 + i);
	take(t, b, SIG(35), 0, 4);
	take(t, b, SIG(32), 0, 5);
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 0);
	ud_thread_set_signals(t, 0, 0);
	ef_lock(t, a);
	ef_lock(t, b);
	ef_unlock(t, b);
	ef_unlock(t, a);
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 1);
	assert_int_equal(last.detail, 32u);
	assert_int_equal(depth_of(last.safe_stack, base), 3);
	assert_int_equal(depth_of(last.unsafe_stack, base), 5);

	/* c -> d first; d unsafe for 36, c safe for 37 then 36: c gains it. */
	void *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, 0, 0);
	ef_lock(t, c);
	ef_lock(t, d);
	ef_unlock(t, d);
	ef_unlock(t, c);
	take(t, d, SIG(34), 0, 1);
	take(t, d, SIG(36), 0, 2);
	take(t, c, 0, SIG(37), 3);
	assert_int_equal(ef.count[UD_REPORT_SIG_INVERSION], 0);
	take(t, c, 0, SIG(36), 6);
	assert_int_equal(ef.count[UD_REPORT_SIG_INVERSION], 1);
	assert_int_equal(last.detail, 36u | UD_USAGE_NEW_IN);
	assert_int_equal(last.safe_stack, last.stack);
	assert_int_equal(depth_of(last.safe_stack, base), 6);
	assert_int_equal(depth_of(last.unsafe_stack, base), 2);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inconsistent_many_events),
		cmocka_unit_test(order_and_inversion_stacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
