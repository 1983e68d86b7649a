/*
** test_engine_fast.c: the inline fast path of engine/hot.h.
**
** A hint names an instance record, its life and its class, with a check keyed
** to the lock's address. Taking a lock through it must give exactly what the
** full path gives, for the lock it was made for, while its class and takers
** are those it vouches for; for anything else (another address, a changed
** class, a thread that is not a taker, a word the engine did not make) it
** must refuse and change nothing: the runtime reads hints from words of the
** program's own lock objects.
**
** The fast acquire and release must either do exactly what ud_acquire() and
** ud_release() do, or refuse and change nothing.
*/
#include "engine_fixture.h"

#include "engine/hot.h"

/* Take a through hint h as thread t; the instance or NULL. A refusal must
** leave t as it was. */
static ud_instance_t *take_hinted(ud_thread_t *t, const void *a, ud_hint_t h)
{
	unsigned depth = ud_thread_depth(t);
	uint64_t key = t->chain_key;
	ud_instance_t *in = ud_acquire_hinted(t, a, h.w[0], h.w[1], UD_MODE_WRITE, false,
					      EF_PC);
	if (!in) {
		assert_int_equal(ud_thread_depth(t), depth);
		assert_true(t->chain_key == key);
	}
	return in;
}

/* A lock whose chain alone is cached for t, taken by t once. */
static void *used_lock(ud_thread_t *t, const ud_class_key_t *k)
{
	void *a = ef_new_in(UD_KIND_MUTEX, k);
	ef_lock(t, a);
	ef_unlock(t, a);
	return a;
}

static void hint_takes_its_instance(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *a = used_lock(t, &k);
	ud_instance_t *inst = ud_instance_lookup(a);
	ud_hint_t h = ud_instance_hint(inst);
	assert_true(h.w[0] != 0);
	/* What the full path pushed, the hint pushes. */
	ef_lock(t, a);
	ud_held_t full = t->held[0];
	uint64_t key = t->chain_key;
	ef_unlock(t, a);
	assert_ptr_equal(take_hinted(t, a, h), inst);
	assert_int_equal(ud_thread_depth(t), 1);
	assert_true(t->chain_key == key);
	assert_ptr_equal(t->held[0].inst, full.inst);
	assert_int_equal(t->held[0].gen, full.gen);
	assert_ptr_equal(t->held[0].cls, full.cls);
	assert_true(t->held[0].addr == full.addr);
	assert_true(ud_held_is(&t->held[0], inst));
	assert_true(ud_release_fast(t, a));
	/* Another lock of the class with a's words (a copied mutex): refused;
	** its own hint works. */
	void *b = used_lock(t, &k);
	assert_null(take_hinted(t, b, h));
	assert_ptr_equal(take_hinted(t, b, ud_instance_hint(ud_instance_lookup(b))),
			 ud_instance_lookup(b));
	assert_true(ud_release_fast(t, b));
	EF_NONE();
}

static void hint_vouches_for_takers(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T"), *u = ef_thread("U");
	ud_class_key_t k = ef_key();
	void *a = ef_new_in(UD_KIND_MUTEX, &k);
	ud_instance_t *inst = ud_instance_lookup(a);
	ud_hint_t none = ud_instance_hint(inst);	/* no taker yet */
	used_lock(u, &k);				/* the chain of the class, cached */
	/* The first taker must be noted by the full path. */
	assert_null(take_hinted(t, a, none));
	ef_lock(t, a);
	ef_unlock(t, a);
	ud_hint_t mine = ud_instance_hint(inst);
	assert_ptr_equal(take_hinted(t, a, mine), inst);
	assert_true(ud_release_fast(t, a));
	/* A second taker too: it makes the lock shared. */
	assert_null(take_hinted(u, a, mine));
	ef_lock(u, a);
	ef_unlock(u, a);
	ud_hint_t shared = ud_instance_hint(inst);
	assert_true(shared.w[1] != mine.w[1]);
	assert_ptr_equal(take_hinted(u, a, shared), inst);
	assert_true(ud_release_fast(u, a));
	assert_ptr_equal(take_hinted(t, a, shared), inst);
	assert_true(ud_release_fast(t, a));
	EF_NONE();
}

