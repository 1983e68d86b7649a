/*
** test_symbolize.c: addresses to names (src/symbolize/symbolize.c): [inline]
** frames with the lines of each call, the outer function's +off/size, the
** module and its offset, data addresses named down to struct fields and array
** elements, modules loaded after the first lookup, and addresses in no
** module at all.
*/
#define _GNU_SOURCE 1
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "symbolize/symbolize.h"

#include "fixtures/inline_fixture.c"

static bool ends_with(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Names for the data tests: a struct holding an array of structs. */
struct item {
	int id;
	pthread_mutex_t lock;
};

struct table {
	int n;
	struct item items[4];
	long grid[3][5];
};

struct table table;

/* A data symbol with no DWARF behind it: only symbol+offset can name it. */
__asm__(".data\n"
	".globl asm_blob\n"
	".type asm_blob, @object\n"
	".size asm_blob, 64\n"
	"asm_blob:\n"
	".zero 64\n"
	".text\n");
extern char asm_blob[64];

/*
** Zero-initialised storage beyond what the file supplies lives in an anonymous
** mapping after the module's last file-backed one; the pad puts the lock well
** past the end of the file's pages.
*/
struct far_bss {
	char pad[1 << 20];
	pthread_mutex_t lock;
	long tail[4];
};

struct far_bss far_bss;

static void test_inline_frames(void **state)
{
	(void)state;
	fixture_probe.ret = 0;
	fixture_outer();
	assert_true(fixture_probe.ret != 0);

	ud_frame_t f[8];
	unsigned n = ud_symbolize_code(fixture_probe.ret, true, f, 8);
	assert_int_equal(n, 3);

	assert_string_equal(f[0].function, "fixture_inner");
	assert_true(f[0].inlined);
	assert_true(ends_with(f[0].file, "fixtures/inline_fixture.c"));
	assert_int_equal(f[0].line, fixture_probe.inner_line);

	assert_string_equal(f[1].function, "fixture_mid");
	assert_true(f[1].inlined);
	assert_true(ends_with(f[1].file, "fixtures/inline_fixture.c"));
	assert_int_equal(f[1].line, fixture_probe.mid_line);

	assert_string_equal(f[2].function, "fixture_outer");
	assert_false(f[2].inlined);
	assert_true(ends_with(f[2].file, "fixtures/inline_fixture.c"));
	assert_int_equal(f[2].line, fixture_probe.outer_line);
	/* Offsets are of the call site, pc-1, like the line: addr2line given
	** either names the call, not the line after it. */
	assert_int_equal(f[2].offset, fixture_probe.ret - 1 - (uintptr_t)&fixture_outer);
	assert_true(f[2].size > f[2].offset);

	Dl_info info;
	assert_true(dladdr((void *)fixture_probe.ret, &info) != 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(f[i].pc, fixture_probe.ret);
		assert_true(ends_with(f[i].module, program_invocation_short_name));
		assert_int_equal(f[i].module_offset,
				 fixture_probe.ret - 1 - (uintptr_t)info.dli_fbase);
	}
}

static void test_results_are_cached(void **state)
{
	(void)state;
	fixture_outer();
	ud_frame_t a[8], b[8];
	unsigned na = ud_symbolize_code(fixture_probe.ret, true, a, 8);
	unsigned nb = ud_symbolize_code(fixture_probe.ret, true, b, 8);
	assert_int_equal(na, nb);
	for (unsigned i = 0; i < na; i++) {
		/* Same interned strings, not fresh copies. */
		assert_ptr_equal(a[i].function, b[i].function);
		assert_ptr_equal(a[i].file, b[i].file);
		assert_int_equal(a[i].line, b[i].line);
	}
	/* Fewer slots than frames: the innermost ones come first. */
	ud_frame_t one;
	assert_int_equal(ud_symbolize_code(fixture_probe.ret, true, &one, 1), 1);
	assert_string_equal(one.function, "fixture_inner");
}

static void test_module_offset(void **state)
{
	(void)state;
	uintptr_t pc = (uintptr_t)&fixture_record;
	Dl_info info;
	assert_true(dladdr((void *)pc, &info) != 0);

	ud_frame_t f[4];
	unsigned n = ud_symbolize_code(pc, false, f, 4);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].function, "fixture_record");
	assert_int_equal(f[0].offset, 0);
	assert_false(f[0].inlined);
	assert_true(ends_with(f[0].module, program_invocation_short_name));
	/* Relative to the load bias: the address the ELF file itself uses. */
	assert_int_equal(f[0].module_offset, pc - (uintptr_t)info.dli_fbase);
}

