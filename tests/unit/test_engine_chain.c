/*
** test_engine_chain.c: the chain cache, trylock edges and cycle search.
**
** The cache must make a repeated sequence free (no new edge, no new chain)
** without hiding anything new: a different mode is a different chain. A
** successful trylock adds no edge into itself but is the source of later
** edges. The breadth-first search must find long cycles and report a
** shortest one: a report's nlinks is the length of the cycle it shows.
*/
#include "engine_fixture.h"

#include "engine/internal.h"

#define W UD_MODE_WRITE
#define RR UD_MODE_READ_RECURSIVE

/* ---- chain cache ------------------------------------------------------------- */

static void repeat_adds_nothing(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX);
	ud_engine_stats_t s0 = ef_stats();
	ef_lock(t1, a);
	ef_lock(t1, b);
	ef_lock(t1, c);
	ef_unlock(t1, c);
	ef_unlock(t1, b);
	ef_unlock(t1, a);
	ud_engine_stats_t s1 = ef_stats();
	assert_int_equal(s1.edges, s0.edges + 2);	/* a->b, b->c */
	assert_int_equal(s1.chains, s0.chains + 3);	/* a; a,b; a,b,c */

	/* The same sequence again, by the same and by another thread. */
	for (int i = 0; i < 3; i++) {
		ud_thread_t *t = i == 1 ? t2 : t1;
		ef_lock(t, a);
		ef_lock(t, b);
		ef_lock(t, c);
		ef_unlock(t, c);
		ef_unlock(t, b);
		ef_unlock(t, a);
	}
	ud_engine_stats_t s2 = ef_stats();
	assert_int_equal(s2.edges, s1.edges);
	assert_int_equal(s2.chains, s1.chains);

	/* A prefix is a known chain; a new suffix is one new chain and edge. */
	ef_lock(t2, a);
	ef_lock(t2, c);
	ud_engine_stats_t s3 = ef_stats();
	assert_int_equal(s3.edges, s2.edges + 1);	/* a->c */
	assert_int_equal(s3.chains, s2.chains + 1);
	ef_unlock(t2, c);
	ef_unlock(t2, a);
	EF_NONE();
	ud_thread_free(t1);
	ud_thread_free(t2);
}

/* A chain whose new lock has its own class directly below is never cached:
** that nesting is checked per instance on every acquisition, and the
** fast path relies on the cache's miss for it (engine/hot.h). */
static void same_class_nesting_not_cached(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	ud_class_key_t k = ef_key();
	void *x = ef_new_in(UD_KIND_MUTEX, &k), *y = ef_new_in(UD_KIND_MUTEX, &k);
	void *tr = ef_new(UD_KIND_MUTEX);
	ud_engine_stats_t s0 = ef_stats();
	for (int i = 0; i < 2; i++) {
		ef_lock(t, x);
		ef_lock(t, y);			/* directly below */
		assert_false(ud_chain_lookup(t->chain_key));
		ef_unlock(t, y);
		ef_trylock(t, tr, W);
		ef_lock(t, y);			/* under a trylock only */
		assert_false(ud_chain_lookup(t->chain_key));
		ef_unlock(t, y);
		ef_unlock(t, tr);
		ef_unlock(t, x);
	}
	/* x alone is the one chain cached (a trylock validates none). */
	assert_int_equal(ef_stats().chains, s0.chains + 1);
	EF_NONE();
	ud_thread_free(t);
}

/* A mode change makes a new chain: a cached read must not hide a write. */
static void mode_is_part_of_chain(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("modes");
	void *a = ef_new(UD_KIND_RWLOCK), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t, a, RR, b, W);		/* A -SN-> B */
	ef_pair(t, b, W, a, RR);		/* B -ER-> A: not strong */
	size_t chains = ef_stats().chains;
	ef_pair(t, b, W, a, RR);
	assert_int_equal(ef_stats().chains, chains);
	EF_NONE();
	ef_pair(t, b, W, a, W);			/* table row 12, third run */
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef_stats().chains, chains + 1);
	ud_thread_free(t);
}

/* ---- trylock ------------------------------------------------------------------- */

static void trylock_edges(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX);
	ud_engine_stats_t s0 = ef_stats();
	ef_lock(t1, a);
	ef_trylock(t1, b, W);
	ud_engine_stats_t s1 = ef_stats();
	assert_int_equal(s1.edges, s0.edges);		/* no a->b */
	assert_true(ef_held(t1, b));
	ef_lock(t1, c);
	assert_int_equal(ef_stats().edges, s1.edges + 2);	/* b->c and a->c */
	ef_unlock(t1, c);
	ef_unlock(t1, b);
	ef_unlock(t1, a);
	EF_NONE();

	/* No a->b: taking a under b closes nothing. */
	ud_thread_t *t2 = ef_thread("T2");
	ef_pair(t2, b, W, a, W);
	EF_NONE();
	/* b->c exists: c then b is circular, a cycle of two. */
	ud_thread_t *t3 = ef_thread("T3");
	ef_pair(t3, c, W, b, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef.r[0].nlinks, 2);
	assert_int_equal(ef.r[0].link_cls[0], ef_cls(b));
	assert_int_equal(ef.r[0].link_cls[1], ef_cls(c));
	/* a->c exists: c then a is circular too. */
	ud_thread_t *t4 = ef_thread("T4");
	ef_pair(t4, c, W, a, W);
	EF_EXPECT(2, 0, 0, 0, 0);
	assert_int_equal(ef.r[1].nlinks, 2);
	assert_int_equal(ef.r[1].link_cls[0], ef_cls(a));
	assert_int_equal(ef.r[1].link_cls[1], ef_cls(c));
	ud_thread_free(t1);
	ud_thread_free(t2);
	ud_thread_free(t3);
	ud_thread_free(t4);
}

