/*
** test_engine_misc.c: held stacks, unlock balance, freed and inherited locks,
** thread exit, halting and statistics.
*/
#include "engine_fixture.h"

#include <stdlib.h>

#define W UD_MODE_WRITE

/* ---- held stacks ------------------------------------------------------------ */

static void thousand_deep(void **state)
{
	(void)state;
	ef_begin(false);
	enum { N = 1000 };
	ud_thread_t *t = ef_thread("deep");
	void **l = calloc(N, sizeof *l);
	assert_non_null(l);
	for (int i = 0; i < N; i++)
		l[i] = ef_new(UD_KIND_MUTEX);
	ud_engine_stats_t s0 = ef_stats();
	for (int i = 0; i < N; i++) {
		ef_lock(t, l[i]);
		assert_int_equal(ud_thread_depth(t), (unsigned)i + 1);
	}
	ud_engine_stats_t s1 = ef_stats();
	assert_int_equal(s1.edges, s0.edges + N - 1);
	assert_int_equal(s1.chains, s0.chains + N);
	assert_true(ef_held(t, l[0]) && ef_held(t, l[N / 2]) && ef_held(t, l[N - 1]));
	for (int i = N; i-- > 0;)
		ef_unlock(t, l[i]);
	assert_int_equal(ud_thread_depth(t), 0);
	EF_NONE();
	/* Again, from another thread: all cached. */
	ud_thread_t *t2 = ef_thread("deep2");
	for (int i = 0; i < N; i++)
		ef_lock(t2, l[i]);
	for (int i = N; i-- > 0;)
		ef_unlock(t2, l[i]);
	assert_int_equal(ef_stats().chains, s1.chains);
	assert_int_equal(ef_stats().edges, s1.edges);
	EF_NONE();
	free(l);
	ud_thread_free(t);
	ud_thread_free(t2);
}

/* The deepest stack seen shows in the statistics. */
static void stats_max_depth(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("depth");
	void *l[40];
	for (int i = 0; i < 40; i++) {
		l[i] = ef_new(UD_KIND_MUTEX);
		ef_lock(t, l[i]);
	}
	assert_true(ef_stats().max_depth >= 40);
	for (int i = 40; i-- > 0;)
		ef_unlock(t, l[i]);
	EF_NONE();
	ud_thread_free(t);
}

