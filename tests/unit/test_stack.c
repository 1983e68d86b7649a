/*
** test_stack.c: stack capture and the depot (src/base/stack.c): which frames
** a capture keeps, one id per distinct stack, ids that stay valid while the
** depot grows, the runtime range, and concurrent puts agreeing on ids.
** Frames are checked by name through the symbolizer.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "base/stack.h"
#include "symbolize/symbolize.h"

#if defined(__clang__)
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

static volatile int sink;	/* read after calls so none is a tail call */

NOIPA static ud_stack_id_t chain_inner(void)
{
	ud_stack_id_t id = ud_stack_capture();
	sink++;
	return id;
}

NOIPA static ud_stack_id_t chain_outer(void)
{
	ud_stack_id_t id = chain_inner();
	sink++;
	return id;
}

/* Name of the function a captured (return-address) frame lies in. */
static const char *frame_function(uintptr_t pc)
{
	ud_frame_t f[8];
	unsigned n = ud_symbolize_code(pc, true, f, 8);
	assert_true(n >= 1);
	return f[n - 1].function;
}

NOIPA static void test_capture_frames(void **state)
{
	(void)state;
	ud_stack_id_t id = chain_outer();
	sink++;
	assert_true(id != 0);

	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	assert_non_null(pcs);
	assert_true(n >= 3 && n <= UD_STACK_MAX_FRAMES);
	/* Frame 0 is inside the function that called ud_stack_capture. */
	assert_string_equal(frame_function(pcs[0]), "chain_inner");
	assert_string_equal(frame_function(pcs[1]), "chain_outer");
	assert_string_equal(frame_function(pcs[2]), "test_capture_frames");
}

NOIPA static void test_same_site_same_id(void **state)
{
	(void)state;
	/* A loop with an opaque bound stays one call site (no unrolling). */
	static volatile int loops = 3;
	ud_stack_id_t ids[3];
	for (int i = 0; i < loops; i++)
		ids[i] = chain_outer();
	sink++;
	assert_true(ids[0] != 0);
	assert_int_equal(ids[0], ids[1]);
	assert_int_equal(ids[1], ids[2]);

	/* Another call site: another stack. */
	ud_stack_id_t other = chain_outer();
	sink++;
	assert_true(other != 0);
	assert_true(other != ids[0]);

	/* Calling the capture from a different function differs at frame 0. */
	ud_stack_id_t direct = chain_inner();
	sink++;
	assert_true(direct != ids[0] && direct != other);
}

