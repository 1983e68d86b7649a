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
**
** Another thread may dlopen() meanwhile and get a module mapped at the same
** addresses, whose code then takes locks there. So the range is first
** published as dying; then the loader's module list is read, under the
** loader's lock (dl_iterate_phdr holds it), and a module found at the old
** base with the old path, or any module overlapping the range, means its
** locks may be live: nothing ends. Otherwise no module is there, and code
** mapped there later can run only after this read; until the range is
** withdrawn, every hook that resolves a lock in it waits
** (ud_rt_dl_wait), so a new module's locks start after the old ones end.
*/
#include "rt.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../base/lock.h"

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
	bool overlap;		/* another module lies in [lo, hi) */
} module_span_t;

/* The span of the PT_LOAD segments of the module info describes. */
static void span_of(const struct dl_phdr_info *info, uintptr_t *lo, uintptr_t *hi)
{
	*lo = UINTPTR_MAX;
	*hi = 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < *lo)
			*lo = a;
		if (a + ph->p_memsz > *hi)
			*hi = a + ph->p_memsz;
	}
}

static bool same_module(const struct dl_phdr_info *info, const module_span_t *m)
{
	return info->dlpi_addr == m->base && info->dlpi_name &&
	       strncmp(info->dlpi_name, m->name, sizeof m->name - 1) == 0;
}

/* Before dlclose: where the module lies. */
static int find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	module_span_t *m = arg;
	if (!same_module(info, m))
		return 0;
	span_of(info, &m->lo, &m->hi);
	m->found = m->lo < m->hi;
	return 1;
}

/* After it: is the module, or any other, still in its range? */
static int find_again(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	module_span_t *m = arg;
	if (same_module(info, m)) {
		m->found = true;
		return 1;
	}
	uintptr_t lo, hi;
	span_of(info, &lo, &hi);
	if (lo < m->hi && m->lo < hi) {
		m->overlap = true;
		return 1;
	}
	return 0;
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

/* Ranges whose locks are ending, each with the thread ending them (hi 0:
** free slot). With every slot taken, a dlclose ends nothing. */
#define NDYING 8
static struct {
	_Atomic int tid;
	_Atomic uintptr_t lo, hi;
} dying[NDYING];
_Atomic int ud_rt_dl_dying;	/* slots in use */

void ud_rt_dl_wait_slow(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	int self = ud_gettid();
	for (unsigned i = 0; i < NDYING; i++) {
		for (;;) {
			uintptr_t hi = atomic_load_explicit(&dying[i].hi, memory_order_acquire);
			if (!hi || a >= hi || a < atomic_load(&dying[i].lo) ||
			    atomic_load(&dying[i].tid) == self)
				break;
			syscall(SYS_sched_yield);
		}
	}
}

static int publish(uintptr_t lo, uintptr_t hi)
{
	int self = ud_gettid();
	for (int i = 0; i < NDYING; i++) {
		int zero = 0;
		if (!atomic_compare_exchange_strong(&dying[i].tid, &zero, self))
			continue;
		atomic_fetch_add(&ud_rt_dl_dying, 1);
		atomic_store(&dying[i].lo, lo);
		atomic_store(&dying[i].hi, hi);
		return i;
	}
	return -1;
}

static void withdraw(int i)
{
	atomic_store(&dying[i].hi, 0);
	atomic_store(&dying[i].lo, 0);
	atomic_fetch_sub(&ud_rt_dl_dying, 1);
	atomic_store(&dying[i].tid, 0);
}

/* After the real dlclose: the module's locks end if it is gone. */
static void module_closed(module_span_t *m, uintptr_t pc)
{
	if (!m->found)
		return;
	ud_rt_thread_t *ts;
	ud_thread_t *t = ud_rt_enter(&ts);
	if (!t)
		return;
	/* Held by this thread alone: blocks its signals and cancellation, so
	** that the range is always withdrawn (base/lock.c). */
	ud_lock_t quiet = UD_LOCK_INIT;
	ud_lock_acquire(&quiet);
	int slot = publish(m->lo, m->hi);
	if (slot >= 0) {
		module_span_t again = { .base = m->base, .lo = m->lo, .hi = m->hi };
		memcpy(again.name, m->name, sizeof again.name);
		dl_iterate_phdr(find_again, &again);
		/* Still referenced, loaded again, or another module there: its
		** locks may be live, so nothing ends (an identity may then be
		** kept too long, never ended too soon). */
		if (!again.found && !again.overlap) {
			ud_instance_destroy_range(t, m->lo, m->hi, pc);
			ud_class_retire_range(m->lo, m->hi);
		}
		withdraw(slot);
	}
	ud_lock_release(&quiet);
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
