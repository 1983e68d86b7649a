/*
** test_engine_annotate.c: the engine's side of the annotation API: acquisitions
** as a subclass and under a nest lock, class instance order, no-validate and
** no-track classes, implicit (runtime-model) entries, waits on pseudo-locks,
** the invalid wait context rule, assertions and pins.
*/
#include "engine_fixture.h"

static int by_address(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

static ud_instance_t *inst(const void *a)
{
	ud_instance_t *in = ud_instance_lookup(a);
	assert_non_null(in);
	return in;
}

static ud_class_t *cls(const void *a)
{
	return ud_instance_class(inst(a));
}

#define COUNT(kind) (ef.count[UD_REPORT_##kind])

/* Strict rule: two locks of one class nest only as different subclasses. */
static void subclass_nesting(void **state)
{
	(void)state;
	ef_begin(true);
	ud_thread_t *t = ef_thread("sub");
	ud_class_key_t k = ef_key();
	void *parent = ef_new_in(UD_KIND_MUTEX, &k);
	void *child = ef_new_in(UD_KIND_MUTEX, &k);

	ef_lock(t, parent);
	ud_class_t *sub = ud_class_subclass(cls(child), 1);
	assert_ptr_not_equal(sub, cls(child));
	assert_int_equal(ud_class_key(sub)->subclass, 1);
	ud_acquire_as(t, inst(child), sub, UD_MODE_WRITE, 0, NULL, EF_PC);
	ef_unlock(t, child);
	ef_unlock(t, parent);
	EF_NONE();

	/* The same nesting without the subclass is recursive locking. */
	ef_lock(t, parent);
	ef_lock(t, child);
	ef_unlock(t, child);
	ef_unlock(t, parent);
	EF_EXPECT(0, 1, 0, 0, 0);
	ud_thread_free(t);
}

/* Under a nest lock, a class is held once and counted; releases in any order. */
static void nest_lock_counts(void **state)
{
	(void)state;
	ef_begin(true);
	ud_thread_t *t = ef_thread("nest");
	void *outer = ef_new(UD_KIND_MUTEX);
	ud_class_key_t k = ef_key();
	void *x[3];
	for (int i = 0; i < 3; i++)
		x[i] = ef_new_in(UD_KIND_MUTEX, &k);

	ef_lock(t, outer);
	for (int i = 0; i < 3; i++)
		ud_acquire_as(t, inst(x[i]), NULL, UD_MODE_WRITE, 0, outer, EF_PC);
	assert_int_equal(ud_thread_depth(t), 2);
	ef_unlock(t, x[1]);
	ef_unlock(t, x[0]);
	ef_unlock(t, x[2]);
	assert_int_equal(ud_thread_depth(t), 1);
	ef_unlock(t, outer);
	EF_NONE();

	/* Without the nest lock held, the second one is recursive locking. */
	ud_acquire_as(t, inst(x[0]), NULL, UD_MODE_WRITE, 0, outer, EF_PC);
	ud_acquire_as(t, inst(x[1]), NULL, UD_MODE_WRITE, 0, outer, EF_PC);
	EF_EXPECT(0, 1, 0, 0, 0);
	ef_unlock(t, x[1]);
	ef_unlock(t, x[0]);
	ud_thread_free(t);
}

/* A class ordered by its instances' addresses: in order fine, against it not. */
static void instance_order(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("cmp");
	ud_class_key_t k = ef_key();
	void *lo = ef_new_in(UD_KIND_MUTEX, &k);
	void *hi = ef_new_in(UD_KIND_MUTEX, &k);
	assert_true((uintptr_t)lo < (uintptr_t)hi);
	ud_class_set_cmp(cls(lo), by_address);

	ef_pair(t, lo, UD_MODE_WRITE, hi, UD_MODE_WRITE);
	EF_NONE();
	ef_pair(t, hi, UD_MODE_WRITE, lo, UD_MODE_WRITE);
	EF_EXPECT(0, 1, 0, 0, 0);
	ud_thread_free(t);
}

/* No-validate: held, but no dependency to or through it. */
static void novalidate_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("noval");
	void *a = ef_new(UD_KIND_MUTEX);
	void *b = ef_new(UD_KIND_MUTEX);
	void *c = ef_new(UD_KIND_MUTEX);
	ud_class_add_flags(cls(a), UD_CLASS_NOVALIDATE);
	assert_true(ud_class_flags(cls(a)) & UD_CLASS_NOVALIDATE);

	ef_pair(t, a, UD_MODE_WRITE, b, UD_MODE_WRITE);
	ef_lock(t, b);
	ef_lock(t, a);
	assert_true(ef_held(t, a));
	ef_unlock(t, a);
	ef_unlock(t, b);
	EF_NONE();

	/* Transparent: c under a under b still makes b -> c. */
	ef_lock(t, b);
	ef_lock(t, a);
	ef_lock(t, c);
	ef_unlock(t, c);
	ef_unlock(t, a);
	ef_unlock(t, b);
	ef_pair(t, c, UD_MODE_WRITE, b, UD_MODE_WRITE);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/* No-track: never held, and releasing it is no bad unlock. */
static void notrack_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("notrack");
	void *a = ef_new(UD_KIND_MUTEX);
	void *b = ef_new(UD_KIND_MUTEX);
	ud_class_add_flags(cls(a), UD_CLASS_NOTRACK);

	ef_lock(t, a);
	assert_false(ef_held(t, a));
	assert_int_equal(ud_thread_depth(t), 0);
	assert_false(ud_release(t, a, EF_PC));
	ef_lock(t, a);
	ef_lock(t, b);
	ef_unlock(t, b);
	assert_false(ud_release(t, a, EF_PC));
	ef_lock(t, b);
	ef_lock(t, a);
	assert_false(ud_release(t, a, EF_PC));
	ef_unlock(t, b);
	EF_NONE();
	ud_thread_free(t);
}

