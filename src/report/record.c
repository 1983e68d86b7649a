/*
** record.c: the lines of a process record (record.h, docs/store.md).
**
** Class numbers in a record are the engine's class ids: unique within the
** record, meaningless outside it; the "id" line field is what joins records.
*/
#include "record.h"
#include "format.h"
#include "stat.h"

#include <stdio.h>
#include <string.h>

#include "../symbolize/symbolize.h"

static void put_process(ud_buf_t *b, const ud_record_process_t *p)
{
	ud_buf_printf(b, "{\"process\":{\"version\":%d,\"pid\":%d,\"ppid\":%d,"
		      "\"program\":", UD_RECORD_VERSION, p->pid, p->ppid);
	ud_json_str(b, p->program ? p->program : "");
	ud_buf_puts(b, ",\"argv\":[");
	size_t i = 0;
	bool first = true;
	while (p->argv && i < p->argv_len) {
		const char *arg = p->argv + i;
		size_t n = strnlen(arg, p->argv_len - i);
		if (i + n >= p->argv_len)
			break;	/* no NUL: cut off */
		if (!first)
			ud_buf_puts(b, ",");
		ud_json_str(b, arg);
		first = false;
		i += n + 1;
	}
	ud_buf_puts(b, "],\"state\":");
	ud_json_str(b, p->state);
	ud_buf_printf(b, ",\"status\":%d,\"time\":%.3f}}\n", p->status, p->time);
}

/* "mutex", "rwlock", "spin", "thread", "once", "barrier", "pseudo". */
static const char *type_of(const ud_report_class_t *c)
{
	const char *name = c->key.name;
	if (name && c->key.addr) {
		if (!strcmp(name, "thread:"))
			return "thread";
		if (!strcmp(name, "once:"))
			return "once";
		if (!strcmp(name, "barrier:"))
			return "barrier";
	}
	switch (c->kind) {
	case UD_KIND_MUTEX:
	case UD_KIND_MUTEX_RECURSIVE:
	case UD_KIND_MUTEX_ERRORCHECK:
		return "mutex";
	case UD_KIND_RWLOCK:
	case UD_KIND_RWLOCK_NONRECURSIVE:
		return "rwlock";
	case UD_KIND_SPIN:
		return "spin";
	case UD_KIND_PSEUDO:
		return "pseudo";
	}
	return "lock";
}

static void put_class(ud_buf_t *b, const ud_report_class_t *c, bool symbolize)
{
	bool stable = false;
	const char *id, *name;
	char raw[64];
	if (symbolize) {
		id = ud_report_class_identity(c, &stable);
		name = ud_report_class_name(c);
	} else {
		id = ud_report_class_identity_cached(c->id, &stable);
		name = ud_report_class_name_cached(c->id);
		if (!id) {
			/* Only good within this process; said so by stable. */
			snprintf(raw, sizeof raw, "unsymbolized:%d:%lx/%u", (int)c->key.kind,
				 (unsigned long)c->key.key, c->key.subclass);
			id = raw;
			stable = false;
		}
	}
	ud_buf_printf(b, "{\"class\":{\"n\":%u,\"id\":", c->id);
	ud_json_str(b, id);
	ud_buf_printf(b, ",\"stable\":%s,\"name\":", stable ? "true" : "false");
	ud_json_str(b, name ? name : id);
	ud_buf_puts(b, ",\"type\":");
	ud_json_str(b, type_of(c));
	ud_buf_puts(b, ",\"usage\":\"");
	ud_report_format_usage(c, b);
	ud_buf_puts(b, "\"}}\n");
}

typedef struct frames_arg {
	ud_buf_t *b;
	bool first;
} frames_arg_t;

void ud_report_record_frame(ud_buf_t *b, const ud_frame_t *f, bool first)
{
	ud_buf_puts(b, first ? "{" : ",{");
	bool comma = false;
	if (f->function) {
		ud_buf_puts(b, "\"func\":");
		ud_json_str(b, f->function);
		comma = true;
	}
	if (f->file) {
		ud_buf_puts(b, comma ? ",\"file\":" : "\"file\":");
		ud_json_str(b, f->file);
		comma = true;
		if (f->line > 0)
			ud_buf_printf(b, ",\"line\":%d", f->line);
	}
	if (f->module) {
		ud_buf_puts(b, comma ? ",\"module\":" : "\"module\":");
		ud_json_str(b, ud_report_basename(f->module));
		ud_buf_printf(b, ",\"offset\":\"0x%lx\"", (unsigned long)f->module_offset);
	}
	ud_buf_puts(b, "}");
}

static void put_frame(const ud_frame_t *f, void *arg)
{
	frames_arg_t *a = arg;
	ud_report_record_frame(a->b, f, a->first);
	a->first = false;
}

static void put_dep(ud_buf_t *b, const ud_dep_t *d, bool symbolize)
{
	ud_buf_printf(b, "{\"dep\":{\"from\":%u,\"to\":%u,\"read\":\"%c\","
		      "\"from_read\":\"%c\"", d->from, d->to, d->to_read ? 'R' : 'W',
		      d->from_read ? 'R' : 'W');
	if (symbolize && d->stack) {
		frames_arg_t a = { b, true };
		ud_buf_puts(b, ",\"stack\":[");
		ud_report_each_frame(d->stack, put_frame, &a);
		ud_buf_puts(b, "]");
	}
	ud_buf_puts(b, "}}\n");
}

void ud_record_format(ud_buf_t *out, const ud_record_process_t *p,
		      const ud_snapshot_t *s, bool symbolize)
{
	put_process(out, p);
	for (size_t i = 0; i < s->nclasses; i++)
		put_class(out, &s->classes[i], symbolize);
	for (size_t i = 0; i < s->ndeps; i++)
		put_dep(out, &s->deps[i], symbolize);
	size_t stats = p->stats ? ud_stat_record_lines(out, p->stats, symbolize) : 0;
	unsigned reports = ud_report_kept_json(out);
	ud_buf_printf(out, "{\"summary\":{\"classes\":%zu,\"deps\":%zu,\"chains\":%zu,"
		      "\"max_chain\":%u,\"max_depth\":%u,\"reports\":%u",
		      s->nclasses, s->ndeps, p->chains, p->max_depth, p->max_depth,
		      reports);
	if (p->stats)
		ud_buf_printf(out, ",\"stats\":%zu", stats);
	ud_buf_puts(out, "}}\n");
}
