#define _GNU_SOURCE 1
/*
** test_suppress.c: suppression files (parser, error messages, pattern
** semantics) and their effect on submitted reports: a suppressed problem is
** not handed to the sink, not counted as a distinct problem, and its rule's
** hit count goes up; a rule that does not match changes nothing. And the
** rules gen_suppressions writes: the kind's narrowest type with the title's
** function, else a class, each matching its report.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/stack.h"
#include "report/format.h"
#include "report/output.h"
#include "report/report.h"
#include "report/suppress.h"

static int parse(ud_supp_list_t *l, const char *text, char *err, size_t n)
{
	return ud_supp_parse(l, "s.supp", text, strlen(text), err, n);
}

static void test_parse_ok(void **state)
{
	(void)state;
	ud_supp_list_t l = { 0 };
	char err[256] = "";
	const char *text = "# header\n\n  deadlock:foo_*  \nlock : cache.lru_lock\n"
			   "\tunlock:^bar$\nrecursive:x\nfreed:y\nexit:z";
	assert_int_equal(parse(&l, text, err, sizeof err), 0);
	assert_int_equal(l.n, 6);
	assert_int_equal(l.rules[0].type, UD_SUPP_DEADLOCK);
	assert_string_equal(l.rules[0].pattern, "foo_*");
	assert_int_equal(l.rules[0].line, 3);
	assert_int_equal(l.rules[1].type, UD_SUPP_LOCK);
	assert_string_equal(l.rules[1].pattern, "cache.lru_lock");
	assert_int_equal(l.rules[2].type, UD_SUPP_UNLOCK);
	assert_string_equal(l.rules[2].pattern, "^bar$");
	assert_int_equal(l.rules[3].type, UD_SUPP_RECURSIVE);
	assert_int_equal(l.rules[4].type, UD_SUPP_FREED);
	assert_int_equal(l.rules[5].type, UD_SUPP_EXIT);
	assert_int_equal(l.rules[5].line, 8);	/* last line without newline */
	ud_supp_free(&l);
	assert_int_equal(l.n, 0);
}

/* wrapper: and constructor: lines: the first that matches says. */
static void test_wrapper_rule(void **state)
{
	(void)state;
	ud_supp_list_t l = { 0 };
	char err[256] = "";
	const char *text = "deadlock:make_guard\nwrapper:^make_guard$\n"
			   "constructor:Pool::*\nwrapper:*::Pool*\nwrapper:ns::*";
	assert_int_equal(parse(&l, text, err, sizeof err), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.rules[1].type, UD_SUPP_WRAPPER);
	assert_int_equal(l.rules[2].type, UD_SUPP_CONSTRUCTOR);
	assert_int_equal(ud_supp_wrapper_rule(&l, "make_guard"), 1);
	assert_int_equal(ud_supp_wrapper_rule(&l, "make_guard2"), 0);
	assert_int_equal(ud_supp_wrapper_rule(&l, "Pool::Pool"), -1);
	assert_int_equal(ud_supp_wrapper_rule(&l, "app::Pool::Pool"), -1);
	assert_int_equal(ud_supp_wrapper_rule(&l, "app::PoolLock"), 1);
	assert_int_equal(ud_supp_wrapper_rule(&l, "ns::f"), 1);
	assert_int_equal(ud_supp_wrapper_rule(&l, "obj_new"), 0);
	ud_supp_free(&l);
	assert_int_equal(ud_supp_wrapper_rule(&l, "make_guard"), 0);
}

static void parse_fails(const char *text, const char *want)
{
	ud_supp_list_t l = { 0 };
	char err[256] = "";
	assert_int_equal(parse(&l, text, err, sizeof err), -1);
	assert_string_equal(err, want);
	ud_supp_free(&l);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_fails("deadlock:a\n# c\nrace:foo\n",
		    "s.supp:3: unknown suppression type 'race' (expected deadlock, "
		    "recursive, lock, unlock, freed, exit, ring, wrapper or constructor)");
	parse_fails("deadlock foo", "s.supp:1: missing ':' in 'deadlock foo' "
		    "(expected TYPE:PATTERN)");
	parse_fails("\n\nlock:   \n", "s.supp:3: empty pattern after 'lock:'");
	parse_fails("deadlock:^$", "s.supp:1: empty pattern after 'deadlock:'");
	parse_fails(":foo", "s.supp:1: unknown suppression type '' (expected "
		    "deadlock, recursive, lock, unlock, freed, exit, ring, wrapper "
		    "or constructor)");
	parse_fails("Deadlock:foo", "s.supp:1: unknown suppression type 'Deadlock' "
		    "(expected deadlock, recursive, lock, unlock, freed, exit, ring, "
		    "wrapper or constructor)");
	/* Control bytes are shown escaped, long text cut. */
	parse_fails("dead\x01lock", "s.supp:1: missing ':' in 'dead\\x01lock' "
		    "(expected TYPE:PATTERN)");
}

