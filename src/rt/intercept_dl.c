/*
** intercept_dl.c: dlclose(), which ends the identity of the locks of the
** module it unloads.
**
** The next module mapped at an unloaded one's addresses reuses them, so a
** lock in the old module's data (keyed by its address) or a class keyed by
** its code would carry over to locks that never existed at the same time,
** and two libraries loaded one after the other could make a cycle. Once
** glibc has really unmapped the module (a dlclose of a module still
** referenced, or marked RTLD_NODELETE, unmaps nothing), every instance in its
** segments ends as freed memory's do, and every class keyed inside it is
** retired, as the kernel does with an unloaded module's key range.
*/
#include "rt.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

/*
** A module's place: its load base, its path (copied: the loader frees its
** own with the module) and the span of its PT_LOAD segments. The same path
** at the same base after dlclose() is taken for the same module, even if
** another thread closed and opened it again in between: its locks then live
** on, which can miss an end of identity but never ends a live lock.
*/
typedef struct module_span {
	uintptr_t base;
	uintptr_t lo, hi;
	char name[256];
	bool found;
} module_span_t;

static int find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	module_span_t *m = arg;
	if (info->dlpi_addr != m->base || !info->dlpi_name ||
	    strncmp(info->dlpi_name, m->name, sizeof m->name - 1) != 0)
		return 0;
	m->lo = UINTPTR_MAX;
	m->hi = 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < m->lo)
			m->lo = a;
		if (a + ph->p_memsz > m->hi)
			m->hi = a + ph->p_memsz;
	}
	m->found = m->lo < m->hi;
	return 1;
}

/* Where the module of handle h lies, before it is closed. */
static module_span_t module_of(void *h)
{
	module_span_t m = { 0 };
	struct link_map *lm = NULL;
	if (!h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm || lm->l_addr == 0)
		return m;	/* the main program (never unloaded) or a bad handle */
	m.base = lm->l_addr;
	snprintf(m.name, sizeof m.name, "%s", lm->l_name ? lm->l_name : "");
	dl_iterate_phdr(find_module, &m);
	return m;
}

/* After the real dlclose: the module's locks end if it is gone. */
static void module_closed(module_span_t *m, uintptr_t pc)
{
	if (!m->found)
		return;
	module_span_t again = { .base = m->base };
	memcpy(again.name, m->name, sizeof again.name);
	dl_iterate_phdr(find_module, &again);
	if (again.found)
		return;		/* still referenced: nothing was unmapped */
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	ud_instance_destroy_range(t, m->lo, m->hi, pc);
	ud_class_retire_range(m->lo, m->hi);
	ud_rt_leave(ts);
}

static int (*_Atomic real_dlclose)(void *);

UD_INTERCEPTOR(int, dlclose, void *handle)
{
	uintptr_t pc = UD_CALLER_PC();
	int (*fn)(void *) = atomic_load_explicit(&real_dlclose, memory_order_acquire);
	if (!fn) {
		*(void **)&fn = dlsym(RTLD_NEXT, "dlclose");
		atomic_store_explicit(&real_dlclose, fn, memory_order_release);
	}
	module_span_t m = module_of(handle);
	int rc = fn(handle);
	if (rc == 0)
		module_closed(&m, pc);
	return rc;
}
