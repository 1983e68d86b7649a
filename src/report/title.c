/*
** title.c: the one-line title of a report, as syzbot titles kernel bugs.
**
** "possible deadlock in do_user_addr_fault": the kind, then the innermost
** function of the reporting stack that is the program's own code. Lock
** wrappers (mmap_read_lock, inode_lock, pthread_*), the C++ library's frames
** (symbolize.h: std::mutex::lock, std::lock_guard, __gthread_*) and the C and
** C++ runtime libraries are skipped: a title that named the wrapper would
** give every report of a program the same title. The summary at exit,
** the JSON "title" and the SARIF message all use it.
*/
#include "format.h"

#include <string.h>

#include "../base/stack.h"
#include "../symbolize/symbolize.h"

#define MAX_INLINE 16

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/*
** The last component of a (possibly demangled C++) name, without parameters
** or template arguments: "std::unique_lock<std::mutex>::lock()" -> "lock".
*/
static void last_component(const char *name, const char **start, size_t *len)
{
	size_t n = strlen(name);
	/* Drop a trailing parameter list ("(anonymous namespace)::f" has none). */
	int depth = 0;
	for (size_t i = n; n && name[n - 1] == ')' && i-- > 0;) {
		char c = name[i];
		if (c == ')')
			depth++;
		else if (c == '(' && --depth == 0) {
			n = i;
			break;
		}
	}
	/* Drop trailing template arguments. */
	if (n && name[n - 1] == '>') {
		depth = 0;
		for (size_t i = n; i-- > 0;) {
			if (name[i] == '>')
				depth++;
			else if (name[i] == '<' && --depth == 0) {
				n = i;
				break;
			}
		}
	}
	/* After the last "::" outside template brackets. */
	size_t from = 0;
	depth = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (name[i] == '<')
			depth++;
		else if (name[i] == '>')
			depth--;
		else if (depth == 0 && name[i] == ':' && name[i + 1] == ':')
			from = i + 2;
	}
	*start = name + from;
	*len = n - from;
}

bool ud_report_is_lock_wrapper(const char *fn)
{
	size_t n = strlen(fn);
	/* The C++ library (symbolize.h has the rule), the lock functions of the
	** C library, and the annotations of ulockdep.h. */
	if (ud_symbolize_is_wrapper_name(fn) ||
	    starts_with(fn, n, "pthread_") || starts_with(fn, n, "mtx_") ||
	    starts_with(fn, n, "cnd_") || starts_with(fn, n, "__pthread") ||
	    starts_with(fn, n, "___pthread") || starts_with(fn, n, "ulockdep_"))
		return true;
	const char *b;
	size_t bn;
	last_component(fn, &b, &bn);
	/* lock, unlock, *_lock, *_unlock, *_rdlock, *_trylock ...: not "block". */
	if ((bn == 4 && memcmp(b, "lock", 4) == 0) || ends_with(b, bn, "unlock") ||
	    ends_with(b, bn, "_lock") || ends_with(b, bn, "rdlock") ||
	    ends_with(b, bn, "wrlock") || ends_with(b, bn, "trylock") ||
	    ends_with(b, bn, "timedlock") || ends_with(b, bn, "try_lock") ||
	    ends_with(b, bn, "lock_shared"))
		return true;
	/* C++ lock classes' own methods: Lock, TryLock, ReaderLock, Unlock,
	** LockShared, UnlockShared (a capital L: not "Block"). */
	if (ends_with(b, bn, "Lock") || ends_with(b, bn, "Unlock") ||
	    ends_with(b, bn, "LockShared") || ends_with(b, bn, "UnlockShared"))
		return true;
	return false;
}

