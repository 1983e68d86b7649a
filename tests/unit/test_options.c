/*
** test_options.c: the ULOCKDEP_OPTIONS parser (src/base/options.c): every
** type, every error message, defaults, separators, quoting, merging of
** successive parses, and the help text.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"

static ud_options_t o;
static char err[512];

static int parse(const char *text)
{
	return ud_options_parse(&o, text, err, sizeof err);
}

/* Parse that must fail with exactly the message want. */
static void parse_fails(const char *text, const char *want)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(err, want);
}

static int setup(void **state)
{
	(void)state;
	ud_options_defaults(&o);
	err[0] = 0;
	return 0;
}

static void test_defaults_fill_every_field(void **state)
{
	(void)state;
	/* Start from garbage: every field must be written by the defaults. */
	memset(&o, 0x5a, sizeof o);
	ud_options_defaults(&o);
#define UD_OPTION(type, name, def, desc) CHECK_##type(name, def)
#define CHECK_BOOL(name, def) assert_int_equal(o.name, (def) != 0);
#define CHECK_INT(name, def) assert_int_equal(o.name, (long)(def));
#define CHECK_STR(name, def) assert_string_equal(o.name, def);
#include "base/options.inc"
#undef UD_OPTION
#undef CHECK_BOOL
#undef CHECK_INT
#undef CHECK_STR
}

static void test_documented_defaults(void **state)
{
	(void)state;
	/* The values docs and help promise; a change here is a user-visible one. */
	assert_false(o.strict);
	assert_int_equal(o.init_frames, 0);
	assert_int_equal(o.stack_frames, 16);
	assert_false(o.halt_on_error);
	assert_int_equal(o.report_max, 0);
	assert_int_equal(o.exitcode, 66);
	assert_true(o.check_exit);
	assert_string_equal(o.log_path, "");
	assert_true(o.summary);
}

static void test_empty_input(void **state)
{
	(void)state;
	ud_options_t before = o;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(":: \t\n: "), 0);
	assert_int_equal(ud_options_parse(&o, NULL, err, sizeof err), 0);
	assert_memory_equal(&o, &before, sizeof o);
	assert_string_equal(err, "");
}

static void test_bool_values(void **state)
{
	(void)state;
	static const struct { const char *text; bool want; } cases[] = {
		{ "strict=1", true }, { "strict=0", false },
		{ "strict=yes", true }, { "strict=no", false },
		{ "strict=true", true }, { "strict=false", false },
		{ "strict=YES", true }, { "strict=False", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		o.strict = !cases[i].want;
		assert_int_equal(parse(cases[i].text), 0);
		assert_int_equal(o.strict, cases[i].want);
	}
	assert_int_equal(parse("check_exit=no:summary=false"), 0);
	assert_false(o.check_exit);
	assert_false(o.summary);
}

static void test_bool_errors(void **state)
{
	(void)state;
	parse_fails("strict=maybe", "option 'strict' expects a boolean "
		    "(0/1/yes/no/true/false), got 'maybe'");
	parse_fails("strict=", "option 'strict' expects a boolean "
		    "(0/1/yes/no/true/false), got ''");
	parse_fails("summary=2", "option 'summary' expects a boolean "
		    "(0/1/yes/no/true/false), got '2'");
	parse_fails("strict=yess", "option 'strict' expects a boolean "
		    "(0/1/yes/no/true/false), got 'yess'");
}

static void test_int_values(void **state)
{
	(void)state;
	assert_int_equal(parse("report_max=0"), 0);
	assert_int_equal(o.report_max, 0);
	assert_int_equal(parse("report_max=12345"), 0);
	assert_int_equal(o.report_max, 12345);
	assert_int_equal(parse("report_max=007"), 0);
	assert_int_equal(o.report_max, 7);
	assert_int_equal(parse("init_frames=1:stack_frames=64"), 0);
	assert_int_equal(o.init_frames, 1);
	assert_int_equal(o.stack_frames, 64);
	assert_int_equal(parse("init_frames=64:stack_frames=1"), 0);
	assert_int_equal(o.init_frames, 64);
	assert_int_equal(o.stack_frames, 1);
	assert_int_equal(parse("exitcode=0"), 0);
	assert_int_equal(o.exitcode, 0);
	assert_int_equal(parse("exitcode=255"), 0);
	assert_int_equal(o.exitcode, 255);
	/* The largest value is an integer >= 0 like any other. */
	assert_int_equal(parse("report_max=9223372036854775807"), 0);
	assert_true(o.report_max == LONG_MAX);
	assert_int_equal(parse("report_max=09223372036854775806"), 0);
	assert_true(o.report_max == LONG_MAX - 1);
}

static void test_int_errors(void **state)
{
	(void)state;
	parse_fails("report_max=x", "option 'report_max' expects a "
		    "non-negative integer, got 'x'");
	parse_fails("report_max=-1", "option 'report_max' expects a "
		    "non-negative integer, got '-1'");
	parse_fails("report_max=12x", "option 'report_max' expects a "
		    "non-negative integer, got '12x'");
	parse_fails("report_max=+3", "option 'report_max' expects a "
		    "non-negative integer, got '+3'");
	parse_fails("report_max=", "option 'report_max' expects a "
		    "non-negative integer, got ''");
	parse_fails("report_max=0x10", "option 'report_max' expects a "
		    "non-negative integer, got '0x10'");
	parse_fails("report_max=9223372036854775808", "option "
		    "'report_max' expects a non-negative integer, got "
		    "'9223372036854775808'");
	parse_fails("report_max=99999999999999999999999", "option "
		    "'report_max' expects a non-negative integer, got "
		    "'99999999999999999999999'");
	parse_fails("init_frames=65", "option 'init_frames' expects an "
		    "integer from 0 to 64, got '65'");
	parse_fails("stack_frames=65", "option 'stack_frames' expects an "
		    "integer from 1 to 64, got '65'");
	parse_fails("stack_frames=-5", "option 'stack_frames' expects an "
		    "integer from 1 to 64, got '-5'");
	parse_fails("exitcode=256", "option 'exitcode' expects an "
		    "integer from 0 to 255, got '256'");
}

static void test_string_values(void **state)
{
	(void)state;
	assert_int_equal(parse("log_path=/tmp/ud"), 0);
	assert_string_equal(o.log_path, "/tmp/ud");
	assert_int_equal(parse("log_path='/tmp/a b:c'"), 0);
	assert_string_equal(o.log_path, "/tmp/a b:c");
	assert_int_equal(parse("log_path=\"it's\":strict=1"), 0);
	assert_string_equal(o.log_path, "it's");
	assert_true(o.strict);
	assert_int_equal(parse("log_path=''"), 0);
	assert_string_equal(o.log_path, "");
	assert_int_equal(parse("log_path=a=b"), 0);
	assert_string_equal(o.log_path, "a=b");
}

static void test_string_length_limit(void **state)
{
	(void)state;
	static char text[UD_OPT_STR_MAX + 32];
	int n = snprintf(text, sizeof text, "log_path=");
	memset(text + n, 'p', UD_OPT_STR_MAX - 1);
	text[n + UD_OPT_STR_MAX - 1] = 0;
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(o.log_path), UD_OPT_STR_MAX - 1);

	text[n + UD_OPT_STR_MAX - 1] = 'p';
	text[n + UD_OPT_STR_MAX] = 0;
	char want[128];
	snprintf(want, sizeof want, "option 'log_path' value is too long "
		 "(%d bytes, at most %d)", UD_OPT_STR_MAX, UD_OPT_STR_MAX - 1);
	parse_fails(text, want);
}

