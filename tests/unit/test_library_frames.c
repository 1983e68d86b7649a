/*
** test_library_frames.c: the demangler (src/symbolize/demangle.c) and the
** rule for the C++ library's frames (src/symbolize/wrapper.c): names come
** out without parameter lists, with no call to malloc, even for a name too
** deep for a small thread stack; the rule by name, file and module; and its
** lock-path form, which reads this program's own symbol table.
*/
// LINK: -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "symbolize/symbolize.h"

/* Every malloc, calloc and realloc linked statically into this program
** (libiberty's included) comes through here. */
static unsigned long heap_calls;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	__atomic_add_fetch(&heap_calls, 1, __ATOMIC_RELAXED);
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	__atomic_add_fetch(&heap_calls, 1, __ATOMIC_RELAXED);
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	__atomic_add_fetch(&heap_calls, 1, __ATOMIC_RELAXED);
	return __real_realloc(p, n);
}

/* raw demangled, or NULL; the result is the caller's to free. */
static char *demangled(const char *raw)
{
	ud_buf_t b = { 0 };
	if (!ud_demangle(raw, &b)) {
		assert_true(b.len == 0);
		ud_buf_free(&b);
		return NULL;
	}
	char *s = strdup(b.data);
	ud_buf_free(&b);
	return s;
}

