/*
** fuzz_record.c: the process-record reader of the command (src/cli/record.c)
** and the JSON reader under it (src/cli/json.c) on arbitrary bytes.
**
** Records are written by programs that may be killed at any moment, by
** runtimes of other versions, or damaged on disk; `ulockdep run`, merge and
** check read them. For each input this checks that:
**  - ud_record_parse returns 0 or -1; after -1 the message is one non-empty
**    line within err; after 0 there was a process line and a summary line,
**    and every dependency names classes the record holds;
**  - a record that parses, written back as JSON by its parts, parses again
**    to the same classes, dependencies and lock statistics (nothing read is
**    lost or changed);
**  - uj_parse of the whole input, when it succeeds, writes back text that
**    parses to the same text again (a fixed point), and fails without a
**    crash on anything else, however deep the nesting;
**  - nothing leaks (ASan's leak checker).
*/
// SOURCES: src/cli/record.c src/cli/lockstat.c src/cli/xalloc.c src/cli/json.c src/base/buf.c
// FLAGS: -max_len=4096
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>

#include "cli/record.h"
#include "fuzz.h"

static void check_message(const char *err, size_t size)
{
	CHECK(memchr(err, 0, size), "message not terminated");
	CHECK(err[0], "empty message");
	CHECK(!strchr(err, '\n'), "message of several lines: %s", err);
}

/* The record r as a record again, from its parts. */
static void rewrite(const ud_record_t *r, ud_buf_t *b)
{
	ud_buf_printf(b, "{\"process\":{\"version\":1,\"pid\":%lld}}\n", r->pid);
	for (size_t i = 0; i < r->nclasses; i++) {
		const ud_rec_class_t *c = &r->classes[i];
		ud_buf_printf(b, "{\"class\":{\"n\":%lld,\"id\":", c->n);
		uj_put_str(b, c->id);
		ud_buf_puts(b, ",\"name\":");
		uj_put_str(b, c->name);
		ud_buf_printf(b, ",\"stable\":%s}}\n", c->stable ? "true" : "false");
	}
	for (size_t i = 0; i < r->ndeps; i++)
		ud_buf_printf(b, "{\"dep\":{\"from\":%lld,\"to\":%lld,\"read\":\"%s\","
			      "\"stack\":%s}}\n", r->classes[r->deps[i].from].n,
			      r->classes[r->deps[i].to].n, r->deps[i].read ? "R" : "W",
			      r->deps[i].stack);
	for (size_t i = 0; i < r->nstats; i++) {
		const ud_lstat_t *x = &r->stats[i].st;
		ud_buf_printf(b, "{\"stat\":{\"class\":%lld,\"acquired\":%lld,"
			      "\"acquired_read\":%lld,\"contended\":%lld,"
			      "\"owner_changes\":%lld,\"wait_ns\":{\"total\":%lld,"
			      "\"max\":%lld},\"hold_ns\":{\"total\":%lld,\"max\":%lld},"
			      "\"contention_points\":",
			      r->classes[r->stats[i].cls].n, x->acquired,
			      x->acquired_read, x->contended, x->owner_changes,
			      x->wait_total, x->wait_max, x->hold_total, x->hold_max);
		ud_lstat_put_points(b, x, UD_LS_CONTENTION);
		ud_buf_puts(b, ",\"contending_points\":");
		ud_lstat_put_points(b, x, UD_LS_CONTENDING);
		ud_buf_puts(b, "}}\n");
	}
	for (size_t i = 0; i < r->nconds; i++) {
		const ud_condstat_t *c = &r->conds[i];
		ud_buf_puts(b, "{\"cond_stat\":{\"id\":");
		uj_put_str(b, c->id);
		ud_buf_puts(b, ",\"name\":");
		uj_put_str(b, c->name);
		ud_buf_printf(b, ",\"waits\":%lld,\"timed_out\":%lld,\"signals\":%lld,"
			      "\"broadcasts\":%lld,\"wait_ns\":{\"total\":%lld,"
			      "\"max\":%lld}}}\n", c->waits, c->timed_out, c->signals,
			      c->broadcasts, c->wait_total, c->wait_max);
	}
	ud_buf_printf(b, "{\"summary\":{\"stats\":%zu}}\n", r->nstats + r->nconds);
}

