/*
** test_engine_classes.c: class keying and instance identity.
**
** A class is found by (key kind, key value, subclass); an instance is one life
** of a lock at an address. These tests check that equal keys meet, unequal
** ones do not, and that a new life at an old address starts with nothing of
** the old one: no class, no instance order, no held state.
*/
#include "engine_fixture.h"

/* ---- class keying ----------------------------------------------------------- */

static void same_key_same_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_class_key_t k = ef_key();
	size_t before = ud_class_count();
	ud_class_t *a = ud_class_get(&k);
	ud_class_t *b = ud_class_get(&k);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_int_equal(ud_class_count(), before + 1);
	/* Two instances created with the key share the class too. */
	void *x1 = ef_new_in(UD_KIND_MUTEX, &k);
	void *x2 = ef_new_in(UD_KIND_MUTEX, &k);
	assert_ptr_equal(ud_instance_class(ud_instance_lookup(x1)), a);
	assert_ptr_equal(ud_instance_class(ud_instance_lookup(x2)), a);
	assert_int_equal(ud_class_count(), before + 1);
	EF_NONE();
}

static void subclass_is_another_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_class_key_t k0 = ef_key(), k1 = k0;
	k1.subclass = 1;
	ud_class_t *c0 = ud_class_get(&k0), *c1 = ud_class_get(&k1);
	assert_ptr_not_equal(c0, c1);
	assert_int_not_equal(ud_class_id(c0), ud_class_id(c1));
	assert_int_equal(ud_class_key(c1)->subclass, 1);
	k1.subclass = 7;
	assert_ptr_not_equal(ud_class_get(&k1), c1);

	/* Parent then child of one lock type, split by subclass: an ordinary
	** two-class order that is checked as such (the inversion is circular). */
	k1.subclass = 1;
	void *parent = ef_new_in(UD_KIND_MUTEX, &k0);
	void *child = ef_new_in(UD_KIND_MUTEX, &k1);
	ud_thread_t *t = ef_thread("sub");
	ef_pair(t, parent, UD_MODE_WRITE, child, UD_MODE_WRITE);
	EF_NONE();
	ef_pair(t, child, UD_MODE_WRITE, parent, UD_MODE_WRITE);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

static void key_kinds_do_not_mix(void **state)
{
	(void)state;
	ef_begin(false);
	uintptr_t v = ef_key().key;
	ud_class_key_t st = { .kind = UD_KEY_STATIC, .key = v, .addr = v };
	ud_class_key_t is = { .kind = UD_KEY_INIT_SITE, .key = v };
	ud_class_key_t as = { .kind = UD_KEY_ACQUIRE_SITE, .key = v };
	ud_class_key_t us = { .kind = UD_KEY_USER, .key = v };
	ud_class_t *c[4] = { ud_class_get(&st), ud_class_get(&is),
			     ud_class_get(&as), ud_class_get(&us) };
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			assert_ptr_not_equal(c[i], c[j]);
	/* The naming fields are not part of the identity. */
	ud_class_key_t st2 = st;
	st2.addr = v + 64;
	st2.site = 99;
	assert_ptr_equal(ud_class_get(&st2), c[0]);
	assert_int_equal(ud_class_key(c[1])->kind, UD_KEY_INIT_SITE);
	assert_true(ud_class_key(c[1])->key == v);
	EF_NONE();
}

static void class_name_is_copied(void **state)
{
	(void)state;
	ef_begin(false);
	char name[32] = "my_lock_class";
	ud_class_key_t k = ef_key();
	k.name = name;
	ud_class_t *c = ud_class_get(&k);
	memset(name, 'x', sizeof name - 1);
	assert_non_null(ud_class_key(c)->name);
	assert_ptr_not_equal(ud_class_key(c)->name, name);
	assert_string_equal(ud_class_key(c)->name, "my_lock_class");
	/* A name given later to an unnamed class sticks; an existing one stays. */
	ud_class_key_t k2 = ef_key();
	ud_class_t *c2 = ud_class_get(&k2);
	assert_null(ud_class_key(c2)->name);
	k2.name = "late";
	assert_ptr_equal(ud_class_get(&k2), c2);
	assert_string_equal(ud_class_key(c2)->name, "late");
	k2.name = "other";
	ud_class_get(&k2);
	assert_string_equal(ud_class_key(c2)->name, "late");
}

/* ---- instance identity ------------------------------------------------------ */

static void destroy_then_create_is_new_instance(void **state)
{
	(void)state;
	ef_begin(false);
	ud_class_key_t k1 = ef_key(), k2 = ef_key();
	void *a = ef_addr();
	size_t n0 = ef_stats().instances;
	ud_instance_t *i1 = ud_instance_create(a, UD_KIND_MUTEX, &k1);
	assert_ptr_equal(ud_instance_lookup(a), i1);
	assert_int_equal(ud_instance_kind(i1), UD_KIND_MUTEX);
	assert_int_equal(ef_stats().instances, n0 + 1);

	ud_thread_t *t = ef_thread("life");
	ud_instance_destroy(t, a, EF_PC);
	assert_null(ud_instance_lookup(a));
	assert_int_equal(ef_stats().instances, n0);

	ud_instance_t *i2 = ud_instance_create(a, UD_KIND_RWLOCK, &k2);
	assert_ptr_equal(ud_instance_lookup(a), i2);
	assert_int_equal(ud_instance_kind(i2), UD_KIND_RWLOCK);
	assert_ptr_equal(ud_instance_class(i2), ud_class_get(&k2));
	assert_false(ud_is_held(t, i2));
	assert_int_equal(ef_stats().instances, n0 + 1);

	/* create over a live instance replaces it quietly. */
	ud_instance_t *i3 = ud_instance_create(a, UD_KIND_MUTEX, &k1);
	assert_ptr_equal(ud_instance_lookup(a), i3);
	assert_ptr_equal(ud_instance_class(i3), ud_class_get(&k1));
	assert_int_equal(ef_stats().instances, n0 + 1);
	ud_instance_destroy(t, a, EF_PC);
	assert_int_equal(ef_stats().instances, n0);
	EF_NONE();
	ud_thread_free(t);
}