static void test_quote_errors(void **state)
{
	(void)state;
	parse_fails("log_path='/tmp/x", "option 'log_path': unterminated "
		    "quote (') in value");
	parse_fails("log_path='a'b:strict=1", "malformed item 'log_path='a'b' "
		    "(text after the closing quote)");
}

static void test_malformed_and_unknown(void **state)
{
	(void)state;
	parse_fails("strict", "malformed item 'strict' (expected name=value)");
	parse_fails("report_max=1:strict:summary=1",
		    "malformed item 'strict' (expected name=value)");
	parse_fails("=1", "malformed item '=1' (expected name=value)");
	parse_fails("foo=1", "unknown option 'foo'");
	parse_fails("strict=1 bogus_name=0", "unknown option 'bogus_name'");
	/* A prefix or an extension of a real name is not that name. */
	parse_fails("stric=1", "unknown option 'stric'");
	parse_fails("strictly=1", "unknown option 'strictly'");
	parse_fails("STRICT=1", "unknown option 'STRICT'");
}

/* A message is one line: the input's control characters are shown as '?'. */
static void test_control_chars_in_message(void **state)
{
	(void)state;
	parse_fails("log_path='a\nb\033[7m'x", "malformed item "
		    "'log_path='a?b?[7m'x' (text after the closing quote)");
	parse_fails("strict=\033]0;t\007", "option 'strict' expects a boolean "
		    "(0/1/yes/no/true/false), got '?]0;t?'");
	parse_fails("\177\001=1", "unknown option '?\?'");
	parse_fails("report_max=1\0332", "option 'report_max' expects a "
		    "non-negative integer, got '1?2'");
}

static void test_long_junk_is_cut_in_message(void **state)
{
	(void)state;
	char text[300];
	memset(text, 'z', 200);
	strcpy(text + 200, "=1");
	assert_int_equal(parse(text), -1);
	/* The quoted name is cut to 64 characters followed by "...". */
	char want[128];
	snprintf(want, sizeof want, "unknown option '%.*s...'", 64, text);
	assert_string_equal(err, want);
}

static void test_separators_and_dashes(void **state)
{
	(void)state;
	assert_int_equal(parse("  strict=1\treport-max=4:\n:stack-frames=8 "), 0);
	assert_true(o.strict);
	assert_int_equal(o.report_max, 4);
	assert_int_equal(o.stack_frames, 8);
	assert_int_equal(parse("halt-on-error=yes"), 0);
	assert_true(o.halt_on_error);
}