/* A wait on a pseudo-lock while holding what the code inside it takes. */
static void pseudo_wait_cycle(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("map");
	void *map = ef_new(UD_KIND_PSEUDO);
	void *a = ef_new(UD_KIND_MUTEX);

	ef_pair(t, map, UD_MODE_WRITE, a, UD_MODE_WRITE);
	ef_lock(t, a);
	ud_acquire_as(t, inst(map), NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, EF_PC);
	ef_unlock(t, map);
	ef_unlock(t, a);
	EF_EXPECT(1, 0, 0, 0, 0);
	const ef_report_t *r = ef_find(UD_REPORT_CIRCULAR);
	assert_non_null(r);
	assert_int_equal(r->target_cls, ef_cls(map));
	assert_int_equal(r->held_cls, ef_cls(a));
	ud_thread_free(t);
}

/* Sleeping under a spinlock; trylocks, spinning and entering a pseudo-lock are fine. */
static void wait_context(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("spin");
	void *s = ef_new(UD_KIND_SPIN);
	void *s2 = ef_new(UD_KIND_SPIN);
	void *m = ef_new(UD_KIND_MUTEX);
	void *rw = ef_new(UD_KIND_RWLOCK);
	void *p = ef_new(UD_KIND_PSEUDO);

	ef_lock(t, m);
	ef_lock(t, s);		/* spinning under sleeping: fine */
	ef_trylock(t, rw, UD_MODE_WRITE);
	ef_unlock(t, rw);
	ef_lock(t, s2);
	ef_unlock(t, s2);
	ef_lock(t, p);		/* entering a pseudo-lock does not sleep */
	ef_unlock(t, p);
	ef_unlock(t, s);
	ef_unlock(t, m);
	EF_NONE();
	assert_int_equal(COUNT(WAIT_CONTEXT), 0);

	ef_lock(t, s);
	ef_rlock(t, rw);	/* sleeps */
	ef_unlock(t, rw);
	ud_acquire_as(t, inst(p), NULL, UD_MODE_WRITE, UD_ACQ_WAIT, NULL, EF_PC);
	ef_unlock(t, p);
	ef_unlock(t, s);
	assert_int_equal(COUNT(WAIT_CONTEXT), 2);
	const ef_report_t *r = ef_find(UD_REPORT_WAIT_CONTEXT);
	assert_non_null(r);
	assert_int_equal(r->target_cls, ef_cls(rw));
	assert_int_equal(r->held_cls, ef_cls(s));
	EF_NONE();
	ud_thread_free(t);
}

