/*
** format_json.c: a report as one JSON object on one line (format=json).
**
** JSON Lines: each report is written whole, with one write, when it is found,
** so a consumer can read the log while the program runs and nothing is lost
** when the program is killed. The fields are described by
** docs/json-schema.json; "schema_version" changes when a field changes
** meaning or goes away (new fields may appear without it). Addresses are hex
** strings: JSON numbers lose precision above 2^53 in many readers.
*/
#define _GNU_SOURCE	/* program_invocation_short_name */
#include "format.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../base/log.h"
#include "../base/stack.h"
#include "../symbolize/symbolize.h"

#ifndef ULOCKDEP_VERSION
#define ULOCKDEP_VERSION "unknown"
#endif

#define MAX_INLINE UD_REPORT_MAX_INLINE

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	unsigned cp = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void ud_json_str(ud_buf_t *b, const char *s)
{
	if (!s) {
		ud_buf_puts(b, "null");
		return;
	}
	ud_buf_puts(b, "\"");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const unsigned char *run = p;
		/* Copy plain printable ASCII in one piece. */
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			ud_buf_printf(b, "%.*s", (int)(p - run), (const char *)run);
		if (!*p)
			break;
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			ud_buf_printf(b, "\\%c", c);
			p++;
		} else if (c == '\n') {
			ud_buf_puts(b, "\\n");
			p++;
		} else if (c == '\t') {
			ud_buf_puts(b, "\\t");
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			ud_buf_printf(b, "\\u%04x", c);
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n) {
				ud_buf_printf(b, "%.*s", (int)n, (const char *)p);
				p += n;
			} else {
				/* A byte that is not UTF-8 (a Latin-1 path, say). */
				ud_buf_puts(b, "\\ufffd");
				p++;
			}
		}
	}
	ud_buf_puts(b, "\"");
}

static const char *program_name(void)
{
	const char *p = program_invocation_short_name;
	return p && p[0] ? p : "?";
}

static void put_addr(ud_buf_t *b, const char *key, uintptr_t a)
{
	ud_buf_printf(b, "\"%s\":\"0x%lx\"", key, (unsigned long)a);
}

static void put_frame(ud_buf_t *b, const ud_frame_t *f)
{
	ud_buf_puts(b, "{\"function\":");
	ud_json_str(b, f->function);
	if (f->function && !f->inlined)
		ud_buf_printf(b, ",\"offset\":%lu", (unsigned long)f->offset);
	else
		ud_buf_puts(b, ",\"offset\":null");
	if (f->size && !f->inlined)
		ud_buf_printf(b, ",\"size\":%lu", (unsigned long)f->size);
	else
		ud_buf_puts(b, ",\"size\":null");
	ud_buf_puts(b, ",\"file\":");
	ud_json_str(b, f->file);
	if (f->line > 0)
		ud_buf_printf(b, ",\"line\":%d", f->line);
	else
		ud_buf_puts(b, ",\"line\":null");
	if (f->column > 0)
		ud_buf_printf(b, ",\"column\":%d", f->column);
	else
		ud_buf_puts(b, ",\"column\":null");
	ud_buf_printf(b, ",\"inline\":%s,\"module\":", f->inlined ? "true" : "false");
	ud_json_str(b, f->module);
	if (f->module)
		ud_buf_printf(b, ",\"module_offset\":%lu", (unsigned long)f->module_offset);
	else
		ud_buf_puts(b, ",\"module_offset\":null");
	ud_buf_puts(b, ",");
	put_addr(b, "pc", f->pc);
	ud_buf_puts(b, "}");
}

/* A frame array's state: whether the next frame needs a comma. */
typedef struct frames_out {
	ud_buf_t *b;
	bool first;
} frames_out_t;

static void put_array_frame(const ud_frame_t *f, void *arg)
{
	frames_out_t *o = arg;
	if (!o->first)
		ud_buf_puts(o->b, ",");
	o->first = false;
	put_frame(o->b, f);
}

