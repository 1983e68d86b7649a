/*
** format_text.c: a report as kernel-format text.
**
** The layout follows the kernel's lockdep messages line for line (banner,
** lock lines with usage and wait type, "-> #N" chain entries, the CPU0/CPU1
** scenario, held-lock list, backtrace), so people and tools that read kernel
** reports read these too. docs/reports.md decodes every line. Everything is
** appended to one buffer: the caller writes it out in one piece.
*/
#define _GNU_SOURCE	/* program_invocation_short_name */
#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/stack.h"
#include "../symbolize/symbolize.h"

#ifndef ULOCKDEP_VERSION
#define ULOCKDEP_VERSION "unknown"
#endif

#define INDENT "       "	/* stack frames, as the kernel prints them */
#define MAX_INLINE UD_REPORT_MAX_INLINE

/* One frame: "fn+0xoff/0xsize file:line", "fn file:line [inline]", "mod+0xoff". */
static void put_frame(ud_buf_t *b, const ud_frame_t *f)
{
	if (f->function) {
		ud_buf_puts(b, f->function);
		if (!f->inlined) {
			ud_buf_printf(b, "+0x%lx", (unsigned long)f->offset);
			if (f->size)
				ud_buf_printf(b, "/0x%lx", (unsigned long)f->size);
		}
	} else if (f->module) {
		ud_buf_printf(b, "%s+0x%lx", ud_report_basename(f->module),
			      (unsigned long)f->module_offset);
	} else {
		ud_buf_printf(b, "0x%lx", (unsigned long)f->pc);
	}
	if (f->file && f->line > 0)
		ud_buf_printf(b, " %s:%d", f->file, f->line);
	else if (f->file)
		ud_buf_printf(b, " %s", f->file);
	if (f->inlined)
		ud_buf_puts(b, " [inline]");
}

/*
** The lines of a lock's "at:" (or a release's, an assertion's): one per frame
** (inlined ones first), each starting with `prefix`. Every pc we get is a
** return address (the caller of a lock function), so file:line and the
** offsets describe pc-1, the call. `stack`, when it is the stack of this very
** call, stands in for the C++ library's frames (frames.c).
*/
static void put_code_lines(ud_buf_t *b, const char *prefix, size_t prefix_len,
			   uintptr_t pc, ud_stack_id_t stack)
{
	ud_frame_t fr[MAX_INLINE];
	unsigned n = pc ? ud_report_at_frames(pc, stack, fr, MAX_INLINE) : 0;
	if (n == 0) {
		ud_buf_printf(b, "%.*s0x%lx\n", (int)prefix_len, prefix,
			      (unsigned long)pc);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		ud_buf_printf(b, "%.*s", (int)prefix_len, prefix);
		put_frame(b, &fr[i]);
		ud_buf_puts(b, "\n");
	}
}

static void put_stack_frame(const ud_frame_t *f, void *arg)
{
	ud_buf_t *b = arg;
	ud_buf_puts(b, INDENT);
	put_frame(b, f);
	ud_buf_puts(b, "\n");
}

static void put_stack(ud_buf_t *b, ud_stack_id_t id)
{
	if (ud_report_each_frame(id, put_stack_frame, b) == 0)
		ud_buf_puts(b, INDENT "<no stack recorded>\n");
}

static void wait_type(ud_lock_kind_t kind, int *outer, int *inner)
{
	switch (kind) {
	case UD_KIND_SPIN:
		*outer = *inner = 2;
		break;
	case UD_KIND_PSEUDO:
		*outer = *inner = 0;
		break;
	default:
		*outer = *inner = 3;
		break;
	}
}

/*
** The usage character, the kernel's irq letters applied to signals: '-'
** taken in a signal handler and never with that signal unblocked (safe),
** '+' never in a handler but with signals unblocked (unsafe), '?' in a
** handler and also with its signal unblocked (inconsistent), '.' neither.
*/
static char usage_char(const ud_report_class_t *cls)
{
	if (cls->sig_in)
		return (cls->sig_in & cls->sig_on) ? '?' : '-';
	return cls->sig_on ? '+' : '.';
}

/* "(<class>){U...}-{W:W}": the other usage positions (the kernel's read and
** softirq states) have no userspace counterpart and stay '.'. */
static void put_class(ud_buf_t *b, const ud_report_class_t *cls)
{
	int outer, inner;
	wait_type(cls->kind, &outer, &inner);
	ud_buf_printf(b, "(%s){%c...}-{%d:%d}", ud_report_class_name(cls),
		      usage_char(cls), outer, inner);
}

