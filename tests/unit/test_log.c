/*
** test_log.c: the runtime's output sink (src/base/log.c): the saved stderr
** survives the program closing fd 2, log_path files are per pid and opened at
** the first write, whole buffers arrive through short writes, and messages
** carry the "ulockdep: " prefix and one newline.
**
** The tests move fd 2 around; each puts it back before it returns.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"

static char dir[64];
static int saved_stderr = -1;

/* Point fd 2 at a fresh file; returns that file's path in out. */
static void stderr_to_file(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

static void restore_stderr(void)
{
	assert_int_equal(dup2(saved_stderr, 2), 2);
}

/* Whole file into buf (NUL-terminated); returns its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t len = 0, r;
	while ((r = read(fd, buf + len, n - 1 - (size_t)len)) > 0)
		len += r;
	close(fd);
	buf[len] = 0;
	return len;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ud_test_log.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	saved_stderr = dup(2);
	return saved_stderr < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_saved_stderr_survives_close(void **state)
{
	(void)state;
	char path[128], got[256];
	stderr_to_file(path, sizeof path, "err1");
	assert_int_equal(ud_log_init(NULL), 0);
	close(2);		/* as a daemonising program might */
	ud_log_write("report one\n", 11);
	restore_stderr();
	assert_int_equal(slurp(path, got, sizeof got), 11);
	assert_string_equal(got, "report one\n");
}

static void test_saved_stderr_survives_redirect(void **state)
{
	(void)state;
	char path[128], other[128], got[256];
	stderr_to_file(path, sizeof path, "err2");
	assert_int_equal(ud_log_init(""), 0);
	/* The program now sends its own stderr elsewhere. */
	stderr_to_file(other, sizeof other, "err2-other");
	ud_log_write("kept\n", 5);
	restore_stderr();
	assert_int_equal(slurp(path, got, sizeof got), 5);
	assert_string_equal(got, "kept\n");
	assert_int_equal(slurp(other, got, sizeof got), 0);
}

static void test_private_fd_is_high_and_cloexec(void **state)
{
	(void)state;
	char path[128];
	stderr_to_file(path, sizeof path, "err3");
	struct stat want;
	assert_int_equal(fstat(2, &want), 0);
	assert_int_equal(ud_log_init(NULL), 0);

	int found = -1;
	for (int fd = 3; fd < 4096 && found < 0; fd++) {
		struct stat st;
		if (fd == saved_stderr || fstat(fd, &st) < 0)
			continue;
		if (st.st_dev == want.st_dev && st.st_ino == want.st_ino)
			found = fd;
	}
	restore_stderr();
	assert_true(found >= 200);
	assert_true(fcntl(found, F_GETFD) & FD_CLOEXEC);
}

static void test_message_format(void **state)
{
	(void)state;
	char path[128], got[2048];
	stderr_to_file(path, sizeof path, "err4");
	assert_int_equal(ud_log_init(NULL), 0);
	ud_log_message("bad value %d for '%s'", 42, "x");

	char long_text[3000];
	memset(long_text, 'L', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = 0;
	ud_log_message("%s", long_text);
	restore_stderr();

	ssize_t n = slurp(path, got, sizeof got);
	const char *first = "ulockdep: bad value 42 for 'x'\n";
	assert_true(n > (ssize_t)strlen(first));
	assert_memory_equal(got, first, strlen(first));
	/* A message too long for the buffer is cut but still ends the line. */
	const char *second = got + strlen(first);
	assert_memory_equal(second, "ulockdep: LLL", 13);
	assert_int_equal(got[n - 1], '\n');
	assert_null(memchr(second, '\n', (size_t)(got + n - 1 - second)));
	assert_true(got + n - second <= 1024);
}

static void test_log_path_is_per_pid_and_lazy(void **state)
{
	(void)state;
	char base[128], mine[160], got[256];
	mode_t old_mask = umask(022);
	snprintf(base, sizeof base, "%s/lazy", dir);
	snprintf(mine, sizeof mine, "%s.%d", base, (int)getpid());
	assert_int_equal(ud_log_init(base), 0);
	assert_int_equal(access(mine, F_OK), -1);	/* nothing written yet */

	ud_log_write("parent\n", 7);
	assert_int_equal(slurp(mine, got, sizeof got), 7);
	assert_string_equal(got, "parent\n");

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ud_log_fork_child();
		ud_log_write("child\n", 6);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	char theirs[160];
	snprintf(theirs, sizeof theirs, "%s.%d", base, (int)pid);
	assert_int_equal(slurp(theirs, got, sizeof got), 6);
	assert_string_equal(got, "child\n");
	/* The parent's file did not get the child's text; appends continue. */
	ud_log_write("again\n", 6);
	assert_int_equal(slurp(mine, got, sizeof got), 13);
	assert_string_equal(got, "parent\nagain\n");

	struct stat st;
	assert_int_equal(stat(mine, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(old_mask);
}

static void test_unopenable_log_path_falls_back(void **state)
{
	(void)state;
	char path[128], base[128], got[512];
	stderr_to_file(path, sizeof path, "err5");
	snprintf(base, sizeof base, "%s/no/such/dir/log", dir);
	assert_int_equal(ud_log_init(base), 0);
	ud_log_write("report\n", 7);
	ud_log_write("second\n", 7);
	restore_stderr();
	assert_true(slurp(path, got, sizeof got) > 0);
	/* One notice naming the file, then every report on stderr. */
	char want[256];
	snprintf(want, sizeof want, "ulockdep: cannot open log file "
		 "'%s.%d': No such file or directory; writing to stderr\n"
		 "report\nsecond\n", base, (int)getpid());
	assert_string_equal(got, want);
}

static void test_short_writes_deliver_everything(void **state)
{
	(void)state;
	/*
	** A pipe holds far less than the buffer: write(2) returns short counts,
	** and on a non-blocking pipe fails with EAGAIN until the reader drains.
	*/
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		char chunk[4096];
		size_t total = 0, bad = 0;
		ssize_t r;
		while ((r = read(p[0], chunk, sizeof chunk)) > 0) {
			for (ssize_t i = 0; i < r; i++)
				bad += chunk[i] != (char)('a' + (total + i) % 26);
			total += (size_t)r;
		}
		_exit(total == 1u << 20 && bad == 0 ? 0 : 1);
	}
	close(p[0]);
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(dup2(p[1], 2), 2);
	close(p[1]);
	assert_int_equal(ud_log_init(NULL), 0);

	size_t len = 1u << 20;
	char *big = malloc(len);
	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = (char)('a' + i % 26);
	ud_log_write(big, len);
	free(big);

	restore_stderr();
	assert_int_equal(ud_log_init(NULL), 0);	/* drop the pipe's last copy */
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_saved_stderr_survives_close),
		cmocka_unit_test(test_saved_stderr_survives_redirect),
		cmocka_unit_test(test_private_fd_is_high_and_cloexec),
		cmocka_unit_test(test_message_format),
		cmocka_unit_test(test_log_path_is_per_pid_and_lazy),
		cmocka_unit_test(test_unopenable_log_path_falls_back),
		cmocka_unit_test(test_short_writes_deliver_everything),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
