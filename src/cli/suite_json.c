/*
** suite_json.c: cycles across processes as JSON objects, and the one SARIF
** log of a run (or of a check): the reports the processes printed, taken
** from their records, and the cycles found across them.
*/
#include "suite.h"

#include <string.h>

#ifndef ULOCKDEP_VERSION
#define ULOCKDEP_VERSION "unknown"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static const struct kind {
	const char *word, *level, *rule, *text, *located, *help;
} kinds[] = {
#define UD_REPORT_KIND(e, word, headline, title, level, rule, text, located, help) \
	{ word, level, rule, text, located, help },
#include "engine/report_kinds.inc"
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static size_t kind_index(const char *word)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (word && !strcmp(kinds[i].word, word))
			return i;
	return 0;	/* as the runtime's SARIF does: the first rule */
}

static void put_proc(const ud_suite_t *s, size_t p, ud_buf_t *b)
{
	const ud_sproc_t *q = &s->procs[p];
	bool run = false;	/* checking a run: are there current processes? */
	for (size_t i = 0; i < s->nprocs && !run; i++)
		run = s->procs[i].current;
	ud_buf_printf(b, "{\"pid\":%lld,\"program\":", q->pid);
	uj_put_str(b, q->program);
	ud_buf_puts(b, ",\"command\":");
	uj_put_str(b, q->cmdline);
	ud_buf_printf(b, ",\"earlier_run\":%s}", run && !q->current ? "true" : "false");
}

static void put_title(const ud_suite_t *s, const ud_cycle_t *c, ud_buf_t *b)
{
	ud_buf_puts(b, "possible deadlock across processes: ");
	for (size_t i = 0; i <= c->n; i++)
		ud_buf_printf(b, "%s%s", i ? " -> " : "",
			      s->classes[s->deps[c->deps[i % c->n]].from].name);
}

void ud_suite_format_json(const ud_suite_t *s, const ud_cycle_t *c, ud_buf_t *b)
{
	ud_buf_t t = { 0 };
	put_title(s, c, &t);
	ud_buf_puts(b, "{\"kind\":\"circular\",\"cross_process\":true,\"title\":");
	uj_put_str(b, t.data);
	ud_buf_free(&t);
	ud_buf_printf(b, ",\"signature\":\"%s\",\"tool\":\"ulockdep\","
		      "\"tool_version\":\"%s\",\"chain\":[", c->signature,
		      ULOCKDEP_VERSION);
	/* Link #i: the class deps[i].from and the dependency entering it. */
	for (size_t i = 0; i < c->n; i++) {
		size_t into = c->deps[(i + c->n - 1) % c->n];
		const ud_sdep_t *d = &s->deps[into];
		const ud_sclass_t *k = &s->classes[s->deps[c->deps[i]].from];
		ud_buf_printf(b, "%s{\"index\":%zu,\"class\":", i ? "," : "", i);
		uj_put_str(b, k->name);
		ud_buf_puts(b, ",\"identity\":");
		uj_put_str(b, k->id);
		ud_buf_printf(b, ",\"stable\":%s,\"lock_kind\":", k->stable ? "true" : "false");
		uj_put_str(b, k->type);
		ud_buf_printf(b, ",\"mode\":\"%s\",\"held_mode\":\"%s\",\"learnt_by\":",
			      d->read ? "read" : "write",
			      d->from_read ? "read" : "write");
		put_proc(s, ud_suite_dep_proc(s, into), b);
		ud_buf_printf(b, ",\"processes\":%zu,\"frames\":%s}", d->nprocs,
			      d->stack);
	}
	ud_buf_puts(b, "]}");
}

/* path as a URI: "file:///abs/path" or a relative reference, %-escaped. */
static void put_uri(ud_buf_t *b, const char *path)
{
	ud_buf_puts(b, "\"");
	if (path[0] == '/')
		ud_buf_puts(b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/+", *p))
			ud_buf_printf(b, "%c", *p);
		else
			ud_buf_printf(b, "%%%02X", *p);
	}
	ud_buf_puts(b, "\"");
}

