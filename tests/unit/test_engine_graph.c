/*
** test_engine_graph.c: the dependency graph under many insertions, against a
** model. The class graph keeps a topological order so that most new
** dependencies need no search; these tests check that the verdicts are still
** exactly those of a full search: dependencies that agree with some order
** never give a report, whatever order they arrive in, and each one closing a
** cycle is reported, also after a cycle of readers has made an order
** impossible.
*/
#include "engine_fixture.h"

#include <stdlib.h>

#define N 60

/* xorshift: a fixed seed makes each run the same. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Nest a then b in one thread (the dependency a -> b). */
static void dep(ud_thread_t *t, void *a, void *b)
{
	ef_pair(t, a, UD_MODE_WRITE, b, UD_MODE_WRITE);
}

/* Dependencies i -> j for i < j in a hidden permutation, inserted shuffled. */
static void random_dag(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *lock[N];
	unsigned rank[N];
	for (unsigned i = 0; i < N; i++) {
		lock[i] = ef_new(UD_KIND_MUTEX);
		rank[i] = i;
	}
	for (unsigned i = N - 1; i > 0; i--) {	/* hidden order */
		unsigned j = rnd(i + 1), x = rank[i];
		rank[i] = rank[j];
		rank[j] = x;
	}
	size_t edges_before = ef_stats().edges;
	unsigned added = 0;
	for (unsigned k = 0; k < 1500; k++) {
		unsigned a = rnd(N), b = rnd(N);
		if (a == b)
			continue;
		if (rank[a] > rank[b]) {
			unsigned x = a;
			a = b;
			b = x;
		}
		dep(t, lock[a], lock[b]);
		added++;
	}
	EF_NONE();
	/* Every distinct pair became an edge: nothing was refused. */
	assert_true(ef_stats().edges > edges_before);
	assert_true(added > 0);
	ud_thread_free(t);
}

/*
** The same with a model: keep the adjacency matrix of the dependencies the
** engine accepted, and for each new one predict with a search in the model
** whether it closes a cycle; the engine must report exactly then.
*/
static bool reach[N][N];

static bool model_path(unsigned from, unsigned to)
{
	unsigned stack[N], sp = 0;
	bool seen[N] = { false };
	stack[sp++] = from;
	seen[from] = true;
	while (sp) {
		unsigned v = stack[--sp];
		if (v == to)
			return true;
		for (unsigned w = 0; w < N; w++)
			if (reach[v][w] && !seen[w]) {
				seen[w] = true;
				stack[sp++] = w;
			}
	}
	return false;
}

static void against_model(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *lock[N];
	memset(reach, 0, sizeof reach);
	for (unsigned i = 0; i < N; i++)
		lock[i] = ef_new(UD_KIND_MUTEX);
	unsigned expected = 0;
	for (unsigned k = 0; k < 3000; k++) {
		unsigned a = rnd(N), b = rnd(N);
		if (a == b || reach[a][b])
			continue;
		bool closes = model_path(b, a);
		unsigned before = ef.count[UD_REPORT_CIRCULAR];
		size_t edges = ef_stats().edges;
		dep(t, lock[a], lock[b]);
		unsigned got = ef.count[UD_REPORT_CIRCULAR] - before;
		if (closes) {
			/* Refused: the edge closing a cycle is never added. (The
			** report itself may be a duplicate of an earlier cycle over
			** the same classes, and then is not shown again.) */
			assert_int_equal(ef_stats().edges, edges);
			assert_true(got <= 1);
			expected++;
		} else {
			assert_int_equal(got, 0);
			assert_int_equal(ef_stats().edges, edges + 1);
			reach[a][b] = true;
		}
	}
	assert_true(expected > 0);
	assert_true(ef.count[UD_REPORT_CIRCULAR] > 0);
	assert_int_equal(ef.count[UD_REPORT_RECURSIVE], 0);
	ud_thread_free(t);
}

/* A cycle of recursive readers (not a deadlock) breaks any topological order;
** real cycles added afterwards must still be found. */
static void reader_cycle_then_real_cycle(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("T");
	void *x = ef_new(UD_KIND_RWLOCK), *b = ef_new(UD_KIND_MUTEX);
	ef_pair(t, x, UD_MODE_READ_RECURSIVE, b, UD_MODE_WRITE);	/* x -SN-> b */
	ef_pair(t, b, UD_MODE_WRITE, x, UD_MODE_READ_RECURSIVE);	/* b -ER-> x */
	EF_NONE();
	void *p = ef_new(UD_KIND_MUTEX), *q = ef_new(UD_KIND_MUTEX), *r = ef_new(UD_KIND_MUTEX);
	dep(t, p, q);
	dep(t, q, r);
	EF_NONE();
	dep(t, r, p);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_dag),
		cmocka_unit_test(against_model),
		cmocka_unit_test(reader_cycle_then_real_cycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
