/*
** record.c: the process record (docs/store.md, "Process records").
**
** With ULOCKDEP_RECORD_DIR set (and the program not privileged), the
** process writes what it learnt to DIR/<pid>.<start>.rec, start being its
** start time in clock ticks so that a reused pid names another file. A later
** image of the same process (after exec) writes <pid>.<start>.<n>.rec: at
** start-up it counts the images before it by the files they left, since each
** image writes its record before calling exec. A record is rewritten whole
** to DIR/.<name>.tmp and renamed over the last one, so a reader sees a
** whole record or the previous one. It is written at exit (exit, a return
** from main, _exit, _Exit), before exec, in a fatal signal's handler, after
** each report shown, and while the process runs: at most record_interval
** seconds after something new was learnt (see "The refresher" below).
**
** Files are opened, written and renamed with raw system calls and the text
** lives in runtime memory. In a fatal signal's handler nothing new is
** symbolized (the program's allocator may be what failed): classes met since
** the last record carry an unstable identity.
*/
#include "rt.h"
#include "lockstat.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/lock.h"
#include "../base/own_stack.h"
#include "../base/log.h"
#include "../report/record.h"
#include "../report/report.h"

#define ARGV_MAX (64 * 1024)	/* argv kept in a record, at most */

static struct {
	bool on;
	char dir[PATH_MAX];
	char program[PATH_MAX];
	char *argv;		/* /proc/self/cmdline, runtime memory */
	size_t argv_len, argv_size;
	int pid, ppid;
	unsigned long long start;	/* clock ticks after boot */
	unsigned image;		/* 0 for the first image of the process */
	_Atomic int status;	/* exit status, when known */
	_Atomic uint64_t gen;	/* engine generation at the last write */
	_Atomic uint64_t last_ns;	/* monotonic time of the last write */
	bool forked;		/* a fork child ... */
	uint64_t fork_gen;	/* ... that inherited this generation */
	uint64_t interval_ns;
} rec;

static ud_lock_t rec_lock = UD_LOCK_INIT;

/* ---- raw file access ------------------------------------------------------ */

static int raw_open(const char *path, int flags, int mode)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, mode);
}

static void raw_close(int fd)
{
	syscall(SYS_close, fd);
}

/* The whole of a small file, NUL-terminated; its length, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = raw_open(path, O_RDONLY, 0);
	if (fd < 0)
		return -1;
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = syscall(SYS_read, fd, buf + n, size - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	raw_close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

static bool file_exists(const char *path)
{
	return syscall(SYS_faccessat, AT_FDCWD, path, F_OK, 0) == 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = syscall(SYS_write, fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* ---- who this process is ------------------------------------------------- */

