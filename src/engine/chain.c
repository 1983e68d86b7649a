/*
** chain.c: the chain cache.
**
** A chain is the sequence of (class, mode, trylock) a thread holds, ending
** with the lock it is acquiring; its 64-bit key is built incrementally on the
** held stack. Once a chain has been validated, every dependency it implies is
** in the graph, so the same chain again needs no search: the steady-state cost
** of an acquisition is one lock-free probe here. A chain whose last lock has a
** lock of its own class directly below is never cached (check.c): that
** nesting is checked per instance every time, and the probe's miss is the
** only test the acquisition needs.
**
** Open addressing with linear probing over 64-bit keys (0 = empty). Readers
** take no lock; inserts are serialised by the graph lock. Growing publishes a
** new table with a release store; old tables are kept (never freed) so a
** reader that still holds one only misses, and misses are merely slower.
*/
#include "internal.h"

#include "../base/alloc.h"


static chain_table_t *table_new(size_t size)
{
	chain_table_t *t = ud_alloc(sizeof *t + size * sizeof(uint64_t));
	t->mask = size - 1;
	return t;
}

static void put(chain_table_t *t, uint64_t key)
{
	for (size_t i = key & t->mask;; i = (i + 1) & t->mask) {
		uint64_t k = atomic_load_explicit(&t->keys[i], memory_order_relaxed);
		if (k == key)
			return;
		if (k == 0) {
			atomic_store_explicit(&t->keys[i], key, memory_order_release);
			t->count++;
			return;
		}
	}
}

void ud_chain_init(void)
{
	ud_lock_acquire(&ud_graph_lock);
	if (!atomic_load_explicit(&ud_hot.chain, memory_order_relaxed))
		atomic_store_explicit(&ud_hot.chain, table_new(4096), memory_order_release);
	ud_lock_release(&ud_graph_lock);
}

static void insert_key(uint64_t key)
{
	chain_table_t *t = atomic_load_explicit(&ud_hot.chain, memory_order_relaxed);
	if ((t->count + 1) * 2 > t->mask + 1) {
		chain_table_t *n = table_new((t->mask + 1) * 2);
		for (size_t i = 0; i <= t->mask; i++) {
			uint64_t k = atomic_load_explicit(&t->keys[i], memory_order_relaxed);
			if (k)
				put(n, k);
		}
		atomic_store_explicit(&ud_hot.chain, n, memory_order_release);
		t = n;
	}
	put(t, key);
}

void ud_chain_insert(uint64_t key)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	if (ud_config.no_chain_cache)
		return;		/* every acquisition goes the full way */
	insert_key(key);
}

/*
** Pairs of instances die with their instances but their keys stay: a program
** that makes and nests instances without end would grow the table without
** end. Past this many pair keys, new pairs are checked every time instead.
** Counted apart, so that ud_chain_count() counts chains only.
*/
#define PAIRS_MAX (1u << 22)
static _Atomic size_t npairs;

static size_t table_count(void)
{
	chain_table_t *t = atomic_load_explicit(&ud_hot.chain, memory_order_acquire);
	return t ? t->count : 0;
}

void ud_chain_insert_pair(uint64_t key)
{
	UD_ASSERT_LOCKED(&ud_graph_lock);
	size_t n = atomic_load_explicit(&npairs, memory_order_relaxed);
	if (ud_config.no_instance_cache || n >= PAIRS_MAX)
		return;
	size_t before = table_count();
	insert_key(key);
	atomic_store_explicit(&npairs, n + table_count() - before, memory_order_relaxed);
}

size_t ud_chain_count(void)
{
	return table_count() - atomic_load_explicit(&npairs, memory_order_relaxed);
}
