/*
** annotate.c: class settings that come from annotations: flags (no-validate,
** no-track, implicit; slow path, which the runtime sets), an instance order,
** and subclasses. All are set under
** the graph lock and read without it: a flag or order set while another
** thread acquires a lock of the class applies from its next acquisition.
*/
#include "internal.h"

void ud_class_add_flags(ud_class_t *c, unsigned flags)
{
	ud_lock_acquire(&ud_graph_lock);
	uint8_t old = __atomic_fetch_or(&c->hot.flags, (uint8_t)flags, __ATOMIC_RELAXED);
	/* A mutex's fast path takes its hint's word for the class being
	** tracked and fast: the class's hints go stale, and no new one is written
	** (ud_instance_hint() reads the flags after the epoch). */
	if (flags & ~old & UD_CLASS_NOFAST)
		atomic_fetch_add_explicit(&c->hot.hint_epoch, UD_HINT_EPOCH_STEP,
					  memory_order_release);
	ud_lock_release(&ud_graph_lock);
}

unsigned ud_class_flags(const ud_class_t *c)
{
	return __atomic_load_n(&c->hot.flags, __ATOMIC_RELAXED);
}

void ud_class_set_cmp(ud_class_t *c, int (*cmp)(const void *, const void *))
{
	ud_lock_acquire(&ud_graph_lock);
	__atomic_store_n(&c->cmp, cmp, __ATOMIC_RELAXED);
	if (cmp)
		atomic_store_explicit(&c->hot.ordered, 1, memory_order_relaxed);
	ud_lock_release(&ud_graph_lock);
}

ud_class_t *ud_class_subclass(ud_class_t *c, unsigned subclass)
{
	if (subclass == c->key.subclass)
		return c;
	ud_class_key_t k = c->key;
	k.subclass = subclass & 7;
	ud_class_t *s = ud_class_get(&k);
	/* A subclass is the same kind of lock, with the same settings. */
	ud_lock_acquire(&ud_graph_lock);
	if (!s->kind_set) {
		s->kind = c->kind;
		s->kind_set = true;
	}
	s->hot.flags |= c->hot.flags;
	if (!s->cmp && c->cmp) {
		s->cmp = c->cmp;
		atomic_store_explicit(&s->hot.ordered, 1, memory_order_relaxed);
	}
	ud_lock_release(&ud_graph_lock);
	return s;
}
