/* hash.c: open-addressing growth (hash.h). */
#include "hash.h"

#include <string.h>

#include "alloc.h"

void *ud_table_grow(const ud_table_type_t *type, void *old, size_t cap, size_t ncap)
{
	char *nt = ud_alloc(ncap * type->size);
	for (size_t i = 0; i < cap; i++) {
		const char *e = (const char *)old + i * type->size;
		if (!type->used(e))
			continue;
		size_t j = ud_table_probe(type, nt, ncap, type->home(e, ncap));
		memcpy(nt + j * type->size, e, type->size);
	}
	if (old)
		ud_free(old, cap * type->size);
	return nt;
}