/* A location from the first frame with a source line of frames (a JSON
** array of record or report frames); false if there is none. */
static bool put_location(ud_buf_t *b, const uj_t *frames, int id,
			 const char *text)
{
	const uj_t *best = NULL;
	long long line = 0;
	for (size_t i = 0; frames && frames->type == UJ_ARR && i < frames->n; i++) {
		const uj_t *f = frames->items[i];
		if (uj_get_str(f, "file") && uj_get_int(f, "line", &line) &&
		    line > 0) {
			best = f;
			break;
		}
	}
	if (!best)
		return false;
	ud_buf_puts(b, "{");
	if (id > 0)
		ud_buf_printf(b, "\"id\":%d,", id);
	ud_buf_puts(b, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	put_uri(b, uj_get_str(best, "file"));
	ud_buf_printf(b, "},\"region\":{\"startLine\":%lld", line);
	long long col = 0;
	if (uj_get_int(best, "column", &col) && col > 0)
		ud_buf_printf(b, ",\"startColumn\":%lld", col);
	ud_buf_puts(b, "}}");
	const char *fn = uj_get_str(best, "func");
	if (!fn)
		fn = uj_get_str(best, "function");
	if (fn) {
		ud_buf_puts(b, ",\"logicalLocations\":[{\"fullyQualifiedName\":");
		uj_put_str(b, fn);
		ud_buf_puts(b, ",\"kind\":\"function\"}]");
	}
	if (text) {
		ud_buf_puts(b, ",\"message\":{\"text\":");
		uj_put_str(b, text);
		ud_buf_puts(b, "}");
	}
	ud_buf_puts(b, "}");
	return true;
}

/* A SARIF stack of frames (record or report frames, innermost first), as
** the runtime's own SARIF writes one: a frame without a file is located in
** its module. Nothing is written for an empty or missing array. */
static bool put_stack(ud_buf_t *b, bool comma, const uj_t *frames,
		      const char *message)
{
	if (!frames || frames->type != UJ_ARR || !frames->n)
		return comma;
	if (comma)
		ud_buf_puts(b, ",");
	ud_buf_puts(b, "{\"message\":{\"text\":");
	uj_put_str(b, message);
	ud_buf_puts(b, "},\"frames\":[");
	for (size_t i = 0; i < frames->n; i++) {
		const uj_t *f = frames->items[i];
		const char *file = uj_get_str(f, "file");
		const char *mod = uj_get_str(f, "module");
		const char *fn = uj_get_str(f, "func");
		long long line = 0, col = 0;
		if (!fn)
			fn = uj_get_str(f, "function");
		ud_buf_puts(b, i ? ",{\"location\":{" : "{\"location\":{");
		if (file || mod) {
			ud_buf_puts(b, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
			put_uri(b, file ? file : mod);
			ud_buf_puts(b, "}");
			if (file && uj_get_int(f, "line", &line) && line > 0) {
				ud_buf_printf(b, ",\"region\":{\"startLine\":%lld", line);
				if (uj_get_int(f, "column", &col) && col > 0)
					ud_buf_printf(b, ",\"startColumn\":%lld", col);
				ud_buf_puts(b, "}");
			}
			ud_buf_puts(b, "},");
		}
		ud_buf_puts(b, "\"logicalLocations\":[{\"fullyQualifiedName\":");
		uj_put_str(b, fn ? fn : "??");
		ud_buf_puts(b, ",\"kind\":\"function\"}]}}");
	}
	ud_buf_puts(b, "]}");
	return true;
}

static void put_result_head(ud_buf_t *b, const char *kind, const char *msg)
{
	size_t k = kind_index(kind);
	ud_buf_printf(b, "{\"ruleId\":\"%s\",\"ruleIndex\":%zu,\"level\":\"%s\","
		      "\"message\":{\"text\":", kinds[k].word, k, kinds[k].level);
	uj_put_str(b, msg);
	ud_buf_puts(b, "},\"locations\":[");
}

static void put_unknown_location(ud_buf_t *b)
{
	ud_buf_puts(b, "{\"logicalLocations\":[{\"fullyQualifiedName\":\"unknown\"}]}");
}

/* The classes of a report as the runtime's SARIF message names them. */
static void report_classes(const uj_t *o, const char *kind, ud_buf_t *b)
{
	const char *target = uj_get_str(uj_get(o, "target"), "class");
	const uj_t *chain = uj_get(o, "chain");
	const uj_t *held = uj_get(o, "held_locks");
	if (!strcmp(kind, "circular") && chain && chain->type == UJ_ARR) {
		for (size_t i = 0; i < chain->n; i++) {
			const char *c = uj_get_str(chain->items[i], "class");
			ud_buf_printf(b, "%s -> ", c ? c : "?");
		}
	} else if (!strcmp(kind, "held_at_exit") && held && held->type == UJ_ARR) {
		for (size_t i = 0; i < held->n; i++) {
			const char *c = uj_get_str(held->items[i], "class");
			ud_buf_printf(b, "%s%s", i ? ", " : "", c ? c : "?");
		}
		return;
	}
	ud_buf_puts(b, target ? target : "?");
}

/* A report a process printed (its format=json object) as a result, as the
** runtime's own SARIF renders it, with the process in its properties. */
static void put_report_result(const ud_suite_t *s, const ud_sreport_t *r,
			      ud_buf_t *b)
{
	char err[128];
	uj_t *o = uj_parse(r->json, strlen(r->json), err, sizeof err);
	ud_buf_t msg = { 0 };
	const char *title = uj_get_str(o, "title");
	ud_buf_printf(&msg, "%s: ", title ? title : r->kind);
	report_classes(o, r->kind, &msg);
	const char *amsg = uj_get_str(uj_get(o, "assertion"), "message");
	if (amsg)
		ud_buf_printf(&msg, " (%s)", amsg);
	put_result_head(b, r->kind, msg.data);
	const uj_t *target = uj_get(o, "target");
	ud_buf_t where = { 0 };
	const char *tcls = uj_get_str(target, "class");
	ud_buf_printf(&where, "%s (%s)", kinds[kind_index(r->kind)].located,
		      tcls ? tcls : "?");
	if (!put_location(b, uj_get(target, "at"), 0, where.data) &&
	    !put_location(b, uj_get(o, "stack"), 0, where.data))
		put_unknown_location(b);
	ud_buf_puts(b, "],\"relatedLocations\":[");
	bool comma = false;
	int id = 1;
	const uj_t *held = uj_get(o, "held");
	if (held && held->type == UJ_OBJ) {
		ud_buf_t t = { 0 };
		const char *cls = uj_get_str(held, "class");
		ud_buf_printf(&t, "already held: %s", cls ? cls : "?");
		if (put_location(b, uj_get(held, "at"), id, t.data))
			comma = true;
		id++;
		ud_buf_free(&t);
	}
	const uj_t *chain = uj_get(o, "chain");
	for (size_t i = 0; chain && chain->type == UJ_ARR && i < chain->n; i++) {
		ud_buf_t t = { 0 };
		const char *cls = uj_get_str(chain->items[i], "class");
		ud_buf_printf(&t, "#%zu %s taken here", i, cls ? cls : "?");
		if (i > 0) {
			const char *prev = uj_get_str(chain->items[i - 1], "class");
			ud_buf_printf(&t, " while holding %s", prev ? prev : "?");
		}
		size_t mark = b->len;
		if (comma)
			ud_buf_puts(b, ",");
		if (put_location(b, uj_get(chain->items[i], "frames"), id++, t.data))
			comma = true;
		else
			b->len = mark;
		ud_buf_free(&t);
	}
	/* The stacks, in the order the runtime's SARIF gives them. */
	ud_buf_puts(b, "],\"stacks\":[");
	const uj_t *usage = uj_get(o, "usage");
	comma = put_stack(b, false, uj_get(usage, "registered_at"),
			  "state was registered at");
	for (size_t i = 0; chain && chain->type == UJ_ARR && i < chain->n; i++) {
		ud_buf_t t = { 0 };
		const char *cls = uj_get_str(chain->items[i], "class");
		ud_buf_printf(&t, "#%zu %s", i, cls ? cls : "?");
		comma = put_stack(b, comma, uj_get(chain->items[i], "frames"), t.data);
		ud_buf_free(&t);
	}
	put_stack(b, comma, uj_get(o, "stack"), "stack of the reporting thread");
	ud_buf_puts(b, "],\"partialFingerprints\":{\"ulockdepSignature/v1\":");
	uj_put_str(b, r->signature);
	ud_buf_puts(b, "},\"occurrenceCount\":1,\"properties\":{\"process\":");
	put_proc(s, r->proc, b);
	/* gen_suppressions: the rule that silences it, as the runtime gives. */
	const char *supp = uj_get_str(o, "suppression");
	if (supp) {
		ud_buf_puts(b, ",\"suppression\":");
		uj_put_str(b, supp);
	}
	ud_buf_puts(b, "}}");
	ud_buf_free(&where);
	ud_buf_free(&msg);
	uj_free(o);
}

static void put_cycle_result(const ud_suite_t *s, const ud_cycle_t *c,
			     ud_buf_t *b)
{
	ud_buf_t msg = { 0 };
	put_title(s, c, &msg);
	put_result_head(b, "circular", msg.data);
	ud_buf_free(&msg);
	char err[64];
	bool located = false;
	for (size_t i = 0; i < c->n && !located; i++) {
		const char *st = s->deps[c->deps[i]].stack;
		uj_t *f = uj_parse(st, strlen(st), err, sizeof err);
		located = put_location(b, f, 0, NULL);
		uj_free(f);
	}
	if (!located)
		put_unknown_location(b);
	ud_buf_puts(b, "],\"relatedLocations\":[");
	bool comma = false;
	for (size_t i = 0; i < c->n; i++) {
		const ud_sdep_t *d = &s->deps[c->deps[i]];
		ud_buf_t t = { 0 };
		ud_buf_printf(&t, "%s taken while holding %s, ",
			      s->classes[d->to].name, s->classes[d->from].name);
		ud_suite_learnt_by(s, c->deps[i], &t);
		uj_t *f = uj_parse(d->stack, strlen(d->stack), err, sizeof err);
		size_t mark = b->len;
		if (comma)
			ud_buf_puts(b, ",");
		if (put_location(b, f, (int)i + 1, t.data))
			comma = true;
		else
			b->len = mark;
		uj_free(f);
		ud_buf_free(&t);
	}
	ud_buf_puts(b, "],\"stacks\":[");
	comma = false;
	for (size_t i = 0; i < c->n; i++) {
		const ud_sdep_t *d = &s->deps[c->deps[i]];
		ud_buf_t t = { 0 };
		ud_buf_printf(&t, "#%zu %s", i, s->classes[d->to].name);
		uj_t *f = uj_parse(d->stack, strlen(d->stack), err, sizeof err);
		comma = put_stack(b, comma, f, t.data);
		uj_free(f);
		ud_buf_free(&t);
	}
	ud_buf_printf(b, "],\"partialFingerprints\":{\"ulockdepSignature/v1\":"
		      "\"%s\"},\"occurrenceCount\":1,"
		      "\"properties\":{\"crossProcess\":true,"
		      "\"processes\":[", c->signature);
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			ud_buf_puts(b, ",");
		put_proc(s, ud_suite_dep_proc(s, c->deps[i]), b);
	}
	ud_buf_puts(b, "]}}");
}

void ud_suite_format_sarif(const ud_suite_t *s, bool all_reports,
			   const ud_cycle_t *c, size_t nc,
			   const ud_suite_figures_t *f, ud_buf_t *b)
{
	ud_buf_printf(b, "{\"$schema\":\"%s\",\"version\":\"2.1.0\",\"runs\":[{"
		      "\"tool\":{\"driver\":{\"name\":\"ulockdep\",\"version\":\"%s\","
		      "\"semanticVersion\":\"%s\",\"rules\":[",
		      SARIF_SCHEMA, ULOCKDEP_VERSION, ULOCKDEP_VERSION);
	for (size_t k = 0; k < NKINDS; k++)
		ud_buf_printf(b, "%s{\"id\":\"%s\",\"name\":\"%s\","
			      "\"shortDescription\":{\"text\":\"%s\"},"
			      "\"fullDescription\":{\"text\":\"%s\"},"
			      "\"defaultConfiguration\":{\"level\":\"%s\"}}",
			      k ? "," : "", kinds[k].word, kinds[k].rule,
			      kinds[k].text, kinds[k].help, kinds[k].level);
	ud_buf_puts(b, "]}},\"results\":[");
	bool comma = false;
	for (size_t i = 0; i < s->nreports; i++) {
		if (!all_reports && !s->procs[s->reports[i].proc].current)
			continue;
		if (comma)
			ud_buf_puts(b, ",");
		put_report_result(s, &s->reports[i], b);
		comma = true;
	}
	for (size_t i = 0; i < nc; i++) {
		if (c[i].known && !all_reports)
			continue;
		if (comma)
			ud_buf_puts(b, ",");
		put_cycle_result(s, &c[i], b);
		comma = true;
	}
	ud_buf_printf(b, "],\"properties\":{\"processes\":%zu,\"lockClasses\":%zu,"
		      "\"dependencies\":%zu,\"chainsChecked\":%lld,"
		      "\"maxChain\":%lld,\"maxDepth\":%lld,\"problems\":%lld}}]}\n",
		      f->processes, f->classes, f->deps, f->chains, f->max_chain,
		      f->max_depth, f->problems);
}