/* The same figures and points. */
static bool same_stat(const ud_lstat_t *a, const ud_lstat_t *b)
{
	if (a->acquired != b->acquired || a->acquired_read != b->acquired_read ||
	    a->contended != b->contended || a->owner_changes != b->owner_changes ||
	    a->wait_total != b->wait_total || a->wait_max != b->wait_max ||
	    a->hold_total != b->hold_total || a->hold_max != b->hold_max)
		return false;
	for (int k = 0; k < 2; k++) {
		if (a->npoints[k] != b->npoints[k])
			return false;
		for (size_t i = 0; i < a->npoints[k]; i++) {
			const ud_lspoint_t *p = &a->points[k][i], *q = &b->points[k][i];
			if (p->count != q->count || p->wait_ns != q->wait_ns ||
			    strcmp(p->stack, q->stack) || strcmp(p->key, q->key))
				return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[256];
	ud_record_t r;
	int rc = ud_record_parse(&r, text, size, err, sizeof err);
	CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc < 0) {
		check_message(err, sizeof err);
		CHECK(r.nclasses == 0 && r.ndeps == 0 && r.nstats == 0 &&
		      r.nconds == 0 && !r.program,
		      "a failed parse left data behind");
	} else {
		CHECK(r.program && r.state, "no process fields");
		for (size_t i = 0; i < r.ndeps; i++)
			CHECK(r.deps[i].from < r.nclasses && r.deps[i].to < r.nclasses,
			      "dependency %zu names no class", i);
		for (size_t i = 0; i < r.nstats; i++)
			CHECK(r.stats[i].cls < r.nclasses, "stat %zu names no class", i);
		ud_buf_t b = { 0 };
		rewrite(&r, &b);
		ud_record_t again;
		int rc2 = ud_record_parse(&again, b.data, b.len, err, sizeof err);
		CHECK(rc2 == 0, "the record written back does not parse: %s", err);
		CHECK(again.nclasses == r.nclasses && again.ndeps == r.ndeps,
		      "written back: %zu classes, %zu deps; read %zu, %zu",
		      again.nclasses, again.ndeps, r.nclasses, r.ndeps);
		for (size_t i = 0; i < r.nclasses; i++)
			CHECK(!strcmp(again.classes[i].id, r.classes[i].id) &&
			      !strcmp(again.classes[i].name, r.classes[i].name),
			      "class %zu changed", i);
		for (size_t i = 0; i < r.ndeps; i++)
			CHECK(!strcmp(again.deps[i].stack, r.deps[i].stack) &&
			      again.deps[i].from == r.deps[i].from &&
			      again.deps[i].to == r.deps[i].to,
			      "dependency %zu changed", i);
		CHECK(again.nstats == r.nstats && again.nconds == r.nconds,
		      "written back: %zu stat and %zu cond_stat lines; read %zu, %zu",
		      again.nstats, again.nconds, r.nstats, r.nconds);
		for (size_t i = 0; i < r.nstats; i++)
			CHECK(again.stats[i].cls == r.stats[i].cls &&
			      same_stat(&again.stats[i].st, &r.stats[i].st),
			      "stat %zu changed", i);
		for (size_t i = 0; i < r.nconds; i++) {
			const ud_condstat_t *a = &again.conds[i], *c = &r.conds[i];
			CHECK(!strcmp(a->id, c->id) && !strcmp(a->name, c->name) &&
			      a->waits == c->waits && a->timed_out == c->timed_out &&
			      a->signals == c->signals &&
			      a->broadcasts == c->broadcasts &&
			      a->wait_total == c->wait_total &&
			      a->wait_max == c->wait_max, "cond_stat %zu changed", i);
		}
		ud_record_free(&again);
		ud_buf_free(&b);
		ud_record_free(&r);
	}

	uj_t *v = uj_parse(text, size, err, sizeof err);
	if (!v) {
		check_message(err, sizeof err);
		return 0;
	}
	ud_buf_t w1 = { 0 }, w2 = { 0 };
	uj_write(&w1, v);
	uj_t *v2 = uj_parse(w1.data, w1.len, err, sizeof err);
	CHECK(v2, "written JSON does not parse: %s: %s", err, w1.data);
	uj_write(&w2, v2);
	CHECK(w1.len == w2.len && !memcmp(w1.data, w2.data, w1.len),
	      "not a fixed point: %s / %s", w1.data, w2.data);
	uj_free(v);
	uj_free(v2);
	ud_buf_free(&w1);
	ud_buf_free(&w2);
	return 0;
}