void ud_report_format_usage(const ud_report_class_t *cls, ud_buf_t *b)
{
	int outer, inner;
	wait_type(cls->kind, &outer, &inner);
	ud_buf_printf(b, "{%c...}-{%d:%d}", usage_char(cls), outer, inner);
}

/* A lock line, once per frame of its "at:"; `lead` starts each one. `stack`
** is the report's stack when l is being taken now, else 0. */
static void put_lock(ud_buf_t *b, const char *lead, const ud_report_lock_t *l,
		     ud_stack_id_t stack)
{
	ud_buf_t prefix = { 0 };
	ud_buf_printf(&prefix, "%s%016lx ", lead, (unsigned long)l->addr);
	put_class(&prefix, &l->cls);
	ud_buf_puts(&prefix, ", at: ");
	put_code_lines(b, prefix.data, prefix.len, l->pc, stack);
	ud_buf_free(&prefix);
}

static const char *program_name(void)
{
	const char *p = program_invocation_short_name;
	return p && p[0] ? p : "?";
}

static void put_thread(ud_buf_t *b, const char *name, int tid)
{
	ud_buf_printf(b, "%s/%d", name[0] ? name : program_name(), tid);
}

/* A thread named by a fixed 16-byte field that may lack its terminator. */
static void put_thread16(ud_buf_t *b, const char field[16], int tid)
{
	char name[17];
	memcpy(name, field, 16);
	name[16] = 0;
	/* The program names its threads: a newline there must not start a
	** line of the report. */
	ud_text_sanitize(name, strlen(name), false);
	put_thread(b, name, tid);
}

static void put_rthread(ud_buf_t *b, const ud_report_thread_t *t)
{
	put_thread16(b, t->name, t->tid);
}

/* The kind's headline with its <thread> and <signal> filled in. */
void ud_report_format_title(const ud_report_t *r, ud_buf_t *b)
{
	const ud_report_kind_info_t *k = ud_report_kind_info(r->kind);
	if (!k) {
		ud_buf_printf(b, "WARNING: unknown report kind %d", (int)r->kind);
		return;
	}
	for (const char *h = k->headline; *h;) {
		if (!strncmp(h, "<thread>", 8)) {
			put_rthread(b, &r->thread);
			h += 8;
		} else if (!strncmp(h, "<signal>", 8)) {
			ud_report_signal_name(b, r->detail & 0xff);
			h += 8;
		} else {
			size_t n = 1 + strcspn(h + 1, "<");
			ud_buf_printf(b, "%.*s", (int)n, h);
			h += n;
		}
	}
}

static void put_banner(ud_buf_t *b, const ud_report_t *r)
{
	ud_buf_t title = { 0 }, ident = { 0 };
	ud_report_format_title(r, &title);
	ud_buf_printf(&ident, "ulockdep %s %s/%d", ULOCKDEP_VERSION,
		      program_name(), (int)getpid());
	size_t width = title.len > ident.len ? title.len : ident.len;
	ud_buf_puts(b, "\n");
	ud_buf_fill(b, '=', width);
	ud_buf_printf(b, "\n%s\n%s\n", title.data, ident.data);
	ud_buf_fill(b, '-', width);
	ud_buf_puts(b, "\n");
	ud_buf_free(&title);
	ud_buf_free(&ident);
}

static void put_held_list(ud_buf_t *b, const ud_report_t *r)
{
	if (r->nheld == 0) {
		ud_buf_puts(b, "no locks held by ");
		put_rthread(b, &r->thread);
		ud_buf_puts(b, ".\n");
		return;
	}
	ud_buf_printf(b, "%u lock%s held by ", r->nheld, r->nheld == 1 ? "" : "s");
	put_rthread(b, &r->thread);
	ud_buf_puts(b, ":\n");
	for (unsigned i = 0; i < r->nheld; i++) {
		char lead[24];
		snprintf(lead, sizeof lead, " #%u: ", i);
		put_lock(b, lead, &r->held_locks[i], 0);
	}
}

