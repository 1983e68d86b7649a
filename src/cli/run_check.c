/*
** run_check.c: the end of a `ulockdep run`: read the record of every
** process of the tree, merge them (and, with graph=FILE, what earlier runs
** learnt), report the cycles no single process saw whole, write the run's
** one SARIF log and its summary line, and work out the exit status.
*/
#include "cli.h"
#include "store.h"
#include "suite.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
** Every *.rec of dir into s as current processes of run; the count of
** unreadable ones (each named on stderr). Then the directory is removed.
*/
static int read_records(ud_suite_t *s, size_t run, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "ulockdep: cannot read the records in %s: %s\n",
			dir, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		size_t len = strlen(names[i]);
		char *p = malloc(strlen(dir) + len + 2);
		if (p) {
			sprintf(p, "%s/%s", dir, names[i]);
			/* .NAME.tmp: a process died while writing; its last
			** complete record (if any) is NAME.rec. */
			if (names[i][0] != '.' && len > 4 &&
			    !strcmp(names[i] + len - 4, ".rec")) {
				ud_record_t r;
				char err[1024];
				if (ud_record_load(&r, p, err, sizeof err) < 0) {
					fprintf(stderr, "ulockdep: unreadable "
						"process record: %s\n", err);
					bad++;
				} else {
					ud_suite_add_record(s, run, &r, true);
					ud_record_free(&r);
				}
			}
			unlink(p);
		}
		free(p);
		free(names[i]);
	}
	free(names);
	if (rmdir(dir) < 0 && errno != ENOENT)
		fprintf(stderr, "ulockdep: cannot remove %s: %s\n", dir,
			strerror(errno));
	return bad;
}

/* Where the run's output goes: stderr, or log_path.<pid>. */
static int open_output(const ud_options_t *o)
{
	if (!o->log_path[0])
		return 2;
	char path[UD_OPT_STR_MAX + 32];
	snprintf(path, sizeof path, "%s.%d", o->log_path, (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK, 0644);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
			st.st_uid != geteuid())) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		fprintf(stderr, "ulockdep: cannot write %s; writing to stderr\n",
			path);
		return 2;
	}
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* The figures of the summary line and of the JSON "run" object. */
static void put_summary(const ud_options_t *o, const ud_suite_figures_t *f,
			int bad, size_t known, ud_buf_t *b)
{
	if (!strcmp(o->format, "json")) {
		ud_buf_printf(b, "{\"schema_version\":1,\"kind\":\"run\","
			      "\"processes\":%zu,\"lock_classes\":%zu,"
			      "\"dependencies\":%zu,\"chains\":%lld,"
			      "\"max_chain\":%lld,\"max_depth\":%lld,"
			      "\"problems\":%lld,\"known_cycles\":%zu,"
			      "\"unreadable_records\":%d}\n", f->processes,
			      f->classes, f->deps, f->chains, f->max_chain,
			      f->max_depth, f->problems, known, bad);
		return;
	}
	ud_buf_printf(b, "ulockdep: %zu process%s, %zu lock class%s, %zu "
		      "dependenc%s, %lld chain%s checked; ", f->processes,
		      f->processes == 1 ? "" : "es", f->classes,
		      f->classes == 1 ? "" : "es", f->deps,
		      f->deps == 1 ? "y" : "ies", f->chains,
		      f->chains == 1 ? "" : "s");
	if (f->problems)
		ud_buf_printf(b, "%lld problem%s reported", f->problems,
			      f->problems == 1 ? "" : "s");
	else
		ud_buf_puts(b, "no problems");
	if (known)
		ud_buf_printf(b, " (%zu cycle%s reported by an earlier run)",
			      known, known == 1 ? "" : "s");
	if (bad)
		ud_buf_printf(b, "; %d process record%s unreadable", bad,
			      bad == 1 ? "" : "s");
	ud_buf_puts(b, "\n");
}

/* Die of the signal the program died of, so our parent sees the same. */
static int pass_signal(int sig)
{
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

int ud_run_finish(const ud_options_t *o, const char *dir, int wstatus,
		  char *const *argv, int argc)
{
	ud_suite_t s = { 0 };
	char err[1024], uuid[33];
	int store_failed = 0;
	ud_store_t *st = NULL;

	if (o->graph[0]) {
		st = ud_store_open(o->graph, true, true, err, sizeof err);
		if (st && ud_store_load(st, &s, err, sizeof err) < 0) {
			ud_store_close(st, false, NULL, 0);
			st = NULL;
			ud_suite_free(&s);
		}
		if (!st) {
			fprintf(stderr, "ulockdep: %s\n", err);
			store_failed = 1;
		}
	}
	char *cmd = ud_record_cmdline(argv, (size_t)argc);
	ud_suite_new_uuid(uuid);
	size_t run = ud_suite_add_run(&s, uuid, (double)time(NULL), cmd ? cmd : "");
	free(cmd);
	int bad = read_records(&s, run, dir);

	ud_cycle_t *c;
	size_t nc = ud_suite_cycles(&s, UD_CYC_CURRENT, &c), nnew = 0;
	for (size_t i = 0; i < nc; i++)
		nnew += !c[i].known;
	if (st) {
		if (ud_store_save(st, &s, c, nc, err, sizeof err) < 0 ||
		    ud_store_close(st, true, err, sizeof err) < 0) {
			fprintf(stderr, "ulockdep: %s\n", err);
			store_failed = 1;
		}
		/* ud_store_close after a failed save: rolled back. */
	}
	ud_suite_figures_t f;
	ud_suite_figures(&s, true, &f);
	f.problems = f.reports + (long long)nnew;

	/* The run's own output: the cycles (or the SARIF log) to stderr or
	** log_path.<pid>; the summary always to stderr, where the user
	** looks, and no log file for a run with nothing to report. */
	ud_buf_t b = { 0 }, sum = { 0 };
	if (!strcmp(o->format, "sarif")) {
		/* No record at all: the runtime (an older one, or none) wrote
		** its own logs; a second, empty one would only be in the way. */
		if (f.processes)
			ud_suite_format_sarif(&s, false, c, nc, &f, &b);
	} else {
		for (size_t i = 0; i < nc; i++) {
			if (c[i].known)
				continue;
			if (!strcmp(o->format, "json")) {
				ud_suite_format_json(&s, &c[i], &b);
				ud_buf_puts(&b, "\n");
			} else {
				ud_suite_format_text(&s, &c[i], &b);
			}
		}
	}
	/* A SARIF log on stderr stays one JSON document: its run's
	** properties hold the figures. */
	bool sarif_on_stderr = b.len && !strcmp(o->format, "sarif") &&
			       !o->log_path[0];
	if (!o->quiet && !sarif_on_stderr) {
		put_summary(o, &f, bad, nc - nnew, &sum);
		if (strcmp(o->format, "json"))
			ud_suite_format_report_list(&s, &sum);
	}
	/* A reader gone (a closed pipe) must not change the status. */
	signal(SIGPIPE, SIG_IGN);
	if (b.len) {
		int fd = open_output(o);
		write_all(fd, b.data, b.len);
		if (fd != 2)
			close(fd);
	}
	if (sum.len)
		write_all(2, sum.data, sum.len);
	ud_buf_free(&sum);
	ud_buf_free(&b);
	ud_cycles_free(c, nc);
	ud_suite_free(&s);

	if (f.problems && o->exitcode)
		return (int)o->exitcode;
	int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
		     WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : 1;
	if (status == 0 && (bad || store_failed))
		return UD_EXIT_USAGE;
	if (WIFSIGNALED(wstatus))
		return pass_signal(WTERMSIG(wstatus));
	return status;
}