/* Where a lock was taken, as the text's "at:" (frames.c); `stack` is the
** report's stack when it is being taken now, else 0. */
static void put_at(ud_buf_t *b, uintptr_t pc, ud_stack_id_t stack)
{
	ud_frame_t fr[MAX_INLINE];
	unsigned n = pc ? ud_report_at_frames(pc, stack, fr, MAX_INLINE) : 0;
	frames_out_t o = { b, true };
	ud_buf_puts(b, "[");
	for (unsigned i = 0; i < n; i++)
		put_array_frame(&fr[i], &o);
	ud_buf_puts(b, "]");
}

/* A stored stack as a frame array, as the text shows it; null when none
** was recorded. */
static void put_stack(ud_buf_t *b, ud_stack_id_t id)
{
	ud_buf_t frames = { 0 };
	frames_out_t o = { &frames, true };
	if (ud_report_each_frame(id, put_array_frame, &o) == 0) {
		ud_buf_puts(b, "null");
	} else {
		ud_buf_puts(b, "[");
		ud_buf_puts(b, frames.data ? frames.data : "");
		ud_buf_puts(b, "]");
	}
	ud_buf_free(&frames);
}

static const char *mode_name(ud_mode_t m)
{
	switch (m) {
	case UD_MODE_READ: return "read";
	case UD_MODE_READ_RECURSIVE: return "read_recursive";
	default: return "write";
	}
}

static const char *kind_name(ud_lock_kind_t k)
{
	switch (k) {
	case UD_KIND_MUTEX: return "mutex";
	case UD_KIND_MUTEX_RECURSIVE: return "mutex_recursive";
	case UD_KIND_MUTEX_ERRORCHECK: return "mutex_errorcheck";
	case UD_KIND_RWLOCK: return "rwlock";
	case UD_KIND_RWLOCK_NONRECURSIVE: return "rwlock_nonrecursive";
	case UD_KIND_SPIN: return "spin";
	case UD_KIND_PSEUDO: return "pseudo";
	default: return "unknown";
	}
}

static void put_class(ud_buf_t *b, const ud_report_class_t *c)
{
	ud_buf_puts(b, "\"class\":");
	ud_json_str(b, ud_report_class_name(c));
	ud_buf_printf(b, ",\"class_id\":%u,\"lock_kind\":\"%s\"", c->id,
		      kind_name(c->kind));
}

static void put_lock(ud_buf_t *b, const ud_report_lock_t *l, ud_stack_id_t stack)
{
	ud_buf_puts(b, "{");
	put_addr(b, "address", l->addr);
	ud_buf_puts(b, ",");
	put_class(b, &l->cls);
	ud_buf_printf(b, ",\"mode\":\"%s\",\"trylock\":%s,\"references\":%u,\"at\":",
		      mode_name(l->mode), l->trylock ? "true" : "false",
		      l->references);
	put_at(b, l->pc, stack);
	ud_buf_puts(b, "}");
}

/* A thread name from a fixed, maybe unterminated array; empty: the program. */
static void put_thread_name(ud_buf_t *b, const char *name, size_t size)
{
	char n[32];
	size_t k = strnlen(name, size < sizeof n ? size : sizeof n - 1);
	memcpy(n, name, k);
	n[k] = 0;
	ud_json_str(b, k ? n : program_name());
}

static void put_thread(ud_buf_t *b, const ud_report_thread_t *t)
{
	ud_buf_puts(b, "{\"name\":");
	put_thread_name(b, t->name, sizeof t->name);
	ud_buf_printf(b, ",\"tid\":%d,\"parent_tid\":", t->tid);
	if (t->parent_tid)
		ud_buf_printf(b, "%d", t->parent_tid);
	else
		ud_buf_puts(b, "null");
	ud_buf_puts(b, ",\"created_at\":");
	if (t->parent_tid && t->origin)
		put_stack(b, t->origin);
	else
		ud_buf_puts(b, "null");
	ud_buf_puts(b, "}");
}

static void put_link(ud_buf_t *b, unsigned index, const ud_report_link_t *l)
{
	ud_buf_printf(b, "{\"index\":%u,", index);
	put_class(b, &l->lock.cls);
	ud_buf_puts(b, ",");
	put_addr(b, "address", l->lock.addr);
	ud_buf_printf(b, ",\"mode\":\"%s\",\"thread\":", mode_name(l->lock.mode));
	if (l->tid) {
		ud_buf_puts(b, "{\"name\":");
		put_thread_name(b, l->thread_name, sizeof l->thread_name);
		ud_buf_printf(b, ",\"tid\":%d,\"created_at\":", l->tid);
		if (l->thread_origin)
			put_stack(b, l->thread_origin);
		else
			ud_buf_puts(b, "null");
		ud_buf_puts(b, "}");
	} else {
		ud_buf_puts(b, "null");
	}
	ud_buf_puts(b, ",\"frames\":");
	put_stack(b, l->stack);
	ud_buf_puts(b, "}");
}