/*
** The current stack, then where the thread was born (if it is not main),
** then the same for each other thread that made a link of the chain (once
** each, in the order of the chain).
*/
static void put_backtrace(ud_buf_t *b, const ud_report_t *r)
{
	ud_buf_puts(b, "\nstack backtrace:\n");
	put_stack(b, r->stack);
	if (r->thread.parent_tid != 0 && r->thread.origin != 0) {
		put_rthread(b, &r->thread);
		ud_buf_puts(b, " was created at:\n");
		put_stack(b, r->thread.origin);
	}
	for (unsigned i = r->nlinks; i-- > 0;) {
		const ud_report_link_t *l = &r->links[i];
		bool seen = !l->thread_origin || l->tid == r->thread.tid;
		for (unsigned j = r->nlinks; !seen && --j > i;)
			seen = r->links[j].tid == l->tid;
		if (seen)
			continue;
		put_thread16(b, l->thread_name, l->tid);
		ud_buf_puts(b, " was created at:\n");
		put_stack(b, l->thread_origin);
	}
}

static void put_lock_op(ud_buf_t *b, const char *indent, bool read,
			const ud_report_class_t *cls)
{
	ud_buf_printf(b, "%s%s(%s);\n", indent, read ? "rlock" : "lock",
		      ud_report_class_name(cls));
}

/* The stack that made a link, after the thread that made it if another. */
static void put_link_stack(ud_buf_t *b, const ud_report_t *r,
			   const ud_report_link_t *l)
{
	if (l->tid != 0 && l->tid != r->thread.tid) {
		ud_buf_puts(b, INDENT "[taken by ");
		put_thread16(b, l->thread_name, l->tid);
		ud_buf_puts(b, "]\n");
	}
	put_stack(b, l->stack);
}

/* "Chain exists of: A --> B --> C", every class of the links in order, when
** more than two classes take part. */
static void put_chain_exists(ud_buf_t *b, const ud_report_t *r)
{
	if (r->nlinks <= 2)
		return;
	ud_buf_puts(b, "Chain exists of:\n  ");
	for (unsigned i = 0; i < r->nlinks; i++)
		ud_buf_printf(b, "%s%s", i ? " --> " : "",
			      ud_report_class_name(&r->links[i].lock.cls));
	ud_buf_puts(b, "\n\n");
}

#define CPU0 "  "
#define CPU1 "                               "

static void format_circular(ud_buf_t *b, const ud_report_t *r)
{
	const ud_report_class_t *target = &r->target.cls;
	const ud_report_class_t *held = &r->held.cls;

	put_rthread(b, &r->thread);
	ud_buf_puts(b, " is trying to acquire lock:\n");
	put_lock(b, "", &r->target, r->stack);
	ud_buf_puts(b, "\nbut task is already holding lock:\n");
	put_lock(b, "", &r->held, 0);
	ud_buf_puts(b, "\nwhich lock already depends on the new lock.\n\n");
	ud_buf_puts(b, "\nthe existing dependency chain (in reverse order) is:\n");

	for (unsigned i = r->nlinks; i-- > 0;) {
		const ud_report_link_t *l = &r->links[i];
		ud_buf_printf(b, "\n-> #%u ", i);
		put_class(b, &l->lock.cls);
		ud_buf_puts(b, ":\n");
		put_link_stack(b, r, l);
	}

	ud_buf_puts(b, "\nother info that might help us debug this:\n\n");
	/* The lock just before the held one on the chain: links[0] (the new
	** lock) when only two classes take part. */
	const ud_report_class_t *parent =
		r->nlinks >= 2 ? &r->links[r->nlinks - 2].lock.cls : target;
	/* The whole path the graph already has, new lock to held lock. */
	put_chain_exists(b, r);
	ud_buf_puts(b, " Possible unsafe locking scenario:\n\n");
	ud_buf_puts(b, "       CPU0                    CPU1\n");
	ud_buf_puts(b, "       ----                    ----\n");
	put_lock_op(b, CPU0, r->held.mode != UD_MODE_WRITE, held);
	put_lock_op(b, CPU1, false, parent);
	put_lock_op(b, CPU1, false, held);
	put_lock_op(b, CPU0, r->target.mode != UD_MODE_WRITE, target);
	ud_buf_puts(b, "\n *** DEADLOCK ***\n\n");
	put_held_list(b, r);
	put_backtrace(b, r);
}