/* Fields 4 (ppid) and 22 (start time) of /proc/self/stat. */
static bool read_stat(int *ppid, unsigned long long *start)
{
	char buf[1024];
	if (read_file("/proc/self/stat", buf, sizeof buf) <= 0)
		return false;
	/* The command name may hold spaces and parentheses: count from the
	** last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return false;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return false;
		if (field == 4)
			*ppid = (int)strtol(p, NULL, 10);
		if (field == 22)
			*start = strtoull(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return true;
}

static void record_name(char *out, size_t len, bool tmp)
{
	char image[24] = "";
	if (rec.image)
		snprintf(image, sizeof image, ".%u", rec.image);
	snprintf(out, len, "%s/%s%d.%llu%s.%s", rec.dir, tmp ? "." : "", rec.pid,
		 rec.start, image, tmp ? "tmp" : "rec");
}

/* The images of this process before this one each left a record. */
static void count_images(void)
{
	char path[PATH_MAX + 64];
	rec.image = 0;
	record_name(path, sizeof path, false);
	while (file_exists(path)) {
		rec.image++;
		record_name(path, sizeof path, false);
	}
}

static void identify(void)
{
	rec.pid = (int)syscall(SYS_getpid);
	if (!read_stat(&rec.ppid, &rec.start)) {
		rec.ppid = (int)syscall(SYS_getppid);
		rec.start = 0;
	}
	count_images();
}

/* ---- writing -------------------------------------------------------------- */

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	if (clock_gettime(clk, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Build and write the record; rec_lock held. */
static void write_locked(const char *state, int status, bool symbolize)
{
	ud_snapshot_t s;
	uint64_t gen = ud_engine_generation();
	ud_engine_snapshot(&s);
	ud_engine_stats_t st;
	ud_engine_get_stats(&st);
	ud_record_process_t p = {
		.pid = rec.pid,
		.ppid = rec.ppid,
		.program = rec.program,
		.argv = rec.argv,
		.argv_len = rec.argv_len,
		.state = state,
		.status = status,
		.time = (double)now_ns(CLOCK_REALTIME) / 1e9,
		.chains = st.chains,
		.max_depth = st.max_depth,
	};
	/* In a fatal signal's handler (symbolize false) the figures are left
	** out: the thread that was stopped may be in the middle of counting. */
	ud_stat_set_t stats;
	if (symbolize && ud_lockstat_collect(&stats, &s, true))
		p.stats = &stats;
	ud_buf_t b = { 0 };
	ud_record_format(&b, &p, &s, symbolize);
	if (p.stats)
		ud_lockstat_free(&stats);
	ud_snapshot_free(&s);

	char tmp[PATH_MAX + 64], path[PATH_MAX + 64];
	record_name(tmp, sizeof tmp, true);
	record_name(path, sizeof path, false);
	int fd = raw_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	bool ok = fd >= 0 && write_all(fd, b.data, b.len);
	if (fd >= 0)
		raw_close(fd);
	if (ok && syscall(SYS_renameat, AT_FDCWD, tmp, AT_FDCWD, path) == 0) {
		atomic_store(&rec.gen, gen);
		atomic_store(&rec.last_ns, now_ns(CLOCK_MONOTONIC_COARSE));
	} else if (fd >= 0) {
		syscall(SYS_unlinkat, AT_FDCWD, tmp, 0);
	}
	ud_buf_free(&b);
}

/* A vfork child shares our memory and must not write as us. */
static bool same_process(void)
{
	return rec.on && (int)syscall(SYS_getpid) == rec.pid;
}

/* Another writer was busy: it writes once more when done. */
static _Atomic bool again;

/* Symbolizing runs libdw, which needs more stack than a thread of the
** program may have (16 KiB): the record is built on a stack of its own,
** under rec_lock. */
static ud_own_stack_t record_stack = UD_OWN_STACK_INIT(8u << 20);

typedef struct write_job {
	const char *state;
	int status;
} write_job_t;

static void write_job(void *arg)
{
	const write_job_t *j = arg;
	write_locked(j->state, j->status, true);
}

static void write_now(const char *state, int status)
{
	ud_rt_thread_t *ts = &ud_tls;
	write_job_t job = { state, status };
	ts->in_runtime++;
	ud_lock_acquire(&rec_lock);
	do {
		atomic_store(&again, false);
		ud_own_stack_run(&record_stack, write_job, &job);
	} while (atomic_load(&again));
	ud_lock_release(&rec_lock);
	ts->in_runtime--;
}

void ud_rt_record_write(const char *state, int status)
{
	if (same_process())
		write_now(state, status);
}

/*
** A record of a running process, from a lock path: never waits for another
** writer, which may be symbolizing and so waiting for the program's
** allocator, whose lock this thread may hold. The writer writes again.
*/
static void write_running(void)
{
	if (!same_process())
		return;
	if (ud_lock_is_held(&rec_lock)) {
		atomic_store(&again, true);
		/* It may have finished meanwhile: then nobody rewrites. */
		if (ud_lock_is_held(&rec_lock))
			return;
	}
	write_now("running", 0);
}

void ud_rt_record_report(void)
{
	write_running();
}

void ud_rt_record_signal(int sig)
{
	ud_rt_thread_t *ts = &ud_tls;
	/* Inside the runtime, its own state may be half changed; while a record
	** is being written, the last one stays. */
	if (!same_process() || ts->in_runtime || ud_lock_is_held(&rec_lock))
		return;
	ts->in_runtime++;
	ud_lock_acquire(&rec_lock);
	write_locked("signal", sig, false);
	ud_lock_release(&rec_lock);
	ts->in_runtime--;
}

/*
** Before exec. A fork child that learnt nothing of its own and reported
** nothing (a shell or make starting a command) would only copy its parent's
** record: it writes none, and the new image takes the first name.
*/
void ud_rt_record_exec(void)
{
	ud_buf_t none = { 0 };
	if (rec.forked && ud_engine_generation() == rec.fork_gen &&
	    ud_report_kept_json(&none) == 0)
		return;
	ud_buf_free(&none);
	ud_rt_record_write("exec", 0);
}

void ud_rt_record_exit(int status)
{
	ud_rt_record_write("exited", status);
}

void ud_rt_record_set_status(int status)
{
	atomic_store(&rec.status, status);
}

int ud_rt_record_status(void)
{
	return atomic_load(&rec.status);
}

bool ud_rt_records_on(void)
{
	return rec.on;
}

/*
** ---- The refresher ----
**
** What a process learns must reach its record within record_interval seconds
** even if it then learns nothing more: a test that deadlocks, or waits on a
** pipe, is killed by its harness's timer with SIGKILL, and everything
** learnt since the last write would be lost with it. Writing on every change
** would symbolize on the lock path over and over; waiting for the next change
** is what loses. So the lock path only says "something is unwritten" (one
** flag, and one futex wake) and a thread of the runtime's, the refresher,
** sleeps until the interval since the last write has passed and writes.
**
** The refresher is started the first time something is left unwritten, so a
** process that learns nothing after its first record never gets one. It is
** made with the real pthread_create and every signal blocked: the program
** never sees it take a lock (what it calls runs with its in_runtime guard
** raised) and no signal of the program's lands on it. It waits with raw
** futex and clock_nanosleep system calls, and writes under rec_lock like
** every other writer. A fork child has none until it, too, leaves something
** unwritten.
**
** With record_interval=0 every change is written at once from the lock path,
** without a refresher.
*/
static _Atomic int unwritten;		/* futex word: 1 while a write is due */
static _Atomic int refresher_state;	/* 0 none, 1 starting, 2 running, 3 failed */

static void futex_wait(_Atomic int *w, int val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
	while (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, &ts) != 0 &&
	       errno == EINTR)
		;
}

static _Atomic int refresher_up;	/* futex word: 1 once the thread runs */

static void *refresher(void *arg)
{
	(void)arg;
	atomic_store(&refresher_up, 1);
	futex_wake(&refresher_up);
	syscall(SYS_prctl, PR_SET_NAME, "ulockdep-record", 0, 0, 0);
	for (;;) {
		while (atomic_load(&unwritten) == 0)
			futex_wait(&unwritten, 0);
		uint64_t since = now_ns(CLOCK_MONOTONIC_COARSE) -
				 atomic_load_explicit(&rec.last_ns, memory_order_relaxed);
		if (since < rec.interval_ns) {
			sleep_ns(rec.interval_ns - since);
			continue;	/* another writer may have written meanwhile */
		}
		/* Cleared before the write: a change learnt during it sets the
		** flag again and is written next time round. */
		atomic_store(&unwritten, 0);
		if (atomic_load(&rec.gen) != ud_engine_generation())
			write_now("running", 0);
	}
	return NULL;
}

/* Start the refresher: from a lock path, outside any signal handler. */
static void start_refresher(void)
{
	int none = 0;
	if (!atomic_compare_exchange_strong(&refresher_state, &none, 1))
		return;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);	/* writes run on record_stack */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The thread inherits its creator's mask: block everything around the
	** creation (raw calls: the program's sigprocmask is not ours to call). */
	uint64_t all = ~0ull, old;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, sizeof old);
	pthread_t th;
	int rc = ud_real_pthread_create(&th, &attr, refresher, NULL);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, sizeof old);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		ud_log_message("cannot start the record refresher (error %d): the record "
			       "is rewritten only when something new is learnt", rc);
	/*
	** Wait until the thread runs its first instruction of ours (for at most
	** a second). A thread's start may allocate with the program's allocator
	** (a sanitizer's pthread_create does); were the program to fork
	** meanwhile, its child would inherit that allocator's lock held, by a
	** thread the single-threaded program never made. From then on the
	** thread allocates only under the runtime's locks, which fork takes.
	*/
	for (int i = 0; rc == 0 && i < 100 && !atomic_load(&refresher_up); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		syscall(SYS_futex, &refresher_up, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	}
	atomic_store(&refresher_state, rc == 0 ? 2 : 3);
}

/* The engine learnt something (its slow path, no engine lock held). */
void ud_rt_record_learnt(void)
{
	if (!rec.on || atomic_load_explicit(&rec.gen, memory_order_relaxed) ==
			       ud_engine_generation())
		return;
	if (atomic_load_explicit(&unwritten, memory_order_relaxed))
		return;
	/* Not from a signal handler: a write symbolizes, which runs libdw,
	** which calls the program's malloc, and so may a thread's creation; the
	** handler may have interrupted malloc. The next change learnt outside a
	** handler asks again. */
	if (ud_rt_signals_in_handler() || !same_process())
		return;
	if (rec.interval_ns == 0) {
		write_running();
		return;
	}
	if (atomic_load(&refresher_state) == 0)
		start_refresher();
	if (atomic_load(&refresher_state) == 3) {
		/* No refresher: at the first change once the interval passed. */
		uint64_t now = now_ns(CLOCK_MONOTONIC_COARSE);
		if (now - atomic_load_explicit(&rec.last_ns, memory_order_relaxed) >=
		    rec.interval_ns)
			write_running();
		return;
	}
	atomic_store(&unwritten, 1);
	futex_wake(&unwritten);
}

/* ---- start-up and fork ---------------------------------------------------- */

static void read_cmdline(void)
{
	char *buf = ud_alloc(ARGV_MAX);
	ssize_t n = read_file("/proc/self/cmdline", buf, ARGV_MAX);
	rec.argv = buf;
	rec.argv_size = ARGV_MAX;
	rec.argv_len = n > 0 ? (size_t)n : 0;
}

void ud_rt_record_init(void)
{
	const char *dir = getenv("ULOCKDEP_RECORD_DIR");
	if (!dir || !dir[0])
		return;
	/* A setuid or setgid program may not write where its caller says. */
	if (getauxval(AT_SECURE)) {
		ud_log_message("privileged (setuid or setgid) program: "
			       "ULOCKDEP_RECORD_DIR ignored");
		return;
	}
	if (strlen(dir) >= sizeof rec.dir) {
		ud_log_message("ULOCKDEP_RECORD_DIR too long: no process record");
		return;
	}
	strcpy(rec.dir, dir);
	ssize_t n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", rec.program,
			    sizeof rec.program - 1);
	rec.program[n > 0 ? n : 0] = 0;
	read_cmdline();
	rec.interval_ns = (uint64_t)ud_rt_opts.record_interval * 1000000000ull;
	identify();
	atomic_store(&rec.last_ns, now_ns(CLOCK_MONOTONIC_COARSE));
	rec.on = true;
	ud_report_set_keep_json(true);
	ud_rt_record_signals_init();
	/* A record from the start: a process killed before it learnt anything
	** still says it ran. */
	ud_rt_record_write("running", 0);
}

void ud_rt_record_fork_child(void)
{
	ud_lock_reset(&rec_lock);
	if (!rec.on)
		return;
	identify();
	atomic_store(&rec.status, 0);
	atomic_store(&rec.gen, 0);
	rec.forked = true;
	rec.fork_gen = ud_engine_generation();
	/* The refresher was not copied. */
	atomic_store(&unwritten, 0);
	atomic_store(&refresher_up, 0);
	atomic_store(&refresher_state, 0);
}
