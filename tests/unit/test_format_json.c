#define _GNU_SOURCE 1
/*
** test_format_json.c: JSON strings, a report as one JSON line, titles that
** skip lock wrappers, and the SARIF log written by ud_report_finish().
** Reports are built by hand with return addresses inside this file's
** functions, so the symbolizer names them.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "engine/engine.h"
#include "base/stack.h"
#include "report/format.h"
#include "report/output.h"
#include "report/report.h"

__attribute__((noinline)) uintptr_t ud_test_json_ret(void)
{
	uintptr_t r = (uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

/* A lock wrapper the title must skip, and the function that calls it. */
__attribute__((noinline)) uintptr_t cache_lock(void)
{
	uintptr_t r = ud_test_json_ret();
	__asm__ volatile("" ::: "memory");
	return r;
}

__attribute__((noinline)) uintptr_t json_site_insert(void)
{
	uintptr_t r = ud_test_json_ret();
	__asm__ volatile("" ::: "memory");
	return r;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *json_of(const char *s)
{
	static ud_buf_t b;
	b.len = 0;
	ud_json_str(&b, s);
	return b.data;
}

static void test_json_strings(void **state)
{
	(void)state;
	assert_string_equal(json_of(NULL), "null");
	assert_string_equal(json_of(""), "\"\"");
	assert_string_equal(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json_of("l1\nl2\tx\x01"), "\"l1\\nl2\\tx\\u0001\"");
	/* Valid UTF-8 is kept, invalid bytes replaced. */
	assert_string_equal(json_of("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(json_of("bad\xe9x"), "\"bad\\ufffdx\"");
	assert_string_equal(json_of("\xc0\xaf"), "\"\\ufffd\\ufffd\"");	/* overlong */
	assert_string_equal(json_of("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
}

static void test_wrappers(void **state)
{
	(void)state;
	assert_true(ud_report_is_lock_wrapper("mmap_read_lock"));
	assert_true(ud_report_is_lock_wrapper("inode_lock"));
	assert_true(ud_report_is_lock_wrapper("inode_unlock"));
	assert_true(ud_report_is_lock_wrapper("pthread_mutex_lock"));
	assert_true(ud_report_is_lock_wrapper("mtx_timedlock"));
	assert_true(ud_report_is_lock_wrapper("std::mutex::lock()"));
	assert_true(ud_report_is_lock_wrapper("std::lock_guard<std::mutex>::lock_guard(std::mutex&)"));
	assert_true(ud_report_is_lock_wrapper("Cache::lock()"));
	assert_true(ud_report_is_lock_wrapper("table_rdlock"));
	assert_false(ud_report_is_lock_wrapper("do_user_addr_fault"));
	assert_false(ud_report_is_lock_wrapper("read_block"));
	assert_false(ud_report_is_lock_wrapper("deadlock"));
	assert_false(ud_report_is_lock_wrapper("clock"));
	assert_false(ud_report_is_lock_wrapper("Cache::insert(int)"));
	assert_true(ud_report_is_lock_wrapper("base::RecursiveMutex::Lock()"));
	assert_true(ud_report_is_lock_wrapper("absl::Mutex::ReaderLock()"));
	assert_true(ud_report_is_lock_wrapper("SharedMutex::TryLockShared()"));
	assert_true(ud_report_is_lock_wrapper("Mutex::Unlock()"));
	assert_false(ud_report_is_lock_wrapper("Disk::ReadBlock(int)"));
	assert_false(ud_report_is_lock_wrapper("Deadlock::Check()"));
	assert_true(ud_report_is_system_module("/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(ud_report_is_system_module("/lib64/ld-linux-x86-64.so.2"));
	assert_false(ud_report_is_system_module("/home/u/libcache.so"));
	assert_false(ud_report_is_system_module(NULL));
}

static ud_report_class_t cls(const char *name, unsigned id)
{
	ud_report_class_t c = { 0 };
	c.id = id;
	c.key.kind = UD_KEY_USER;
	c.key.key = 0x7000 + id;
	c.key.name = name;
	c.kind = UD_KIND_MUTEX;
	return c;
}

/* A cycle a -> b -> a found in json_site_insert, through cache_lock. */
static ud_report_t circular(uint64_t sig)
{
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_CIRCULAR;
	r.thread.tid = 42;
	memcpy(r.thread.name, "wr\"iter", 7);
	uintptr_t wrap = cache_lock(), site = json_site_insert();
	uintptr_t st[2] = { wrap, site };
	r.stack = ud_stack_put(st, 2);
	r.target.cls = cls("json_a", 7001);
	r.target.addr = 0x1000;
	r.target.pc = wrap;
	r.target.references = 1;
	r.held.cls = cls("json_b", 7002);
	r.held.addr = 0x2000;
	r.held.pc = site;
	r.held.mode = UD_MODE_READ;
	r.held.references = 1;
	ud_report_alloc(&r, 2, 1);
	r.links[0].lock = r.target;
	r.links[0].stack = r.stack;
	r.links[0].tid = 42;
	r.links[1].lock = r.held;
	r.links[1].stack = ud_stack_put(&site, 1);
	r.links[1].tid = 43;
	memcpy(r.links[1].thread_name, "other", 5);
	r.held_locks[0] = r.held;
	r.signature = sig;
	return r;
}

static void test_report_json(void **state)
{
	(void)state;
	ud_report_t r = circular(0x1234);
	ud_buf_t b = { 0 };
	ud_report_format_json(&r, &b);
	/* The signature printed is the fingerprint, not the engine's. */
	char want[160];
	snprintf(want, sizeof want, "{\"schema_version\":1,\"kind\":\"circular\","
		 "\"title\":\"possible deadlock in json_site_insert\","
		 "\"signature\":\"%016llx\",",
		 (unsigned long long)ud_report_fingerprint(&r));
	assert_true(ud_report_fingerprint(&r) != 0x1234);
	ud_report_release(&r);
	const char *j = b.data;
	/* One line, ending with its newline. */
	assert_non_null(j);
	assert_int_equal(j[b.len - 1], '\n');
	assert_ptr_equal(strchr(j, '\n'), j + b.len - 1);
	assert_true(starts_with(j, want));
	assert_non_null(strstr(j, "\"thread\":{\"name\":\"wr\\\"iter\",\"tid\":42,"
			       "\"parent_tid\":null,\"created_at\":null}"));
	assert_non_null(strstr(j, "\"target\":{\"address\":\"0x1000\",\"class\":\"json_a\","
			       "\"class_id\":7001,\"lock_kind\":\"mutex\",\"mode\":\"write\","
			       "\"trylock\":false,\"references\":1,\"at\":[{\"function\":\"cache_lock\","));
	assert_non_null(strstr(j, "\"held\":{\"address\":\"0x2000\",\"class\":\"json_b\""));
	assert_non_null(strstr(j, "\"mode\":\"read\""));
	assert_non_null(strstr(j, "\"chain\":[{\"index\":0,\"class\":\"json_a\""));
	assert_non_null(strstr(j, "{\"index\":1,\"class\":\"json_b\",\"class_id\":7002,"
			       "\"lock_kind\":\"mutex\",\"address\":\"0x2000\",\"mode\":\"read\","
			       "\"thread\":{\"name\":\"other\",\"tid\":43,\"created_at\":null},"
			       "\"frames\":[{\"function\":"
			       "\"json_site_insert\""));
	assert_non_null(strstr(j, "\"file\":\""));
	assert_non_null(strstr(j, "test_format_json.c\",\"line\":"));
	assert_non_null(strstr(j, "\"inline\":false,\"module\":\""));
	assert_non_null(strstr(j, "\"freed\":null,\"usage\":null,\"assertion\":null,"
			       "\"signal_dependency\":null,"
			       "\"stack\":[{\"function\":\"cache_lock\""));
	/* Brackets and braces balance outside strings. */
	int depth = 0;
	bool in_str = false;
	for (const char *p = j; *p; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = false;
			continue;
		}
		if (*p == '"')
			in_str = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			assert_true(--depth >= 0);
	}
	assert_false(in_str);
	assert_int_equal(depth, 0);
	ud_buf_free(&b);
}

/* The detail of the inconsistent and assert kinds, field by field. */
static void test_detail_json(void **state)
{
	(void)state;
	ud_report_t r = { 0 };
	r.kind = UD_REPORT_INCONSISTENT;
	r.thread.tid = 7;
	r.target.cls = cls("json_sig", 7003);
	r.target.pc = json_site_insert();
	r.target.mode = UD_MODE_READ_RECURSIVE;
	r.target.references = 1;
	uintptr_t at = cache_lock();
	r.usage_stack = ud_stack_put(&at, 1);
	/* A recursive read in a handler meets usage that excluded readers. */
	r.detail = 34 | UD_USAGE_NEW_IN;	/* a real-time signal: no name */
	ud_buf_t b = { 0 };
	ud_report_format_json(&r, &b);
	assert_non_null(strstr(b.data, "\"usage\":{\"signal\":\"SIG34\",\"signal_number\":34,"
			       "\"context\":\"in_handler\",\"new_usage\":\"IN-SIG34-R\","
			       "\"old_usage\":\"SIG34-ON-W\",\"registered_at\":[{\"function\":"
			       "\"cache_lock\""));
	ud_buf_free(&b);
	/* A write in a handler meeting recursive reads only. */
	r.target.mode = UD_MODE_WRITE;
	r.detail = 34 | UD_USAGE_NEW_IN | UD_USAGE_OLD_READ;
	b = (ud_buf_t){ 0 };
	ud_report_format_json(&r, &b);
	assert_non_null(strstr(b.data, "\"new_usage\":\"IN-SIG34-W\","
			       "\"old_usage\":\"SIG34-ON-R\""));
	assert_non_null(strstr(b.data, "\"assertion\":null"));
	ud_buf_free(&b);

	r = (ud_report_t){ 0 };
	r.kind = UD_REPORT_ASSERT;
	r.detail = UD_ASSERT_NOT_HELD;
	r.target.cls = cls("json_held", 7004);
	r.target.pc = json_site_insert();
	r.held = r.target;
	r.held.addr = 0x3000;
	ud_report_format_json(&r, &b);
	assert_non_null(strstr(b.data, "\"usage\":null,\"assertion\":{\"check\":\"not_held\","
			       "\"call\":\"ulockdep_assert_not_held\",\"message\":"
			       "\"failed ulockdep_assert_not_held(json_held): it holds the lock\","
			       "\"held_lock\":{\"address\":\"0x3000\",\"class\":\"json_held\""));
	ud_buf_free(&b);

	r.detail = UD_ASSERT_UNPIN_NOT_PINNED;
	ud_report_format_json(&r, &b);
	assert_non_null(strstr(b.data, "\"assertion\":{\"check\":\"unpin_not_pinned\","
			       "\"call\":\"ulockdep_unpin\",\"message\":"
			       "\"unpins json_held, which it has not pinned\",\"held_lock\":null}"));
	ud_buf_free(&b);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char data[1 << 17];
	size_t n = fread(data, 1, sizeof data - 1, f);
	fclose(f);
	data[n] = 0;
	return data;
}

/* A cycle between two named classes, with the given class ids. */
static ud_report_t named_cycle(const char *a, unsigned ida, const char *b, unsigned idb,
			       uint64_t sig)
{
	ud_report_t r = circular(sig);
	r.links[0].lock.cls = r.target.cls = cls(a, ida);
	r.links[1].lock.cls = r.held.cls = cls(b, idb);
	return r;
}

/* Fingerprints come from identities: class numbers, the engine's signature
** and the link that closed the cycle do not matter; the classes do. */
static void test_fingerprint(void **state)
{
	(void)state;
	ud_report_t r1 = named_cycle("fp_a", 7101, "fp_b", 7102, 1);
	ud_report_t r2 = named_cycle("fp_a", 7201, "fp_b", 7202, 2);
	ud_report_t r3 = named_cycle("fp_b", 7202, "fp_a", 7201, 3);
	ud_report_t r4 = named_cycle("fp_c", 7301, "fp_d", 7302, 1);
	bool stable = false;
	assert_string_equal(ud_report_class_identity(&r1.target.cls, &stable), "name:fp_a");
	assert_true(stable);
	uint64_t f1 = ud_report_fingerprint(&r1);
	assert_int_equal(f1, ud_report_fingerprint(&r2));
	/* Closed at the other lock, the same cycle: same set of classes. */
	assert_int_equal(f1, ud_report_fingerprint(&r3));
	assert_int_not_equal(f1, ud_report_fingerprint(&r4));
	ud_report_release(&r1);
	ud_report_release(&r2);
	ud_report_release(&r3);
	ud_report_release(&r4);
}

static void test_sarif_log(void **state)
{
	(void)state;
	char dir[] = "/tmp/ud_sarif_XXXXXX", base[64], path[96];
	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof base, "%s/log", dir);
	snprintf(path, sizeof path, "%s.%d", base, (int)getpid());
	assert_int_equal(ud_log_init(base), 0);

	ud_report_set_format(UD_FORMAT_SARIF);
	ud_report_t r = circular(0x5678);
	char fp[96];
	snprintf(fp, sizeof fp, "\"partialFingerprints\":{\"ulockdepSignature/v1\":"
		 "\"%016llx\"},\"occurrenceCount\":2}]",
		 (unsigned long long)ud_report_fingerprint(&r));
	assert_true(ud_report_submit(&r));
	assert_false(ud_report_submit(&r));	/* second hit: occurrenceCount 2 */
	ud_report_release(&r);
	/* Nothing written until the end of the run. */
	assert_int_equal(access(path, F_OK), -1);
	ud_report_finish();
	ud_report_set_format(UD_FORMAT_TEXT);
	assert_int_equal(ud_log_init(NULL), 0);

	const char *s = read_all(path);
	assert_true(starts_with(s, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
				"\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":"
				"\"ulockdep\","));
	assert_non_null(strstr(s, "\"results\":[{\"ruleId\":\"circular\",\"ruleIndex\":0,"
			       "\"level\":\"error\",\"message\":{\"text\":\"possible deadlock in "
			       "json_site_insert: json_a -> json_b -> json_a\"}"));
	/* The primary location is the caller of the wrapper, with its line. */
	const char *loc = strstr(s, "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"");
	assert_non_null(loc);
	const char *region = strstr(loc, "test_format_json.c\"},\"region\":{\"startLine\":");
	assert_non_null(region);
	assert_non_null(strstr(s, "\"fullyQualifiedName\":\"json_site_insert\""));
	assert_non_null(strstr(s, fp));
	assert_string_equal(s + strlen(s) - 4, "}]}\n");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_wrappers),
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_detail_json),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_sarif_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