static void format_recursive(ud_buf_t *b, const ud_report_t *r)
{
	put_rthread(b, &r->thread);
	ud_buf_puts(b, " is trying to acquire lock:\n");
	put_lock(b, "", &r->target, r->stack);
	ud_buf_puts(b, "\nbut task is already holding lock:\n");
	put_lock(b, "", &r->held, 0);
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	ud_buf_puts(b, " Possible unsafe locking scenario:\n\n");
	ud_buf_puts(b, "       CPU0\n");
	ud_buf_puts(b, "       ----\n");
	put_lock_op(b, CPU0, false, &r->held.cls);
	put_lock_op(b, CPU0, false, &r->target.cls);
	ud_buf_puts(b, "\n *** DEADLOCK ***\n\n");
	/* Two instances of one class: usually nesting the class wants. */
	if (!r->same_instance)
		ud_buf_puts(b, " May be due to missing lock nesting notation\n\n");
	put_held_list(b, r);
	put_backtrace(b, r);
}

static void format_unlock_balance(ud_buf_t *b, const ud_report_t *r)
{
	put_rthread(b, &r->thread);
	ud_buf_printf(b, " is trying to release lock (%s) at:\n",
		      ud_report_class_name(&r->target.cls));
	put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
	ud_buf_printf(b, "but %s\n", ud_report_bad_unlock_text(r->detail));
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	put_held_list(b, r);
	put_backtrace(b, r);
}

static void format_held_freed(ud_buf_t *b, const ud_report_t *r)
{
	put_rthread(b, &r->thread);
	ud_buf_printf(b, " is freeing memory %016lx-%016lx, with a lock still held there!\n",
		      (unsigned long)r->freed_lo, (unsigned long)r->freed_hi);
	put_lock(b, "", &r->target, r->stack);
	put_held_list(b, r);
	put_backtrace(b, r);
}

/* A sleeping wait under a spinlock: the kernel's layout, with the wait type
** of the context (the innermost spinlock held) as "context-{N:N}". */
static void format_wait_context(ud_buf_t *b, const ud_report_t *r)
{
	int outer, inner;
	put_rthread(b, &r->thread);
	ud_buf_puts(b, " is trying to lock:\n");
	put_lock(b, "", &r->target, r->stack);
	ud_buf_puts(b, "while holding the spinlock:\n");
	put_lock(b, "", &r->held, 0);
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	wait_type(r->held.cls.kind, &outer, &inner);
	ud_buf_printf(b, "context-{%d:%d}\n", outer, inner);
	put_held_list(b, r);
	put_backtrace(b, r);
}

/* What an assertion or pin expected, and what the thread has. */
static void format_assert(ud_buf_t *b, const ud_report_t *r)
{
	const char *what = r->detail < UD_ASSERT_COUNT ?
			   ud_report_assert_call(r->detail) : "?";
	const char *name = ud_report_class_name(&r->target.cls);
	put_rthread(b, &r->thread);
	switch (r->detail) {
	case UD_ASSERT_NONE_HELD:
		ud_buf_printf(b, " asserts that it holds no lock (%s), at:\n", what);
		put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
		ud_buf_puts(b, "but it holds one:\n");
		put_lock(b, "", &r->held, 0);
		break;
	case UD_ASSERT_RELEASE_PINNED:
		ud_buf_printf(b, " is releasing a pinned lock (%s) at:\n", name);
		put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
		ud_buf_puts(b, "the lock was pinned (ulockdep_pin) and not unpinned:\n");
		put_lock(b, "", &r->held, 0);
		break;
	case UD_ASSERT_UNPIN_NOT_PINNED:
		ud_buf_printf(b, " is unpinning a lock (%s) that it has not pinned, at:\n",
			      name);
		put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
		break;
	case UD_ASSERT_PIN_NOT_HELD:
		ud_buf_printf(b, " is pinning a lock (%s) that it does not hold, at:\n",
			      name);
		put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
		break;
	default:
		ud_buf_printf(b, " failed %s(%s) at:\n", what, name);
		put_code_lines(b, INDENT, sizeof INDENT - 1, r->target.pc, r->stack);
		if (r->detail == UD_ASSERT_NOT_HELD) {
			ud_buf_puts(b, "but it holds the lock:\n");
			put_lock(b, "", &r->held, 0);
		} else if (r->held.pc) {
			ud_buf_printf(b, "the lock is held for %s:\n",
				      r->held.mode == UD_MODE_WRITE ? "writing" : "reading");
			put_lock(b, "", &r->held, 0);
		} else {
			ud_buf_puts(b, "but it does not hold the lock.\n");
		}
		break;
	}
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	put_held_list(b, r);
	put_backtrace(b, r);
}

