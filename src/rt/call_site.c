/*
** call_site.c: a lock's call site in the program, past the C++ library's
** out-of-line lock wrappers.
**
** At -O0, std::mutex::lock, the lock guards and __gthread_mutex_lock are
** functions of their own, so the return address of pthread_mutex_lock (all
** that a held entry keeps) lies in gthr-default.h, not at the program's
** lock_guard line. Unwinding costs thousands of instructions a frame, too
** much for every lock; but -O0 code keeps a frame pointer in every function,
** and so the chain of saved frame pointers leads from the lock call's caller
** to the program's frame in a few loads.
**
** A class learns on the slow path (first sight of an instance) that it is
** taken through a library frame: UD_CLASS_SLOWPATH keeps it off the fast
** paths, which never walk, so its acquisitions reach the hook that does.
** The walk trusts a frame pointer only when it can vouch for it: the
** interceptor's out-of-line half was entered by a tail call (the word at its
** stack pointer is the lock call's return address), so the frame pointer it
** was entered with is the caller's; each link must lie a little above the
** last on the same stack (a handler running on an alternate stack is not
** walked); and every return address on the way must be the library's. Any
** doubt keeps the return address, as before. Optimised code without frame
** pointers inlines the wrappers and needs no walk: its return address is
** the program's already.
*/
#include "rt.h"
#include "../engine/hot.h"

#include "../symbolize/symbolize.h"

/* Links followed past the library's frames: a guard's constructor, the
** mutex's lock, the thread layer, with room to spare. */
#define WALK_MAX_FRAMES 16
/* The most a library wrapper's frame may span: they hold a pointer or two,
** so a longer link is no frame pointer, and nothing far is read. */
#define WALK_MAX_STEP 4096

uintptr_t ud_call_site(const ud_thread_t *t, uintptr_t pc, uintptr_t fp, uintptr_t sp)
{
	if (!fp || !sp || !ud_rt_opts.call_site_walk || t->sig_in)
		return pc;
	/* Not a tail call: fp may be the runtime's. */
	if (*(const uintptr_t *)sp != pc || !ud_symbolize_pc_is_wrapper(pc))
		return pc;
	uintptr_t below = sp;
	for (unsigned i = 0; i < WALK_MAX_FRAMES; i++) {
		if (fp <= below || fp - below > WALK_MAX_STEP || (fp & 7))
			return pc;
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t ret = frame[1];
		unsigned traits = ud_symbolize_pc_traits(ret);
		if (!(traits & UD_SITE_LIBRARY))
			return (traits & UD_SITE_UNNAMED) ? pc : ret;
		below = fp;
		fp = frame[0];
	}
	return pc;
}

void ud_call_site_learn(ud_instance_t *inst, uintptr_t pc)
{
	if (!inst || !ud_rt_opts.call_site_walk)
		return;
	ud_class_t *c = ud_instance_class(inst);
	if (!(ud_class_flags(c) & UD_CLASS_SLOWPATH) && ud_symbolize_pc_is_wrapper(pc))
		ud_class_add_flags(c, UD_CLASS_SLOWPATH);
}
