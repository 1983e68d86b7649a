/*
** cmd_graph.c: `ulockdep graph STORE... --format=dot|svg [--around=CLASS]`:
** the class graph for Graphviz. Classes are named as reports name them, each
** edge says which function made it and in which process, and the edges and
** classes of every cycle are drawn in red. A large graph is cut down to the
** neighbourhood of its cycles (or of CLASS): what a reader can take in.
** With --color=wait, classes are shaded by their total wait time.
*/
#include "cli.h"
#include "suite.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Above this many classes, only the neighbourhood is drawn. */
#define BIG_GRAPH 60
/* How far the neighbourhood reaches, in dependencies either way. */
#define RADIUS 1

/* s as a DOT string (quoted, escaped). */
static void dot_str(ud_buf_t *b, const char *s)
{
	ud_buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			ud_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			ud_buf_puts(b, "\\n");
		else if ((unsigned char)*s >= 0x20)
			ud_buf_printf(b, "%c", *s);
	}
	ud_buf_puts(b, "\"");
}

/* The innermost function of a dependency's stack, or NULL. */
static char *first_func(const char *stack)
{
	char e[64];
	uj_t *st = uj_parse(stack, strlen(stack), e, sizeof e);
	char *f = NULL;
	for (size_t i = 0; st && st->type == UJ_ARR && i < st->n && !f; i++) {
		const char *fn = uj_get_str(st->items[i], "func");
		if (fn)
			f = strdup(fn);
	}
	uj_free(st);
	return f;
}

/* Mark the classes within RADIUS of the marked ones. */
static void widen(const ud_suite_t *s, bool *keep)
{
	for (int r = 0; r < RADIUS; r++) {
		bool *next = calloc(s->nclasses + 1, 1);
		memcpy(next, keep, s->nclasses);
		for (size_t i = 0; i < s->ndeps; i++) {
			const ud_sdep_t *d = &s->deps[i];
			if (keep[d->from] || keep[d->to])
				next[d->from] = next[d->to] = true;
		}
		memcpy(keep, next, s->nclasses);
		free(next);
	}
}

/*
** --color=wait: five shades of orange by a class's share of the largest
** total wait (above 0, 20, 40, 60 and 80 %); classes that never waited stay
** white. A legend gives each shade's range.
*/
#define SHADES 5
static const char *const shade[SHADES] = {
	"#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"
};

typedef struct wait_colors {
	long long *wait;	/* per class: total wait in ns, -1: no figures */
	long long *contended;
	long long max;
} wait_colors_t;

static void wait_colors(const ud_suite_t *s, wait_colors_t *w)
{
	ud_suite_lstats_t ls;
	ud_suite_lock_stats(s, &ls);
	w->wait = malloc((s->nclasses + 1) * sizeof *w->wait);
	w->contended = calloc(s->nclasses + 1, sizeof *w->contended);
	w->max = 0;
	for (size_t i = 0; i < s->nclasses && w->wait; i++)
		w->wait[i] = -1;
	for (size_t i = 0; i < ls.nclasses && w->wait && w->contended; i++) {
		const ud_class_lstat_t *c = &ls.classes[i];
		w->wait[c->cls] = c->st.wait_total;
		w->contended[c->cls] = c->st.contended;
		if (c->st.wait_total > w->max)
			w->max = c->st.wait_total;
	}
	ud_suite_lstats_free(&ls);
}

static int shade_of(const wait_colors_t *w, long long wait)
{
	if (wait <= 0 || w->max <= 0)
		return -1;
	int k = (int)((double)wait / (double)w->max * SHADES);
	/* Above 80 % is the darkest; exactly 20 % still the first. */
	if (k > 0 && (double)wait * SHADES == (double)w->max * k)
		k--;
	return k >= SHADES ? SHADES - 1 : k;
}

/* ns as milliseconds, three decimals, rounded. */
static void put_ms(ud_buf_t *b, long long ns)
{
	long long v = ns / 1000 + (ns % 1000 >= 500);
	ud_buf_printf(b, "%lld.%03lld ms", v / 1000, v % 1000);
}

