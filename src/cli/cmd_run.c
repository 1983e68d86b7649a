/*
** cmd_run.c: `ulockdep run [options] [--] PROGRAM [ARGS...]`.
**
** Everything that can be wrong is found before PROGRAM starts: options from
** the environment and the command line are merged and validated with the
** runtime's own parser, PROGRAM is looked up as execvp would, the runtime
** library must exist and the store (graph=FILE) be usable. Only then are
** ULOCKDEP_OPTIONS (canonical, merged), LD_PRELOAD and ULOCKDEP_RECORD_DIR
** set and PROGRAM started in a child. When it ends, run_check.c reads what
** every process of its tree recorded and decides the exit status.
*/
#include "cli.h"

#include "base/options.h"
#include "report/suppress.h"
#include "store.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The option names and kinds as the command line sees them. */
static const struct cli_opt {
	const char *name;
	char kind;		/* 'B'ool, 'I'nt, 'S'tring */
} cli_opts[] = {
#define UD_OPTION(type, name, def, desc) { #name, #type[0] },
#include "base/options.inc"
#undef UD_OPTION
};

void ud_cli_run_usage(FILE *f)
{
	ud_buf_t help = { 0 };
	ud_options_help(&help, 79);

	fputs("Usage: ulockdep run [OPTIONS] [--] PROGRAM [ARGS...]\n"
	      "\n"
	      "Run PROGRAM (looked up in PATH like a shell does) with the ulockdep\n"
	      "runtime preloaded. Lock problems are reported on stderr (or in\n"
	      "log_path.<pid>) while the program keeps running.\n"
	      "\n"
	      "Options: each NAME below is given as --NAME=VALUE or --NAME VALUE,\n"
	      "with dashes or underscores (--stack-frames=32, --stack_frames 32).\n"
	      "A boolean alone means 1 (--strict); --no-NAME means 0; a boolean\n"
	      "takes a value only after '=' (--summary=no). Later options win.\n"
	      "\n"
	      "  --options=STRING  options in the ULOCKDEP_OPTIONS syntax\n"
	      "                    (\"name=value:name=value\")\n"
	      "  -h, --help        show this help and exit\n"
	      "\n", f);
	fwrite(help.data, 1, help.len, f);
	ud_buf_free(&help);
	fputs("\n"
	      "Environment:\n"
	      "  ULOCKDEP_OPTIONS  options for the runtime, \"name=value\" items\n"
	      "                    separated by ':' or spaces; read first, so the\n"
	      "                    command line overrides it; a malformed one is an\n"
	      "                    error. PROGRAM receives the merged options here.\n"
	      "  ULOCKDEP_LIB      path of libulockdep.so to preload (default: next\n"
	      "                    to this command, or in ../lib, ../lib/<multiarch>,\n"
	      "                    ../lib64 relative to its directory)\n"
	      "  LD_PRELOAD        kept, after the runtime library (and, unless\n"
	      "                    check_free_held=0 and check_free=0,\n"
	      "                    libulockdep_free.so from the runtime\n"
	      "                    library's directory)\n"
	      "  PATH              where PROGRAM is looked up when it has no '/'\n"
	      "  ASAN_OPTIONS      verify_asan_link_order=0 is added (the runtime\n"
	      "                    is preloaded before AddressSanitizer's), unless\n"
	      "                    the flag is given\n"
	      "  ULOCKDEP_RECORD_DIR  set for PROGRAM: where each process of its\n"
	      "                    tree writes what it learnt, read at the end\n"
	      "  TMPDIR            where that directory is made (default /tmp)\n"
	      "\n"
	      "When PROGRAM ends, the lock orders every process of its tree learnt\n"
	      "are merged and each cycle that no one process learnt whole is\n"
	      "reported; then one summary line (quiet=1: none). With --graph=FILE\n"
	      "the tree is also checked against every earlier run that used FILE.\n"
	      "\n"
	      "Exit status:\n"
	      "  PROGRAM's own status, unless a process of its tree reported something\n"
	      "  or a cycle across processes was found: then the option exitcode\n"
	      "  (66 by default; exitcode=0 keeps the program's status)\n"
	      "  2    bad usage: unknown option, bad value, malformed ULOCKDEP_OPTIONS,\n"
	      "       runtime library not found, PROGRAM built with ThreadSanitizer,\n"
	      "       MemorySanitizer or HWASan (PROGRAM is not started)\n"
	      "  126  PROGRAM exists but cannot be executed\n"
	      "  127  PROGRAM not found\n"
	      "  2    also after a clean PROGRAM: a process record was unreadable or\n"
	      "       the store could not be written\n"
	      "\n"
	      "Examples:\n"
	      "  ulockdep run ./a.out\n"
	      "  ulockdep run --strict --report-max=1 -- make -j8 check\n"
	      "  ULOCKDEP_OPTIONS=log_path=/tmp/ld ulockdep run --halt-on-error ./server\n"
	      "  ulockdep run --graph=locks.db -- ctest -j8\n",
	      f);
}

