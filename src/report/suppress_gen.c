/*
** suppress_gen.c: gen_suppressions, a suppressions-file entry for a report.
**
** A rule holds one pattern, matched alone against each frame (or each class
** name), so one rule is as narrow as an entry can be: more rules would only
** match more. The rule takes the narrowest type of the report's kind and
** names the frame the report's title names (the innermost frame of the
** program's own code), anchored at both ends. Kinds no frame type covers
** (invalid wait context, lock assertions), and reports without a frame of
** the program's own, are named by the class of their lock (the innermost
** one held, for locks held at exit). Each rule is matched against the report
** before it is handed out, so an entry always silences the report it was
** made for.
*/
#include "format.h"
#include "suppress.h"

#include "../symbolize/symbolize.h"

/* The frame rule type for kind k that covers the fewest other kinds; -1: none. */
static int frame_type(ud_report_kind_t k)
{
	switch (k) {
	case UD_REPORT_RECURSIVE:
		return UD_SUPP_RECURSIVE;
	case UD_REPORT_CIRCULAR:
	case UD_REPORT_INCONSISTENT:
	case UD_REPORT_SIG_ORDER:
	case UD_REPORT_SIG_INVERSION:
		return UD_SUPP_DEADLOCK;
	case UD_REPORT_UNLOCK_BALANCE:
		return UD_SUPP_UNLOCK;
	case UD_REPORT_HELD_FREED:
		return UD_SUPP_FREED;
	case UD_REPORT_HELD_AT_EXIT:
		return UD_SUPP_EXIT;
	default:
		return -1;
	}
}

/*
** "type:^name$". Patterns have no escape: a '*' or '?' in the name becomes
** '?', which still matches it and at most names that differ there.
*/
static void put_rule(ud_buf_t *b, ud_supp_type_t type, const char *name)
{
	ud_buf_printf(b, "%s:^", ud_supp_type_name(type));
	for (const char *p = name; *p; p++) {
		char c = *p == '*' ? '?' : *p;
		ud_buf_fill(b, c == '\n' || c == '\r' ? '?' : c, 1);
	}
	ud_buf_puts(b, "$");
}

/* Does the one rule in b match r? */
static bool rule_matches(const ud_report_t *r, const ud_buf_t *b)
{
	ud_supp_list_t l = { 0 };
	char err[256];
	bool ok = b->len &&
		  ud_supp_parse(&l, "gen_suppressions", b->data, b->len, err,
				sizeof err) == 0 &&
		  l.n == 1 && ud_report_suppression_match(r, &l) == 0;
	ud_supp_free(&l);
	return ok;
}

bool ud_report_suppression_gen(const ud_report_t *r, ud_buf_t *out)
{
	ud_buf_t b = { 0 };
	int type = frame_type(r->kind);
	ud_frame_t f;
	/* A frame without function or module is a bare address: it changes
	** from run to run. */
	if (type >= 0 && ud_report_culprit_frame(r, &f) &&
	    (f.function || f.module)) {
		ud_buf_t name = { 0 };
		ud_report_frame_name(&f, &name);
		put_rule(&b, (ud_supp_type_t)type, name.data);
		ud_buf_free(&name);
		if (!rule_matches(r, &b))
			b.len = 0;
	}
	if (!b.len) {
		/* Held at exit: the target is the innermost held lock. */
		put_rule(&b, UD_SUPP_LOCK, ud_report_class_name(&r->target.cls));
		if (!rule_matches(r, &b))
			b.len = 0;
	}
	bool ok = b.len > 0;
	if (ok)
		ud_buf_printf(out, "%.*s", (int)b.len, b.data);
	ud_buf_free(&b);
	return ok;
}
