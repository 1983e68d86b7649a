/*
** suppress_match.c: does a report match one of the loaded suppressions?
**
** Frame rules (deadlock, recursive, unlock, freed, exit) look at every frame
** of every stack in the report, inlined frames included: the function, the
** source file and the module, and "module+0xoff" for a frame without a
** function (for locks held at exit, also where each held lock was taken).
** Lock rules look at the class names of the locks the problem is about (not
** the other locks the thread happens to hold); ring rules at the class of a
** cycle made of one class's instances only. The report is symbolized
** once; the first rule in file order that matches wins.
** Runs under report_lock, once per distinct problem.
*/
#include "format.h"
#include "suppress.h"

#include "../base/alloc.h"
#include "../base/stack.h"
#include "../symbolize/symbolize.h"

#define MAX_INLINE 16

typedef struct frames {
	ud_frame_t *f;
	unsigned n, cap;
} frames_t;

static void add_pc(frames_t *fs, uintptr_t pc)
{
	if (!pc)
		return;
	ud_frame_t tmp[MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, tmp, MAX_INLINE);
	for (unsigned i = 0; i < n; i++) {
		if (fs->n == fs->cap) {
			unsigned cap = fs->cap ? fs->cap * 2 : 64;
			fs->f = ud_realloc(fs->f, fs->cap * sizeof *fs->f,
					   cap * sizeof *fs->f);
			fs->cap = cap;
		}
		fs->f[fs->n++] = tmp[i];
	}
}

static void add_stack(frames_t *fs, ud_stack_id_t id)
{
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	for (unsigned i = 0; pcs && i < n; i++)
		add_pc(fs, pcs[i]);
}

static bool applies(ud_supp_type_t t, ud_report_kind_t k)
{
	switch (t) {
	case UD_SUPP_DEADLOCK:
		return k == UD_REPORT_CIRCULAR || k == UD_REPORT_RECURSIVE ||
		       k == UD_REPORT_INCONSISTENT || k == UD_REPORT_SIG_ORDER ||
		       k == UD_REPORT_SIG_INVERSION;
	case UD_SUPP_RECURSIVE:
		return k == UD_REPORT_RECURSIVE;
	case UD_SUPP_UNLOCK:
		return k == UD_REPORT_UNLOCK_BALANCE;
	case UD_SUPP_FREED:
		return k == UD_REPORT_HELD_FREED;
	case UD_SUPP_EXIT:
		return k == UD_REPORT_HELD_AT_EXIT;
	case UD_SUPP_LOCK:
		return true;
	case UD_SUPP_RING:
		return k == UD_REPORT_CIRCULAR;
	default:
		return false;
	}
}

static bool frame_matches(const char *pat, const ud_frame_t *f)
{
	if (ud_supp_match(pat, f->function) || ud_supp_match(pat, f->file) ||
	    ud_supp_match(pat, f->module))
		return true;
	if (f->function)
		return false;
	/* No symbol: the frame prints as "module+0xoff", stable across runs,
	** which is then all a rule can name it by (a stripped program). */
	ud_buf_t name = { 0 };
	ud_report_frame_name(f, &name);
	bool m = ud_supp_match(pat, name.data);
	ud_buf_free(&name);
	return m;
}

static bool class_matches(const char *pat, const ud_report_t *r)
{
	if (ud_supp_match(pat, ud_report_class_name(&r->target.cls)))
		return true;
	if ((r->kind == UD_REPORT_CIRCULAR || r->kind == UD_REPORT_RECURSIVE ||
	     r->kind == UD_REPORT_SIG_ORDER) &&
	    ud_supp_match(pat, ud_report_class_name(&r->held.cls)))
		return true;
	for (unsigned i = 0; i < r->nlinks; i++)
		if (ud_supp_match(pat, ud_report_class_name(&r->links[i].lock.cls)))
			return true;
	/* Held at exit is about every lock still held. */
	if (r->kind == UD_REPORT_HELD_AT_EXIT)
		for (unsigned i = 0; i < r->nheld; i++)
			if (ud_supp_match(pat, ud_report_class_name(&r->held_locks[i].cls)))
				return true;
	return false;
}

/*
** A cycle through the instances of one class: the lock taken, the held lock
** and every link are of that class. (A dependency between two classes never
** joins a class to itself, so such a cycle is made of instance order alone.)
*/
static bool one_class_cycle(const ud_report_t *r)
{
	unsigned id = r->target.cls.id;
	if (r->held.cls.id != id)
		return false;
	for (unsigned i = 0; i < r->nlinks; i++)
		if (r->links[i].lock.cls.id != id)
			return false;
	return true;
}

int ud_report_suppression_match(const ud_report_t *r, const ud_supp_list_t *l)
{
	frames_t fs = { 0 };
	bool collected = false;
	int found = -1;
	for (unsigned i = 0; i < l->n && found < 0; i++) {
		const ud_supp_rule_t *rule = &l->rules[i];
		if (!applies(rule->type, r->kind))
			continue;
		if (rule->type == UD_SUPP_LOCK) {
			if (class_matches(rule->pattern, r))
				found = (int)i;
			continue;
		}
		if (rule->type == UD_SUPP_RING) {
			if (one_class_cycle(r) &&
			    ud_supp_match(rule->pattern,
					  ud_report_class_name(&r->target.cls)))
				found = (int)i;
			continue;
		}
		if (!collected) {
			collected = true;
			add_stack(&fs, r->stack);
			add_pc(&fs, r->target.pc);
			add_pc(&fs, r->held.pc);
			/* Where signal usage was first seen (signal reports). */
			add_stack(&fs, r->usage_stack);
			add_stack(&fs, r->safe_stack);
			add_stack(&fs, r->unsafe_stack);
			for (unsigned k = 0; k < r->nlinks; k++) {
				add_stack(&fs, r->links[k].stack);
				add_pc(&fs, r->links[k].lock.pc);
			}
			/* A thread that returned holding locks has only libc on
			** its stack: where it took them is what names it. */
			if (r->kind == UD_REPORT_HELD_AT_EXIT)
				for (unsigned k = 0; k < r->nheld; k++)
					add_pc(&fs, r->held_locks[k].pc);
		}
		for (unsigned k = 0; k < fs.n && found < 0; k++)
			if (frame_matches(rule->pattern, &fs.f[k]))
				found = (int)i;
	}
	if (fs.f)
		ud_free(fs.f, fs.cap * sizeof *fs.f);
	return found;
}