static void put_links(ud_buf_t *b, const ud_report_t *r, unsigned from,
		      unsigned to)
{
	ud_buf_puts(b, "[");
	for (unsigned i = from; i < to; i++) {
		if (i > from)
			ud_buf_puts(b, ",");
		put_link(b, i - from, &r->links[i]);
	}
	ud_buf_puts(b, "]");
}

static bool is_signal_dependency(ud_report_kind_t k)
{
	return k == UD_REPORT_SIG_ORDER || k == UD_REPORT_SIG_INVERSION;
}

/* A class with the stack that first gave it the usage. */
static void put_usage_class(ud_buf_t *b, const ud_report_class_t *c,
			    ud_stack_id_t stack)
{
	ud_buf_puts(b, "{");
	put_class(b, c);
	ud_buf_puts(b, ",\"usage_at\":");
	put_stack(b, stack);
	ud_buf_puts(b, "}");
}

/* Signal order and inversion: the two classes and the paths between them. */
static void put_signal_dependency(ud_buf_t *b, const ud_report_t *r)
{
	unsigned sig = r->detail & 0xff;
	ud_buf_t n = { 0 };
	ud_report_signal_name(&n, sig);
	ud_buf_puts(b, "{\"signal\":");
	ud_json_str(b, n.data);
	ud_buf_free(&n);
	ud_buf_printf(b, ",\"signal_number\":%u,\"safe\":", sig);
	put_usage_class(b, &r->safe, r->safe_stack);
	ud_buf_puts(b, ",\"unsafe\":");
	put_usage_class(b, &r->unsafe, r->unsafe_stack);
	if (r->kind == UD_REPORT_SIG_ORDER) {
		ud_buf_puts(b, ",\"safe_to_held\":");
		put_links(b, r, 0, r->split);
		ud_buf_puts(b, ",\"target_to_unsafe\":");
		put_links(b, r, r->split, r->nlinks);
	} else {
		ud_buf_printf(b, ",\"new_usage\":\"%s\",\"safe_to_unsafe\":",
			      r->detail & UD_USAGE_NEW_IN ? "in_handler" : "unblocked");
		put_links(b, r, 0, r->nlinks);
	}
	ud_buf_puts(b, "}");
}

/* Inconsistent lock state: the signal, both usages, where the old one began. */
static void put_usage(ud_buf_t *b, const ud_report_t *r)
{
	if (r->kind != UD_REPORT_INCONSISTENT) {
		ud_buf_puts(b, "null");
		return;
	}
	unsigned sig = r->detail & 0xff;
	bool new_in = r->detail & UD_USAGE_NEW_IN;
	bool read = r->target.mode != UD_MODE_WRITE;
	ud_buf_t n = { 0 };
	ud_report_signal_name(&n, sig);
	ud_buf_puts(b, "{\"signal\":");
	ud_json_str(b, n.data);
	ud_buf_printf(b, ",\"signal_number\":%u,\"context\":\"%s\",\"new_usage\":",
		      sig, new_in ? "in_handler" : "unblocked");
	n.len = 0;
	ud_report_usage_name(&n, sig, new_in, read);
	ud_json_str(b, n.data);
	ud_buf_puts(b, ",\"old_usage\":");
	n.len = 0;
	ud_report_usage_name(&n, sig, !new_in, r->detail & UD_USAGE_OLD_READ);
	ud_json_str(b, n.data);
	ud_buf_free(&n);
	ud_buf_puts(b, ",\"registered_at\":");
	put_stack(b, r->usage_stack);
	ud_buf_puts(b, "}");
}