static void hint_vouches_for_the_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key(), k2 = ef_key();
	void *a = used_lock(t, &k), *other = used_lock(t, &k);
	used_lock(t, &k2);
	ud_instance_t *inst = ud_instance_lookup(a);
	ud_hint_t old = ud_instance_hint(inst);
	ud_hint_t other_old = ud_instance_hint(ud_instance_lookup(other));
	ud_instance_set_class(inst, &k2);
	/* The old class field is refused, and so is every hint of the old
	** class (one epoch for the class): they take the full path once. */
	assert_null(take_hinted(t, a, old));
	assert_null(take_hinted(t, other, other_old));
	ud_instance_t *in2 = take_hinted(t, a, ud_instance_hint(inst));
	assert_ptr_equal(in2, inst);
	assert_ptr_equal(t->held[0].cls, ud_instance_class(inst));
	assert_int_equal(ud_class_id(t->held[0].cls), ef_cls(a));
	assert_true(ud_release_fast(t, a));
	assert_non_null(take_hinted(t, other, ud_instance_hint(ud_instance_lookup(other))));
	assert_true(ud_release_fast(t, other));
	/* A new life at the same address has a hint of its own. */
	ud_instance_destroy(NULL, a, 0);
	ud_instance_t *again = ud_instance_create(a, UD_KIND_MUTEX, &k);
	ef_lock(t, a);
	ef_unlock(t, a);
	ud_hint_t h = ud_instance_hint(again);
	assert_ptr_equal(take_hinted(t, a, h), again);
	assert_true(ud_held_is(&t->held[0], again));
	assert_true(ud_release_fast(t, a));
	EF_NONE();
}

/* Classes past the class table's first size (it doubles, and readers may
** still hold the old one): a hint names any of them. */
static void hint_names_any_class(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *first = NULL, *last = NULL;
	for (int i = 0; i < 3000; i++) {
		ud_class_key_t k = ef_key();
		last = ef_new_in(UD_KIND_MUTEX, &k);
		if (!first)
			first = last;
	}
	void *locks[2] = { first, last };
	for (int i = 0; i < 2; i++) {
		void *a = locks[i];
		ef_lock(t, a);
		ef_unlock(t, a);
		ud_instance_t *inst = ud_instance_lookup(a);
		assert_ptr_equal(take_hinted(t, a, ud_instance_hint(inst)), inst);
		assert_ptr_equal(t->held[0].cls, ud_instance_class(inst));
		assert_true(ud_release_fast(t, a));
	}
	EF_NONE();
}

