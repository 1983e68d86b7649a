/*
** assert.c: lock assertions and pins, from the annotation API.
**
** An assertion states what the calling thread holds; a pin states that a held
** lock must stay held (a callback must not drop it). Each failure is one
** UD_REPORT_ASSERT report, keyed by what failed, the class and the call site,
** so an assertion in a loop is reported once.
*/
#include "internal.h"


void ud_report_assert(ud_thread_t *t, unsigned what, uintptr_t addr,
		      const ud_held_t *h, uintptr_t pc)
{
	ud_report_t r = {0};
	r.kind = UD_REPORT_ASSERT;
	r.detail = what;
	ud_report_fill_thread(&r, t);
	uint64_t cls = 0;
	if (h) {
		ud_report_fill_lock(&r.held, h);
		r.target = r.held;
		cls = h->cls->id;
	} else if (addr) {
		ud_instance_t *inst = ud_instance_lookup((const void *)addr);
		if (inst) {
			ud_report_fill_class(&r.target.cls, ud_instance_class(inst));
			cls = r.target.cls.id;
		}
	}
	r.target.addr = addr;
	r.target.pc = pc;
	r.target.references = 1;
	ud_report_fill_held(&r, t, t->depth);
	r.stack = ud_stack_capture();
	r.signature = ud_signature_mix(
		ud_signature_mix(ud_signature_mix(UD_REPORT_ASSERT, what), cls), pc);
	ud_engine_submit(&r);
}

/* Does t hold anything the program took (not the runtime's model entries)? */
static const ud_held_t *any_held(const ud_thread_t *t)
{
	for (unsigned i = t->depth; i-- > 0;)
		if (!(t->held[i].cls->hot.flags & UD_CLASS_IMPLICIT))
			return &t->held[i];
	return NULL;
}

bool ud_assert(ud_thread_t *t, ud_assert_kind_t what, const void *addr,
	       uintptr_t pc)
{
	if (!ud_engine_active())
		return true;
	const ud_held_t *h = NULL;
	if (what == UD_ASSERT_NONE_HELD) {
		h = any_held(t);
		if (!h)
			return true;
		ud_report_assert(t, what, h->addr, h, pc);
		return false;
	}
	h = ud_held_find(t, NULL, (uintptr_t)addr);
	bool ok;
	switch (what) {
	case UD_ASSERT_HELD:
		ok = h != NULL;
		break;
	case UD_ASSERT_HELD_WRITE:
		ok = h && h->mode == UD_MODE_WRITE;
		break;
	case UD_ASSERT_HELD_READ:
		ok = h && h->mode != UD_MODE_WRITE;
		break;
	case UD_ASSERT_NOT_HELD:
		ok = h == NULL;
		break;
	default:
		ok = true;
		break;
	}
	if (!ok) {
		/* A lock of an untracked class is never held: nothing to say. */
		ud_instance_t *inst = ud_instance_lookup(addr);
		if (inst && (ud_instance_class(inst)->hot.flags & UD_CLASS_NOTRACK))
			return true;
		ud_report_assert(t, what, (uintptr_t)addr, h, pc);
	}
	return ok;
}

void ud_pin(ud_thread_t *t, const void *addr, uintptr_t pc)
{
	ud_held_t *h = ud_held_find(t, NULL, (uintptr_t)addr);
	if (!h) {
		if (ud_engine_active())
			ud_report_assert(t, UD_ASSERT_PIN_NOT_HELD, (uintptr_t)addr,
					 NULL, pc);
		return;
	}
	if (!(h->refs & UD_HELD_PINNED))
		h->pins = 0;	/* a push leaves pins unset */
	h->pins++;
	h->refs |= UD_HELD_PINNED;
}

void ud_unpin(ud_thread_t *t, const void *addr, uintptr_t pc)
{
	ud_held_t *h = ud_held_find(t, NULL, (uintptr_t)addr);
	if (!h || !(h->refs & UD_HELD_PINNED)) {
		if (ud_engine_active())
			ud_report_assert(t, UD_ASSERT_UNPIN_NOT_PINNED,
					 (uintptr_t)addr, h, pc);
		return;
	}
	if (--h->pins == 0)
		h->refs &= ~UD_HELD_PINNED;
}