static void test_load_missing(void **state)
{
	(void)state;
	ud_supp_list_t l = { 0 };
	char err[256];
	assert_int_equal(ud_supp_load(&l, "/nonexistent/x.supp", err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/x.supp: cannot read suppressions: "
			    "No such file or directory");
}

static void test_match(void **state)
{
	(void)state;
	/* Anywhere in the string, like TSan. */
	assert_true(ud_supp_match("foo", "my_foo_bar"));
	assert_false(ud_supp_match("foo", "fo"));
	assert_true(ud_supp_match("f*r", "xx_foo_bar"));
	assert_true(ud_supp_match("f?o", "afoo"));
	assert_false(ud_supp_match("f?o", "fo"));
	/* Anchors. */
	assert_true(ud_supp_match("^foo", "foo_bar"));
	assert_false(ud_supp_match("^foo", "my_foo"));
	assert_true(ud_supp_match("bar$", "foo_bar"));
	assert_false(ud_supp_match("bar$", "bar_foo"));
	assert_true(ud_supp_match("^foo$", "foo"));
	assert_false(ud_supp_match("^foo$", "foo2"));
	assert_true(ud_supp_match("^*.c$", "src/a.c"));
	assert_false(ud_supp_match("^*.c$", "src/a.cc"));
	assert_true(ud_supp_match("^a*b*c$", "aXbYbc"));
	assert_false(ud_supp_match("x", NULL));
	assert_true(ud_supp_match("*", ""));
	assert_true(ud_supp_match("", "x"));
	assert_true(ud_supp_match("^$", ""));
	assert_false(ud_supp_match("^$", "x"));
	assert_true(ud_supp_match("a*a", "xaay"));
	assert_false(ud_supp_match("^a*a$", "a"));
}

/*
** C++ names run to thousands of characters (templates of templates). A
** pattern that matches anywhere is matched once over the whole name, not
** once per substring, so these finish at once; the old matcher, cubic in
** the name's length, took minutes on the 8,674-character one.
*/
static void test_match_long_names(void **state)
{
	(void)state;
	static const char unit[] = "boost::asio::detail::reactive_socket_service<";
	size_t n = 200 * (sizeof unit - 1);
	char *name = malloc(n + 64);
	assert_non_null(name);
	for (size_t i = 0; i < 200; i++)
		memcpy(name + i * (sizeof unit - 1), unit, sizeof unit - 1);
	strcpy(name + n, "handler>::do_lock");
	assert_true(ud_supp_match("*asio*", name));
	assert_true(ud_supp_match("asio", name));
	assert_true(ud_supp_match("do_lock$", name));
	assert_true(ud_supp_match("^boost::*::do_lock$", name));
	assert_false(ud_supp_match("never_matches_anything", name));
	assert_false(ud_supp_match("*a*b*c*d*e*f*g*h*z*", name));
	assert_false(ud_supp_match("^asio", name));
	assert_false(ud_supp_match("service<$", name));
	free(name);
}

/* ---- suppressed submissions ------------------------------------------- */

__attribute__((noinline)) uintptr_t ud_test_supp_site(void)
{
	uintptr_t r = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

__attribute__((noinline)) uintptr_t suppressible_caller(void)
{
	uintptr_t r = ud_test_supp_site();
	__asm__ volatile("" ::: "memory");
	return r;
}

static unsigned sink_calls;
static void count_sink(const ud_report_t *r, void *arg)
{
	(void)r;
	(void)arg;
	sink_calls++;
}

static ud_report_t unlock_report(uint64_t sig, const char *cls, unsigned id)
{
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_UNLOCK_BALANCE;
	r.thread.tid = 1;
	r.target.cls.id = id;
	r.target.cls.key.kind = UD_KEY_USER;
	r.target.cls.key.key = 0x5000 + id;
	r.target.cls.key.name = cls;
	r.target.pc = suppressible_caller();
	r.signature = sig;
	return r;
}

static void load(const char *text)
{
	char path[] = "/tmp/ud_supp_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char err[256] = "";
	assert_int_equal(ud_report_load_suppressions(path, err, sizeof err), 0);
	unlink(path);
}

static void test_suppressed_submission(void **state)
{
	(void)state;
	ud_report_set_sink(count_sink, NULL);
	load("lock:^held_by_rule$\nunlock:suppressible_caller\n");

	unsigned d0 = ud_report_count_distinct(), s0 = ud_report_count_suppressed();
	/* Matched by its class name. */
	ud_report_t r1 = unlock_report(0xa1, "held_by_rule", 9001);
	assert_false(ud_report_submit(&r1));
	/* Matched by a frame function. */
	ud_report_t r2 = unlock_report(0xa2, "other_class", 9002);
	assert_false(ud_report_submit(&r2));
	assert_false(ud_report_submit(&r2));	/* a second hit */
	assert_int_equal(sink_calls, 0);
	assert_int_equal(ud_report_count_distinct(), d0);
	assert_int_equal(ud_report_count_suppressed(), s0 + 2);

	/* A file whose rules match nothing: the same kind of report is shown. */
	load("deadlock:suppressible_caller\nlock:^held_by_rule_not$\nunlock:nothing_like_it\n");
	ud_report_t r3 = unlock_report(0xa3, "held_by_rule", 9003);
	assert_true(ud_report_submit(&r3));
	assert_int_equal(sink_calls, 1);
	assert_int_equal(ud_report_count_distinct(), d0 + 1);

	/* print_suppressions: the rules that matched, with their counts. */
	load("unlock:^suppressible_caller$\n");
	ud_report_t r4 = unlock_report(0xa4, "x", 9004);
	assert_false(ud_report_submit(&r4));
	assert_false(ud_report_submit(&r4));
	char dir[] = "/tmp/ud_supp_log_XXXXXX", base[64], path[96];
	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof base, "%s/log", dir);
	snprintf(path, sizeof path, "%s.%d", base, (int)getpid());
	assert_int_equal(ud_log_init(base), 0);
	ud_report_set_print_suppressions(true);
	ud_report_finish();
	ud_report_set_print_suppressions(false);
	assert_int_equal(ud_log_init(NULL), 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[512] = "";
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = 0;
	fclose(f);
	assert_string_equal(text, "ulockdep: suppressions used:\n  count type:pattern\n"
			    "      2 unlock:^suppressible_caller$\n");
	unlink(path);
	rmdir(dir);
}

/* The rule gen_suppressions gives r, which must also match r. */
static void check_gen(const ud_report_t *r, const char *want)
{
	ud_buf_t b = { 0 };
	assert_true(ud_report_suppression_gen(r, &b));
	assert_string_equal(b.data, want);
	ud_supp_list_t l = { 0 };
	char err[256] = "";
	assert_int_equal(ud_supp_parse(&l, "gen", b.data, b.len, err, sizeof err), 0);
	assert_int_equal(ud_report_suppression_match(r, &l), 0);
	ud_supp_free(&l);
	ud_buf_free(&b);
}

static void test_generated_rules(void **state)
{
	(void)state;
	/* A frame type of the kind's own, naming the title's function. */
	ud_report_t r = unlock_report(0xb1, "gen_class", 9101);
	check_gen(&r, "unlock:^suppressible_caller$");
	r.kind = UD_REPORT_HELD_FREED;
	check_gen(&r, "freed:^suppressible_caller$");
	r.kind = UD_REPORT_RECURSIVE;
	check_gen(&r, "recursive:^suppressible_caller$");
	r.kind = UD_REPORT_CIRCULAR;
	check_gen(&r, "deadlock:^suppressible_caller$");

	/* No frame type covers assertions: the class, with no wildcard left
	** but '?' standing for '*' and '?'. */
	ud_report_t a = unlock_report(0xb2, "gen*class?x", 9102);
	a.kind = UD_REPORT_ASSERT;
	check_gen(&a, "lock:^gen?class?x$");

	/* Locks held at exit, taken in code of no module: no frame to name,
	** and no target; the innermost held lock's class. */
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	ud_report_lock_t held[2] = { 0 };
	const char *names[2] = { "outer_kept", "inner_kept" };
	for (int i = 0; i < 2; i++) {
		held[i].cls.id = 9103 + (unsigned)i;
		held[i].cls.key.kind = UD_KEY_USER;
		held[i].cls.key.key = 0x6000 + (unsigned)i;
		held[i].cls.key.name = names[i];
		held[i].pc = (uintptr_t)page + 0x10;
	}
	ud_report_t e = { 0 };
	e.kind = UD_REPORT_HELD_AT_EXIT;
	e.held_locks = held;
	e.nheld = 2;
	e.target = held[1];	/* the engine names the innermost lock */
	check_gen(&e, "lock:^inner_kept$");
	/* The same, taken in the program: the function that took it. */
	held[1].pc = suppressible_caller();
	e.target = held[1];
	check_gen(&e, "exit:^suppressible_caller$");
	munmap(page, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_wrapper_rule),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_long_names),
		cmocka_unit_test(test_suppressed_submission),
		cmocka_unit_test(test_generated_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