static void expect_demangled(const char *raw, const char *want)
{
	char *got = demangled(raw);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_names_without_parameters(void **state)
{
	(void)state;
	expect_demangled("_ZN4plug2maE", "plug::ma");
	expect_demangled("_ZL20__gthread_mutex_lockP15pthread_mutex_t",
			 "__gthread_mutex_lock");
	expect_demangled("_ZNKSt5mutex4lockEv", "std::mutex::lock");
	expect_demangled("_ZN5Cache3putEi", "Cache::put");
	expect_demangled("_ZZ4mainENKUlvE_clEv", "main::{lambda()#1}::operator()");
	expect_demangled("_ZN12_GLOBAL__N_13fooEv", "(anonymous namespace)::foo");
	expect_demangled("_ZNSt10lock_guardISt5mutexEC2ERS0_",
			 "std::lock_guard<std::mutex>::lock_guard");
}

static void test_not_mangled(void **state)
{
	(void)state;
	assert_null(demangled("main"));
	assert_null(demangled("_Zq"));		/* not a valid encoding */
	assert_null(demangled(NULL));
	/* A failure leaves what was in the buffer. */
	ud_buf_t b = { 0 };
	ud_buf_puts(&b, "kept");
	assert_false(ud_demangle("_Z!", &b));
	assert_string_equal(b.data, "kept");
	ud_buf_free(&b);
}

static void test_no_malloc(void **state)
{
	(void)state;
	ud_buf_t b = { 0 };
	unsigned long before = __atomic_load_n(&heap_calls, __ATOMIC_RELAXED);
	assert_true(ud_demangle("_ZNSt6thread11_State_implINS_8_InvokerISt5tupleIJZ4mainEUlvE_EEEEE6_M_runEv", &b));
	assert_true(ud_demangle("_ZN5boost4asio6detail15reactive_socketINS0_2ip3tcpEE4sendEv", &b));
	assert_int_equal(__atomic_load_n(&heap_calls, __ATOMIC_RELAXED), before);
	ud_buf_free(&b);
	/* The counter counts: libiberty's entry point that mallocs is seen. */
	char *m = cplus_demangle_v3("_ZN4plug2maE", DMGL_NO_OPTS);
	assert_non_null(m);
	assert_true(__atomic_load_n(&heap_calls, __ATOMIC_RELAXED) > before);
	free(m);
}

/* A name nested 400 deep: libiberty needs more stack for it than a 64 KiB
** thread has (it crashes there when called directly). */
#define DEEP 400

static void *demangle_deep(void *arg)
{
	(void)arg;
	ud_buf_t raw = { 0 };
	ud_buf_puts(&raw, "_ZN");
	for (int i = 0; i < DEEP; i++)
		ud_buf_puts(&raw, "1a");
	ud_buf_puts(&raw, "E");
	ud_buf_t out = { 0 };
	bool ok = ud_demangle(raw.data, &out);
	bool right = ok && out.len == DEEP * 3 - 2 && strncmp(out.data, "a::a::", 6) == 0;
	ud_buf_free(&raw);
	ud_buf_free(&out);
	return right ? (void *)1 : NULL;
}

static void test_deep_name_on_small_stack(void **state)
{
	(void)state;
	pthread_attr_t attr;
	pthread_t th;
	void *ret = NULL;
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
	assert_int_equal(pthread_create(&th, &attr, demangle_deep, NULL), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	pthread_attr_destroy(&attr);
	assert_ptr_equal(ret, (void *)1);
}

static void test_rule(void **state)
{
	(void)state;
	assert_true(ud_symbolize_is_wrapper_name("std::mutex::lock"));
	assert_true(ud_symbolize_is_wrapper_name("std::unique_lock<std::mutex>::unique_lock"));
	assert_true(ud_symbolize_is_wrapper_name("__gthread_mutex_lock"));
	assert_true(ud_symbolize_is_wrapper_name("__gthrw_pthread_mutex_lock"));
	assert_true(ud_symbolize_is_wrapper_name("__gnu_cxx::__mutex::lock"));
	assert_true(ud_symbolize_is_wrapper_name("__cxa_guard_acquire"));
	assert_false(ud_symbolize_is_wrapper_name("Cache::put"));
	assert_false(ud_symbolize_is_wrapper_name("stdx::lock"));
	assert_false(ud_symbolize_is_wrapper_name("main::{lambda()#1}::operator()"));
	assert_false(ud_symbolize_is_wrapper_name(NULL));

	assert_true(ud_symbolize_is_wrapper_file("/usr/include/c++/12/bits/std_mutex.h"));
	assert_true(ud_symbolize_is_wrapper_file(
		"/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h"));
	assert_true(ud_symbolize_is_wrapper_file("include/c++/12/mutex"));
	assert_true(ud_symbolize_is_wrapper_file("/usr/lib/llvm-14/bin/../include/c++/v1/__mutex_base"));
	assert_false(ud_symbolize_is_wrapper_file("cache.cpp"));
	assert_false(ud_symbolize_is_wrapper_file("/home/me/c++/cache.h"));
	assert_false(ud_symbolize_is_wrapper_file("/usr/include/libc++/x.h"));
	assert_false(ud_symbolize_is_wrapper_file("/usr/include/pthread.h"));
	assert_false(ud_symbolize_is_wrapper_file(NULL));

	assert_true(ud_symbolize_is_wrapper_module("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"));
	assert_true(ud_symbolize_is_wrapper_module("libc++.so.1"));
	assert_false(ud_symbolize_is_wrapper_module("/lib/x86_64-linux-gnu/libc.so.6"));
	assert_false(ud_symbolize_is_wrapper_module(NULL));

	/* A known file wins over the name: a specialisation in namespace std
	** written by the program is the program's code. */
	ud_frame_t f = { .function = "std::hash<Key>::operator()", .file = "key.cpp" };
	assert_false(ud_symbolize_frame_is_wrapper(&f));
	ud_frame_t g = { .function = "std::mutex::lock" };
	assert_true(ud_symbolize_frame_is_wrapper(&g));
	ud_frame_t h = { .function = "Cache::put", .file = "/usr/include/c++/12/bits/std_mutex.h" };
	assert_true(ud_symbolize_frame_is_wrapper(&h));
	ud_frame_t m = { .function = "run", .file = "x.cpp",
			 .module = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" };
	assert_true(ud_symbolize_frame_is_wrapper(&m));
}

/* Functions whose symbols the lock-path form reads from this very file. */
static uintptr_t probe_ret;

static __attribute__((noinline)) void probe(void)
{
	probe_ret = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void gthread_named(void) __asm__("__gthread_fake_lock");
__attribute__((noinline)) void gthread_named(void)
{
	probe();
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

/* Mangled: std::fake::lock(), a name only the demangler tells. */
__attribute__((noinline)) void std_named(void) __asm__("_ZNSt4fake4lockEv");
__attribute__((noinline)) void std_named(void)
{
	probe();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void program_named(void)
{
	probe();
	__asm__ volatile("" ::: "memory");
}

static void test_lock_path_rule(void **state)
{
	(void)state;
	gthread_named();
	uintptr_t in_gthread = probe_ret;
	std_named();
	uintptr_t in_std = probe_ret;
	program_named();
	uintptr_t in_program = probe_ret;
	assert_true(ud_symbolize_pc_is_wrapper(in_gthread));
	assert_true(ud_symbolize_pc_is_wrapper(in_std));
	assert_false(ud_symbolize_pc_is_wrapper(in_program));
	/* Cached, and the same again. */
	assert_true(ud_symbolize_pc_is_wrapper(in_std));
	assert_false(ud_symbolize_pc_is_wrapper(in_program));
	assert_false(ud_symbolize_pc_is_wrapper(0));

	/* Any address in libstdc++ itself, by its module. */
	void *h = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	void *detach = dlsym(h, "_ZNSt6thread6detachEv");
	assert_non_null(detach);
	assert_true(ud_symbolize_pc_is_wrapper((uintptr_t)detach + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_without_parameters),
		cmocka_unit_test(test_not_mangled),
		cmocka_unit_test(test_no_malloc),
		cmocka_unit_test(test_deep_name_on_small_stack),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_lock_path_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