bool ud_report_is_system_module(const char *module)
{
	if (!module)
		return false;
	const char *b = ud_report_basename(module);
	size_t n = strlen(b);
	return ud_symbolize_is_wrapper_module(module) ||
	       starts_with(b, n, "libc.so") || starts_with(b, n, "libc-") ||
	       starts_with(b, n, "libpthread") || starts_with(b, n, "ld-linux") ||
	       starts_with(b, n, "ld64.so") || starts_with(b, n, "libgcc_s") ||
	       starts_with(b, n, "libulockdep") ||
	       /* GLib's lock and thread calls stand between the program and
	       ** the pthread calls the runtime sees for them (g_thread_join) */
	       starts_with(b, n, "libglib-2.0.so");
}

/* The printed name of a frame: function, else module+0xoff, else the pc. */
void ud_report_frame_name(const ud_frame_t *f, ud_buf_t *out)
{
	if (f->function)
		ud_buf_puts(out, f->function);
	else if (f->module)
		ud_buf_printf(out, "%s+0x%lx", ud_report_basename(f->module),
			      (unsigned long)f->module_offset);
	else
		ud_buf_printf(out, "0x%lx", (unsigned long)f->pc);
}

/* First frame at pc that is the program's code, into *own; true if found. */
static bool pick_at(uintptr_t pc, ud_frame_t *own, ud_frame_t *first)
{
	ud_frame_t fr[MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, fr, MAX_INLINE);
	for (unsigned i = 0; i < n; i++) {
		if (!first->pc && !first->function && !first->module)
			*first = fr[i];
		if (ud_report_is_system_module(fr[i].module))
			return false;	/* every frame at this pc is in it */
		if (ud_symbolize_frame_is_wrapper(&fr[i]) ||
		    (fr[i].function && ud_report_is_lock_wrapper(fr[i].function)))
			continue;
		*own = fr[i];
		return true;
	}
	return false;
}

bool ud_report_culprit_frame(const ud_report_t *r, ud_frame_t *out)
{
	ud_frame_t first = { 0 };
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(r->stack, &n);
	for (unsigned i = 0; pcs && i < n; i++)
		if (pick_at(pcs[i], out, &first))
			return true;
	/* A thread that returned with locks held has only libc on its stack:
	** name the code that took the innermost of them. */
	for (unsigned i = r->nheld; i-- > 0;)
		if (r->held_locks[i].pc && pick_at(r->held_locks[i].pc, out, &first))
			return true;
	if (r->target.pc && pick_at(r->target.pc, out, &first))
		return true;
	*out = first;
	return false;
}

/* Where the report happened, as the title names it; appended to out. */
void ud_report_format_culprit(const ud_report_t *r, ud_buf_t *out)
{
	ud_frame_t f;
	ud_report_culprit_frame(r, &f);
	if (f.pc || f.function || f.module)
		ud_report_frame_name(&f, out);
	else
		ud_buf_puts(out, "unknown");
}

void ud_report_format_short_title(const ud_report_t *r, ud_buf_t *out)
{
	const ud_report_kind_info_t *k = ud_report_kind_info(r->kind);
	ud_buf_printf(out, "%s in ", k ? k->title : "unknown problem");
	ud_report_format_culprit(r, out);
}

void ud_report_format_classes(const ud_report_t *r, ud_buf_t *b)
{
	switch (r->kind) {
	case UD_REPORT_CIRCULAR:
		/* The cycle: #0 -> #1 -> ... -> #N -> #0. */
		for (unsigned i = 0; i < r->nlinks; i++)
			ud_buf_printf(b, "%s -> ",
				      ud_report_class_name(&r->links[i].lock.cls));
		ud_buf_puts(b, ud_report_class_name(&r->target.cls));
		break;
	case UD_REPORT_HELD_AT_EXIT:
		for (unsigned i = 0; i < r->nheld; i++)
			ud_buf_printf(b, "%s%s", i ? ", " : "",
				      ud_report_class_name(&r->held_locks[i].cls));
		break;
	default:
		ud_buf_puts(b, ud_report_class_name(&r->target.cls));
		break;
	}
}
