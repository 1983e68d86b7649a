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
**
** The output never lands in a file of the program's: err_fd is written only
** while it is still the file fd 2 was at init (device and inode), since a
** program may dup2() its own data file onto any number; if it is not, fd 2
** is used only if it is that file, else the text is dropped (so is all of
** it when fd 2 was closed at init: whatever fd 2 is later is the program's). PATH.<pid> is
** opened without following a symlink, never blocks (a FIFO planted there is
** refused) and must be a regular file of this user. Writes run with SIGPIPE
** blocked and a SIGPIPE they raise consumed: a closed pipe loses the report,
** not the program.
*/
#include "log.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UD_LOG_FD_MIN 200

/* file_fd states besides a real descriptor. */
#define FILE_NONE (-1)		/* not opened yet (or no log_path) */
#define FILE_FAILED (-2)	/* open failed in this process: use stderr */

static _Atomic int err_fd = -1;
static _Atomic int file_fd = FILE_NONE;
static char log_path[UD_OPT_STR_MAX];	/* written only by ud_log_init */
/* The file fd 2 was at init, which err_fd duplicates; st_ino 0: none. */
static struct stat err_id;

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
	memset(&err_id, 0, sizeof err_id);
	if (fd >= 0) {
		if (fstat(fd, &err_id) != 0)
			memset(&err_id, 0, sizeof err_id);
		atomic_store(&err_fd, fd);
	} else if (errno != EBADF) {
		rc = -errno;
	}

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

/*
** SIGPIPE is blocked around a write by the raw system call (the runtime's
** own sigprocmask interceptor must not see it); a SIGPIPE the write raised
** is taken off the thread's pending set before the old mask comes back,
** unless one was pending already (the program's own).
*/
typedef struct pipe_guard {
	sigset_t old;
	bool was_pending;
} pipe_guard_t;

static void pipe_block(pipe_guard_t *g)
{
	sigset_t pipe, pending;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &pipe, &g->old, _NSIG / 8);
	g->was_pending = syscall(SYS_rt_sigpending, &pending, _NSIG / 8) == 0 &&
			 sigismember(&pending, SIGPIPE);
}

static void pipe_unblock(pipe_guard_t *g, bool raised)
{
	if (raised && !g->was_pending) {
		sigset_t pipe;
		sigemptyset(&pipe);
		sigaddset(&pipe, SIGPIPE);
		struct timespec zero = { 0, 0 };
		syscall(SYS_rt_sigtimedwait, &pipe, NULL, &zero, _NSIG / 8);
	}
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &g->old, NULL, _NSIG / 8);
}

/* Write all of buf to fd; returns 0 or -errno. Waits out EAGAIN on a
** non-blocking descriptor for a bounded time rather than spinning. */
static int write_all_raw(int fd, const char *buf, size_t len)
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

static int write_all(int fd, const char *buf, size_t len)
{
	pipe_guard_t g;
	pipe_block(&g);
	int rc = write_all_raw(fd, buf, len);
	pipe_unblock(&g, rc == -EPIPE);
	return rc;
}

/* Is fd the file fd 2 was at init? */
static bool is_err_file(int fd)
{
	struct stat st;
	return err_id.st_ino != 0 && fstat(fd, &st) == 0 &&
	       st.st_dev == err_id.st_dev && st.st_ino == err_id.st_ino;
}

static void write_stderr(const char *buf, size_t len)
{
	int fd = atomic_load_explicit(&err_fd, memory_order_acquire);
	if (fd >= 0 && is_err_file(fd)) {
		(void)write_all(fd, buf, len);
		return;
	}
	/* Our duplicate was closed or replaced by the program: fd 2 only if it
	** is still the stderr of the start; with fd 2 closed at init, as is. */
	if (is_err_file(2))
		(void)write_all(2, buf, len);
}

/*
** Open PATH.<pid> for appending: a new file, or an existing regular file of
** this user; never through a symlink, never blocking. Returns fd or -errno.
*/
static int open_log(const char *name)
{
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	int fd = open(name, flags | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST)
		fd = open(name, flags);
	if (fd < 0)	/* ENXIO: a FIFO with no reader, which we refuse anyway */
		return errno == ENXIO ? -EINVAL : -errno;
	struct stat st;
	int err = 0;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if (st.st_uid != geteuid())
		err = EPERM;
	else if (fcntl(fd, F_SETFL, O_WRONLY | O_APPEND) != 0)
		err = errno;
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

/* The log file for this process, opening it on first use; -1 means stderr. */
static int log_file(void)
{
	int fd = atomic_load_explicit(&file_fd, memory_order_acquire);
	if (fd >= 0 || fd == FILE_FAILED || log_path[0] == 0)
		return fd >= 0 ? fd : -1;

	char name[sizeof log_path + 16];
	snprintf(name, sizeof name, "%s.%d", log_path, (int)getpid());
	int nfd = open_log(name);
	int err = nfd < 0 ? -nfd : 0;
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
				 "writing to stderr\n", name,
				 err == EINVAL ? "not a regular file" : strerror(err));
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
	/* A message quotes what it was given (an option's value, a path): a
	** control character in it must not make a line or a terminal sequence
	** of its own. */
	for (size_t i = sizeof prefix - 1; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	buf[n++] = '\n';
	ud_log_write(buf, n);
}
