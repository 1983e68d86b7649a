/*
** log.c: the runtime's output sink (see log.h).
**
** Two descriptors, both close-on-exec and moved above UD_LOG_FD_MIN so that the
** program's own fd juggling (close(2), dup2 onto 0..2, "close every fd below
** 20") rarely touches them:
**   err_fd   a duplicate of fd 2 taken at init;
**   file_fd  PATH.<pid> when log_path is set, opened at the first write so a
**            fork child that writes later gets a file named after its own pid.
** Both are atomics read without a lock; the only race, two threads opening the
** log file at once, is settled by a compare-and-swap (the loser closes its fd).
** Nothing here takes a lock or allocates: it may run from any interceptor.
*/
#include "log.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define UD_LOG_FD_MIN 200

/* file_fd states besides a real descriptor. */
#define FILE_NONE (-1)		/* not opened yet (or no log_path) */
#define FILE_FAILED (-2)	/* open failed in this process: use stderr */

static _Atomic int err_fd = -1;
static _Atomic int file_fd = FILE_NONE;
static char log_path[UD_OPT_STR_MAX];	/* written only by ud_log_init */

/* Move fd to a high close-on-exec number; returns the new fd or -errno. */
static int move_high(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, UD_LOG_FD_MIN);
	int saved = errno;
	close(fd);
	return hi >= 0 ? hi : -saved;
}

int ud_log_init(const char *path)
{
	int old = atomic_exchange(&err_fd, -1);
	if (old >= 0)
		close(old);
	old = atomic_exchange(&file_fd, FILE_NONE);
	if (old >= 0)
		close(old);

	int rc = 0;
	/* fd 2 may be closed already: then writes fall back to fd 2 as it is. */
	int fd = fcntl(2, F_DUPFD_CLOEXEC, UD_LOG_FD_MIN);
	if (fd >= 0)
		atomic_store(&err_fd, fd);
	else if (errno != EBADF)
		rc = -errno;

	log_path[0] = 0;
	if (path && path[0]) {
		size_t n = strlen(path);
		/* Room for ".<pid>" (at most 11 bytes) and the NUL. */
		if (n + 12 > sizeof log_path)
			return -ENAMETOOLONG;
		memcpy(log_path, path, n + 1);
	}
	return rc;
}

void ud_log_fork_child(void)
{
	/* The child is single-threaded here: a plain exchange is enough. */
	int old = atomic_exchange(&file_fd, FILE_NONE);
	if (old >= 0)
		close(old);
}

/* Write all of buf to fd; returns 0 or -errno. Waits out EAGAIN on a
** non-blocking descriptor for a bounded time rather than spinning. */
static int write_all(int fd, const char *buf, size_t len)
{
	int stalls = 0;
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			stalls = 0;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    stalls++ < 10) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			(void)poll(&pfd, 1, 1000);
			continue;
		}
		return n < 0 ? -errno : -EIO;
	}
	return 0;
}

static int stderr_fd(void)
{
	int fd = atomic_load_explicit(&err_fd, memory_order_acquire);
	return fd >= 0 ? fd : 2;
}

static void write_stderr(const char *buf, size_t len)
{
	int fd = stderr_fd();
	/* The program closed our duplicate (closefrom-style): try fd 2 itself. */
	if (write_all(fd, buf, len) == -EBADF && fd != 2)
		(void)write_all(2, buf, len);
}

/* The log file for this process, opening it on first use; -1 means stderr. */
static int log_file(void)
{
	int fd = atomic_load_explicit(&file_fd, memory_order_acquire);
	if (fd >= 0 || fd == FILE_FAILED || log_path[0] == 0)
		return fd >= 0 ? fd : -1;

	char name[sizeof log_path + 16];
	snprintf(name, sizeof name, "%s.%d", log_path, (int)getpid());
	int nfd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int err = nfd < 0 ? errno : 0;
	if (nfd >= 0) {
		nfd = move_high(nfd);
		if (nfd < 0)
			err = -nfd;
	}

	int expect = FILE_NONE;
	int want = nfd >= 0 ? nfd : FILE_FAILED;
	if (!atomic_compare_exchange_strong(&file_fd, &expect, want)) {
		/* Another thread got there first: use its outcome. */
		if (nfd >= 0)
			close(nfd);
		return expect >= 0 ? expect : -1;
	}
	if (nfd < 0) {
		/* Said once per process; the reports themselves go to stderr. */
		char msg[sizeof name + 128];
		int m = snprintf(msg, sizeof msg,
				 "ulockdep: cannot open log file '%s': %s; "
				 "writing to stderr\n", name, strerror(err));
		if (m > 0)
			write_stderr(msg, (size_t)m < sizeof msg ? (size_t)m
							       : sizeof msg - 1);
		return -1;
	}
	return nfd;
}

void ud_log_write(const char *buf, size_t len)
{
	int fd = log_file();
	if (fd >= 0 && write_all(fd, buf, len) == 0)
		return;
	/* No log file, or it failed (full disk): a report must not vanish. */
	write_stderr(buf, len);
}

void ud_log_message(const char *fmt, ...)
{
	static const char prefix[] = "ulockdep: ";
	char buf[1024];
	size_t n = sizeof prefix - 1;
	memcpy(buf, prefix, n);

	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m < sizeof buf - n ? (size_t)m : sizeof buf - n - 1;
	/* Keep room for the newline even when the text was cut. */
	if (n > sizeof buf - 1)
		n = sizeof buf - 1;
	buf[n++] = '\n';
	ud_log_write(buf, n);
}