static const struct cli_opt *find_opt(const char *name)
{
	for (size_t i = 0; i < sizeof cli_opts / sizeof cli_opts[0]; i++)
		if (!strcmp(cli_opts[i].name, name))
			return &cli_opts[i];
	return NULL;
}

static bool is_sep(char c)
{
	return c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
** Append "name=value" to s, quoting value when it holds separators or quotes
** so that the runtime's parser reads it back unchanged. Returns -1 (after a
** message) for a value no quoting can express.
*/
static int append_item(ud_buf_t *s, const char *name, const char *value)
{
	bool plain = value[0] != 0;
	for (const char *p = value; *p; p++)
		if (is_sep(*p) || *p == '\'' || *p == '"')
			plain = false;
	if (s->len)
		ud_buf_puts(s, ":");
	if (plain) {
		ud_buf_printf(s, "%s=%s", name, value);
		return 0;
	}
	char q = strchr(value, '\'') ? '"' : '\'';
	if (strchr(value, q)) {
		ud_cli_error("option '%s': a value cannot contain "
			"both ' and \" characters", name);
		return -1;
	}
	ud_buf_printf(s, "%s=%c%s%c", name, q, value, q);
	return 0;
}

/* One option from the command line into o; -1 after a message. */
static int set_one(ud_options_t *o, const char *name, const char *value)
{
	ud_buf_t item = { 0 };
	char err[512];
	int rc = append_item(&item, name, value);
	if (rc == 0 && ud_options_parse(o, item.data, err, sizeof err) < 0) {
		ud_cli_error("%s", err);
		rc = -1;
	}
	ud_buf_free(&item);
	return rc;
}