static void assertions(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("assert");
	void *m = ef_new(UD_KIND_MUTEX);
	void *rw = ef_new(UD_KIND_RWLOCK_NONRECURSIVE);

	assert_true(ud_assert(t, UD_ASSERT_NONE_HELD, NULL, EF_PC));
	assert_true(ud_assert(t, UD_ASSERT_NOT_HELD, m, EF_PC));
	assert_false(ud_assert(t, UD_ASSERT_HELD, m, EF_PC));
	assert_int_equal(COUNT(ASSERT), 1);

	ef_lock(t, m);
	ef_rslock(t, rw);
	assert_true(ud_assert(t, UD_ASSERT_HELD, m, EF_PC));
	assert_true(ud_assert(t, UD_ASSERT_HELD_WRITE, m, EF_PC));
	assert_true(ud_assert(t, UD_ASSERT_HELD_READ, rw, EF_PC));
	assert_int_equal(COUNT(ASSERT), 1);
	assert_false(ud_assert(t, UD_ASSERT_HELD_READ, m, EF_PC + 1));
	assert_false(ud_assert(t, UD_ASSERT_HELD_WRITE, rw, EF_PC + 2));
	assert_false(ud_assert(t, UD_ASSERT_NOT_HELD, m, EF_PC + 3));
	assert_false(ud_assert(t, UD_ASSERT_NONE_HELD, NULL, EF_PC + 4));
	assert_int_equal(COUNT(ASSERT), 5);
	ef_unlock(t, rw);
	ef_unlock(t, m);
	EF_NONE();
	ud_thread_free(t);
}

static void pins(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("pin");
	void *m = ef_new(UD_KIND_MUTEX);
	void *r = ef_new(UD_KIND_MUTEX_RECURSIVE);

	/* Pinned, nested, unpinned: the release is quiet. */
	ef_lock(t, m);
	ud_pin(t, m, EF_PC);
	ud_pin(t, m, EF_PC);
	ud_unpin(t, m, EF_PC);
	ud_unpin(t, m, EF_PC);
	ef_unlock(t, m);
	assert_int_equal(COUNT(ASSERT), 0);

	/* Released while pinned: reported, and released all the same. */
	ef_lock(t, m);
	ud_pin(t, m, EF_PC);
	ef_unlock(t, m);
	assert_false(ef_held(t, m));
	assert_int_equal(COUNT(ASSERT), 1);

	/* A recursive lock pinned at depth 2 keeps its count. */
	ef_lock(t, r);
	ef_lock(t, r);
	ud_pin(t, r, EF_PC);
	ud_unpin(t, r, EF_PC);
	ef_unlock(t, r);
	assert_true(ef_held(t, r));
	ef_unlock(t, r);
	assert_false(ef_held(t, r));
	assert_int_equal(COUNT(ASSERT), 1);

	/* Pinning what is not held, unpinning what is not pinned. */
	ud_pin(t, m, EF_PC + 8);
	ef_lock(t, m);
	ud_unpin(t, m, EF_PC + 9);
	ef_unlock(t, m);
	assert_int_equal(COUNT(ASSERT), 3);
	EF_NONE();
	ud_thread_free(t);
}

/* Implicit entries (the runtime's model) are neither listed nor left at exit. */
static void implicit_entries(void **state)
{
	(void)state;
	ud_engine_config_t cfg = { .check_exit = true };
	ef_begin_cfg(&cfg);
	ud_thread_t *t = ef_thread("implicit");
	void *life = ef_new(UD_KIND_PSEUDO);
	void *m = ef_new(UD_KIND_MUTEX);
	ud_class_add_flags(cls(life), UD_CLASS_IMPLICIT);

	ef_lock(t, life);
	ud_thread_exit(t);
	EF_NONE();

	ef_lock(t, life);
	ef_lock(t, m);
	ud_thread_exit(t);
	EF_EXPECT(0, 0, 0, 0, 1);
	const ef_report_t *r = ef_find(UD_REPORT_HELD_AT_EXIT);
	assert_non_null(r);
	assert_int_equal(r->nheld, 1);
	assert_int_equal(r->held_cls_ids[0], ef_cls(m));
	/* It names the innermost lock held, not an empty target. */
	assert_int_equal(r->target_cls, ef_cls(m));
	assert_true(r->target_addr == (uintptr_t)m);

	/* ud_release_implicit keeps the program's locks, in order. */
	void *m2 = ef_new(UD_KIND_MUTEX);
	void *phase = ef_new(UD_KIND_PSEUDO);
	ud_class_add_flags(cls(phase), UD_CLASS_IMPLICIT);
	ef_lock(t, m);
	ef_lock(t, phase);
	ef_lock(t, m2);
	ud_release_implicit(t);
	assert_int_equal(ud_thread_depth(t), 2);
	assert_false(ef_held(t, phase));
	ef_unlock(t, m2);
	ef_unlock(t, m);
	EF_EXPECT(0, 0, 0, 0, 1);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subclass_nesting),
		cmocka_unit_test(nest_lock_counts),
		cmocka_unit_test(instance_order),
		cmocka_unit_test(novalidate_class),
		cmocka_unit_test(notrack_class),
		cmocka_unit_test(pseudo_wait_cycle),
		cmocka_unit_test(wait_context),
		cmocka_unit_test(assertions),
		cmocka_unit_test(pins),
		cmocka_unit_test(implicit_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
