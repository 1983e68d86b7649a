/*
** format_sarif.c: reports as a SARIF 2.1.0 log (format=sarif), for code
** scanning in CI.
**
** SARIF is one document, so it can only be written whole: each distinct
** problem is rendered into a result when it is found (the report itself is
** gone afterwards) and kept in runtime memory; ud_report_finish() writes the
** log at exit, with each result's hit count. A process killed before its exit
** handler runs writes no log: docs/reports.md says so and points daemons to
** format=json. All functions here run under report_lock.
**
** A result: ruleId = the report kind; message = title and classes; locations =
** the acquisition site of the lock being taken (released, freed), as
** file:line in the program's own code; relatedLocations = the acquisition
** sites of the other links of the chain (and where an inconsistent class got
** its old usage, the lock an assertion is about); stacks = every stack of the
** report; properties = the detail of inconsistent and assert reports.
*/
#include "format.h"

#include <string.h>

#include "../base/alloc.h"
#include "../base/stack.h"
#include "../symbolize/symbolize.h"

#ifndef ULOCKDEP_VERSION
#define ULOCKDEP_VERSION "unknown"
#endif

#define MAX_INLINE UD_REPORT_MAX_INLINE
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

typedef struct result {
	uint64_t signature;
	char *text;		/* the result object without its closing brace */
	size_t size;		/* allocated bytes */
} result_t;

static result_t *results;
static unsigned nresults, cap_results;

void ud_report_sarif_reset(void)
{
	for (unsigned i = 0; i < nresults; i++)
		ud_free(results[i].text, results[i].size);
	if (results)
		ud_free(results, cap_results * sizeof *results);
	results = NULL;
	nresults = cap_results = 0;
}

/* path as a URI: "file:///abs/path" or a relative reference, %-escaped. */
static void put_uri(ud_buf_t *b, const char *path)
{
	ud_buf_puts(b, "\"");
	if (path[0] == '/')
		ud_buf_puts(b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/+", c))
			ud_buf_printf(b, "%c", c);
		else
			ud_buf_printf(b, "%%%02X", c);
	}
	ud_buf_puts(b, "\"");
}

/* The frame of pc that a location should point at: the program's own code
** with a source line if there is one, else the first frame. `stack` is the
** stack of the call at pc, if the report has it (frames.c). */
static bool best_frame(uintptr_t pc, ud_stack_id_t stack, ud_frame_t *out)
{
	ud_frame_t fr[MAX_INLINE];
	unsigned n = pc ? ud_report_at_frames(pc, stack, fr, MAX_INLINE) : 0;
	if (n == 0)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (!fr[i].file || fr[i].line <= 0 ||
		    ud_report_is_system_module(fr[i].module) ||
		    (fr[i].function && ud_report_is_lock_wrapper(fr[i].function)))
			continue;
		*out = fr[i];
		return true;
	}
	for (unsigned i = 0; i < n; i++) {
		if (fr[i].file && fr[i].line > 0) {
			*out = fr[i];
			return true;
		}
	}
	*out = fr[n - 1];
	return true;
}