/* Data and code addresses by module: the offset the ELF file uses. */
static void test_module_of_address(void **state)
{
	(void)state;
	Dl_info info;
	assert_true(dladdr((void *)&table, &info) != 0);
	const char *module = NULL;
	uintptr_t off = 0;
	assert_true(ud_symbolize_module((uintptr_t)&table.items[2].lock, &module, &off));
	assert_true(ends_with(module, program_invocation_short_name));
	assert_int_equal(off, (uintptr_t)&table.items[2].lock - (uintptr_t)info.dli_fbase);
	/* Beyond the file's pages: the .bss that only the loader maps. */
	assert_true(ud_symbolize_module((uintptr_t)&far_bss.tail[1], &module, &off));
	assert_int_equal(off, (uintptr_t)&far_bss.tail[1] - (uintptr_t)info.dli_fbase);

	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	assert_false(ud_symbolize_module((uintptr_t)page + 8, &module, &off));
	munmap(page, 4096);
}

static void test_no_module(void **state)
{
	(void)state;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(page != MAP_FAILED);
	uintptr_t pc = (uintptr_t)page + 0x10;

	ud_frame_t f[4];
	assert_int_equal(ud_symbolize_code(pc, true, f, 4), 1);
	assert_int_equal(f[0].pc, pc);
	assert_null(f[0].function);
	assert_null(f[0].file);
	assert_null(f[0].module);
	assert_int_equal(f[0].line, 0);

	char buf[64];
	assert_false(ud_symbolize_data(pc, buf, sizeof buf));
	munmap(page, 4096);
}

/*
** A file the program maps (as libelf maps the files it reads) is not a
** loaded module, even when it is this very executable: addresses in it
** belong to no module, and the real executable still symbolizes.
*/
static void test_mapped_file_is_not_module(void **state)
{
	(void)state;
	int fd = open("/proc/self/exe", O_RDONLY);
	assert_true(fd >= 0);
	char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	char *rw = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(ro != MAP_FAILED && rw != MAP_FAILED);

	ud_frame_t f[4];
	assert_int_equal(ud_symbolize_code((uintptr_t)ro + 0x100, false, f, 4), 1);
	assert_null(f[0].module);
	assert_int_equal(ud_symbolize_code((uintptr_t)rw + 0x100, false, f, 4), 1);
	assert_null(f[0].module);

	assert_int_equal(ud_symbolize_code((uintptr_t)&fixture_record, false, f, 4), 1);
	assert_string_equal(f[0].function, "fixture_record");
	munmap(ro, 8192);
	munmap(rw, 8192);
}

static void check_data(const void *addr, const char *want)
{
	char buf[128];
	assert_true(ud_symbolize_data((uintptr_t)addr, buf, sizeof buf));
	assert_string_equal(buf, want);
}

static void test_data_names(void **state)
{
	(void)state;
	check_data(&table.items[2].lock, "table.items[2].lock");
	check_data(&table.items[0].lock, "table.items[0].lock");
	check_data(&table.items[1].id, "table.items[1].id");
	check_data(&table.grid[2][3], "table.grid[2][3]");
	check_data((char *)&table.grid[2][3] + 2, "table.grid[2][3]+0x2");
	check_data(&table.grid[0][0], "table.grid[0][0]");
	/* At offset 0 the first member is the most precise name. */
	check_data(&table, "table.n");
	check_data(&fixture_probe.mid_line, "fixture_probe.mid_line");
}

static void test_data_without_dwarf(void **state)
{
	(void)state;
	check_data(&asm_blob[0], "asm_blob");
	check_data(&asm_blob[0x10], "asm_blob+0x10");

	char buf[64];
	void *heap = malloc(32);
	assert_false(ud_symbolize_data((uintptr_t)heap, buf, sizeof buf));
	free(heap);
}