static void test_later_items_win(void **state)
{
	(void)state;
	assert_int_equal(parse("report_max=1:report_max=2:strict=1:strict=0"), 0);
	assert_int_equal(o.report_max, 2);
	assert_false(o.strict);
}

static void test_successive_parses_merge(void **state)
{
	(void)state;
	/* As `ulockdep run` does: environment first, then the command line. */
	assert_int_equal(parse("strict=1:report_max=3:log_path=/tmp/env"), 0);
	assert_int_equal(parse("report_max=5"), 0);
	assert_true(o.strict);
	assert_int_equal(o.report_max, 5);
	assert_string_equal(o.log_path, "/tmp/env");
	assert_int_equal(o.stack_frames, 16);	/* untouched: still default */
	assert_int_equal(parse("log_path=/tmp/cli"), 0);
	assert_string_equal(o.log_path, "/tmp/cli");
	assert_true(o.strict);
}

static void test_small_error_buffer(void **state)
{
	(void)state;
	char small[16];
	memset(small, '#', sizeof small);
	/* Only the first 8 bytes may be written, and they end in a NUL. */
	assert_int_equal(ud_options_parse(&o, "strict=maybe", small, 8), -1);
	assert_string_equal(small, "option ");
	for (size_t i = 8; i < sizeof small; i++)
		assert_int_equal(small[i], '#');
}

/*
** The help at width: every line fits, and with each line break and its
** indent taken back to one space, every description reads in full.
*/
static void check_help(int width)
{
	ud_buf_t b = { 0 };
	ud_options_help(&b, width);
	assert_non_null(b.data);

	char *flat = malloc(b.len + 1);
	assert_non_null(flat);
	size_t n = 0, col = 0;
	for (size_t i = 0; i < b.len; i++) {
		if (b.data[i] == '\n') {
			assert_true(col <= (size_t)width);
			col = 0;
			flat[n++] = ' ';
			while (i + 1 < b.len && b.data[i + 1] == ' ')
				i++;
			continue;
		}
		col++;
		flat[n++] = b.data[i];
	}
	flat[n] = 0;

	/* Each option's line starts "  name ", the first one too. */
	char *lines = malloc(b.len + 2);
	assert_non_null(lines);
	lines[0] = '\n';
	memcpy(lines + 1, b.data, b.len + 1);
	char needle[512];
#define UD_OPTION(type, name, def, desc) \
	snprintf(needle, sizeof needle, "\n  %s ", #name); \
	assert_non_null(strstr(lines, needle)); \
	snprintf(needle, sizeof needle, " %s ", desc); \
	assert_non_null(strstr(flat, needle));
#include "base/options.inc"
#undef UD_OPTION
	free(lines);
	free(flat);

	/* Type and default appear on the option's own line. */
	const char *line = strstr(b.data, "  stack_frames ");
	assert_non_null(line);
	const char *eol = strchr(line, '\n');
	const char *ty = strstr(line, "int 1-64");
	const char *def = strstr(line, "default 16");
	assert_true(ty && ty < eol);
	assert_true(def && def < eol);
	line = strstr(b.data, "  strict ");
	eol = strchr(line, '\n');
	ty = strstr(line, "bool");
	def = strstr(line, "default 0");
	assert_true(ty && ty < eol);
	assert_true(def && def < eol);
	line = strstr(b.data, "  log_path ");
	eol = strchr(line, '\n');
	def = strstr(line, "default \"\"");
	assert_true(def && def < eol);
	ud_buf_free(&b);
}

static void test_help_lists_every_option(void **state)
{
	(void)state;
	check_help(80);
	check_help(50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults_fill_every_field, setup),
		cmocka_unit_test_setup(test_documented_defaults, setup),
		cmocka_unit_test_setup(test_empty_input, setup),
		cmocka_unit_test_setup(test_bool_values, setup),
		cmocka_unit_test_setup(test_bool_errors, setup),
		cmocka_unit_test_setup(test_int_values, setup),
		cmocka_unit_test_setup(test_int_errors, setup),
		cmocka_unit_test_setup(test_string_values, setup),
		cmocka_unit_test_setup(test_string_length_limit, setup),
		cmocka_unit_test_setup(test_quote_errors, setup),
		cmocka_unit_test_setup(test_malformed_and_unknown, setup),
		cmocka_unit_test_setup(test_control_chars_in_message, setup),
		cmocka_unit_test_setup(test_long_junk_is_cut_in_message, setup),
		cmocka_unit_test_setup(test_separators_and_dashes, setup),
		cmocka_unit_test_setup(test_later_items_win, setup),
		cmocka_unit_test_setup(test_successive_parses_merge, setup),
		cmocka_unit_test_setup(test_small_error_buffer, setup),
		cmocka_unit_test_setup(test_help_lists_every_option, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
