/*
** test_engine_fast.c: the inline fast path of engine/fast.h.
**
** A hint names an instance record by index and generation. It must find the
** instance it was made for while that identity lives, and nothing at all
** once the identity ended, for another address, or when the word holds
** anything the engine did not make: the runtime reads hints from words of
** the program's own lock objects.
**
** The fast acquire and release must either do exactly what ud_acquire() and
** ud_release() do, or refuse and change nothing.
*/
#include "engine_fixture.h"

#include "engine/fast.h"

static void hint_finds_its_instance(void **state)
{
	(void)state;
	ef_begin(false);
	void *a = ef_new(UD_KIND_MUTEX);
	ud_instance_t *inst = ud_instance_lookup(a);
	uint64_t h = ud_instance_hint(inst);
	assert_true(h != 0);
	assert_ptr_equal(ud_instance_from_hint(a, h), inst);
	/* Another address with the same word: another lock (a copied mutex). */
	void *b = ef_new(UD_KIND_MUTEX);
	assert_null(ud_instance_from_hint(b, h));
	assert_ptr_equal(ud_instance_from_hint(b, ud_instance_hint(ud_instance_lookup(b))),
			 ud_instance_lookup(b));
}

static void hint_dies_with_the_identity(void **state)
{
	(void)state;
	ef_begin(false);
	ud_class_key_t k = ef_key();
	void *a = ef_new_in(UD_KIND_MUTEX, &k);
	uint64_t h = ud_instance_hint(ud_instance_lookup(a));
	ud_instance_destroy(NULL, a, 0);
	assert_null(ud_instance_from_hint(a, h));
	/* A new life at the same address, maybe in the same record: the old
	** hint stays dead, the new one works. */
	ud_instance_t *again = ud_instance_create(a, UD_KIND_MUTEX, &k);
	assert_null(ud_instance_from_hint(a, h));
	assert_ptr_equal(ud_instance_from_hint(a, ud_instance_hint(again)), again);
}

static void foreign_words_are_refused(void **state)
{
	(void)state;
	ef_begin(false);
	void *a = ef_new(UD_KIND_MUTEX);
	ud_instance_t *inst = ud_instance_lookup(a);
	uint64_t h = ud_instance_hint(inst);
	assert_null(ud_instance_from_hint(a, 0));		/* an empty word */
	assert_null(ud_instance_from_hint(a, h ^ (1ull << 32)));	/* another generation */
	assert_null(ud_instance_from_hint(a, h | 0xffffffffull));	/* past the range */
	assert_null(ud_instance_from_hint(a, 0xdeadbeefcafef00dull));
	assert_null(ud_instance_from_hint(a, (uint64_t)(uintptr_t)inst));	/* a pointer */
	assert_ptr_equal(ud_instance_from_hint(a, h), inst);
}

static void fast_acquire_needs_a_cached_chain(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *a = ef_new(UD_KIND_MUTEX);
	ud_instance_t *in = ud_instance_lookup(a);
	uint64_t key0 = t->chain_key;
	assert_false(ud_acquire_fast(t, in, UD_MODE_WRITE, false, EF_PC));
	assert_int_equal(ud_thread_depth(t), 0);
	assert_true(t->chain_key == key0);
	ef_lock(t, a);			/* validated, now cached */
	uint64_t key1 = t->chain_key;
	ef_unlock(t, a);
	assert_true(ud_acquire_fast(t, in, UD_MODE_WRITE, false, EF_PC));
	assert_int_equal(ud_thread_depth(t), 1);
	assert_true(t->chain_key == key1);
	assert_true(ud_release_fast(t, a));
	assert_int_equal(ud_thread_depth(t), 0);
	assert_true(t->chain_key == key0);
	/* A trylock needs no cached chain, but its first taker must be noted
	** (takers.c) by the full path. */
	void *b = ef_new(UD_KIND_MUTEX);
	assert_false(ud_acquire_fast(t, ud_instance_lookup(b), UD_MODE_WRITE, true, EF_PC));
	assert_int_equal(ud_thread_depth(t), 0);
	ud_note_taker(t, ud_instance_lookup(b));
	assert_true(ud_acquire_fast(t, ud_instance_lookup(b), UD_MODE_WRITE, true, EF_PC));
	assert_true(ud_release_fast(t, b));
	EF_NONE();
}

static void fast_acquire_leaves_rules_to_the_full_path(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *x = ef_new_in(UD_KIND_MUTEX, &k), *y = ef_new_in(UD_KIND_MUTEX, &k);
	void *r = ef_new(UD_KIND_MUTEX_RECURSIVE);
	/* Same class directly below: instance order is checked every time. */
	ef_lock(t, x);
	ef_lock(t, y);
	ef_unlock(t, y);
	assert_false(ud_acquire_fast(t, ud_instance_lookup(y), UD_MODE_WRITE, false, EF_PC));
	assert_int_equal(ud_thread_depth(t), 1);
	ef_unlock(t, x);
	/* A recursive mutex may be held already. */
	ef_lock(t, r);
	ef_unlock(t, r);
	assert_false(ud_acquire_fast(t, ud_instance_lookup(r), UD_MODE_WRITE, false, EF_PC));
	assert_int_equal(ud_thread_depth(t), 0);
	EF_NONE();
}

static void release_under_top_rekeys(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T"), *u = ef_thread("U");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ef_lock(u, b);			/* the chain "b" alone is cached */
	ef_lock(t, a);
	ef_lock(t, b);
	assert_true(ud_release_fast(t, a));	/* hand over hand */
	assert_int_equal(ud_thread_depth(t), 1);
	assert_true(t->chain_key == u->chain_key);
	assert_true(ud_release_fast(t, b));
	assert_true(ud_release_fast(u, b));
	/* When the new chain was never validated, the full path must run. */
	void *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	ef_lock(t, c);
	ef_lock(t, d);
	assert_false(ud_release_fast(t, c));
	assert_int_equal(ud_thread_depth(t), 2);
	ef_unlock(t, c);
	ef_unlock(t, d);
	assert_int_equal(ud_thread_depth(t), 0);
	EF_NONE();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hint_finds_its_instance),
		cmocka_unit_test(hint_dies_with_the_identity),
		cmocka_unit_test(foreign_words_are_refused),
		cmocka_unit_test(fast_acquire_needs_a_cached_chain),
		cmocka_unit_test(fast_acquire_leaves_rules_to_the_full_path),
		cmocka_unit_test(release_under_top_rekeys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