/* "{IN-SIGUSR1-W}" (taken in the handler) or "{SIGUSR1-ON-W}" (unblocked). */
static void put_usage(ud_buf_t *b, unsigned sig, bool in, bool read)
{
	ud_buf_puts(b, "{");
	ud_report_usage_name(b, sig, in, read);
	ud_buf_puts(b, "}");
}

/* A lock taken in a signal handler and also with that signal unblocked. */
static void format_inconsistent(ud_buf_t *b, const ud_report_t *r)
{
	unsigned sig = r->detail & 0xff;
	bool new_in = r->detail & UD_USAGE_NEW_IN;
	bool read = r->target.mode != UD_MODE_WRITE;
	bool old_read = r->detail & UD_USAGE_OLD_READ;
	ud_buf_puts(b, "inconsistent ");
	put_usage(b, sig, !new_in, old_read);
	ud_buf_puts(b, " -> ");
	put_usage(b, sig, new_in, read);
	ud_buf_puts(b, " usage.\n");
	put_rthread(b, &r->thread);
	ud_buf_puts(b, new_in ? " [in a " : " [");
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, new_in ? " handler] takes:\n" : " unblocked] takes:\n");
	put_lock(b, "", &r->target, r->stack);
	put_usage(b, sig, !new_in, old_read);
	ud_buf_puts(b, " state was registered at:\n");
	put_stack(b, r->usage_stack);
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	ud_buf_puts(b, " Possible unsafe locking scenario:\n\n");
	ud_buf_puts(b, "       CPU0\n");
	ud_buf_puts(b, "       ----\n");
	put_lock_op(b, CPU0, read, &r->target.cls);
	ud_buf_puts(b, CPU0 "<");
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, ">\n");
	put_lock_op(b, CPU0 "  ", read, &r->target.cls);
	ud_buf_puts(b, "\n *** DEADLOCK ***\n\n");
	put_held_list(b, r);
	put_backtrace(b, r);
}

/* "SIGUSR1-safe" / "SIGUSR1-unsafe". */
static void put_state(ud_buf_t *b, unsigned sig, bool safe)
{
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, safe ? "-safe" : "-unsafe");
}

/* Links from..to-1 of a path, each class with the stack that first took it
** after the previous one (the first class has none on this path). */
static void put_path(ud_buf_t *b, const ud_report_t *r, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		const ud_report_link_t *l = &r->links[i];
		ud_buf_puts(b, "-> ");
		put_class(b, &l->lock.cls);
		ud_buf_puts(b, i == from ? "\n" : " ... acquired at:\n");
		if (i == from)
			continue;
		put_link_stack(b, r, l);
	}
}

/* One class with the stack that gave it its usage. */
static void put_usage_class(ud_buf_t *b, const ud_report_class_t *c,
			    unsigned sig, bool safe, ud_stack_id_t stack)
{
	ud_buf_puts(b, " ");
	put_class(b, c);
	ud_buf_puts(b, "\n... which became ");
	put_state(b, sig, safe);
	ud_buf_puts(b, " at:\n");
	put_stack(b, stack);
}

/* The deadlock both signal reports describe: CPU0 holds the unsafe lock with
** the signal unblocked, CPU1 blocks it and goes from the safe lock towards the
** unsafe one, the handler on CPU0 waits for the safe lock. */
static void put_signal_scenario(ud_buf_t *b, const ud_report_t *r, unsigned sig)
{
	put_chain_exists(b, r);
	ud_buf_puts(b, " Possible signal unsafe locking scenario:\n\n");
	ud_buf_puts(b, "       CPU0                    CPU1\n");
	ud_buf_puts(b, "       ----                    ----\n");
	put_lock_op(b, CPU0, false, &r->unsafe);
	ud_buf_puts(b, CPU1 "block(");
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, ");\n");
	put_lock_op(b, CPU1, false, &r->safe);
	put_lock_op(b, CPU1, false, &r->unsafe);
	ud_buf_puts(b, CPU0 "<");
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, ">\n");
	put_lock_op(b, CPU0 "  ", false, &r->safe);
	ud_buf_puts(b, "\n *** DEADLOCK ***\n\n");
}

