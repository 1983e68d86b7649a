/*
** class.c: the lock-class registry.
**
** A class is found by its key (kind, key value, subclass). Classes are never
** freed: edges and cached chains refer to them for the life of the process,
** exactly as the kernel keeps a class until its key's memory goes away. The
** table is a chained hash that doubles when its load passes 1; all access is
** under the graph lock (lookups happen only when an instance is first seen).
** A second table maps ids to classes for the fast path, which reads it
** without a lock.
*/
#include "internal.h"

#include <string.h>

#include "../base/alloc.h"

static ud_class_t **table;
static size_t nbuckets, nclasses;

static size_t key_hash(const ud_class_key_t *k)
{
	uint64_t x = (uint64_t)k->key * UD_HASH_PHI;
	x ^= ((uint64_t)k->kind << 8 | k->subclass) * UD_HASH_MURMUR2;
	x ^= x >> 29;
	return (size_t)x;
}

static bool key_equal(const ud_class_key_t *a, const ud_class_key_t *b)
{
	return a->kind == b->kind && a->key == b->key && a->subclass == b->subclass;
}

static void grow(void)
{
	size_t n = nbuckets ? nbuckets * 2 : 1024;
	ud_class_t **t = ud_alloc(n * sizeof *t);
	for (size_t i = 0; i < nbuckets; i++) {
		ud_class_t *c = table[i];
		while (c) {
			ud_class_t *next = c->hnext;
			size_t h = key_hash(&c->key) & (n - 1);
			c->hnext = t[h];
			t[h] = c;
			c = next;
		}
	}
	ud_free(table, nbuckets * sizeof *table);
	table = t;
	nbuckets = n;
}

/* The table before the first class: empty, so that the fast path never
** finds the table missing. */
class_table_t ud_class_table_empty;

/* Graph lock held: make c findable by id, for hints (ud_hot.classes holds
** class i + 1 at i: an id 0 is out of bounds like any other bad id). */
static void table_by_id_add(ud_class_t *c)
{
	class_table_t *t = atomic_load_explicit(&ud_hot.classes, memory_order_relaxed);
	uint32_t n = atomic_load_explicit(&t->n, memory_order_relaxed);
	if (c->id != n + 1 || c->id > UD_HINT_CLASS_MAX)
		return;		/* ids past 2^31: such classes have no hints */
	if (n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 1024;
		class_table_t *nt = ud_alloc(sizeof *nt + cap * sizeof nt->c[0]);
		nt->cap = cap;
		for (uint32_t i = 0; i < n; i++)
			nt->c[i] = t->c[i];
		atomic_store_explicit(&nt->n, n, memory_order_relaxed);
		/* The old table stays mapped: a reader may still be in it. */
		atomic_store_explicit(&ud_hot.classes, nt, memory_order_release);
		t = nt;
	}
	t->c[n] = c;
	atomic_store_explicit(&t->n, n + 1, memory_order_release);
}

static const char *copy_name(const char *name)
{
	if (!name)
		return NULL;
	size_t n = strlen(name) + 1;
	char *s = ud_alloc(n);
	memcpy(s, name, n);
	return s;
}

ud_class_t *ud_class_get(const ud_class_key_t *key)
{
	ud_lock_acquire(&ud_graph_lock);
	if (nclasses >= nbuckets)
		grow();
	size_t h = key_hash(key) & (nbuckets - 1);
	ud_class_t *c;
	for (c = table[h]; c; c = c->hnext)
		if (key_equal(&c->key, key))
			break;
	if (!c) {
		c = ud_alloc(sizeof *c);
		c->key = *key;
		c->key.name = copy_name(key->name);
		c->id = (unsigned)++nclasses;
		atomic_fetch_add_explicit(&ud_stat_classes, 1, memory_order_relaxed);
		c->hot.chain_salt = ud_chain_salt(c->id);
		c->node.cls = c;
		ud_graph_class_node_init(&c->node);
		c->hnext = table[h];
		table[h] = c;
		table_by_id_add(c);
	} else if (key->name && !c->key.name) {
		c->key.name = copy_name(key->name);
	}
	ud_lock_release(&ud_graph_lock);
	return c;
}

/* Is class c keyed by an address in [lo, hi): its lock's or key's address,
** or a frame of the site that keys it? */
static bool keyed_in(const ud_class_t *c, uintptr_t lo, uintptr_t hi)
{
	const ud_class_key_t *k = &c->key;
	switch (k->kind) {
	case UD_KEY_STATIC:
	case UD_KEY_USER:
		return k->key >= lo && k->key < hi;
	case UD_KEY_INIT_SITE:
	case UD_KEY_ACQUIRE_SITE: {
		unsigned n = 0;
		const uintptr_t *pcs = k->site ? ud_stack_get(k->site, &n) : NULL;
		for (unsigned i = 0; i < n; i++)
			if (pcs[i] >= lo && pcs[i] < hi)
				return true;
		return false;
	}
	}
	return false;
}

/*
** The classes stay, with their dependencies, since edges and cached chains
** point to them; unhashed, they are never found again by a key, so a lock at
** the same address later gets a class of its own, and no new dependency can
** reach the old ones. Their hints are refused from now on.
*/
size_t ud_class_retire_range(uintptr_t lo, uintptr_t hi)
{
	size_t n = 0;
	ud_lock_acquire(&ud_graph_lock);
	for (size_t i = 0; i < nbuckets; i++) {
		for (ud_class_t **pc = &table[i]; *pc;) {
			ud_class_t *c = *pc;
			if (!keyed_in(c, lo, hi)) {
				pc = &c->hnext;
				continue;
			}
			*pc = c->hnext;
			c->hnext = NULL;
			c->retired = true;
			atomic_fetch_add_explicit(&c->hot.hint_epoch, UD_HINT_EPOCH_STEP,
						  memory_order_relaxed);
			n++;
		}
	}
	ud_lock_release(&ud_graph_lock);
	return n;
}

unsigned ud_class_id(const ud_class_t *c)
{
	return c->id;
}

const ud_class_key_t *ud_class_key(const ud_class_t *c)
{
	return &c->key;
}

size_t ud_class_count_locked(void)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	return nclasses;
}

void ud_class_each_locked(void (*fn)(ud_class_t *c, void *arg), void *arg)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	for (size_t i = 0; i < nbuckets; i++)
		for (ud_class_t *c = table[i]; c; c = c->hnext)
			fn(c, arg);
}

size_t ud_class_count(void)
{
	ud_lock_acquire(&ud_graph_lock);
	size_t n = nclasses;
	ud_lock_release(&ud_graph_lock);
	return n;
}
