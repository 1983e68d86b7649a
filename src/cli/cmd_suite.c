/*
** cmd_suite.c: the commands on stores: `merge OUT INPUT...` combines stores
** and records into one store, `check STORE...` reports the cycles across
** processes that they hold, `stats STORE...` prints the kernel's
** /proc/lockdep_stats figures and /proc/lockdep class list for them, and
** their lock statistics (stats_lock.c).
*/
#include "cli.h"
#include "stats_lock.h"
#include "store.h"
#include "suite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Read every input into s; -1 after a message. */
static int load_all(ud_suite_t *s, char **inputs, int n, const char *cmd)
{
	char err[1024];
	for (int i = 0; i < n; i++) {
		if (ud_suite_load_input(s, inputs[i], false, err, sizeof err) < 0) {
			fprintf(stderr, "ulockdep %s: %s\n", cmd, err);
			return -1;
		}
	}
	return 0;
}

int ud_cmd_merge(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: ulockdep merge OUT INPUT...\n"
		     "Add every INPUT (a store, a process record, or a directory of\n"
		     "records) to the store OUT, created if missing. Merging an input\n"
		     "twice adds nothing the second time.");
		return 0;
	}
	if (argc < 3) {
		fputs("Usage: ulockdep merge OUT INPUT...\n", stderr);
		return UD_EXIT_USAGE;
	}
	ud_suite_t in = { 0 };
	if (load_all(&in, argv + 2, argc - 2, "merge") < 0) {
		ud_suite_free(&in);
		return 1;
	}
	char err[1024];
	ud_store_t *st = ud_store_open(argv[1], true, true, err, sizeof err);
	if (!st) {
		fprintf(stderr, "ulockdep merge: %s\n", err);
		ud_suite_free(&in);
		return 1;
	}
	ud_suite_t out = { 0 };
	int rc = ud_store_load(st, &out, err, sizeof err);
	if (rc == 0) {
		ud_suite_merge(&out, &in);
		rc = ud_store_save(st, &out, NULL, 0, err, sizeof err);
	}
	if (rc == 0)
		rc = ud_store_close(st, true, err, sizeof err);
	else
		ud_store_close(st, false, NULL, 0);
	if (rc < 0)
		fprintf(stderr, "ulockdep merge: %s\n", err);
	ud_suite_free(&in);
	ud_suite_free(&out);
	return rc < 0 ? 1 : 0;
}

/* --format=VALUE or --format VALUE at argv[*i]; other arguments to files. */
static int parse_common(int argc, char **argv, const char **format,
			const char **around, char ***files, int *nfiles,
			const char *cmd)
{
	*files = calloc((size_t)argc, sizeof **files);
	*nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		const char *name = NULL;
		if (!strncmp(a, "--format", 8) && (a[8] == '=' || !a[8])) {
			dst = format;
			name = "--format";
		} else if (around && !strncmp(a, "--around", 8) &&
			   (a[8] == '=' || !a[8])) {
			dst = around;
			name = "--around";
		}
		if (dst) {
			size_t n = strlen(name);
			if (a[n] == '=')
				*dst = a + n + 1;
			else if (i + 1 < argc)
				*dst = argv[++i];
			else {
				fprintf(stderr, "ulockdep %s: %s needs a value\n",
					cmd, name);
				return -1;
			}
			continue;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				(*files)[(*nfiles)++] = argv[i];
			break;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "ulockdep %s: unknown option '%s'\n", cmd, a);
			return -1;
		}
		(*files)[(*nfiles)++] = argv[i];
	}
	if (!*nfiles) {
		fprintf(stderr, "ulockdep %s: no store given\n", cmd);
		return -1;
	}
	return 0;
}

static void summary_line(const ud_suite_t *s, const ud_suite_figures_t *f,
			 ud_buf_t *b)
{
	ud_buf_printf(b, "ulockdep: %zu process%s in %zu run%s, %zu lock classes, "
		      "%zu dependencies, %lld chains checked; ", f->processes,
		      f->processes == 1 ? "" : "es", s->nruns,
		      s->nruns == 1 ? "" : "s", f->classes, f->deps, f->chains);
	if (f->problems)
		ud_buf_printf(b, "%lld problem%s\n", f->problems,
			      f->problems == 1 ? "" : "s");
	else
		ud_buf_puts(b, "no problems\n");
}