/* Whether addr lies in a mapping of /proc/self/maps that names no file. */
static bool in_anonymous_mapping(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[512];
	bool anon = false, found = false;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned long lo, hi, ino;
		int pathpos = 0;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu %n", &lo, &hi, &ino, &pathpos) < 3)
			continue;
		if ((uintptr_t)addr >= lo && (uintptr_t)addr < hi) {
			found = true;
			anon = ino == 0 && line[pathpos] != '/';
		}
	}
	fclose(f);
	return found && anon;
}

/* .bss past the file-backed pages still belongs to the executable. */
static void test_data_in_anonymous_bss(void **state)
{
	(void)state;
	assert_true(in_anonymous_mapping(&far_bss.lock));
	check_data(&far_bss.lock, "far_bss.lock");
	check_data(&far_bss.tail[3], "far_bss.tail[3]");
	check_data(&far_bss.pad[0x10], "far_bss.pad[16]");
}

static void test_truncated_buffer(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'x', sizeof buf);
	assert_true(ud_symbolize_data((uintptr_t)&table.items[2].lock, buf, sizeof buf));
	assert_string_equal(buf, "table.i");
}

/* Copy the file at src to dst with read/write; true on success. */
static bool copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	bool ok = in >= 0 && out >= 0;
	char buf[65536];
	ssize_t n;
	while (ok && (n = read(in, buf, sizeof buf)) > 0)
		ok = write(out, buf, (size_t)n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ok;
}

/*
** A library loaded after the module list was built is found by re-reading
** it. The library is a private copy of cmocka's, under a new path, so it is
** certainly not loaded before (the loader tells files apart by inode).
*/
static void test_dlopen_after_first_use(void **state)
{
	(void)state;
	ud_frame_t f[4];
	assert_int_equal(ud_symbolize_code((uintptr_t)&fixture_record, false, f, 4), 1);

	Dl_info info;
	assert_true(dladdr((void *)&_cmocka_run_group_tests, &info) != 0);
	char dir[] = "/tmp/ud_symbolize_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/libcopy.so", dir);
	assert_true(copy_file(info.dli_fname, path));

	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(lib);
	void *fn = dlsym(lib, "_assert_in_set");
	assert_non_null(fn);
	assert_true(fn != (void *)&_assert_in_set);

	assert_int_equal(ud_symbolize_code((uintptr_t)fn, false, f, 4), 1);
	assert_string_equal(f[0].module, path);
	assert_string_equal(f[0].function, "_assert_in_set");
	assert_int_equal(f[0].offset, 0);

	dlclose(lib);
	unlink(path);
	rmdir(dir);
}

static void test_invalidate(void **state)
{
	(void)state;
	fixture_outer();
	ud_frame_t a[8], b[8];
	unsigned na = ud_symbolize_code(fixture_probe.ret, true, a, 8);
	char before[64], after[64];
	assert_true(ud_symbolize_data((uintptr_t)&table.items[3].lock, before, sizeof before));

	ud_symbolize_invalidate();

	unsigned nb = ud_symbolize_code(fixture_probe.ret, true, b, 8);
	assert_true(ud_symbolize_data((uintptr_t)&table.items[3].lock, after, sizeof after));
	assert_int_equal(na, nb);
	assert_string_equal(a[0].function, b[0].function);
	assert_int_equal(a[0].line, b[0].line);
	assert_string_equal(before, after);
	/* Names handed out before stay readable. */
	assert_string_equal(a[na - 1].function, "fixture_outer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_frames),
		cmocka_unit_test(test_results_are_cached),
		cmocka_unit_test(test_module_offset),
		cmocka_unit_test(test_module_of_address),
		cmocka_unit_test(test_no_module),
		cmocka_unit_test(test_mapped_file_is_not_module),
		cmocka_unit_test(test_data_names),
		cmocka_unit_test(test_data_without_dwarf),
		cmocka_unit_test(test_data_in_anonymous_bss),
		cmocka_unit_test(test_truncated_buffer),
		cmocka_unit_test(test_dlopen_after_first_use),
		cmocka_unit_test(test_invalidate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
