/*
** hash.h: the hashes and the open-addressing growth every table shares.
**
** The multipliers are the usual ones: 2^64 divided by the golden ratio for
** Fibonacci hashing (a word spread over the high bits, taken with a shift),
** and the finaliser constants of splitmix64 and MurmurHash3, which carry
** every input bit into every output bit. Each table picks what its keys
** need; naming the constants here keeps them from being retyped.
**
** Tables are open-addressed with linear probing, their size a power of two,
** grown to twice the size when half full. ud_table_grow() is that growth.
*/
#ifndef UD_BASE_HASH_H
#define UD_BASE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UD_HASH_PHI 0x9e3779b97f4a7c15ull	/* 2^64 / golden ratio */
#define UD_HASH_SPLITMIX1 0xbf58476d1ce4e5b9ull
#define UD_HASH_SPLITMIX2 0x94d049bb133111ebull
#define UD_HASH_MURMUR1 0xff51afd7ed558ccdull
#define UD_HASH_MURMUR2 0xc2b2ae3d27d4eb4full

/* x spread over the high bits: use (ud_hash_fib(x) >> k). */
static inline uint64_t ud_hash_fib(uint64_t x)
{
	return x * UD_HASH_PHI;
}

/* Every bit of x into every bit of the result (MurmurHash3's finaliser,
** first half): for keys that are already hashes but may be weak in the
** low bits a table indexes with. */
static inline uint64_t ud_hash_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UD_HASH_MURMUR1;
	return x ^ (x >> 33);
}

/* What ud_table_grow() needs to know of an entry. */
typedef struct ud_table_type {
	size_t size;					/* bytes per entry */
	bool (*used)(const void *entry);		/* holds something? */
	size_t (*home)(const void *entry, size_t cap);	/* its first slot */
} ud_table_type_t;

/*
** A new zeroed table of ncap entries (a power of two) holding the used
** entries of `old` (cap entries; NULL when cap is 0), each at the first free
** slot from its home; `old` is freed. Runtime memory (ud_alloc).
*/
void *ud_table_grow(const ud_table_type_t *type, void *old, size_t cap, size_t ncap);

/* The slot for a new entry whose home is `home`: the first free one. */
static inline size_t ud_table_probe(const ud_table_type_t *type, const void *table,
				    size_t cap, size_t home)
{
	size_t i = home & (cap - 1);
	while (type->used((const char *)table + i * type->size))
		i = (i + 1) & (cap - 1);
	return i;
}

#endif