static void build_legend(const wait_colors_t *w, ud_buf_t *b)
{
	ud_buf_puts(b, "  subgraph cluster_legend {\n"
		    "    label=\"total wait\"; fontname=\"monospace\";\n");
	/* Nothing waited: no shade is used, none is explained. */
	for (int k = w->max > 0 ? SHADES - 1 : -1; k >= 0; k--) {
		ud_buf_t t = { 0 };
		long long lo = w->max / SHADES * k, hi = w->max / SHADES * (k + 1);
		if (k == SHADES - 1)
			hi = w->max;
		ud_buf_puts(&t, k ? "above " : "up to ");
		put_ms(&t, k ? lo : hi);
		if (k) {
			ud_buf_puts(&t, ", up to ");
			put_ms(&t, hi);
		}
		ud_buf_printf(b, "    legend%d [label=", k);
		dot_str(b, t.data);
		ud_buf_printf(b, ", style=\"rounded,filled\", fillcolor=\"%s\"%s];\n",
			      shade[k], k >= 3 ? ", fontcolor=white" : "");
		ud_buf_free(&t);
	}
	ud_buf_puts(b, "    legend_none [label=\"no wait, or no figures\", "
		    "style=rounded];\n  }\n");
}

static void build_dot(const ud_suite_t *s, const ud_cycle_t *c, size_t nc,
		      const bool *keep, const wait_colors_t *w, ud_buf_t *b)
{
	bool *hot = calloc(s->ndeps + 1, 1), *hotc = calloc(s->nclasses + 1, 1);
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < c[i].n; j++) {
			const ud_sdep_t *d = &s->deps[c[i].deps[j]];
			hot[c[i].deps[j]] = true;
			hotc[d->from] = hotc[d->to] = true;
		}
	ud_buf_puts(b, "digraph ulockdep {\n"
		    "  rankdir=LR;\n"
		    "  node [shape=box, style=rounded, fontname=\"monospace\"];\n"
		    "  edge [fontname=\"monospace\", fontsize=10];\n");
	for (size_t i = 0; i < s->nclasses; i++) {
		if (!keep[i])
			continue;
		ud_buf_printf(b, "  c%zu [label=", i);
		dot_str(b, s->classes[i].name);
		ud_buf_puts(b, ", tooltip=");
		if (w && w->wait && w->wait[i] >= 0) {
			ud_buf_t t = { 0 };
			ud_buf_printf(&t, "%s\ntotal wait ", s->classes[i].id);
			put_ms(&t, w->wait[i]);
			ud_buf_printf(&t, " over %lld contention%s",
				      w->contended[i],
				      w->contended[i] == 1 ? "" : "s");
			dot_str(b, t.data);
			ud_buf_free(&t);
		} else {
			dot_str(b, s->classes[i].id);
		}
		int k = w && w->wait ? shade_of(w, w->wait[i]) : -1;
		if (k >= 0)
			ud_buf_printf(b, ", style=\"rounded,filled\", "
				      "fillcolor=\"%s\"%s", shade[k],
				      k >= 3 && !hotc[i] ? ", fontcolor=white" : "");
		if (hotc[i])
			ud_buf_puts(b, ", color=red, fontcolor=red, penwidth=2");
		ud_buf_puts(b, "];\n");
	}
	for (size_t i = 0; i < s->ndeps; i++) {
		const ud_sdep_t *d = &s->deps[i];
		if (!keep[d->from] || !keep[d->to])
			continue;
		ud_buf_t label = { 0 };
		char *fn = first_func(d->stack);
		size_t p = ud_suite_dep_proc(s, i);
		const char *prog = s->procs[p].program;
		const char *base = strrchr(prog, '/');
		ud_buf_printf(&label, "%s\n%s/%lld", fn ? fn : "?",
			      base ? base + 1 : prog, s->procs[p].pid);
		if (d->nprocs > 1)
			ud_buf_printf(&label, " +%zu", d->nprocs - 1);
		free(fn);
		ud_buf_printf(b, "  c%zu -> c%zu [label=", d->from, d->to);
		dot_str(b, label.data);
		ud_buf_free(&label);
		if (d->read)
			ud_buf_puts(b, ", style=dashed");
		if (hot[i])
			ud_buf_puts(b, ", color=red, fontcolor=red, penwidth=2");
		ud_buf_puts(b, "];\n");
	}
	if (w)
		build_legend(w, b);
	ud_buf_puts(b, "}\n");
	free(hot);
	free(hotc);
}

/* Graphviz's dot on PATH, or NULL. */
static char *find_dot(void)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *cand = malloc(n + 8);
		if (cand) {
			snprintf(cand, n + 8, "%.*s/dot", (int)n, n ? p : ".");
			if (access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		if (!end)
			return NULL;
		p = end;
	}
}

