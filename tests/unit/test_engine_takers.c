/*
** test_engine_takers.c: cycles through a thread lifetime close only at a lock
** instance that another thread took too (src/engine/takers.c).
**
** Each test has a lifetime class T (threads created at one place), a lock
** class H with one instance per simulated thread (one init site, one object
** per thread), and a "main" thread that joins workers. Acquisitions go
** through ud_note_taker first, as the runtime's hooks do.
*/
#include "engine_fixture.h"

static ud_instance_t *inst(const void *a)
{
	ud_instance_t *in = ud_instance_lookup(a);
	assert_non_null(in);
	return in;
}

typedef struct world {
	ud_class_key_t life_key, lock_key;
	void *join_wait;	/* the instance a join waits on, of class T */
} world_t;

static world_t world_new(void)
{
	world_t w = { .life_key = ef_key(), .lock_key = ef_key() };
	w.join_wait = ef_new_in(UD_KIND_PSEUDO, &w.life_key);
	ud_class_add_flags(ud_instance_class(inst(w.join_wait)), UD_CLASS_IMPLICIT);
	return w;
}

/* A worker thread holding its lifetime, and a lock of class H of its own. */
static ud_thread_t *worker(const world_t *w, void **own)
{
	ud_thread_t *t = ef_thread("worker");
	void *life = ef_new_in(UD_KIND_PSEUDO, &w->life_key);
	*own = ef_new_in(UD_KIND_MUTEX, &w->lock_key);
	ef_lock(t, life);
	return t;
}

static void take(ud_thread_t *t, const void *a)
{
	ud_note_taker(t, inst(a));
	ef_lock(t, a);
}

static void take_release(ud_thread_t *t, const void *a)
{
	take(t, a);
	ef_unlock(t, a);
}

static void join(ud_thread_t *t, const world_t *w)
{
	ud_acquire_as(t, inst(w->join_wait), NULL, UD_MODE_WRITE, UD_ACQ_WAIT,
		      NULL, EF_PC);
	ef_unlock(t, w->join_wait);
}

/* Main holds its own H while joining workers that take only their own H. */
static void own_instances(void **state)
{
	(void)state;
	ef_begin(false);
	world_t w = world_new();
	ud_thread_t *main_t = ef_thread("main");
	void *mine = ef_new_in(UD_KIND_MUTEX, &w.lock_key);
	void *own1, *own2;

	/* The worker first: the join closes the class cycle. */
	ud_thread_t *w1 = worker(&w, &own1);
	take_release(w1, own1);
	take(main_t, mine);
	join(main_t, &w);
	ef_unlock(main_t, mine);
	EF_NONE();

	/* A second worker's acquisition meets the join edge already there. */
	ud_thread_t *w2 = worker(&w, &own2);
	take(main_t, mine);
	join(main_t, &w);
	take_release(w2, own2);
	ef_unlock(main_t, mine);
	EF_NONE();
	ud_thread_free(w1);
	ud_thread_free(w2);
	ud_thread_free(main_t);
}

/* The join comes first and the worker's own acquisition closes the cycle. */
static void own_instance_after_join(void **state)
{
	(void)state;
	ef_begin(false);
	world_t w = world_new();
	ud_thread_t *main_t = ef_thread("main");
	void *mine = ef_new_in(UD_KIND_MUTEX, &w.lock_key);
	void *own;
	ud_thread_t *wk = worker(&w, &own);
	take(main_t, mine);
	join(main_t, &w);
	take_release(wk, own);
	ef_unlock(main_t, mine);
	EF_NONE();
	ud_thread_free(wk);
	ud_thread_free(main_t);
}

/* The worker took the very lock main holds across the join: circular. */
static void shared_instance(void **state)
{
	(void)state;
	ef_begin(false);
	world_t w = world_new();
	ud_thread_t *main_t = ef_thread("main");
	void *mine = ef_new_in(UD_KIND_MUTEX, &w.lock_key);
	void *own;
	ud_thread_t *wk = worker(&w, &own);
	take_release(wk, mine);
	take(main_t, mine);
	join(main_t, &w);
	ef_unlock(main_t, mine);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(wk);
	ud_thread_free(main_t);
}

/* Main holds H and joins; the worker then takes main's H: it would block. */
static void shared_instance_after_join(void **state)
{
	(void)state;
	ef_begin(false);
	world_t w = world_new();
	ud_thread_t *main_t = ef_thread("main");
	void *mine = ef_new_in(UD_KIND_MUTEX, &w.lock_key);
	void *own;
	ud_thread_t *wk = worker(&w, &own);
	take(main_t, mine);
	join(main_t, &w);
	ud_note_taker(wk, inst(mine));
	ef_lock(wk, mine);	/* reported before it would block */
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_acquire_undo(wk, inst(mine));
	ef_unlock(main_t, mine);
	ud_thread_free(wk);
	ud_thread_free(main_t);
}

/* Instances whose takers are unknown (never noted) are not excused. */
static void unknown_takers(void **state)
{
	(void)state;
	ef_begin(false);
	world_t w = world_new();
	ud_thread_t *main_t = ef_thread("main");
	void *mine = ef_new_in(UD_KIND_MUTEX, &w.lock_key);
	void *own;
	ud_thread_t *wk = worker(&w, &own);
	/* ud_acquire() alone: no taker is noted. */
	ud_acquire(wk, inst(own), UD_MODE_WRITE, 0, EF_PC);
	ef_unlock(wk, own);
	ud_acquire(main_t, inst(mine), UD_MODE_WRITE, 0, EF_PC);
	join(main_t, &w);
	ef_unlock(main_t, mine);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(wk);
	ud_thread_free(main_t);
}

/* The rule is only for lifetimes: an ABBA of one thread's locks is reported. */
static void no_lifetime(void **state)
{
	(void)state;
	ef_begin(false);
	ud_thread_t *t = ef_thread("alone");
	void *a = ef_new(UD_KIND_MUTEX), *b = ef_new(UD_KIND_MUTEX);
	take(t, a);
	take_release(t, b);
	ef_unlock(t, a);
	take(t, b);
	take_release(t, a);
	ef_unlock(t, b);
	EF_EXPECT(1, 0, 0, 0, 0);
	ud_thread_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_instances),
		cmocka_unit_test(own_instance_after_join),
		cmocka_unit_test(shared_instance),
		cmocka_unit_test(shared_instance_after_join),
		cmocka_unit_test(unknown_takers),
		cmocka_unit_test(no_lifetime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