int ud_cmd_check(int argc, char **argv)
{
	const char *format = "text";
	char **files;
	int nfiles;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: ulockdep check STORE... [--format=text|json|sarif]\n"
		     "Report the cycles of the lock graph that the stores hold together\n"
		     "and no single process learnt whole, and the problems the\n"
		     "processes reported themselves. Exit status: 0 none, 1 some,\n"
		     "2 bad usage or an unreadable store.");
		return 0;
	}
	if (parse_common(argc, argv, &format, NULL, &files, &nfiles, "check") < 0) {
		free(files);
		return UD_EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "sarif")) {
		fprintf(stderr, "ulockdep check: --format expects text, json or "
			"sarif, not '%s'\n", format);
		free(files);
		return UD_EXIT_USAGE;
	}
	ud_suite_t s = { 0 };
	if (load_all(&s, files, nfiles, "check") < 0) {
		free(files);
		ud_suite_free(&s);
		return UD_EXIT_USAGE;
	}
	free(files);
	ud_cycle_t *c;
	size_t nc = ud_suite_cycles(&s, 0, &c);
	ud_suite_figures_t f;
	ud_suite_figures(&s, false, &f);
	f.problems = (long long)nc + (long long)s.nreports;

	ud_buf_t b = { 0 };
	if (!strcmp(format, "sarif")) {
		ud_suite_format_sarif(&s, true, c, nc, &f, &b);
	} else if (!strcmp(format, "json")) {
		for (size_t i = 0; i < nc; i++) {
			ud_suite_format_json(&s, &c[i], &b);
			ud_buf_puts(&b, "\n");
		}
		for (size_t i = 0; i < s.nreports; i++)
			ud_buf_printf(&b, "%s\n", s.reports[i].json);
		ud_buf_printf(&b, "{\"check\":{\"processes\":%zu,\"runs\":%zu,"
			      "\"lock_classes\":%zu,\"dependencies\":%zu,"
			      "\"chains\":%lld,\"cycles\":%zu,\"reports\":%zu,"
			      "\"problems\":%lld}}\n", f.processes, s.nruns,
			      f.classes, f.deps, f.chains, nc, s.nreports,
			      f.problems);
	} else {
		for (size_t i = 0; i < nc; i++)
			ud_suite_format_text(&s, &c[i], &b);
		if (nc)
			ud_buf_puts(&b, "\n");
		for (size_t i = 0; i < s.nreports; i++) {
			char e[64];
			const char *js = s.reports[i].json;
			uj_t *o = uj_parse(js, strlen(js), e, sizeof e);
			const char *t = uj_get_str(o, "title");
			ud_buf_t lab = { 0 };
			ud_suite_proc_label(&s, s.reports[i].proc, &lab);
			ud_buf_printf(&b, "reported by %s: %s\n", lab.data,
				      t ? t : s.reports[i].kind);
			ud_buf_free(&lab);
			uj_free(o);
		}
		summary_line(&s, &f, &b);
	}
	fwrite(b.data, 1, b.len, stdout);
	ud_buf_free(&b);
	ud_cycles_free(c, nc);
	ud_suite_free(&s);
	return f.problems ? 1 : 0;
}

/* How many classes each class reaches (forward) or is reached from. */
static void reach_counts(const ud_suite_t *s, size_t *fd, size_t *bd)
{
	size_t n = s->nclasses;
	size_t *off[2], *adj[2];
	for (int dir = 0; dir < 2; dir++) {
		off[dir] = calloc(n + 1, sizeof **off);
		adj[dir] = calloc(s->ndeps + 1, sizeof **adj);
		for (size_t i = 0; i < s->ndeps; i++)
			off[dir][(dir ? s->deps[i].to : s->deps[i].from) + 1]++;
		for (size_t v = 0; v < n; v++)
			off[dir][v + 1] += off[dir][v];
		size_t *fill = calloc(n + 1, sizeof *fill);
		for (size_t i = 0; i < s->ndeps; i++) {
			size_t a = dir ? s->deps[i].to : s->deps[i].from;
			size_t b = dir ? s->deps[i].from : s->deps[i].to;
			adj[dir][off[dir][a] + fill[a]++] = b;
		}
		free(fill);
	}
	size_t *seen = calloc(n + 1, sizeof *seen), *queue = calloc(n + 1, sizeof *queue);
	size_t stamp = 0;
	for (int dir = 0; dir < 2; dir++) {
		for (size_t v = 0; v < n; v++) {
			size_t head = 0, tail = 0, count = 0;
			seen[v] = ++stamp;
			queue[tail++] = v;
			while (head < tail) {
				size_t u = queue[head++];
				for (size_t i = off[dir][u]; i < off[dir][u + 1]; i++) {
					size_t w = adj[dir][i];
					if (seen[w] == stamp)
						continue;
					seen[w] = stamp;
					queue[tail++] = w;
					count++;
				}
			}
			(dir ? bd : fd)[v] = count;
		}
		free(off[dir]);
		free(adj[dir]);
	}
	free(seen);
	free(queue);
}