static void test_put_get(void **state)
{
	(void)state;
	const uintptr_t a[] = { 0x1000, 0x2000, 0x3000 };
	const uintptr_t b[] = { 0x1000, 0x2000, 0x3001 };
	const uintptr_t prefix[] = { 0x1000, 0x2000 };
	size_t before = ud_stack_count();

	ud_stack_id_t ia = ud_stack_put(a, 3);
	ud_stack_id_t ib = ud_stack_put(b, 3);
	ud_stack_id_t ip = ud_stack_put(prefix, 2);
	assert_true(ia && ib && ip);
	assert_true(ia != ib && ia != ip && ib != ip);
	assert_int_equal(ud_stack_put(a, 3), ia);
	assert_int_equal(ud_stack_count(), before + 3);

	unsigned n = 0;
	const uintptr_t *got = ud_stack_get(ib, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(got, b, sizeof b);
	got = ud_stack_get(ip, &n);
	assert_int_equal(n, 2);
	assert_memory_equal(got, prefix, sizeof prefix);

	/* Ids are assigned in order. */
	assert_int_equal(ib, ia + 1);
	assert_int_equal(ip, ib + 1);
}

static void test_no_stack(void **state)
{
	(void)state;
	unsigned n = 123;
	assert_null(ud_stack_get(0, &n));
	assert_int_equal(n, 0);
	n = 123;
	assert_null(ud_stack_get((ud_stack_id_t)ud_stack_count() + 1, &n));
	assert_int_equal(n, 0);
	assert_null(ud_stack_get(UINT32_MAX, NULL));
	const uintptr_t one = 0x42;
	assert_int_equal(ud_stack_put(&one, 0), 0);
}

/* Thousands of stacks: the bucket array and the id chunks grow under them. */
static void test_growth(void **state)
{
	(void)state;
	enum { N = 20000 };
	static ud_stack_id_t ids[N];
	static const uintptr_t *first_ptr;
	uintptr_t pcs[4];
	for (unsigned i = 0; i < N; i++) {
		pcs[0] = 0x7000000 + i;
		pcs[1] = 0x10;
		pcs[2] = i * 7u;
		pcs[3] = 0x20;
		ids[i] = ud_stack_put(pcs, 1 + i % 4);
		assert_true(ids[i] != 0);
		if (i == 0)
			first_ptr = ud_stack_get(ids[0], NULL);
	}
	/* A pointer handed out early still points at the same stack. */
	assert_ptr_equal(ud_stack_get(ids[0], NULL), first_ptr);
	for (unsigned i = 0; i < N; i++) {
		pcs[0] = 0x7000000 + i;
		pcs[1] = 0x10;
		pcs[2] = i * 7u;
		pcs[3] = 0x20;
		unsigned n = 0;
		const uintptr_t *got = ud_stack_get(ids[i], &n);
		assert_int_equal(n, 1 + i % 4);
		assert_memory_equal(got, pcs, n * sizeof *pcs);
		assert_int_equal(ud_stack_put(pcs, 1 + i % 4), ids[i]);
	}
}

static void symbol_range(uintptr_t fn, const char *name, uintptr_t *lo, uintptr_t *hi)
{
	ud_frame_t f;
	assert_int_equal(ud_symbolize_code(fn, false, &f, 1), 1);
	assert_string_equal(f.function, name);
	assert_int_equal(f.offset, 0);
	assert_true(f.size > 0);
	*lo = fn;
	*hi = fn + f.size;
}

/*
** With a runtime range set, frames are dropped by range, wherever they are,
** and no longer by position: marking ud_stack_capture as runtime gives the
** same frame 0 as before; marking chain_inner instead keeps
** ud_stack_capture's frame and drops chain_inner's.
*/
NOIPA static void test_runtime_range(void **state)
{
	(void)state;
	uintptr_t lo, hi;
	symbol_range((uintptr_t)&ud_stack_capture, "ud_stack_capture", &lo, &hi);
	ud_stack_set_runtime_range(lo, hi);
	ud_stack_id_t id = chain_outer();
	sink++;
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	assert_true(n >= 3);
	assert_string_equal(frame_function(pcs[0]), "chain_inner");
	assert_string_equal(frame_function(pcs[1]), "chain_outer");
	for (unsigned i = 0; i < n; i++)
		assert_false(pcs[i] >= lo && pcs[i] < hi);

	symbol_range((uintptr_t)&chain_inner, "chain_inner", &lo, &hi);
	ud_stack_set_runtime_range(lo, hi);
	id = chain_outer();
	sink++;
	pcs = ud_stack_get(id, &n);
	assert_true(n >= 3);
	assert_string_equal(frame_function(pcs[0]), "ud_stack_capture");
	assert_string_equal(frame_function(pcs[1]), "chain_outer");
	assert_string_equal(frame_function(pcs[2]), "test_runtime_range");

	ud_stack_set_runtime_range(0, 0);
	id = chain_outer();
	sink++;
	pcs = ud_stack_get(id, &n);
	assert_string_equal(frame_function(pcs[0]), "chain_inner");
}

/* Threads putting the same stacks concurrently get the same ids. */
enum { THREADS = 4, SHARED = 3001 };	/* prime: each order below is a permutation */
static ud_stack_id_t thread_ids[THREADS][SHARED];

static void *put_many(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	for (unsigned k = 0; k < SHARED; k++) {
		/* Each thread walks the set in a different order. */
		unsigned i = (k * (2 * t + 1)) % SHARED;
		uintptr_t pcs[2] = { 0x9000000 + i, 0x55 };
		thread_ids[t][i] = ud_stack_put(pcs, 2);
	}
	return NULL;
}

static void test_concurrent_put(void **state)
{
	(void)state;
	size_t before = ud_stack_count();
	pthread_t th[THREADS];
	for (unsigned t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, put_many, (void *)(uintptr_t)t), 0);
	for (unsigned t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	assert_int_equal(ud_stack_count(), before + SHARED);
	for (unsigned i = 0; i < SHARED; i++) {
		assert_true(thread_ids[0][i] != 0);
		for (unsigned t = 1; t < THREADS; t++)
			assert_int_equal(thread_ids[t][i], thread_ids[0][i]);
		unsigned n;
		const uintptr_t *got = ud_stack_get(thread_ids[0][i], &n);
		assert_int_equal(n, 2);
		assert_int_equal(got[0], 0x9000000 + i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_frames),
		cmocka_unit_test(test_same_site_same_id),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_no_stack),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_runtime_range),
		cmocka_unit_test(test_concurrent_put),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