/*
** Parse the options of `run` (argv[1..]) into o. Returns the index of PROGRAM
** in argv, or -1 after printing an error, or -2 for --help (already printed).
*/
static int parse_args(ud_options_t *o, int argc, char **argv)
{
	char err[512];
	int i = 1;

	while (i < argc) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || a[1] == 0)
			return i;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			ud_cli_run_usage(stdout);
			return -2;
		}
		if (a[1] != '-') {
			ud_cli_error("unknown option '%s' (options are "
				"--NAME=VALUE; see 'ulockdep run --help')", a);
			return -1;
		}
		i++;

		/* Normalise the name: "report-max=3" -> name "report_max". */
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		char name[64];
		if (n == 0 || n >= sizeof name) {
			ud_cli_error("unknown option '%s'", a);
			return -1;
		}
		for (size_t j = 0; j < n; j++)
			name[j] = a[2 + j] == '-' ? '_' : a[2 + j];
		name[n] = 0;
		const char *value = eq ? eq + 1 : NULL;

		/* "--help" alone was handled above: here it came with "=". */
		if (!strcmp(name, "help")) {
			ud_cli_error("option '--help' takes no value "
				"(given '%s')", a);
			return -1;
		}

		const struct cli_opt *d = find_opt(name);
		bool negated = false;
		if (!d && !strncmp(name, "no_", 3) && !value) {
			d = find_opt(name + 3);
			if (d && (d->kind == 'B' || !strcmp(d->name, "lock_stat")))
				negated = true;
			else
				d = NULL;
		}
		if (!d && strcmp(name, "options") != 0) {
			int shown = eq ? (int)(eq - a) : (int)strlen(a);
			ud_cli_error("unknown option '%.*s' (see "
				"'ulockdep run --help')", shown, a);
			return -1;
		}

		/* lock_stat takes 0, 1 or instance; alone it means 1. */
		bool flag = d && (d->kind == 'B' || !strcmp(d->name, "lock_stat"));
		if (flag && !value) {
			if (set_one(o, d->name, negated ? "0" : "1") < 0)
				return -1;
			continue;
		}
		if (!value) {
			if (i >= argc) {
				ud_cli_error("option '%s' needs a "
					"value", a);
				return -1;
			}
			value = argv[i++];
		}
		if (d) {
			if (set_one(o, d->name, value) < 0)
				return -1;
		} else if (ud_options_parse(o, value, err, sizeof err) < 0) {
			ud_cli_error("--options: %s", err);
			return -1;
		}
	}
	return i;
}

