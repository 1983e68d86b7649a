/*
** test_engine_nesting.c: one class held twice.
**
** Three cases: the same instance again (a self-deadlock unless the lock is a
** recursive mutex or the re-take is a recursive read), two instances directly
** nested (default: their order is recorded and checked; strict: recursive
** locking, as the kernel says), and two instances with other locks between
** them (class rules apply).
*/
#include "engine_fixture.h"

#define W UD_MODE_WRITE

/* Two instances of one class, at fresh addresses. */
static void two_of_a_kind(ud_lock_kind_t kind, void **x1, void **x2)
{
	ud_class_key_t k = ef_key();
	*x1 = ef_new_in(kind, &k);
	*x2 = ef_new_in(kind, &k);
}

/* ---- two instances, directly nested ----------------------------------------- */

static void ordered_nesting_no_report(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	ud_class_key_t k = ef_key();
	void *x[3];
	for (int i = 0; i < 3; i++)
		x[i] = ef_new_in(UD_KIND_MUTEX, &k);
	for (int i = 0; i < 10; i++) {
		ud_thread_t *t = i & 1 ? t2 : t1;
		ef_lock(t, x[0]);
		ef_lock(t, x[1]);
		ef_lock(t, x[2]);
		ef_unlock(t, x[2]);
		ef_unlock(t, x[1]);
		ef_unlock(t, x[0]);
		ef_pair(t, x[0], W, x[2], W);
	}
	EF_NONE();
	ud_thread_free(t1);
	ud_thread_free(t2);
}