static void foreign_words_are_refused(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *a = used_lock(t, &k);
	ud_instance_t *inst = ud_instance_lookup(a);
	ud_hint_t h = ud_instance_hint(inst);
	ud_hint_t bad[] = {
		{ { 0, 0 } },					/* an empty word */
		{ { h.w[0] ^ (1ull << 32), h.w[1] } },		/* another generation */
		{ { h.w[0] + 1, h.w[1] } },			/* another record */
		{ { h.w[0] | 0xffffffffull, h.w[1] } },		/* past the range */
		{ { h.w[0], h.w[1] | 0x7fffffffull } },		/* past the classes */
		{ { h.w[0], h.w[1] ^ 1 } },			/* another class */
		{ { h.w[0], h.w[1] ^ (1ull << 40) } },		/* a bad check */
		{ { h.w[0], h.w[1] ^ UD_HINT_SHARED } },	/* shared, falsely */
		{ { 0xdeadbeefcafef00dull, 0x0123456789abcdefull } },
		{ { (uint64_t)(uintptr_t)inst, (uint64_t)(uintptr_t)a } },	/* pointers */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(take_hinted(t, a, bad[i]));
	/* A hint written under another key (another process, another run). */
	uint64_t key = ud_hot.hint_key;
	ud_hot.hint_key ^= 0x5555;
	ud_hint_t elsewhere = ud_instance_hint(inst);
	ud_hot.hint_key = key;
	assert_null(take_hinted(t, a, elsewhere));
	assert_ptr_equal(take_hinted(t, a, h), inst);
	assert_true(ud_release_fast(t, a));
	EF_NONE();
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

/*
** A cached chain vouches for the signal usage of the context it was cached
** in: in a new context the fast path misses until the full path has marked
** the usage, and a chain re-keyed by an out-of-order release in a context
** whose usage its class lacks is not cached.
*/
static void fast_acquire_needs_the_usage_of_the_context(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ud_instance_t *ib = ud_instance_lookup(b);
	const uint64_t usr1 = 1ull << (10 - 1);
	ud_thread_set_signals(t, 0, 0);
	ef_lock(t, b);
	ef_unlock(t, b);
	assert_true(ud_acquire_fast(t, ib, UD_MODE_WRITE, false, EF_PC));
	assert_true(ud_release_fast(t, b));
	/* SIGUSR1 unblocked: b has no USR1-ON usage yet. */
	ud_thread_set_signals(t, usr1, 0);
	assert_false(ud_acquire_fast(t, ib, UD_MODE_WRITE, false, EF_PC));
	ef_lock(t, b);
	ef_unlock(t, b);
	assert_true(ud_acquire_fast(t, ib, UD_MODE_WRITE, false, EF_PC));
	assert_true(ud_release_fast(t, b));
	/* Back with nothing unblocked, a (with no usage) then b taken; then, with
	** SIGUSR2 unblocked, a released under b: b's entry is re-keyed as if
	** taken alone in that context, and validated, but b lacks USR2-ON. */
	const uint64_t usr2 = 1ull << (12 - 1);
	ud_thread_set_signals(t, 0, 0);
	ef_lock(t, a);
	ef_lock(t, b);
	ud_thread_set_signals(t, usr2, 0);
	ef_unlock(t, a);
	ef_unlock(t, b);
	assert_false(ud_acquire_fast(t, ib, UD_MODE_WRITE, false, EF_PC));
	ef_lock(t, b);			/* the full path marks USR2-ON */
	ef_unlock(t, b);
	assert_true(ud_acquire_fast(t, ib, UD_MODE_WRITE, false, EF_PC));
	assert_true(ud_release_fast(t, b));
	assert_true((atomic_load(&ud_class_hot_of(ud_instance_class(ib))->sig_on_used) & (usr1 | usr2)) ==
		    (usr1 | usr2));
	EF_NONE();
}

/*
** The pair cache: once two instances of one class nested on a chain were
** validated without a report, the fast path with pairs takes the same pair
** on the same chain; not another pair, not without pairs, not a new life
** of either lock, not with instance_cache=0; and the order is still checked:
** the inverse nesting is a circular dependency.
*/
static void pair_cache_takes_a_validated_pair(void **state)
{
	(void)state;
	for (int off = 0; off < 2; off++) {
		ud_engine_config_t cfg = { .no_instance_cache = off };
		ef_begin_cfg(&cfg);
		ud_thread_t *t = ef_thread("T");
		ud_class_key_t k = ef_key();
		void *x = ef_new_in(UD_KIND_MUTEX, &k), *y = ef_new_in(UD_KIND_MUTEX, &k);
		void *z = ef_new_in(UD_KIND_MUTEX, &k);
		ud_instance_t *iy = ud_instance_lookup(y), *iz = ud_instance_lookup(z);
		ef_lock(t, x);
		ef_lock(t, z);
		ef_unlock(t, z);
		assert_false(ud_acquire_fast_pairs(t, iy, UD_MODE_WRITE, false, EF_PC, true));
		ef_lock(t, y);
		ef_unlock(t, y);
		assert_false(ud_acquire_fast(t, iy, UD_MODE_WRITE, false, EF_PC));
		assert_int_equal(ud_acquire_fast_pairs(t, iy, UD_MODE_WRITE, false, EF_PC, true),
				 !off);
		if (!off) {
			assert_int_equal(ud_thread_depth(t), 2);
			assert_true(ud_release_fast(t, y));
		}
		ef_unlock(t, x);
		/* y then x, against the order: still found. */
		ef_lock(t, y);
		ef_lock(t, x);
		ef_unlock(t, x);
		ef_unlock(t, y);
		EF_EXPECT(1, 0, 0, 0, 0);
		/* A new life of x (the record may be recycled): its pair with z is
		** not the old one's. z then x is fine for it; x then z is a cycle. */
		ud_instance_destroy(t, x, EF_PC);
		assert_non_null(ud_instance_create(x, UD_KIND_MUTEX, &k));
		ef_lock(t, z);
		ef_lock(t, x);
		ef_unlock(t, x);
		ef_unlock(t, z);
		ef_lock(t, x);
		assert_false(ud_acquire_fast_pairs(t, iz, UD_MODE_WRITE, false, EF_PC, true));
		ef_lock(t, z);
		ef_unlock(t, z);
		ef_unlock(t, x);
		EF_EXPECT(2, 0, 0, 0, 0);
	}
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
		cmocka_unit_test(hint_takes_its_instance),
		cmocka_unit_test(hint_vouches_for_takers),
		cmocka_unit_test(hint_vouches_for_the_class),
		cmocka_unit_test(hint_names_any_class),
		cmocka_unit_test(foreign_words_are_refused),
		cmocka_unit_test(fast_acquire_needs_a_cached_chain),
		cmocka_unit_test(fast_acquire_needs_the_usage_of_the_context),
		cmocka_unit_test(fast_acquire_leaves_rules_to_the_full_path),
		cmocka_unit_test(pair_cache_takes_a_validated_pair),
		cmocka_unit_test(release_under_top_rekeys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