/* Pipe text through `dot -Tsvg` to stdout. */
static int run_dot(const char *dot, const ud_buf_t *text)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execl(dot, "dot", "-Tsvg", (char *)NULL);
		fprintf(stderr, "ulockdep graph: cannot run %s: %s\n", dot,
			strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	size_t off = 0;
	while (off < text->len) {
		ssize_t n = write(fds[1], text->data + off, text->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	signal(SIGPIPE, old);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && off == text->len ? 0 : -1;
}

int ud_cmd_graph(int argc, char **argv)
{
	const char *format = NULL, *around = NULL, *color = NULL;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: ulockdep graph STORE... --format=dot|svg [--around=CLASS]\n"
		     "                      [--color=wait]\n"
		     "Draw the lock class graph of the stores with Graphviz (svg runs\n"
		     "'dot' from PATH). Cycles are red; each edge names the function\n"
		     "that made the dependency and the process that learnt it. A graph\n"
		     "of more than 60 classes shows the neighbourhood of its cycles, or\n"
		     "of CLASS (a class name as reports print it, or its identity).\n"
		     "--color=wait (or --colour) shades classes by their total wait\n"
		     "time from lock statistics (runs with --lock-stat), with a legend;\n"
		     "a class's tooltip gives the figure.");
		return 0;
	}
	char **files = calloc((size_t)argc, sizeof *files);
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = !strncmp(a, "--format", 8) ? &format :
				   !strncmp(a, "--around", 8) ? &around :
				   !strncmp(a, "--colour", 8) ? &color : NULL;
		size_t len = 8;
		if (!dst && !strncmp(a, "--color", 7)) {
			dst = &color;
			len = 7;
		}
		if (dst && a[len] == '=') {
			*dst = a + len + 1;
		} else if (dst && !a[len] && i + 1 < argc) {
			*dst = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "ulockdep graph: bad option '%s'\n", a);
			free(files);
			return UD_EXIT_USAGE;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles || !format || (strcmp(format, "dot") && strcmp(format, "svg"))) {
		fputs("Usage: ulockdep graph STORE... --format=dot|svg "
		      "[--around=CLASS] [--color=wait]\n", stderr);
		free(files);
		return UD_EXIT_USAGE;
	}
	if (color && strcmp(color, "wait")) {
		fprintf(stderr, "ulockdep graph: --color expects 'wait' (classes "
			"shaded by total wait time), not '%s'\n", color);
		free(files);
		return UD_EXIT_USAGE;
	}
	char *dot = NULL;
	if (!strcmp(format, "svg") && !(dot = find_dot())) {
		fputs("ulockdep graph: --format=svg needs Graphviz's 'dot' program, "
		      "which is not in PATH (Debian: apt-get install graphviz); "
		      "--format=dot writes the graph for it\n", stderr);
		free(files);
		return UD_EXIT_USAGE;
	}
	ud_suite_t s = { 0 };
	char err[1024];
	for (int i = 0; i < nfiles; i++)
		if (ud_suite_load_input(&s, files[i], false, err, sizeof err) < 0) {
			fprintf(stderr, "ulockdep graph: %s\n", err);
			free(files);
			free(dot);
			ud_suite_free(&s);
			return UD_EXIT_USAGE;
		}
	free(files);

	ud_cycle_t *c;
	size_t nc = ud_suite_cycles(&s, UD_CYC_ALL, &c);
	bool *keep = calloc(s.nclasses + 1, 1);
	int rc = 0;
	if (around) {
		bool found = false;
		for (size_t i = 0; i < s.nclasses; i++)
			if (!strcmp(s.classes[i].name, around) ||
			    !strcmp(s.classes[i].id, around))
				found = keep[i] = true;
		if (!found) {
			fprintf(stderr, "ulockdep graph: no class named '%s'\n",
				around);
			rc = 1;
		}
		widen(&s, keep);
	} else if (s.nclasses > BIG_GRAPH && nc) {
		for (size_t i = 0; i < nc; i++)
			for (size_t j = 0; j < c[i].n; j++)
				keep[s.deps[c[i].deps[j]].from] = true;
		widen(&s, keep);
	} else {
		memset(keep, 1, s.nclasses);
	}
	if (rc == 0) {
		ud_buf_t b = { 0 };
		wait_colors_t w = { 0 };
		if (color)
			wait_colors(&s, &w);
		build_dot(&s, c, nc, keep, color ? &w : NULL, &b);
		free(w.wait);
		free(w.contended);
		if (dot) {
			if (run_dot(dot, &b) < 0) {
				fputs("ulockdep graph: Graphviz's dot failed\n", stderr);
				rc = 1;
			}
		} else {
			fwrite(b.data, 1, b.len, stdout);
		}
		ud_buf_free(&b);
	}
	free(keep);
	free(dot);
	ud_cycles_free(c, nc);
	ud_suite_free(&s);
	return rc;
}