static void inverted_nesting_circular(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *x1, *x2;
	two_of_a_kind(UD_KIND_MUTEX, &x1, &x2);
	ef_pair(t1, x1, W, x2, W);
	EF_NONE();
	ef_pair(t2, x2, W, x1, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	const ef_report_t *r = &ef.r[0];
	assert_int_equal(r->nlinks, 2);
	/* The chain is told in instances: #0 is x1 being taken, #1 is x2. */
	assert_true(r->link_addr[0] == (uintptr_t)x1);
	assert_true(r->link_addr[1] == (uintptr_t)x2);
	assert_int_equal(r->link_cls[0], r->link_cls[1]);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* x1 < x2 < x3 by nesting; x3 then x1 closes a cycle of three instances. */
static void inverted_through_third_instance(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *x[3];
	for (int i = 0; i < 3; i++)
		x[i] = ef_new_in(UD_KIND_MUTEX, &k);
	ef_pair(t, x[0], W, x[1], W);
	ef_pair(t, x[1], W, x[2], W);
	EF_NONE();
	ef_pair(t, x[2], W, x[0], W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef.r[0].nlinks, 3);
	ud_thread_free(t);
}

static void strict_nesting_recursive(void **state)
{
	(void)state;
	ef_begin(true);
	ud_thread_t *t = ef_thread("T");
	void *x1, *x2;
	two_of_a_kind(UD_KIND_MUTEX, &x1, &x2);
	ef_lock(t, x1);
	ef_lock(t, x2);
	EF_EXPECT(0, 1, 0, 0, 0);
	const ef_report_t *r = &ef.r[0];
	assert_false(r->same_instance);
	assert_true(r->target_addr == (uintptr_t)x2);
	assert_int_equal(r->target_cls, r->held_cls);
	assert_int_equal(r->nheld, 1);
	ud_thread_free(t);
}

/*
** A long-lived parent nests 200 short-lived children of its class at four
** recycled addresses (records and order nodes are reused; the parent's edges
** to dead children go stale and are pruned). Every other life takes the child
** first: each life has one order only, so no report. Then one live child
** taken both ways is circular.
*/
static void parent_with_recycled_children(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *parent = ef_new_in(UD_KIND_MUTEX, &k);
	void *slots[4] = { ef_addr(), ef_addr(), ef_addr(), ef_addr() };
	size_t inst0 = ef_stats().instances;
	for (int i = 0; i < 200; i++) {
		void *child = slots[i % 4];
		ud_instance_create(child, UD_KIND_MUTEX, &k);
		if (i & 1)
			ef_pair(t, child, W, parent, W);
		else
			ef_pair(t, parent, W, child, W);
		ud_instance_destroy(t, child, EF_PC);
	}
	EF_NONE();
	assert_int_equal(ef_stats().instances, inst0);

	void *child = slots[0];
	ud_instance_create(child, UD_KIND_MUTEX, &k);
	ef_pair(t, parent, W, child, W);
	EF_NONE();
	ef_pair(t, child, W, parent, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/*
** T1: x1, x2.  T2: x2, trylock b, x1. T2 waits for x1 while holding x2: an
** ABBA between the two instances (b, a trylock, adds no edge into itself and
** so no class cycle). x2 is the nearest blocking lock under x1, as directly
** nested as it gets: default mode must find the inversion, circular.
*/
static void inverted_nesting_trylock_between(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *x1, *x2;
	two_of_a_kind(UD_KIND_MUTEX, &x1, &x2);
	void *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t1, x1, W, x2, W);
	ef_lock(t2, x2);
	ef_trylock(t2, b, W);
	ef_lock(t2, x1);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* ---- the same instance again ------------------------------------------------ */

static void recursive_mutex_relock(void **state)
{
	(void)state;
	ef_begin(true);		/* even the strict rule lets a recursive mutex nest */
	ud_thread_t *t = ef_thread("T");
	void *m = ef_new(UD_KIND_MUTEX_RECURSIVE), *b = ef_new(UD_KIND_MUTEX);
	size_t edges = ef_stats().edges;
	ef_lock(t, m);
	ef_lock(t, m);
	ef_lock(t, b);
	ef_lock(t, m);		/* under b: adds no b -> m, it cannot wait */
	assert_int_equal(ud_thread_depth(t), 2);
	assert_int_equal(ef_stats().edges, edges + 1);	/* m->b only */
	ef_unlock(t, m);
	ef_unlock(t, b);
	ef_unlock(t, m);
	assert_true(ef_held(t, m));
	ef_unlock(t, m);
	assert_false(ef_held(t, m));
	assert_int_equal(ud_thread_depth(t), 0);
	EF_NONE();
	/* One release more than locks. */
	assert_false(ud_release(t, m, EF_PC));
	EF_EXPECT(0, 0, 1, 0, 0);
	ud_thread_free(t);
}

static void relock_same_instance_recursive(void **state)
{
	(void)state;
	static const ud_lock_kind_t kinds[] = {
		UD_KIND_MUTEX, UD_KIND_MUTEX_ERRORCHECK, UD_KIND_SPIN, UD_KIND_RWLOCK,
	};
	for (int strict = 0; strict < 2; strict++) {
		ef_begin(strict);
		for (unsigned i = 0; i < sizeof kinds / sizeof *kinds; i++) {
			ud_thread_t *t = ef_thread("T");
			void *m = ef_new(kinds[i]);
			ef_lock(t, m);
			ef_lock(t, m);
			EF_EXPECT(0, i + 1, 0, 0, 0);
			assert_true(ef.r[i].same_instance);
			assert_true(ef.r[i].target_addr == (uintptr_t)m);
			/* The real call fails (EDEADLK) or never returns: undo it. */
			ud_acquire_undo(t, ud_instance_lookup(m));
			assert_int_equal(ud_thread_depth(t), 1);
			ef_unlock(t, m);
			assert_int_equal(ud_thread_depth(t), 0);
			ud_thread_free(t);
		}
		EF_EXPECT(0, 4, 0, 0, 0);
	}
}

/*
** x, b, x (the very same mutex, with b between): one problem, a self-deadlock.
** It must be told once, as recursive locking, not also as a circular
** dependency x -> b -> x (the kernel stops after the recursive verdict).
*/
static void same_instance_under_other_lock(void **state)
{
	(void)state;
	for (int strict = 0; strict < 2; strict++) {
		ef_begin(strict);
		ud_thread_t *t = ef_thread("T");
		void *x = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
		ef_lock(t, x);
		ef_lock(t, b);
		ef_lock(t, x);
		EF_EXPECT(0, 1, 0, 0, 0);
		assert_true(ef_find(UD_REPORT_RECURSIVE)->same_instance);
		ud_thread_free(t);
	}
}

/*
** x1, b, x2 (two instances, b between).
**   strict: recursive locking, once (the kernel's verdict), not also circular;
**   default: the instances are not directly nested, so class rules apply:
**            x -> b -> x is a circular dependency, once.
*/
static void two_instances_under_other_lock(void **state)
{
	(void)state;
	for (int strict = 0; strict < 2; strict++) {
		ef_begin(strict);
		ud_thread_t *t = ef_thread("T");
		void *x1, *x2;
		two_of_a_kind(UD_KIND_MUTEX, &x1, &x2);
		void *b = ef_new(UD_KIND_MUTEX);
		ef_lock(t, x1);
		ef_lock(t, b);
		ef_lock(t, x2);
		if (strict) {
			EF_EXPECT(0, 1, 0, 0, 0);
			assert_false(ef.r[0].same_instance);
		} else {
			EF_EXPECT(1, 0, 0, 0, 0);
			assert_int_equal(ef.r[0].nlinks, 2);
		}
		ud_thread_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ordered_nesting_no_report),
		cmocka_unit_test(inverted_nesting_circular),
		cmocka_unit_test(inverted_through_third_instance),
		cmocka_unit_test(strict_nesting_recursive),
		cmocka_unit_test(inverted_nesting_trylock_between),
		cmocka_unit_test(parent_with_recycled_children),
		cmocka_unit_test(recursive_mutex_relock),
		cmocka_unit_test(relock_same_instance_recursive),
		cmocka_unit_test(same_instance_under_other_lock),
		cmocka_unit_test(two_instances_under_other_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