/* Assertion or pin misuse: which, the call, what it found, the lock it saw. */
static void put_assertion(ud_buf_t *b, const ud_report_t *r)
{
	if (r->kind != UD_REPORT_ASSERT) {
		ud_buf_puts(b, "null");
		return;
	}
	ud_buf_printf(b, "{\"check\":\"%s\",\"call\":\"%s\",\"message\":",
		      ud_report_assert_check(r->detail),
		      ud_report_assert_call(r->detail));
	ud_buf_t m = { 0 };
	ud_report_assert_message(&m, r);
	ud_json_str(b, m.data);
	ud_buf_free(&m);
	ud_buf_puts(b, ",\"held_lock\":");
	if (ud_report_assert_has_lock(r))
		put_lock(b, &r->held, 0);
	else
		ud_buf_puts(b, "null");
	ud_buf_puts(b, "}");
}

void ud_report_format_json(const ud_report_t *r, ud_buf_t *b)
{
	bool sigdep = is_signal_dependency(r->kind);
	bool pair = r->kind == UD_REPORT_CIRCULAR || r->kind == UD_REPORT_RECURSIVE ||
		    r->kind == UD_REPORT_SIG_ORDER;
	ud_buf_printf(b, "{\"schema_version\":%d,\"kind\":\"%s\",\"title\":",
		      UD_JSON_SCHEMA_VERSION, ud_report_kind_name(r->kind));
	ud_buf_t title = { 0 };
	ud_report_format_short_title(r, &title);
	ud_json_str(b, title.data);
	ud_buf_free(&title);
	ud_buf_printf(b, ",\"signature\":\"%016llx\",\"tool\":\"ulockdep\","
		      "\"tool_version\":\"%s\",\"program\":",
		      (unsigned long long)r->signature, ULOCKDEP_VERSION);
	ud_json_str(b, program_name());
	ud_buf_printf(b, ",\"pid\":%d,\"thread\":", (int)getpid());
	put_thread(b, &r->thread);
	ud_buf_puts(b, ",\"target\":");
	put_lock(b, &r->target, r->stack);
	ud_buf_puts(b, ",\"held\":");
	if (pair)
		put_lock(b, &r->held, 0);
	else
		ud_buf_puts(b, "null");
	ud_buf_printf(b, ",\"same_instance\":%s",
		      r->kind == UD_REPORT_RECURSIVE && r->same_instance ? "true" : "false");
	ud_buf_puts(b, ",\"chain\":");
	put_links(b, r, 0, sigdep ? 0 : r->nlinks);
	ud_buf_puts(b, ",\"held_locks\":[");
	for (unsigned i = 0; i < r->nheld; i++) {
		if (i)
			ud_buf_puts(b, ",");
		put_lock(b, &r->held_locks[i], 0);
	}
	ud_buf_puts(b, "],\"freed\":");
	if (r->kind == UD_REPORT_HELD_FREED) {
		ud_buf_puts(b, "{");
		put_addr(b, "lo", r->freed_lo);
		ud_buf_puts(b, ",");
		put_addr(b, "hi", r->freed_hi);
		ud_buf_puts(b, "}");
	} else {
		ud_buf_puts(b, "null");
	}
	ud_buf_puts(b, ",\"usage\":");
	put_usage(b, r);
	ud_buf_puts(b, ",\"assertion\":");
	put_assertion(b, r);
	if (r->kind == UD_REPORT_UNLOCK_BALANCE)
		ud_buf_printf(b, ",\"unlock_reason\":\"%s\"",
			      ud_report_bad_unlock_reason(r->detail));
	ud_buf_puts(b, ",\"signal_dependency\":");
	if (sigdep)
		put_signal_dependency(b, r);
	else
		ud_buf_puts(b, "null");
	ud_buf_puts(b, ",\"stack\":");
	put_stack(b, r->stack);
	/* Only when asked: the rule is matched against the report first. */
	if (ud_report_gen_suppressions()) {
		ud_buf_t rule = { 0 };
		ud_buf_puts(b, ",\"suppression\":");
		ud_json_str(b, ud_report_suppression_gen(r, &rule) ? rule.data : NULL);
		ud_buf_free(&rule);
	}
	ud_buf_puts(b, "}\n");
}

void ud_report_sink_json(const ud_report_t *r, void *arg)
{
	(void)arg;
	ud_buf_t b = { 0 };
	ud_report_format_json(r, &b);
	ud_log_write(b.data, b.len);
	ud_buf_free(&b);
}