static unsigned long long class_key(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* --kernel and --top[=]N out of argv (compacted); -1 after a message. */
static int stats_flags(int *argc, char **argv, bool *kernel, size_t *top)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--kernel")) {
			*kernel = true;
			continue;
		}
		if (!strncmp(a, "--top=", 6))
			v = a + 6;
		else if (!strcmp(a, "--top") && i + 1 < *argc)
			v = argv[++i];
		else if (!strcmp(a, "--top")) {
			fputs("ulockdep stats: --top needs a value\n", stderr);
			return -1;
		}
		if (v) {
			char *end;
			unsigned long long n = strtoull(v, &end, 10);
			if (!*v || *end || v[0] == '-') {
				fprintf(stderr, "ulockdep stats: --top expects a "
					"number of classes (0: all), not '%s'\n", v);
				return -1;
			}
			*top = (size_t)n;
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	return 0;
}

int ud_cmd_stats(int argc, char **argv)
{
	const char *format = "text";
	char **files;
	int nfiles;
	bool kernel = false;
	size_t top = 10;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("Usage: ulockdep stats STORE... [--format=text|json] [--top=N]\n"
		     "                      [--kernel]\n"
		     "Print the figures of the kernel's /proc/lockdep_stats and a\n"
		     "/proc/lockdep class list (forward and backward dependency\n"
		     "counts, and each class's direct dependencies) for the stores.\n"
		     "When the stores hold lock statistics (run with --lock-stat),\n"
		     "then the N classes with the most total wait (--top, default 10,\n"
		     "0 for all) and the condition variables; --kernel prints them in\n"
		     "the columns of the kernel's /proc/lock_stat instead, with the\n"
		     "call sites that waited (contentions) and that held the lock\n"
		     "meanwhile (contending). --format=json prints every figure as one\n"
		     "JSON object.");
		return 0;
	}
	char **args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return UD_EXIT_USAGE;
	memcpy(args, argv, (size_t)argc * sizeof *args);
	if (stats_flags(&argc, args, &kernel, &top) < 0) {
		free(args);
		return UD_EXIT_USAGE;
	}
	if (parse_common(argc, args, &format, NULL, &files, &nfiles, "stats") < 0 ||
	    (strcmp(format, "text") && strcmp(format, "json"))) {
		if (strcmp(format, "text") && strcmp(format, "json"))
			fprintf(stderr, "ulockdep stats: --format expects text or "
				"json, not '%s'\n", format);
		free(files);
		free(args);
		return UD_EXIT_USAGE;
	}
	free(args);
	ud_suite_t s = { 0 };
	if (load_all(&s, files, nfiles, "stats") < 0) {
		free(files);
		ud_suite_free(&s);
		return UD_EXIT_USAGE;
	}
	free(files);
	ud_suite_figures_t f;
	ud_suite_figures(&s, false, &f);
	ud_cycle_t *c;
	size_t nc = ud_suite_cycles(&s, 0, &c);
	ud_cycles_free(c, nc);
	size_t *fd = calloc(s.nclasses + 1, sizeof *fd);
	size_t *bd = calloc(s.nclasses + 1, sizeof *bd);
	reach_counts(&s, fd, bd);
	long long indirect = 0, unstable = 0;
	for (size_t i = 0; i < s.nclasses; i++) {
		indirect += (long long)fd[i];
		unstable += !s.classes[i].stable;
	}
	ud_suite_lstats_t ls;
	ud_suite_lock_stats(&s, &ls);
	ud_buf_t b = { 0 };
	struct { const char *text, *json; long long v; } fig[] = {
		{ "lock-classes", "lock_classes", (long long)s.nclasses },
		{ "direct dependencies", "direct_dependencies", (long long)s.ndeps },
		{ "indirect dependencies", "indirect_dependencies", indirect },
		{ "dependency chains", "dependency_chains", f.chains },
		{ "max chain length", "max_chain_length", f.max_chain },
		{ "max locking depth", "max_locking_depth", f.max_depth },
		{ "processes", "processes", (long long)f.processes },
		{ "runs", "runs", (long long)s.nruns },
		{ "classes without stable id", "unstable_classes", unstable },
		{ "reports by processes", "reports", (long long)s.nreports },
		{ "cycles across processes", "cycles", (long long)nc },
	};
	size_t nfig = sizeof fig / sizeof fig[0];
	bool json = !strcmp(format, "json");
	if (json) {
		ud_buf_puts(&b, "{\"lockdep_stats\":{");
		for (size_t i = 0; i < nfig; i++)
			ud_buf_printf(&b, "%s\"%s\":%lld", i ? "," : "",
				      fig[i].json, fig[i].v);
		ud_buf_puts(&b, "},\"classes\":[");
	} else {
		for (size_t i = 0; i < nfig; i++) {
			ud_buf_t name = { 0 };
			ud_buf_printf(&name, "%s:", fig[i].text);
			ud_buf_printf(&b, " %-30s %11lld\n", name.data, fig[i].v);
			ud_buf_free(&name);
		}
		ud_buf_puts(&b, "\nall lock classes:\n");
	}
	/* Dependencies grouped by the class they leave. */
	size_t *off = calloc(s.nclasses + 1, sizeof *off);
	size_t *by = calloc(s.ndeps + 1, sizeof *by);
	for (size_t d = 0; d < s.ndeps; d++)
		off[s.deps[d].from + 1]++;
	for (size_t i = 0; i < s.nclasses; i++)
		off[i + 1] += off[i];
	for (size_t d = 0; d < s.ndeps; d++)
		by[off[s.deps[d].from]++] = d;
	for (size_t i = s.nclasses; i > 0; i--)
		off[i] = off[i - 1];
	off[0] = 0;
	for (size_t i = 0; i < s.nclasses; i++) {
		const ud_sclass_t *k = &s.classes[i];
		if (json) {
			ud_buf_printf(&b, "%s{\"key\":\"%016llx\",\"name\":",
				      i ? "," : "", class_key(k->id));
			uj_put_str(&b, k->name);
			ud_buf_puts(&b, ",\"identity\":");
			uj_put_str(&b, k->id);
			ud_buf_puts(&b, ",\"usage\":");
			uj_put_str(&b, k->usage);
			ud_buf_printf(&b, ",\"fd\":%zu,\"bd\":%zu,\"deps\":[",
				      fd[i], bd[i]);
			for (size_t j = off[i]; j < off[i + 1]; j++)
				ud_buf_printf(&b, "%s\"%016llx\"",
					      j > off[i] ? "," : "",
					      class_key(s.classes[s.deps[by[j]].to].id));
			ud_buf_puts(&b, "]}");
			continue;
		}
		ud_buf_printf(&b, "%016llx FD:%5zu BD:%5zu %s: %s\n",
			      class_key(k->id), fd[i], bd[i],
			      k->usage[0] ? k->usage : "....", k->name);
		for (size_t j = off[i]; j < off[i + 1]; j++) {
			const ud_sclass_t *t = &s.classes[s.deps[by[j]].to];
			ud_buf_printf(&b, " -> [%016llx] %s\n", class_key(t->id),
				      t->name);
		}
		ud_buf_puts(&b, "\n");
	}
	/* Lock statistics only where some process collected them. */
	bool any = ls.nclasses || ls.nconds;
	if (json) {
		ud_buf_puts(&b, "],\"lock_stat\":");
		if (any)
			ud_stats_lock_json(&s, &ls, &b);
		else
			ud_buf_puts(&b, "null");
		ud_buf_puts(&b, "}\n");
	} else if (any && kernel) {
		ud_stats_lock_kernel(&s, &ls, &b);
	} else if (kernel) {
		ud_buf_puts(&b, "no lock statistics in the stores (they come "
			    "from runs with --lock-stat)\n");
	} else if (any) {
		ud_stats_lock_summary(&s, &ls, top, &b);
	}
	fwrite(b.data, 1, b.len, stdout);
	ud_buf_free(&b);
	ud_suite_lstats_free(&ls);
	free(off);
	free(by);
	free(fd);
	free(bd);
	ud_suite_free(&s);
	return 0;
}
