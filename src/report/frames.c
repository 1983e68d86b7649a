/*
** frames.c: the frames a report shows, for every format.
**
** The C++ library's frames (symbolize.h: std::mutex::lock, the lock guards,
** __gthread_mutex_lock, libstdc++.so) are the plumbing between the program
** and the lock call. A report leaves them out, as the kernel leaves out
** lockdep's own frames: from stacks, where they do not count toward
** stack_frames, and from lock lines, whose "at:" is the first frame past them.
** At -O2 they are inline frames of the program's function, dropped from its
** inline chain; at -O0 they are frames of their own, and a lock line whose
** address lies in one takes its place from the stack, when the report has the
** stack of that acquisition. When nothing but library frames is known (the
** lock line of a held lock taken through an out-of-line std::mutex::lock
** that the runtime could not walk past: src/rt/call_site.c), they are shown
** as they are.
*/
#include "format.h"

#include "../base/stack.h"
#include "../symbolize/symbolize.h"

unsigned ud_report_pc_frames(uintptr_t pc, ud_frame_t *out, unsigned max)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = pc ? ud_symbolize_code(pc, true, fr, UD_REPORT_MAX_INLINE) : 0;
	unsigned k = 0;
	for (unsigned i = 0; i < n && k < max; i++)
		if (!ud_symbolize_frame_is_wrapper(&fr[i]))
			out[k++] = fr[i];
	return k;
}

unsigned ud_report_at_frames(uintptr_t pc, ud_stack_id_t stack, ud_frame_t *out,
			     unsigned max)
{
	unsigned k = ud_report_pc_frames(pc, out, max);
	if (k)
		return k;
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(stack, &n);
	if (pcs && n && pcs[0] == pc) {
		for (unsigned i = 1; i < n; i++) {
			k = ud_report_pc_frames(pcs[i], out, max);
			if (k)
				return k;
		}
	}
	return pc ? ud_symbolize_code(pc, true, out, max) : 0;
}

unsigned ud_report_each_frame(ud_stack_id_t id, ud_report_frame_fn fn, void *arg)
{
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	if (!pcs || n == 0)
		return 0;
	unsigned max = ud_report_stack_frames();
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned shown = 0;
	for (unsigned i = 0; i < n && shown < max; i++) {
		unsigned k = ud_report_pc_frames(pcs[i], fr, UD_REPORT_MAX_INLINE);
		for (unsigned j = 0; j < k; j++)
			fn(&fr[j], arg);
		shown += k > 0;
	}
	if (shown)
		return shown;
	/* Only the library's frames: better those than nothing. */
	for (unsigned i = 0; i < n && i < max; i++) {
		unsigned k = ud_symbolize_code(pcs[i], true, fr, UD_REPORT_MAX_INLINE);
		for (unsigned j = 0; j < k; j++)
			fn(&fr[j], arg);
		shown++;
	}
	return shown;
}