/* A new dependency from a handler's lock towards one taken unblocked. */
static void format_sig_order(ud_buf_t *b, const ud_report_t *r)
{
	unsigned sig = r->detail & 0xff;
	put_rthread(b, &r->thread);
	ud_buf_puts(b, " is trying to acquire:\n");
	put_lock(b, "", &r->target, r->stack);
	ud_buf_puts(b, "\nand this task is already holding:\n");
	put_lock(b, "", &r->held, 0);
	ud_buf_puts(b, "which would create a new lock dependency:\n ");
	put_class(b, &r->held.cls);
	ud_buf_puts(b, " -> ");
	put_class(b, &r->target.cls);
	ud_buf_puts(b, "\n\nbut this new dependency connects a ");
	put_state(b, sig, true);
	ud_buf_puts(b, " lock:\n");
	put_usage_class(b, &r->safe, sig, true, r->safe_stack);
	ud_buf_puts(b, "\nto a ");
	put_state(b, sig, false);
	ud_buf_puts(b, " lock:\n");
	put_usage_class(b, &r->unsafe, sig, false, r->unsafe_stack);
	ud_buf_puts(b, "\nother info that might help us debug this:\n\n");
	put_signal_scenario(b, r, sig);
	put_held_list(b, r);
	ud_buf_puts(b, "\nthe dependencies between the ");
	put_state(b, sig, true);
	ud_buf_puts(b, " lock and the holding lock:\n");
	put_path(b, r, 0, r->split);
	ud_buf_puts(b, "\nthe dependencies between the lock to be acquired and the ");
	put_state(b, sig, false);
	ud_buf_puts(b, " lock:\n");
	put_path(b, r, r->split, r->nlinks);
	put_backtrace(b, r);
}

/* A lock gained usage that an ordered lock's opposite usage makes unsafe. */
static void format_sig_inversion(ud_buf_t *b, const ud_report_t *r)
{
	unsigned sig = r->detail & 0xff;
	bool new_in = r->detail & UD_USAGE_NEW_IN;
	put_rthread(b, &r->thread);
	ud_buf_puts(b, new_in ? " [in a " : " [");
	ud_report_signal_name(b, sig);
	ud_buf_puts(b, new_in ? " handler] just changed the state of lock:\n"
			      : " unblocked] just changed the state of lock:\n");
	put_lock(b, "", &r->target, r->stack);
	if (new_in) {
		ud_buf_puts(b, "but this lock took another, ");
		put_state(b, sig, false);
		ud_buf_puts(b, " lock in the past:\n");
		put_usage_class(b, &r->unsafe, sig, false, r->unsafe_stack);
	} else {
		ud_buf_puts(b, "but this lock was taken by another, ");
		put_state(b, sig, true);
		ud_buf_puts(b, " lock in the past:\n");
		put_usage_class(b, &r->safe, sig, true, r->safe_stack);
	}
	ud_buf_puts(b, "\nand signals could create inverse lock ordering between them.\n");
	ud_buf_puts(b, "\nother info that might help us debug this:\n");
	put_signal_scenario(b, r, sig);
	put_held_list(b, r);
	ud_buf_puts(b, "\nthe shortest dependencies between the ");
	put_state(b, sig, true);
	ud_buf_puts(b, " lock and the ");
	put_state(b, sig, false);
	ud_buf_puts(b, " lock:\n");
	put_path(b, r, 0, r->nlinks);
	put_backtrace(b, r);
}

void ud_report_format_text(const ud_report_t *r, ud_buf_t *out)
{
	put_banner(out, r);
	switch (r->kind) {
	case UD_REPORT_CIRCULAR:
		format_circular(out, r);
		break;
	case UD_REPORT_RECURSIVE:
		format_recursive(out, r);
		break;
	case UD_REPORT_UNLOCK_BALANCE:
		format_unlock_balance(out, r);
		break;
	case UD_REPORT_HELD_FREED:
		format_held_freed(out, r);
		break;
	case UD_REPORT_WAIT_CONTEXT:
		format_wait_context(out, r);
		break;
	case UD_REPORT_ASSERT:
		format_assert(out, r);
		break;
	case UD_REPORT_INCONSISTENT:
		format_inconsistent(out, r);
		break;
	case UD_REPORT_SIG_ORDER:
		format_sig_order(out, r);
		break;
	case UD_REPORT_SIG_INVERSION:
		format_sig_inversion(out, r);
		break;
	case UD_REPORT_HELD_AT_EXIT:
	default:
		put_held_list(out, r);
		put_backtrace(out, r);
		break;
	}
}
