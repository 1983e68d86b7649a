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

static void sink(const ud_report_t *r, void *arg)
{
	if (r->kind == UD_REPORT_INCONSISTENT)
		last_detail = r->detail;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_then_on),
		cmocka_unit_test(on_then_in),
		cmocka_unit_test(blocked_is_consistent),
		cmocka_unit_test(no_context_no_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