/*
** The options that differ from the defaults, in ULOCKDEP_OPTIONS syntax.
** Returns -1 (after a message) if a value cannot be written back.
*/
static int canonical(const ud_options_t *o, ud_buf_t *out)
{
	ud_options_t def;
	ud_options_defaults(&def);
	int rc = 0;
	char num[32];

#define UD_OPTION(type, name, d, desc) CANON_##type(name)
#define CANON_BOOL(name) \
	if (o->name != def.name) \
		rc |= append_item(out, #name, o->name ? "1" : "0");
#define CANON_INT(name) \
	if (o->name != def.name) { \
		snprintf(num, sizeof num, "%ld", o->name); \
		rc |= append_item(out, #name, num); \
	}
#define CANON_STR(name) \
	if (strcmp(o->name, def.name) != 0) \
		rc |= append_item(out, #name, o->name);
#include "base/options.inc"
#undef UD_OPTION
#undef CANON_BOOL
#undef CANON_INT
#undef CANON_STR
	return rc ? -1 : 0;
}

/*
** log_path names files PATH.<pid> to be made later, by every process of the
** run: its directory must exist and take new files now, or the reports of the
** whole run would be lost. It is made absolute, as processes change directory.
*/
static int check_log_path(ud_options_t *o)
{
	char *copy = strdup(o->log_path);
	if (!copy)
		return -1;
	char *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
	const char *base = slash ? slash + 1 : copy;
	if (slash)
		*slash = 0;
	struct stat st;
	int rc = -1;
	if (!*base)
		ud_cli_error("log_path '%s' names a directory; give a file name "
			     "prefix (reports go to PREFIX.<pid>)", o->log_path);
	else if (stat(dir, &st) < 0)
		ud_cli_error("log_path '%s': directory '%s': %s", o->log_path, dir,
			     strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		ud_cli_error("log_path '%s': '%s' is not a directory", o->log_path,
			     dir);
	else if (access(dir, W_OK | X_OK) < 0)
		ud_cli_error("log_path '%s': cannot create files in '%s': %s",
			     o->log_path, dir, strerror(errno));
	else
		rc = 0;
	char *abs = rc == 0 ? realpath(dir, NULL) : NULL;
	if (abs) {
		ud_buf_t b = { 0 };
		ud_buf_printf(&b, "%s/%s", strcmp(abs, "/") ? abs : "", base);
		if (b.data && b.len < sizeof o->log_path)
			memcpy(o->log_path, b.data, b.len + 1);
		ud_buf_free(&b);
	}
	free(abs);
	free(copy);
	return rc;
}

/*
** Values the option parser takes as plain strings but the runtime would
** refuse: the format, and the suppressions file, which is parsed here in full
** so a mistake is found before PROGRAM runs. The file's path is made absolute,
** so that programs which change directory before starting others still find
** it. -1 after a message.
*/
static int check_values(ud_options_t *o)
{
	if (strcmp(o->format, "text") && strcmp(o->format, "json") &&
	    strcmp(o->format, "sarif")) {
		ud_cli_error("option 'format' expects text, json or "
			"sarif, not '%s'", o->format);
		return -1;
	}
	if (strcmp(o->lock_stat, "0") && strcmp(o->lock_stat, "1") &&
	    strcmp(o->lock_stat, "instance")) {
		ud_cli_error("option 'lock_stat' expects 0, 1 or instance, not '%s'",
			     o->lock_stat);
		return -1;
	}
	if (o->lock_stat_format[0] && strcmp(o->lock_stat_format, "summary") &&
	    strcmp(o->lock_stat_format, "kernel") && strcmp(o->lock_stat_format, "json")) {
		ud_cli_error("option 'lock_stat_format' expects summary, kernel or "
			     "json, not '%s'", o->lock_stat_format);
		return -1;
	}
	if (o->log_path[0] && check_log_path(o) < 0)
		return -1;
	if (!o->suppressions[0])
		return 0;
	char err[1024];
	ud_supp_list_t l = { 0 };
	int rc = ud_supp_load(&l, o->suppressions, err, sizeof err);
	ud_supp_free(&l);
	if (rc < 0) {
		ud_cli_error("%s", err);
		return -1;
	}
	char *abs = realpath(o->suppressions, NULL);
	if (abs && strlen(abs) < sizeof o->suppressions)
		strcpy(o->suppressions, abs);
	free(abs);
	return 0;
}

/* 0 if path names a file this process may execute, else an errno. */
static int check_exec(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (access(path, X_OK) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	return 0;
}

/*
** Find prog the way execvp does: as given when it holds a '/', else along PATH
** (an empty entry is the current directory; no PATH means /bin:/usr/bin). On
** success *out is a malloc'd path; else returns the errno execvp would give,
** preferring "found but not executable" to "not found".
*/
static int resolve_program(const char *prog, char **out)
{
	if (strchr(prog, '/')) {
		int e = check_exec(prog);
		if (!e)
			*out = strdup(prog);
		return e;
	}
	if (!prog[0])
		return ENOENT;

	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	int found_err = 0;
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *cand = malloc(n + strlen(prog) + 3);
		if (!cand)
			return ENOMEM;
		if (n)
			sprintf(cand, "%.*s/%s", (int)n, p, prog);
		else
			sprintf(cand, "./%s", prog);
		int e = check_exec(cand);
		if (!e) {
			*out = cand;
			return 0;
		}
		free(cand);
		if (e != ENOENT && e != ENOTDIR && !found_err)
			found_err = e;
		if (!end)
			break;
		p = end;
	}
	return found_err ? found_err : ENOENT;
}

static int exec_failure_status(int e)
{
	return e == ENOENT || e == ENOTDIR ? UD_EXIT_NOTFOUND : UD_EXIT_NOEXEC;
}

/* Is the n bytes at p one of the libraries in libs? */
static bool is_one_of(const char *p, size_t n, const char *const *libs)
{
	for (; *libs; libs++)
		if (n == strlen(*libs) && !strncmp(p, *libs, n))
			return true;
	return false;
}

/*
** LD_PRELOAD value: the runtime libraries first, then what was there (without
** a second copy of them, as with a nested `ulockdep run`).
*/
static char *preload_value(const char *const *libs)
{
	const char *old = getenv("LD_PRELOAD");
	ud_buf_t b = { 0 };
	for (const char *const *l = libs; *l; l++)
		ud_buf_printf(&b, "%s%s", l == libs ? "" : ":", *l);
	if (old) {
		const char *p = old;
		while (*p) {
			size_t n = strcspn(p, ": \t");
			if (n && !is_one_of(p, n, libs))
				ud_buf_printf(&b, ":%.*s", (int)n, p);
			p += n;
			if (*p)
				p++;
		}
	}
	char *s = strdup(b.data);
	ud_buf_free(&b);
	return s;
}

/* PROGRAM is built with a sanitizer that cannot run with the runtime. */
static void refuse_sanitizer(const char *prog, const char *name)
{
	if (!strcmp(name, "ThreadSanitizer"))
		ud_cli_error("'%s' is built with ThreadSanitizer, which checks "
			     "lock order itself and would see ulockdep's runtime as "
			     "racy; run it without ulockdep, or check a build without "
			     "-fsanitize=thread (AddressSanitizer and UBSan builds run "
			     "under ulockdep)", prog);
	else
		ud_cli_error("'%s' is built with %s, whose thread and lock "
			     "interceptors cannot run under ulockdep; run it without "
			     "ulockdep, or check a build without that sanitizer "
			     "(AddressSanitizer and UBSan builds run under ulockdep)",
			     prog, name);
}

/*
** The runtime is preloaded before a shared AddressSanitizer runtime (gcc's
** default), so that it sees the program's thread and lock calls before
** ASan's interceptors, which would hide the program's start routines and
** call sites; ASan's runtime still precedes every other library, which is
** what it needs. Its check that it comes first is turned off, for every
** program, since PROGRAM may start sanitized ones (a test driver). A value
** the user gave for that flag is kept.
*/
static int asan_options(void)
{
	static const char flag[] = "verify_asan_link_order=0";
	const char *old = getenv("ASAN_OPTIONS");
	if (old && strstr(old, "verify_asan_link_order"))
		return 0;
	if (!old || !old[0])
		return setenv("ASAN_OPTIONS", flag, 1);
	ud_buf_t b = { 0 };
	ud_buf_printf(&b, "%s:%s", old, flag);
	int rc = b.data ? setenv("ASAN_OPTIONS", b.data, 1) : -1;
	ud_buf_free(&b);
	return rc;
}

/* In the child: become PROGRAM; the status to exit with if that fails. */
static int exec_program(const char *path, const char *prog, int argc,
			char **argv)
{
	execv(path, argv);
	int e = errno;
	if (e == ENOEXEC) {
		/* No #! line: execvp hands such a file to the shell; so do we. */
		char **sh_argv = calloc((size_t)argc + 2, sizeof *sh_argv);
		if (sh_argv) {
			sh_argv[0] = "sh";
			sh_argv[1] = (char *)path;
			for (int i = 1; i < argc; i++)
				sh_argv[i + 1] = argv[i];
			execv("/bin/sh", sh_argv);
			e = errno;
		}
	}
	ud_cli_error("cannot run '%s': %s", prog, strerror(e));
	return exec_failure_status(e);
}

static volatile pid_t child_pid;

static void forward(int sig)
{
	int e = errno;
	if (child_pid > 0)
		kill(child_pid, sig);
	errno = e;
}

/*
** Wait for the program, its wait status. Signals sent to this command
** alone (a CI's timeout, kill) are passed on to it; the terminal's ^C and
** ^\ reach it directly (the same process group), so here they are ignored,
** as system() does.
*/
static int wait_child(pid_t pid)
{
	static const int fwd[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { 0 };
	child_pid = pid;
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fwd / sizeof fwd[0]; i++)
		sigaction(fwd[i], &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = UD_EXIT_USAGE << 8;
			break;
		}
	child_pid = 0;
	for (size_t i = 0; i < sizeof fwd / sizeof fwd[0]; i++)
		signal(fwd[i], SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	return status;
}

int ud_cmd_run(int argc, char **argv)
{
	static ud_options_t opts;	/* big (string fields): not on the stack */
	char err[512];

	ud_options_defaults(&opts);
	const char *env = getenv("ULOCKDEP_OPTIONS");
	if (env && ud_options_parse(&opts, env, err, sizeof err) < 0) {
		ud_cli_error("ULOCKDEP_OPTIONS: %s", err);
		return UD_EXIT_USAGE;
	}

	int first = parse_args(&opts, argc, argv);
	if (first == -2)
		return 0;
	if (first < 0)
		return UD_EXIT_USAGE;
	if (first >= argc) {
		fprintf(stderr, "ulockdep: run: no program given\n"
			"Usage: ulockdep run [OPTIONS] [--] PROGRAM [ARGS...]\n");
		return UD_EXIT_USAGE;
	}

	if (check_values(&opts) < 0)
		return UD_EXIT_USAGE;

	ud_buf_t canon = { 0 };
	if (canonical(&opts, &canon) < 0)
		return UD_EXIT_USAGE;

	const char *prog = argv[first];
	char *path = NULL;
	int e = resolve_program(prog, &path);
	if (e) {
		ud_cli_error("cannot run '%s': %s", prog,
			strerror(e));
		return exec_failure_status(e);
	}

	ud_cli_san_t san;
	ud_cli_sanitizer(path, &san);
	if (san.refused || ud_cli_check_reachable(prog, path) < 0) {
		if (san.refused)
			refuse_sanitizer(prog, san.name);
		free(path);
		return UD_EXIT_USAGE;
	}

	char *lib = ud_cli_find_runtime();
	if (!lib)
		return UD_EXIT_USAGE;
	/* free() is interposed by a library of its own, only when checked. */
	char *free_lib = NULL;
	if (opts.check_free || opts.check_free_held) {
		free_lib = ud_cli_find_free_lib(lib, opts.check_free);
		if (!free_lib && opts.check_free)
			return UD_EXIT_USAGE;
	}
	const char *libs[] = { lib, free_lib, NULL };

	if (canon.len) {
		if (setenv("ULOCKDEP_OPTIONS", canon.data, 1) < 0)
			goto env_fail;
	} else {
		unsetenv("ULOCKDEP_OPTIONS");
	}
	if (asan_options() < 0)
		goto env_fail;
	char *preload = preload_value(libs);
	if (!preload || setenv("LD_PRELOAD", preload, 1) < 0)
		goto env_fail;

	/* A store that cannot be used is found before the tree runs. An empty
	** file is one that a concurrent run is creating now. */
	struct stat gst;
	if (opts.graph[0] && stat(opts.graph, &gst) == 0 &&
	    !(S_ISREG(gst.st_mode) && gst.st_size == 0)) {
		ud_store_t *st = ud_store_open(opts.graph, false, false, err,
					       sizeof err);
		if (!st) {
			ud_cli_error("%s", err);
			return UD_EXIT_USAGE;
		}
		ud_store_close(st, false, NULL, 0);
	}

	/* Each process of the tree writes its record here (docs/suite.md). */
	const char *tmp = getenv("TMPDIR");
	ud_buf_t dir = { 0 };
	ud_buf_printf(&dir, "%s/ulockdep.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir.data)) {
		fprintf(stderr, "ulockdep: cannot create a directory for the "
			"process records (%s): %s\n", dir.data, strerror(errno));
		return UD_EXIT_USAGE;
	}
	if (setenv("ULOCKDEP_RECORD_DIR", dir.data, 1) < 0)
		goto env_fail;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ulockdep: cannot start '%s': %s\n", prog,
			strerror(errno));
		rmdir(dir.data);
		return UD_EXIT_USAGE;
	}
	if (pid == 0)
		_exit(exec_program(path, prog, argc - first, argv + first));
	int status = wait_child(pid);
	return ud_run_finish(&opts, dir.data, status, argv + first, argc - first);

env_fail:
	fprintf(stderr, "ulockdep: cannot set the environment: %s\n",
		strerror(errno));
	return UD_EXIT_USAGE;
}