/*
** ABBA whose halves live in two lives of the same two addresses, each life
** with classes of its own init sites. Were locks identified by address, the
** second half would close a cycle with the first.
*/
static void abba_across_lifetimes_distinct_sites(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("lives");
	void *p = ef_addr(), *q = ef_addr();
	uintptr_t site = ef_key().key;

	/* Life 1: P and Q initialised at sites s1 and s2. */
	ud_class_key_t s1 = { .kind = UD_KEY_INIT_SITE, .key = site };
	ud_class_key_t s2 = { .kind = UD_KEY_INIT_SITE, .key = site + 1 };
	ud_instance_create(p, UD_KIND_MUTEX, &s1);
	ud_instance_create(q, UD_KIND_MUTEX, &s2);
	ef_pair(t, p, UD_MODE_WRITE, q, UD_MODE_WRITE);
	ud_instance_destroy(t, p, EF_PC);
	ud_instance_destroy(t, q, EF_PC);

	/* Life 2: sites s3 and s4, taken the other way round. */
	ud_class_key_t s3 = { .kind = UD_KEY_INIT_SITE, .key = site + 2 };
	ud_class_key_t s4 = { .kind = UD_KEY_INIT_SITE, .key = site + 3 };
	ud_instance_create(p, UD_KIND_MUTEX, &s3);
	ud_instance_create(q, UD_KIND_MUTEX, &s4);
	assert_ptr_equal(ud_instance_class(ud_instance_lookup(p)), ud_class_get(&s3));
	ef_pair(t, q, UD_MODE_WRITE, p, UD_MODE_WRITE);
	EF_NONE();

	/* Control: within one life the inversion is found. */
	ef_pair(t, p, UD_MODE_WRITE, q, UD_MODE_WRITE);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/*
** The same, with one init site for both locks in both lives (one class): the
** order of the two instances is per life, so the reversed order in life 2
** owes nothing to life 1.
*/
static void abba_across_lifetimes_same_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("lives");
	void *p = ef_addr(), *q = ef_addr();
	ud_class_key_t s = { .kind = UD_KEY_INIT_SITE, .key = ef_key().key };

	ud_instance_create(p, UD_KIND_MUTEX, &s);
	ud_instance_create(q, UD_KIND_MUTEX, &s);
	ef_pair(t, p, UD_MODE_WRITE, q, UD_MODE_WRITE);
	ud_instance_destroy(t, p, EF_PC);
	ud_instance_destroy(t, q, EF_PC);

	ud_instance_create(p, UD_KIND_MUTEX, &s);
	ud_instance_create(q, UD_KIND_MUTEX, &s);
	ef_pair(t, q, UD_MODE_WRITE, p, UD_MODE_WRITE);
	EF_NONE();

	/* Control: the inversion within life 2. */
	ef_pair(t, p, UD_MODE_WRITE, q, UD_MODE_WRITE);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/*
** Only the child dies and comes back (its record and its order node are
** recycled): the old parent -> child order must not hold for the new child.
*/
static void recycled_child_has_no_old_order(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("recycle");
	ud_class_key_t s = ef_key();
	void *parent = ef_new_in(UD_KIND_MUTEX, &s);
	void *child = ef_addr();
	ud_instance_create(child, UD_KIND_MUTEX, &s);
	ef_pair(t, parent, UD_MODE_WRITE, child, UD_MODE_WRITE);
	ud_instance_destroy(t, child, EF_PC);
	ud_instance_create(child, UD_KIND_MUTEX, &s);
	ef_pair(t, child, UD_MODE_WRITE, parent, UD_MODE_WRITE);
	EF_NONE();
	/* Control: with the child alive, the first order is now the inversion. */
	ef_pair(t, parent, UD_MODE_WRITE, child, UD_MODE_WRITE);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/* Re-classing a live instance moves it to the new class for later checks. */
static void set_class_moves_instance(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("recls");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ud_class_key_t named = ef_key();
	named.name = "renamed";
	ef_pair(t, a, UD_MODE_WRITE, b, UD_MODE_WRITE);
	ud_instance_set_class(ud_instance_lookup(a), &named);
	assert_ptr_equal(ud_instance_class(ud_instance_lookup(a)), ud_class_get(&named));
	/* b -> a(new class) closes nothing: the old edge was from the old class. */
	ef_pair(t, b, UD_MODE_WRITE, a, UD_MODE_WRITE);
	EF_NONE();
	ud_instance_set_kind(ud_instance_lookup(a), UD_KIND_MUTEX_RECURSIVE);
	assert_int_equal(ud_instance_kind(ud_instance_lookup(a)), UD_KIND_MUTEX_RECURSIVE);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_key_same_class),
		cmocka_unit_test(subclass_is_another_class),
		cmocka_unit_test(key_kinds_do_not_mix),
		cmocka_unit_test(class_name_is_copied),
		cmocka_unit_test(destroy_then_create_is_new_instance),
		cmocka_unit_test(abba_across_lifetimes_distinct_sites),
		cmocka_unit_test(abba_across_lifetimes_same_class),
		cmocka_unit_test(recycled_child_has_no_old_order),
		cmocka_unit_test(set_class_moves_instance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
