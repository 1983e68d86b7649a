/*
** test_engine_snapshot.c: what the engine hands out for a process record
** (ud_engine_snapshot): its classes, the dependencies between them with how
** each end was taken and the stack that made it, and a generation that
** moves when something is learnt.
*/
#include "engine_fixture.h"

/* The dependency from -> to in s, or NULL. */
static const ud_dep_t *find_dep(const ud_snapshot_t *s, unsigned from, unsigned to)
{
	for (size_t i = 0; i < s->ndeps; i++)
		if (s->deps[i].from == from && s->deps[i].to == to)
			return &s->deps[i];
	return NULL;
}

static bool has_class(const ud_snapshot_t *s, unsigned id)
{
	for (size_t i = 0; i < s->nclasses; i++)
		if (s->classes[i].id == id)
			return true;
	return false;
}

static void test_snapshot(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("snap");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_RWLOCK);
	void *c = ef_new(UD_KIND_MUTEX);
	uint64_t gen = ud_engine_generation();

	ef_pair(t, a, UD_MODE_WRITE, b, UD_MODE_READ_RECURSIVE);	/* a -> b (read) */
	assert_true(ud_engine_generation() > gen);
	gen = ud_engine_generation();
	ef_pair(t, b, UD_MODE_READ_RECURSIVE, c, UD_MODE_WRITE);	/* b (read) -> c */
	ef_pair(t, a, UD_MODE_WRITE, b, UD_MODE_READ_RECURSIVE);	/* cached: nothing new */
	assert_int_equal(ud_engine_generation(), gen + 1);
	EF_NONE();

	ud_snapshot_t s;
	ud_engine_snapshot(&s);
	assert_true(has_class(&s, ef_cls(a)));
	assert_true(has_class(&s, ef_cls(b)));
	assert_true(has_class(&s, ef_cls(c)));
	const ud_dep_t *ab = find_dep(&s, ef_cls(a), ef_cls(b));
	const ud_dep_t *bc = find_dep(&s, ef_cls(b), ef_cls(c));
	assert_non_null(ab);
	assert_non_null(bc);
	assert_null(find_dep(&s, ef_cls(b), ef_cls(a)));
	assert_false(ab->from_read);
	assert_true(ab->to_read);
	assert_true(bc->from_read);
	assert_false(bc->to_read);
	assert_int_not_equal(ab->stack, 0);
	ud_snapshot_free(&s);
	assert_null(s.classes);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
