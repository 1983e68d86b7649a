/*
** test_engine_signal.c: signal usage of lock classes (usage.c). The signal
** context is set by hand with ud_thread_set_signals(), as the runtime's
** handler wrapper and mask interceptors set it.
*/
#include "engine_fixture.h"

#define USR1 (1ull << (10 - 1))	/* SIGUSR1 */
#define USR2 (1ull << (12 - 1))	/* SIGUSR2 */
#define ALL (~0ull)

static unsigned last_detail;
static unsigned last_split, last_safe, last_unsafe;

static void sink(const ud_report_t *r, void *arg)
{
	if (r->kind == UD_REPORT_INCONSISTENT || r->kind == UD_REPORT_SIG_ORDER ||
	    r->kind == UD_REPORT_SIG_INVERSION)
		last_detail = r->detail;
	if (r->kind == UD_REPORT_SIG_ORDER || r->kind == UD_REPORT_SIG_INVERSION) {
		last_split = r->split;
		last_safe = r->safe.id;
		last_unsafe = r->unsafe.id;
	}
	ef_sink(r, arg);
}

static void begin(void)
{
	ef_begin(false);
	ud_report_set_sink(sink, &ef);
	last_detail = 0;
}

static void lock_unlock(ud_thread_t *t, const void *a)
{
	ef_lock(t, a);
	ef_unlock(t, a);
}

/* In the handler first, then outside with the signal unblocked. */
static void in_then_on(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *l = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	lock_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 0);
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);
	assert_int_equal(last_detail, 10u);
	assert_int_equal(ef_find(UD_REPORT_INCONSISTENT)->target_cls, ef_cls(l));
	/* Reported once. */
	lock_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);
	EF_NONE();
	ud_thread_free(t);
}

/* Outside first (signal unblocked), then in the handler: the reverse order. */
static void on_then_in(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *l = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, l);
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	lock_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);
	assert_int_equal(last_detail, 10u | UD_USAGE_NEW_IN);
	ud_thread_free(t);
}

/* Recursive readers in the handler and outside never wait for each other;
** a writer on either side, or a non-recursive reader, does (the kernel's
** rule for read usage). */
static void readers_and_writers(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	struct {
		void (*in)(ud_thread_t *, const void *);
		void (*on)(ud_thread_t *, const void *);
		unsigned reports;
	} cases[] = {
		{ ef_rlock, ef_rlock, 0 },	/* recursive reads: fine */
		{ ef_rlock, ef_lock, 1 },	/* read in the handler, write outside */
		{ ef_lock, ef_rlock, 1 },	/* write in the handler, read outside */
		{ ef_rslock, ef_rslock, 1 },	/* non-recursive reads queue behind a writer */
		{ ef_rlock, ef_rslock, 1 },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int order = 0; order < 2; order++) {
			unsigned before = ef.count[UD_REPORT_INCONSISTENT];
			void *l = ef_new(UD_KIND_RWLOCK_NONRECURSIVE);
			for (int step = 0; step < 2; step++) {
				bool in = (step == 0) == (order == 0);
				ud_thread_set_signals(t, in ? ALL & ~USR1 : ALL, in ? USR1 : 0);
				(in ? cases[i].in : cases[i].on)(t, l);
				ef_unlock(t, l);
			}
			assert_int_equal(ef.count[UD_REPORT_INCONSISTENT] - before,
					 cases[i].reports);
		}
	}
	/* A write outside after recursive reads on both sides meets the
	** handler's read usage. */
	void *l = ef_new(UD_KIND_RWLOCK);
	unsigned before = ef.count[UD_REPORT_INCONSISTENT];
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	ef_rlock(t, l);
	ef_unlock(t, l);
	ud_thread_set_signals(t, ALL, 0);
	ef_rlock(t, l);
	ef_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], before);
	ef_lock(t, l);
	ef_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], before + 1);
	ud_thread_free(t);
}

/* Outside only with the signals blocked, in two handlers: fine. */
static void blocked_is_consistent(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *l = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL & ~USR1 & ~USR2, 0);
	lock_unlock(t, l);
	ud_thread_set_signals(t, ALL & ~USR1 & ~USR2, USR1);
	lock_unlock(t, l);
	ud_thread_set_signals(t, ALL & ~USR1 & ~USR2, USR2 | USR1);
	lock_unlock(t, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 0);
	/* Another thread, USR2 unblocked: conflicts with the USR2 handler use. */
	ud_thread_t *t2 = ef_thread("worker");
	ud_thread_set_signals(t2, ALL & ~USR1, 0);
	lock_unlock(t2, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 1);
	assert_int_equal(last_detail, 12u);
	ud_thread_free(t);
	ud_thread_free(t2);
}

/* A thread whose signal context the runtime never set records nothing. */
static void no_context_no_usage(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("plain");
	void *l = ef_new(UD_KIND_MUTEX);
	lock_unlock(t, l);
	ud_thread_t *h = ef_thread("handler");
	ud_thread_set_signals(h, ALL & ~USR1, USR1);
	lock_unlock(h, l);
	assert_int_equal(ef.count[UD_REPORT_INCONSISTENT], 0);
	ud_thread_free(t);
	ud_thread_free(h);
}