/* A trylock that closes a cycle cannot deadlock (it did not wait): no report. */
static void trylock_closing_is_fine(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("try");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t, a, W, b, W);
	ef_lock(t, b);
	ef_trylock(t, a, W);
	ef_unlock(t, a);
	ef_unlock(t, b);
	EF_NONE();
	/* A timed lock may wait: it is validated like a blocking one. */
	ef_lock(t, b);
	ef_acq(t, a, W, UD_ACQ_TIMED);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/* Consecutive trylocks on top: each is a source, down to the first blocking lock. */
static void trylock_stack(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("trys");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX), *d = ef_new(UD_KIND_MUTEX),
	     *e = ef_new(UD_KIND_MUTEX);
	ef_lock(t, a);
	ef_lock(t, b);
	ef_trylock(t, c, W);
	ef_trylock(t, d, W);
	size_t edges = ef_stats().edges;	/* a->b only */
	ef_lock(t, e);
	assert_int_equal(ef_stats().edges, edges + 3);	/* d->e, c->e, b->e; not a->e */
	EF_NONE();
	ud_thread_free(t);
}

/* ---- cycles -------------------------------------------------------------------- */

/* ABBCCDDA: a cycle of four, found and shown whole. */
static void cycle_of_four(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("abcd");
	void *l[4];
	for (int i = 0; i < 4; i++)
		l[i] = ef_new(UD_KIND_MUTEX);
	for (int i = 0; i < 3; i++)
		ef_pair(t, l[i], W, l[i + 1], W);
	EF_NONE();
	ef_lock(t, l[3]);
	ef_lock(t, l[0]);
	EF_EXPECT(1, 0, 0, 0, 0);
	const ef_report_t *r = &ef.r[0];
	assert_int_equal(r->nlinks, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r->link_cls[i], ef_cls(l[i]));
	assert_int_equal(r->held_cls, ef_cls(l[3]));
	assert_int_equal(r->target_cls, ef_cls(l[0]));
	assert_int_equal(r->nheld, 1);
	ud_thread_free(t);
}

/* A ring of 20 classes, each pair by its own thread. */
static void ring_of_twenty(void **state)
{
	(void)state;
	ef_begin(false);
	enum { N = 20 };
	void *l[N];
	for (int i = 0; i < N; i++)
		l[i] = ef_new(UD_KIND_MUTEX);
	for (int i = 0; i < N - 1; i++) {
		ud_thread_t *t = ef_thread("ring");
		ef_pair(t, l[i], W, l[i + 1], W);
		ud_thread_free(t);
	}
	EF_NONE();
	ud_thread_t *t = ef_thread("closer");
	ef_pair(t, l[N - 1], W, l[0], W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef.r[0].nlinks, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(ef.r[0].link_cls[i], ef_cls(l[i]));
	/* The same closing run again brings no second report. */
	ef_pair(t, l[N - 1], W, l[0], W);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

/*
** Two cycles closed by one acquisition: A->B1->B2->B3->B4->D (made first) and
** A->C->D. Holding D and taking A must show the short one: A, C, D.
*/
static void shortest_cycle_reported(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("paths");
	void *a = ef_new(UD_KIND_MUTEX), *c = ef_new(UD_KIND_MUTEX),
	     *d = ef_new(UD_KIND_MUTEX), *bl[4];
	for (int i = 0; i < 4; i++)
		bl[i] = ef_new(UD_KIND_MUTEX);
	ef_pair(t, a, W, bl[0], W);
	for (int i = 0; i < 3; i++)
		ef_pair(t, bl[i], W, bl[i + 1], W);
	ef_pair(t, bl[3], W, d, W);
	ef_pair(t, a, W, c, W);
	ef_pair(t, c, W, d, W);
	EF_NONE();
	ef_pair(t, d, W, a, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef.r[0].nlinks, 3);
	assert_int_equal(ef.r[0].link_cls[0], ef_cls(a));
	assert_int_equal(ef.r[0].link_cls[1], ef_cls(c));
	assert_int_equal(ef.r[0].link_cls[2], ef_cls(d));
	ud_thread_free(t);
}

/* Dependencies from deep in the stack: only the top blocking lock is a source. */
static void cycle_through_lower_held(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t1 = ef_thread("T1"), *t2 = ef_thread("T2");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX),
	     *c = ef_new(UD_KIND_MUTEX);
	/* T1: a, b, c gives a->b, b->c. */
	ef_lock(t1, a);
	ef_lock(t1, b);
	ef_lock(t1, c);
	ef_unlock(t1, c);
	ef_unlock(t1, b);
	ef_unlock(t1, a);
	/* T2: c then a: a->b->c->a, found through the transitive path. */
	ef_pair(t2, c, W, a, W);
	EF_EXPECT(1, 0, 0, 0, 0);
	assert_int_equal(ef.r[0].nlinks, 3);
	ud_thread_free(t1);
	ud_thread_free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repeat_adds_nothing),
		cmocka_unit_test(same_class_nesting_not_cached),
		cmocka_unit_test(mode_is_part_of_chain),
		cmocka_unit_test(trylock_edges),
		cmocka_unit_test(trylock_closing_is_fine),
		cmocka_unit_test(trylock_stack),
		cmocka_unit_test(cycle_of_four),
		cmocka_unit_test(ring_of_twenty),
		cmocka_unit_test(shortest_cycle_reported),
		cmocka_unit_test(cycle_through_lower_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
