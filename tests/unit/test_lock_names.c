/*
** test_lock_names.c: the lock-wrapper name rule of class keys
** (src/symbolize/lock_name.c), the user's rule over it, and their lock-path
** form (ud_symbolize_pc_traits), which reads this program's own symbols.
*/
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "symbolize/symbolize.h"

static void test_wrapper_names(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"CRYPTO_THREAD_lock_new", "uv_mutex_init", "uv_rwlock_init",
		"v8::base::RecursiveMutex::RecursiveMutex", "v8::base::SharedMutex::SharedMutex",
		"my_mutex_init", "PyThread_allocate_lock", "init_recursive_mutex",
		"inline_mysql_mutex_init", "lock_init.isra.0", "mtx_new", "spin_init",
		"RWLock::RWLock", "absl::SRWLockInit", "make_latch", "FutexInit",
		"InitializeCriticalSection_critsec", "LOCK_create", "Mutex<int>::Mutex",
		"ns::Pool<std::mutex>::lock_new", "my_mutex_init(pthread_mutex_t*)",
		"mutex2_init",
	};
	static const char *const no[] = {
		"obj_new", "new_block", "clock_init", "conn_create", "Cache::Cache",
		"locked_list_new", "unlock_all", "blocking_queue_new", "Deadlock::Deadlock",
		"spinner_new", "Lockless::push", "gst_object_init", "g_object_new",
		"Mutex::Helper::create", "make<Mutex>", "Pool<Mutex>::Pool",
		"{lambda()#1}::operator()", "", "mutexes_new",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!ud_symbolize_is_lock_name(yes[i]))
			fail_msg("%s: not a lock wrapper", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (ud_symbolize_is_lock_name(no[i]))
			fail_msg("%s: a lock wrapper", no[i]);
	assert_false(ud_symbolize_is_lock_name(NULL));
}

/* Functions of this file whose traits the lock path reads from its symbols. */
static uintptr_t probe_ret;

static __attribute__((noinline)) void probe(void)
{
	probe_ret = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void my_mutex_init(void)
{
	probe();
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

__attribute__((noinline)) void obj_new(void)
{
	probe();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void make_guard(void)
{
	probe();
	__asm__ volatile("" ::: "memory");
}

/* Mangled: v8::base::RecursiveMutex::RecursiveMutex(). */
__attribute__((noinline)) void v8_ctor(void) __asm__("_ZN2v84base14RecursiveMutexC2Ev");
__attribute__((noinline)) void v8_ctor(void)
{
	probe();
	__asm__ volatile("" ::: "memory");
}

static uintptr_t site_in(void (*f)(void))
{
	f();
	return probe_ret;
}

/* The user's lines: make_guard is a wrapper, my_mutex_init is not. */
static int user_rule(const char *function)
{
	if (strcmp(function, "make_guard") == 0)
		return 1;
	if (strcmp(function, "my_mutex_init") == 0)
		return -1;
	return 0;
}

static void test_traits(void **state)
{
	(void)state;
	uintptr_t wrapper = site_in(my_mutex_init), ctor = site_in(obj_new);
	uintptr_t guard = site_in(make_guard), v8 = site_in(v8_ctor);
	assert_int_equal(ud_symbolize_pc_traits(wrapper), UD_SITE_LOCK_WRAPPER);
	assert_int_equal(ud_symbolize_pc_traits(ctor), 0);
	assert_int_equal(ud_symbolize_pc_traits(guard), 0);
	assert_int_equal(ud_symbolize_pc_traits(v8), UD_SITE_LOCK_WRAPPER);
	/* Cached, the same again. */
	assert_int_equal(ud_symbolize_pc_traits(wrapper), UD_SITE_LOCK_WRAPPER);
	assert_int_equal(ud_symbolize_pc_traits(0), UD_SITE_UNNAMED);
	/* An address in no module, and one in no function (a variable). */
	static char data[64];
	assert_int_equal(ud_symbolize_pc_traits(1), UD_SITE_UNNAMED);
	assert_true(ud_symbolize_pc_traits((uintptr_t)data + 8) & UD_SITE_UNNAMED);

	/* The user's rule wins over the name, and what was cached before it
	** is forgotten. */
	ud_symbolize_set_user_rule(user_rule);
	assert_int_equal(ud_symbolize_pc_traits(guard), UD_SITE_LOCK_WRAPPER);
	assert_int_equal(ud_symbolize_pc_traits(wrapper), 0);
	assert_int_equal(ud_symbolize_pc_traits(ctor), 0);
	assert_int_equal(ud_symbolize_pc_traits(v8), UD_SITE_LOCK_WRAPPER);
	ud_symbolize_set_user_rule(NULL);
	assert_int_equal(ud_symbolize_pc_traits(wrapper), UD_SITE_LOCK_WRAPPER);
	assert_int_equal(ud_symbolize_pc_traits(guard), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrapper_names),
		cmocka_unit_test(test_traits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