static void lock_unlock_2(ud_thread_t *t, const void *a, const void *b)
{
	ef_lock(t, a);
	ef_lock(t, b);
	ef_unlock(t, b);
	ef_unlock(t, a);
}

/* a taken in the USR1 handler, b unblocked, then b under a (USR1 blocked):
** the new dependency a -> b is the safe -> unsafe order. */
static void order_new_dependency(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	lock_unlock(t, a);
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, b);
	assert_int_equal(ef.n, 0);	/* no report of any kind */
	ud_thread_set_signals(t, ALL & ~USR1, 0);
	lock_unlock_2(t, a, b);
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 1);
	assert_int_equal(last_detail, 10u);
	assert_int_equal(last_safe, ef_cls(a));
	assert_int_equal(last_unsafe, ef_cls(b));
	const ef_report_t *r = ef_find(UD_REPORT_SIG_ORDER);
	assert_int_equal(r->held_cls, ef_cls(a));
	assert_int_equal(r->target_cls, ef_cls(b));
	assert_int_equal(r->nlinks, 2);
	assert_int_equal(last_split, 1);
	assert_int_equal(r->link_cls[0], ef_cls(a));
	assert_int_equal(r->link_cls[1], ef_cls(b));
	/* Once. */
	lock_unlock_2(t, a, b);
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 1);
	ud_thread_free(t);
}

/* The path may be longer on both sides: s -> x, then y -> u, then x -> y. */
static void order_long_path(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *s = ef_new(UD_KIND_MUTEX), *x = ef_new(UD_KIND_MUTEX);
	void *y = ef_new(UD_KIND_MUTEX), *u = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL & ~USR2, USR2);
	lock_unlock(t, s);
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, u);
	ud_thread_set_signals(t, ALL & ~USR2, 0);
	lock_unlock_2(t, s, x);
	lock_unlock_2(t, y, u);
	assert_int_equal(ef.n, 0);	/* no report of any kind */
	lock_unlock_2(t, x, y);
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 1);
	assert_int_equal(last_detail, 12u);
	const ef_report_t *r = ef_find(UD_REPORT_SIG_ORDER);
	assert_int_equal(r->nlinks, 4);
	assert_int_equal(last_split, 2);
	unsigned want[] = { ef_cls(s), ef_cls(x), ef_cls(y), ef_cls(u) };
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(r->link_cls[i], want[i]);
	ud_thread_free(t);
}

/* Dependencies that cannot deadlock through the signal. */
static void order_harmless(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	void *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	lock_unlock(t, a);
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, b);
	/* unsafe -> safe */
	ud_thread_set_signals(t, ALL & ~USR1, 0);
	lock_unlock_2(t, b, a);
	/* safe -> a class only taken with USR1 blocked (USR2 unblocked) */
	lock_unlock_2(t, a, c);
	/* a class unsafe for USR2 only, under the USR1-safe one */
	lock_unlock_2(t, a, d);
	assert_int_equal(ef.n, 0);	/* no report of any kind */
	ud_thread_free(t);
}

/* Usage that arrives after the dependency: inversion, in both directions. */
static void inversion_both_ways(void **state)
{
	(void)state;
	begin();
	ud_thread_t *t = ef_thread("main");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	void *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	/* a -> b blocked, a safe, then b unsafe: b gained the usage. */
	ud_thread_set_signals(t, ALL & ~USR1, 0);
	lock_unlock_2(t, a, b);
	ud_thread_set_signals(t, ALL & ~USR1, USR1);
	lock_unlock(t, a);
	assert_int_equal(ef.n, 0);	/* no report of any kind */
	ud_thread_set_signals(t, ALL, 0);
	lock_unlock(t, b);
	assert_int_equal(ef.count[UD_REPORT_SIG_INVERSION], 1);
	assert_int_equal(last_detail, 10u);
	assert_int_equal(last_safe, ef_cls(a));
	assert_int_equal(last_unsafe, ef_cls(b));
	assert_int_equal(ef_find(UD_REPORT_SIG_INVERSION)->target_cls, ef_cls(b));
	/* d unsafe, c -> d blocked, then c safe: c gained the usage. */
	lock_unlock(t, d);
	ud_thread_set_signals(t, ALL & ~USR2, 0);
	lock_unlock_2(t, c, d);
	ud_thread_set_signals(t, ALL & ~USR2, USR2);
	lock_unlock(t, c);
	assert_int_equal(ef.count[UD_REPORT_SIG_INVERSION], 2);
	assert_int_equal(last_detail, 12u | UD_USAGE_NEW_IN);
	assert_int_equal(last_safe, ef_cls(c));
	assert_int_equal(last_unsafe, ef_cls(d));
	assert_int_equal(ef.count[UD_REPORT_SIG_ORDER], 0);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_then_on),
		cmocka_unit_test(on_then_in),
		cmocka_unit_test(readers_and_writers),
		cmocka_unit_test(blocked_is_consistent),
		cmocka_unit_test(no_context_no_usage),
		cmocka_unit_test(order_new_dependency),
		cmocka_unit_test(order_long_path),
		cmocka_unit_test(order_harmless),
		cmocka_unit_test(inversion_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
