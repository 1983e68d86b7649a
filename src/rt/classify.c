/*
** classify.c: is an address in static storage?
**
** A lock in .data or .bss of a loaded object (a `static pthread_mutex_t`) is
** its own class, keyed by address. Static storage is the writable PT_LOAD
** segments of the objects dl_iterate_phdr lists. Their ranges are cached in a
** sorted table, read without a lock, and rebuilt when the loader's add/remove
** counters moved (an object was loaded or unloaded since). Old tables are
** never freed (a reader may still be in one): one is left behind per change
** of the module list, which is rare.
*/
#include "rt.h"

#include <link.h>
#include <stddef.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/lock.h"

typedef struct range {
	uintptr_t lo, hi;
} range_t;

typedef struct table {
	unsigned long long adds, subs;	/* loader counters when built */
	size_t n, cap;
	range_t r[];
} table_t;

static _Atomic(table_t *) current;
static ud_lock_t rebuild_lock = UD_LOCK_INIT;

static bool table_find(const table_t *t, uintptr_t a)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a < t->r[mid].lo)
			hi = mid;
		else if (a >= t->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static size_t table_bytes(size_t cap)
{
	return sizeof(table_t) + cap * sizeof(range_t);
}

typedef struct build {
	table_t *t;
	const table_t *old;	/* to stop early when nothing changed */
	bool seen_first;
	bool unchanged;
} build_t;

static int collect(struct dl_phdr_info *info, size_t size, void *arg)
{
	build_t *b = arg;
	/* Every entry carries the counters; the first one is enough. */
	if (!b->seen_first && size >= offsetof(struct dl_phdr_info, dlpi_subs) +
					      sizeof info->dlpi_subs) {
		b->seen_first = true;
		b->t->adds = info->dlpi_adds;
		b->t->subs = info->dlpi_subs;
		if (b->old && b->old->adds == info->dlpi_adds &&
		    b->old->subs == info->dlpi_subs) {
			b->unchanged = true;
			return 1;
		}
	}
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W) || ph->p_memsz == 0)
			continue;
		if (b->t->n == b->t->cap) {
			size_t cap = b->t->cap * 2;
			b->t = ud_realloc(b->t, table_bytes(b->t->cap), table_bytes(cap));
			b->t->cap = cap;
		}
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		b->t->r[b->t->n++] = (range_t){ lo, lo + ph->p_memsz };
	}
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const range_t *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Insertion sort: a few hundred entries at most, and qsort may allocate. */
static void sort_ranges(range_t *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		range_t v = r[i];
		size_t j = i;
		while (j > 0 && cmp_range(&r[j - 1], &v) > 0) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = v;
	}
}

/* Rebuild the table if the module list changed; returns the current one. */
static table_t *refresh(table_t *old)
{
	build_t b = { .old = old };
	b.t = ud_alloc(table_bytes(16));
	b.t->cap = 16;
	/* Outside our lock: the loader's lock is never taken inside one of ours. */
	dl_iterate_phdr(collect, &b);
	if (b.unchanged) {
		ud_free(b.t, table_bytes(b.t->cap));
		return old;
	}
	sort_ranges(b.t->r, b.t->n);

	ud_lock_acquire(&rebuild_lock);
	table_t *cur = atomic_load(&current);
	if (cur != old) {
		/* Someone else rebuilt meanwhile; theirs is as fresh as ours. */
		ud_lock_release(&rebuild_lock);
		ud_free(b.t, table_bytes(b.t->cap));
		return cur;
	}
	atomic_store_explicit(&current, b.t, memory_order_release);
	ud_lock_release(&rebuild_lock);
	return b.t;
}

bool ud_classify_static(const void *addr)
{
	/*
	** Checked against the loader's counters every time, not only on a miss:
	** after a dlclose a stale range could claim heap memory mapped there
	** since. Only first sights of locks get here; the check is one callback.
	*/
	table_t *t = refresh(atomic_load_explicit(&current, memory_order_acquire));
	return t && table_find(t, (uintptr_t)addr);
}

/* In a fork child the lock may have been held by a thread that is gone. */
void ud_classify_fork_child(void)
{
	ud_lock_reset(&rebuild_lock);
}