/* A location object for a frame; `id` > 0 adds an id (related locations). */
static void put_frame_location(ud_buf_t *b, const ud_frame_t *f, int id,
			       const char *message)
{
	ud_buf_puts(b, "{");
	if (id > 0)
		ud_buf_printf(b, "\"id\":%d,", id);
	if (f->file || f->module) {
		ud_buf_puts(b, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
		put_uri(b, f->file ? f->file : f->module);
		ud_buf_puts(b, "}");
		if (f->file && f->line > 0) {
			ud_buf_printf(b, ",\"region\":{\"startLine\":%d", f->line);
			if (f->column > 0)
				ud_buf_printf(b, ",\"startColumn\":%d", f->column);
			ud_buf_puts(b, "}");
		}
		ud_buf_puts(b, "},");
	}
	ud_buf_puts(b, "\"logicalLocations\":[{\"fullyQualifiedName\":");
	ud_buf_t name = { 0 };
	ud_report_frame_name(f, &name);
	ud_json_str(b, name.data);
	ud_buf_free(&name);
	ud_buf_puts(b, ",\"kind\":\"function\"}]");
	if (message) {
		ud_buf_puts(b, ",\"message\":{\"text\":");
		ud_json_str(b, message);
		ud_buf_puts(b, "}");
	}
	ud_buf_puts(b, "}");
}

/* Location of pc; false (nothing written) when pc says nothing. */
static bool put_pc_location(ud_buf_t *b, uintptr_t pc, ud_stack_id_t stack, int id,
			    const char *msg)
{
	ud_frame_t f;
	if (!best_frame(pc, stack, &f))
		return false;
	put_frame_location(b, &f, id, msg);
	return true;
}

/* A SARIF stack's frames array: whether the next one needs a comma. */
typedef struct frames_out {
	ud_buf_t *b;
	bool first;
} frames_out_t;

static void put_stack_frame(const ud_frame_t *f, void *arg)
{
	frames_out_t *o = arg;
	ud_buf_puts(o->b, o->first ? "{\"location\":" : ",{\"location\":");
	o->first = false;
	put_frame_location(o->b, f, 0, NULL);
	ud_buf_puts(o->b, "}");
}

/* A SARIF stack: the frames of a stored stack the text shows, inlined ones
** included. */
static void put_stack(ud_buf_t *b, ud_stack_id_t id, const char *message)
{
	ud_buf_puts(b, "{\"message\":{\"text\":");
	ud_json_str(b, message);
	ud_buf_puts(b, "},\"frames\":[");
	frames_out_t o = { b, true };
	ud_report_each_frame(id, put_stack_frame, &o);
	ud_buf_puts(b, "]}");
}

/* The pc where a link of the chain was created: its stack's first frame. */
static uintptr_t link_pc(const ud_report_link_t *l)
{
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(l->stack, &n);
	return pcs && n ? pcs[0] : l->lock.pc;
}

/* " (IN-SIGUSR1-W -> SIGUSR1-ON-W)" or " (failed ...)": what the kind adds. */
static void put_detail_text(ud_buf_t *msg, const ud_report_t *r)
{
	if (r->kind == UD_REPORT_INCONSISTENT) {
		unsigned sig = r->detail & 0xff;
		bool new_in = r->detail & UD_USAGE_NEW_IN;
		bool read = r->target.mode != UD_MODE_WRITE;
		ud_buf_puts(msg, " (");
		ud_report_usage_name(msg, sig, !new_in, r->detail & UD_USAGE_OLD_READ);
		ud_buf_puts(msg, " -> ");
		ud_report_usage_name(msg, sig, new_in, read);
		ud_buf_puts(msg, ")");
	} else if (r->kind == UD_REPORT_ASSERT) {
		ud_buf_puts(msg, " (");
		ud_report_assert_message(msg, r);
		ud_buf_puts(msg, ")");
	} else if (r->kind == UD_REPORT_UNLOCK_BALANCE &&
		   r->detail != UD_BAD_UNLOCK_NOT_HELD) {
		ud_buf_printf(msg, " (%s)", ud_report_bad_unlock_text(r->detail));
	}
}

/* The same detail as a property bag, field by field, and with
** gen_suppressions the rule that would silence the result. */
static void put_detail_properties(ud_buf_t *b, const ud_report_t *r)
{
	ud_buf_t n = { 0 }, p = { 0 };
	if (r->kind == UD_REPORT_INCONSISTENT) {
		unsigned sig = r->detail & 0xff;
		bool new_in = r->detail & UD_USAGE_NEW_IN;
		bool read = r->target.mode != UD_MODE_WRITE;
		ud_report_signal_name(&n, sig);
		ud_buf_puts(&p, ",\"signal\":");
		ud_json_str(&p, n.data);
		ud_buf_printf(&p, ",\"context\":\"%s\",\"newUsage\":",
			      new_in ? "in_handler" : "unblocked");
		n.len = 0;
		ud_report_usage_name(&n, sig, new_in, read);
		ud_json_str(&p, n.data);
		ud_buf_puts(&p, ",\"oldUsage\":");
		n.len = 0;
		ud_report_usage_name(&n, sig, !new_in, r->detail & UD_USAGE_OLD_READ);
		ud_json_str(&p, n.data);
	} else if (r->kind == UD_REPORT_ASSERT) {
		ud_report_assert_message(&n, r);
		ud_buf_printf(&p, ",\"check\":\"%s\",\"call\":\"%s\","
			      "\"detail\":", ud_report_assert_check(r->detail),
			      ud_report_assert_call(r->detail));
		ud_json_str(&p, n.data);
	}
	n.len = 0;
	if (ud_report_gen_suppressions() && ud_report_suppression_gen(r, &n)) {
		ud_buf_puts(&p, ",\"suppression\":");
		ud_json_str(&p, n.data);
	}
	/* p starts with a comma. */
	if (p.len)
		ud_buf_printf(b, ",\"properties\":{%s}", p.data + 1);
	ud_buf_free(&n);
	ud_buf_free(&p);
}

/* The first frame of a stored stack, 0 if none. */
static uintptr_t stack_pc(ud_stack_id_t id)
{
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	return pcs && n ? pcs[0] : 0;
}

static void render(const ud_report_t *r, ud_buf_t *b)
{
	ud_buf_t msg = { 0 }, text = { 0 };
	const ud_report_kind_info_t *info = ud_report_kind_info(r->kind);
	/* A kind outside the list is filed under the first rule. */
	unsigned k = info ? (unsigned)r->kind : 0;

	ud_report_format_short_title(r, &msg);
	ud_buf_puts(&msg, ": ");
	ud_report_format_classes(r, &msg);
	put_detail_text(&msg, r);
	ud_buf_printf(b, "{\"ruleId\":\"%s\",\"ruleIndex\":%u,\"level\":\"%s\","
		      "\"message\":{\"text\":", ud_report_kind_name(r->kind), k,
		      ud_report_kind_info((ud_report_kind_t)k)->level);
	ud_json_str(b, msg.data);
	ud_buf_free(&msg);

	/* Primary: where the lock is being taken (released, freed). */
	ud_buf_puts(b, "},\"locations\":[");
	uintptr_t at = r->target.pc;
	if (!at) {
		unsigned n = 0;
		const uintptr_t *pcs = ud_stack_get(r->stack, &n);
		at = pcs && n ? pcs[0] : 0;
	}
	text.len = 0;
	ud_buf_printf(&text, "%s (%s)",
		      info ? info->located : "acquired here",
		      ud_report_class_name(&r->target.cls));
	if (!put_pc_location(b, at, r->stack, 0, text.data)) {
		/* Code scanning needs a location: the program itself. */
		ud_buf_puts(b, "{\"logicalLocations\":[{\"fullyQualifiedName\":\"unknown\"}]}");
	}

	/* Related: the held lock and every link of the chain. */
	ud_buf_puts(b, "],\"relatedLocations\":[");
	int id = 1;
	bool comma = false;
	if (r->kind == UD_REPORT_CIRCULAR || r->kind == UD_REPORT_RECURSIVE) {
		text.len = 0;
		ud_buf_printf(&text, "already held: %s",
			      ud_report_class_name(&r->held.cls));
		comma = put_pc_location(b, r->held.pc, 0, id++, text.data);
	}
	for (unsigned i = 0; i < r->nlinks; i++) {
		const ud_report_link_t *l = &r->links[i];
		text.len = 0;
		ud_buf_printf(&text, "#%u %s taken here", i,
			      ud_report_class_name(&l->lock.cls));
		if (i > 0)
			ud_buf_printf(&text, " while holding %s",
				      ud_report_class_name(&r->links[i - 1].lock.cls));
		if (comma)
			ud_buf_puts(b, ",");
		if (put_pc_location(b, link_pc(l), l->stack, id++, text.data))
			comma = true;
		else if (comma)
			b->len--;	/* take the comma back */
	}

	/* The old usage of an inconsistent state; the lock an assert is about. */
	ud_buf_t usage = { 0 };
	if (r->kind == UD_REPORT_INCONSISTENT) {
		bool new_in = r->detail & UD_USAGE_NEW_IN;
		ud_buf_puts(&usage, "{");
		ud_report_usage_name(&usage, r->detail & 0xff, !new_in,
				     r->detail & UD_USAGE_OLD_READ);
		ud_buf_puts(&usage, "} state was registered at");
		if (comma)
			ud_buf_puts(b, ",");
		if (put_pc_location(b, stack_pc(r->usage_stack), r->usage_stack, id++,
				    usage.data))
			comma = true;
		else if (comma)
			b->len--;
	} else if (r->kind == UD_REPORT_ASSERT && ud_report_assert_has_lock(r)) {
		text.len = 0;
		ud_buf_printf(&text, "held: %s", ud_report_class_name(&r->held.cls));
		if (comma)
			ud_buf_puts(b, ",");
		if (put_pc_location(b, r->held.pc, 0, id++, text.data))
			comma = true;
		else if (comma)
			b->len--;
	}
	ud_buf_puts(b, "],\"stacks\":[");
	comma = false;
	if (r->kind == UD_REPORT_INCONSISTENT && r->usage_stack) {
		put_stack(b, r->usage_stack, usage.data);
		comma = true;
	}
	ud_buf_free(&usage);
	for (unsigned i = 0; i < r->nlinks; i++) {
		if (!r->links[i].stack)
			continue;
		text.len = 0;
		ud_buf_printf(&text, "#%u %s", i,
			      ud_report_class_name(&r->links[i].lock.cls));
		if (comma)
			ud_buf_puts(b, ",");
		put_stack(b, r->links[i].stack, text.data);
		comma = true;
	}
	if (r->stack) {
		if (comma)
			ud_buf_puts(b, ",");
		put_stack(b, r->stack, "stack of the reporting thread");
	}
	ud_buf_printf(b, "],\"partialFingerprints\":{\"ulockdepSignature/v1\":"
		      "\"%016llx\"}", (unsigned long long)r->signature);
	put_detail_properties(b, r);
	ud_buf_free(&text);
}

void ud_report_sink_sarif(const ud_report_t *r, void *arg)
{
	(void)arg;
	ud_buf_t b = { 0 };
	render(r, &b);
	if (nresults == cap_results) {
		unsigned cap = cap_results ? cap_results * 2 : 16;
		results = ud_realloc(results, cap_results * sizeof *results,
				     cap * sizeof *results);
		cap_results = cap;
	}
	result_t *res = &results[nresults++];
	res->signature = r->signature;
	res->size = b.len + 1;
	res->text = ud_alloc(res->size);
	memcpy(res->text, b.data, b.len);
	ud_buf_free(&b);
}

void ud_report_format_sarif_locked(ud_buf_t *b, bool with_suppressions)
{
	ud_buf_printf(b, "{\"$schema\":\"%s\",\"version\":\"2.1.0\",\"runs\":[{"
		      "\"tool\":{\"driver\":{\"name\":\"ulockdep\",\"version\":\"%s\","
		      "\"semanticVersion\":\"%s\",\"rules\":[",
		      SARIF_SCHEMA, ULOCKDEP_VERSION, ULOCKDEP_VERSION);
	for (unsigned k = 0; k < UD_REPORT_KIND_COUNT; k++) {
		/* ruleIndex is the kind: the rules follow the list's order. The
		** list's strings need no JSON escaping (report_kinds.inc). */
		const ud_report_kind_info_t *info = ud_report_kind_info((ud_report_kind_t)k);
		ud_buf_printf(b, "%s{\"id\":\"%s\",\"name\":\"%s\","
			      "\"shortDescription\":{\"text\":\"%s\"},"
			      "\"fullDescription\":{\"text\":\"%s\"},"
			      "\"defaultConfiguration\":{\"level\":\"%s\"}}",
			      k ? "," : "", info->word, info->rule, info->text,
			      info->help, info->level);
	}
	ud_buf_puts(b, "]}},\"results\":[");
	for (unsigned i = 0; i < nresults; i++) {
		unsigned hits = ud_report_hits_locked(results[i].signature);
		ud_buf_printf(b, "%s%s,\"occurrenceCount\":%u}", i ? "," : "",
			      results[i].text, hits ? hits : 1);
	}
	ud_buf_puts(b, "]");
	if (with_suppressions) {
		ud_buf_puts(b, ",\"properties\":{\"suppressionsUsed\":");
		ud_report_format_supp_json_locked(b);
		ud_buf_puts(b, "}");
	}
	ud_buf_puts(b, "}]}\n");
}