static void is_held(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_RWLOCK),
	     *c = ef_new(UD_KIND_MUTEX);
	assert_false(ef_held(t1, a));
	ef_lock(t1, a);
	ef_rlock(t1, b);
	ef_rlock(t2, b);
	assert_true(ef_held(t1, a));
	assert_true(ef_held(t1, b));
	assert_false(ef_held(t1, c));
	assert_false(ef_held(t2, a));
	assert_true(ef_held(t2, b));
	ef_unlock(t1, a);
	assert_false(ef_held(t1, a));
	assert_true(ef_held(t1, b));
	ef_unlock(t1, b);
	ef_unlock(t2, b);
	assert_false(ef_held(t1, b) || ef_held(t2, b));
	EF_NONE();
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/*
** a, b, c held; b released: a and c stay held, and the stack is keyed as
** "a, c": taking d validates the chain a, c, d, so another thread taking
** a, c, d afterwards finds every chain cached.
*/
static void out_of_order_release(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	ef_lock(t1, a);
	ef_lock(t1, b);
	ef_lock(t1, c);
	ud_engine_stats_t s0 = ef_stats();
	ef_unlock(t1, b);
	assert_int_equal(ud_thread_depth(t1), 2);
	assert_true(ef_held(t1, a));
	assert_false(ef_held(t1, b));
	assert_true(ef_held(t1, c));
	/* "a, c" is a new combination, validated at once: a->c. */
	ud_engine_stats_t s1 = ef_stats();
	assert_int_equal(s1.edges, s0.edges + 1);
	assert_int_equal(s1.chains, s0.chains + 1);
	ef_lock(t1, d);
	ud_engine_stats_t s2 = ef_stats();
	assert_int_equal(s2.edges, s1.edges + 1);	/* c->d */
	assert_int_equal(s2.chains, s1.chains + 1);

	ef_lock(t2, a);
	ef_lock(t2, c);
	ef_lock(t2, d);
	ud_engine_stats_t s3 = ef_stats();
	assert_int_equal(s3.edges, s2.edges);
	assert_int_equal(s3.chains, s2.chains);
	ef_unlock(t2, d);
	ef_unlock(t2, c);
	ef_unlock(t2, a);

	/* The remaining entries release in any order. */
	ef_unlock(t1, a);
	ef_unlock(t1, d);
	ef_unlock(t1, c);
	assert_int_equal(ud_thread_depth(t1), 0);
	EF_NONE();
	/* a->c was really added: c then a is circular. */
	ef_pair(t2, c, W, a, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* An acquisition undone (timeout, EDEADLK) leaves the stack and key as before. */
static void acquire_undo(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX);
	ef_lock(t1, a);
	ef_acq(t1, b, W, UD_ACQ_TIMED);
	ud_acquire_undo(t1, ud_instance_lookup(b));
	assert_int_equal(ud_thread_depth(t1), 1);
	assert_false(ef_held(t1, b));
	ef_lock(t1, c);
	size_t chains = ef_stats().chains;
	ef_lock(t2, a);
	ef_lock(t2, c);
	assert_int_equal(ef_stats().chains, chains);
	ef_unlock(t2, c);
	ef_unlock(t2, a);
	ef_unlock(t1, c);
	ef_unlock(t1, a);
	EF_NONE();
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* ---- unlock balance --------------------------------------------------------- */

static void unlock_balance(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	/* Never taken. */
	assert_false(ud_release(t1, a, EF_PC));
	EF_EXPECT(0, 0, 1, 0, 0);
	/* Taken by another thread. */
	ef_lock(t2, b);
	assert_false(ud_release(t1, b, EF_PC));
	EF_EXPECT(0, 0, 2, 0, 0);
	assert_true(ef_held(t2, b));
	assert_int_equal(ef.r[1].nheld, 0);
	/* Released twice, with another lock held: that lock is listed. */
	ef_lock(t1, a);
	ef_lock(t1, b);
	ef_unlock(t1, b);
	assert_false(ud_release(t1, b, EF_PC + 4));
	EF_EXPECT(0, 0, 3, 0, 0);
	assert_int_equal(ef.r[2].nheld, 1);
	assert_int_equal(ef.r[2].held_cls_ids[0], ef_cls(a));
	assert_int_equal(ud_thread_depth(t1), 1);
	/* An address the engine never saw cannot be judged: it may have been
	** locked before the runtime started. Not held, and no report. */
	assert_false(ud_release(t1, ef_addr(), EF_PC + 8));
	EF_EXPECT(0, 0, 3, 0, 0);
	ef_unlock(t1, a);
	ef_unlock(t2, b);
	EF_EXPECT(0, 0, 3, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

static void unlock_balance_owner(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	/* The lock records t1 as its owner: taken while t1 was not tracked. */
	assert_false(ud_release_owner(t1, a, EF_PC, UD_OWNER_SELF));
	EF_NONE();
	/* It records none, or another thread: as without a record. */
	assert_false(ud_release_owner(t1, a, EF_PC + 4, UD_OWNER_OTHER));
	EF_EXPECT(0, 0, 1, 0, 0);
	assert_int_equal(ef.r[0].target_cls, ef_cls(a));
	assert_ptr_equal((void *)ef.r[0].target_addr, a);
	ef_lock(t2, b);
	assert_false(ud_release_owner(t1, b, EF_PC + 8, UD_OWNER_OTHER));
	EF_EXPECT(0, 0, 2, 0, 0);
	assert_true(ef_held(t2, b));
	/* A held lock is released whatever the record says. */
	ef_lock(t1, a);
	assert_true(ud_release_owner(t1, a, EF_PC, UD_OWNER_OTHER));
	assert_int_equal(ud_thread_depth(t1), 0);
	/* Still no instance, no class to name: nothing the engine can report. */
	assert_false(ud_release_owner(t1, ef_addr(), EF_PC + 12, UD_OWNER_OTHER));
	EF_EXPECT(0, 0, 2, 0, 0);
	ef_unlock(t2, b);
	EF_EXPECT(0, 0, 2, 0, 0);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* ---- freed and inherited locks -------------------------------------------------- */

static void destroy_held_keeps_it(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ef_lock(t, a);
	ef_lock(t, b);
	ud_instance_t *ia = ud_instance_lookup(a);
	ud_instance_destroy(t, a, EF_PC);
	EF_EXPECT(0, 0, 0, 1, 0);
	assert_int_equal(ef.r[0].target_cls, ef_cls(a));
	assert_int_equal(ef.r[0].nheld, 2);
	/* Kept: same instance, still held, released without complaint. */
	assert_ptr_equal(ud_instance_lookup(a), ia);
	assert_true(ud_is_held(t, ia));
	ef_unlock(t, a);
	ef_unlock(t, b);
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_instance_destroy(t, a, EF_PC);
	assert_null(ud_instance_lookup(a));
	EF_EXPECT(0, 0, 0, 1, 0);
	/* Another thread destroying it (not holding it) is not held-freed. */
	ud_thread_t *t2 = ef_thread("T2");
	ef_lock(t, b);
	ud_instance_destroy(t2, b, EF_PC);
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_thread_free(t);
	ud_thread_free(t2);
}

/*
** The runtime's re-init of a held lock: destroy (reported, identity kept)
** then create at the same address. The old record must not be handed to
** another lock while the held entry still points at it: a different lock
** of the class created next is not held, and taking it is a plain nesting.
*/
static void reinit_held_then_new_lock(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = { .kind = UD_KEY_INIT_SITE, .key = ef_key().key };
	void *a = ef_new_in(UD_KIND_MUTEX, &k);
	ef_lock(t, a);
	ud_instance_destroy(t, a, EF_PC);
	ud_instance_create(a, UD_KIND_MUTEX, &k);
	EF_EXPECT(0, 0, 0, 1, 0);
	void *b = ef_new_in(UD_KIND_MUTEX, &k);
	assert_false(ef_held(t, b));
	ef_lock(t, b);
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_thread_free(t);
}

/* The same with recursive mutexes: a new lock must not pass for a re-lock. */
static void reinit_held_recursive_then_new_lock(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = { .kind = UD_KEY_INIT_SITE, .key = ef_key().key };
	void *a = ef_new_in(UD_KIND_MUTEX_RECURSIVE, &k);
	ef_lock(t, a);
	ud_instance_destroy(t, a, EF_PC);
	ud_instance_create(a, UD_KIND_MUTEX_RECURSIVE, &k);
	void *d = ef_new(UD_KIND_MUTEX_RECURSIVE);
	ef_lock(t, d);
	assert_int_equal(ud_thread_depth(t), 2);
	assert_true(ud_release(t, d, EF_PC));
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_thread_free(t);
}

static void range_destroy(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	static char block[64] __attribute__((aligned(16)));
	ud_class_key_t k = ef_key();
	for (int i = 0; i < 4; i++)
		ud_instance_create(block + 16 * i, UD_KIND_MUTEX, &k);
	void *outside = ef_new(UD_KIND_MUTEX);
	ef_lock(t, block + 32);
	ud_instance_destroy_range(t, (uintptr_t)block, (uintptr_t)block + sizeof block,
				  EF_PC);
	EF_EXPECT(0, 0, 0, 1, 0);
	assert_null(ud_instance_lookup(block));
	assert_null(ud_instance_lookup(block + 16));
	assert_null(ud_instance_lookup(block + 48));
	assert_non_null(ud_instance_lookup(block + 32));	/* held: kept */
	assert_non_null(ud_instance_lookup(outside));
	ef_unlock(t, block + 32);
	ud_instance_destroy_range(t, (uintptr_t)block, (uintptr_t)block + sizeof block,
				  EF_PC);
	assert_null(ud_instance_lookup(block + 32));
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_thread_free(t);
}

/* After fork: re-init of an inherited held lock ends the entry quietly. */
static void forked_then_destroy(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("parent");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX);
	ef_lock(t, a);
	ef_lock(t, b);
	ud_thread_forked(t, 4242);
	assert_int_equal(ud_thread_tid(t), 4242);
	ud_instance_destroy(t, a, EF_PC);
	EF_NONE();
	assert_int_equal(ud_thread_depth(t), 1);
	assert_null(ud_instance_lookup(a));
	assert_true(ef_held(t, b));
	/* A lock taken in the child is not inherited: destroying it is reported. */
	ef_lock(t, c);
	ud_instance_destroy(t, c, EF_PC);
	EF_EXPECT(0, 0, 0, 1, 0);
	ef_unlock(t, c);
	ef_unlock(t, b);
	assert_int_equal(ud_thread_depth(t), 0);
	EF_EXPECT(0, 0, 0, 1, 0);
	ud_thread_free(t);
}

/* ---- thread exit ------------------------------------------------------------ */

static void exit_with_locks(void **state)
{
	(void)state;
	ud_engine_config_t cfg = { .check_exit = true };
	ef_begin_cfg(&cfg);
	ud_thread_t *t = ef_thread("leaver");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_RWLOCK);
	ef_lock(t, a);
	ef_rlock(t, b);
	ud_thread_exit(t);
	EF_EXPECT(0, 0, 0, 0, 1);
	assert_int_equal(ef.r[0].nheld, 2);
	assert_int_equal(ef.r[0].held_cls_ids[0], ef_cls(a));
	assert_int_equal(ef.r[0].held_cls_ids[1], ef_cls(b));
	assert_int_equal(ud_thread_depth(t), 0);
	/* Nothing held: nothing to say. */
	ud_thread_t *t2 = ef_thread("clean");
	ef_lock(t2, a);
	ef_unlock(t2, a);
	ud_thread_exit(t2);
	EF_EXPECT(0, 0, 0, 0, 1);
	ud_thread_free(t);
	ud_thread_free(t2);
}

static void exit_with_locks_unchecked(void **state)
{
	(void)state;
	ud_engine_config_t cfg = { .check_exit = false };
	ef_begin_cfg(&cfg);
	ud_thread_t *t = ef_thread("leaver");
	void *a = ef_new(UD_KIND_MUTEX);
	ef_lock(t, a);
	ud_thread_exit(t);
	EF_NONE();
	assert_int_equal(ud_thread_depth(t), 0);
	ud_thread_free(t);
}

/* ---- halting ---------------------------------------------------------------- */

static void stop_after_report(void **state)
{
	(void)state;
	ud_engine_config_t cfg = { .stop_after_report = true, .check_exit = true };
	ef_begin_cfg(&cfg);
	assert_true(ud_engine_active());
	ud_thread_t *t = ef_thread("halt");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t, a, W, b, W);
	assert_true(ud_engine_active());
	ef_pair(t, b, W, a, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_false(ud_engine_active());
	/* Nothing more is reported: a new cycle, a self-deadlock, a bad unlock, exit. */
	void *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX);
	ef_pair(t, c, W, d, W);
	ef_pair(t, d, W, c, W);
	ef_lock(t, c);
	ef_lock(t, c);
	assert_false(ud_release(t, d, EF_PC));
	ud_thread_exit(t);
	EF_EXPECT(1, 0, 0, 0, 0);
	/* init turns validation back on. */
	ef_begin(false);
	assert_true(ud_engine_active());
	ud_thread_free(t);
}

static void halt_off_keeps_going(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("go");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t, a, W, b, W);
	ef_pair(t, b, W, a, W);
	assert_true(ud_engine_active());
	ef_lock(t, a);
	ef_lock(t, a);
	EF_EXPECT(1, 1, 0, 0, 0);
	ud_thread_free(t);
}

/* ---- threads ---------------------------------------------------------------- */

static void thread_identity(void **state)
{
	(void)state;
	ud_thread_t *t = ud_thread_new(77, "a-rather-long-thread-name");
	assert_int_equal(ud_thread_tid(t), 77);
	assert_int_equal(ud_thread_depth(t), 0);
	ud_thread_set_name(t, NULL);
	ud_thread_set_origin(t, 1, 0);
	ud_thread_free(t);
	ud_thread_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thousand_deep),
		cmocka_unit_test(stats_max_depth),
		cmocka_unit_test(is_held),
		cmocka_unit_test(out_of_order_release),
		cmocka_unit_test(acquire_undo),
		cmocka_unit_test(unlock_balance),
		cmocka_unit_test(unlock_balance_owner),
		cmocka_unit_test(destroy_held_keeps_it),
		cmocka_unit_test(reinit_held_then_new_lock),
		cmocka_unit_test(reinit_held_recursive_then_new_lock),
		cmocka_unit_test(range_destroy),
		cmocka_unit_test(forked_then_destroy),
		cmocka_unit_test(exit_with_locks),
		cmocka_unit_test(exit_with_locks_unchecked),
		cmocka_unit_test(stop_after_report),
		cmocka_unit_test(halt_off_keeps_going),
		cmocka_unit_test(thread_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
