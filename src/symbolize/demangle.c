/*
** demangle.c: C++ names for people, without the program's malloc.
**
** libiberty's cplus_demangle_v3_callback hands the name to a callback and
** allocates nothing on the heap: the runtime controls it, whether or not the
** program carries a demangler (a C program with a C++ plugin has none until
** the plugin's libstdc++ is loaded). It keeps its working arrays on the stack
** instead, about 70 bytes per character of the mangled name, and recurses as
** deep as the name nests. The thread that asks may be deep in the program's
** own stack, or on a small one, so the demangler runs on a stack of its own
** (base/own_stack.h), one caller at a time, with every signal blocked
** meanwhile.
** Names are demangled without parameter lists ("Cache::put"), the form DWARF
** gives inlined functions, so a function has one name at -O0 and at -O2.
*/
#include "symbolize.h"
#include "symbolize_int.h"
#include "../base/lock.h"
#include "../base/own_stack.h"

#include <libiberty/demangle.h>
#include <string.h>

#define MAX_MANGLED 16384	/* longer names stay mangled: bounds the stack used */

ud_lock_t ud_demangle_lock = UD_LOCK_INIT;
/* Reserved; only the pages used are touched. Under ud_demangle_lock. */
static ud_own_stack_t stack = UD_OWN_STACK_INIT(4u << 20);

typedef struct job {
	const char *name;
	ud_buf_t *out;
	int ok;
} job_t;

static void put(const char *s, size_t n, void *arg)
{
	ud_buf_printf(arg, "%.*s", (int)n, s);
}

static void run_job(void *arg)
{
	job_t *j = arg;
	j->ok = cplus_demangle_v3_callback(j->name, DMGL_NO_OPTS, put, j->out);
}

bool ud_demangle(const char *raw, ud_buf_t *out)
{
	if (!raw || raw[0] != '_' || raw[1] != 'Z' || strnlen(raw, MAX_MANGLED) == MAX_MANGLED)
		return false;
	size_t start = out->len;
	job_t job = { raw, out, 0 };
	ud_lock_acquire(&ud_demangle_lock);
	/* Never on the caller's stack: a long name needs more than a small
	** thread stack has. */
	bool ok = ud_own_stack_call(&stack, run_job, &job) && job.ok;
	ud_lock_release(&ud_demangle_lock);
	if (!ok && out->data) {
		/* Drop what a failed demangling wrote. */
		out->len = start;
		out->data[start] = 0;
	}
	return ok && out->len > start;
}
