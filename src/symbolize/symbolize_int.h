/*
** symbolize_int.h: what symbolize.c (the libdwfl session, code addresses)
** shares with data.c (data addresses), and the demangler's lock. Everything
** else here requires ud_sym_lock.
*/
#ifndef UD_SYMBOLIZE_INT_H
#define UD_SYMBOLIZE_INT_H

#include <stdint.h>
#include <elfutils/libdwfl.h>

#include "../base/lock.h"
#include "symbolize.h"

/* Serializes all libdw use and the symbolizer's caches. */
extern ud_lock_t ud_sym_lock;
/* Serializes the demangler (demangle.c), which runs on one stack of its own. */
extern ud_lock_t ud_demangle_lock;

/* The loaded module holding addr, re-reading the map once on a miss; or NULL. */
Dwfl_Module *ud_sym_find_module(uintptr_t addr);
/* A symbol table name, demangled or without "@VERSION"; interned. */
const char *ud_sym_symbol_name(const char *raw);
/*
** Without libdw (wrapper.c): the function symbol and module of a code site,
** from the ELF symbol tables the runtime reads itself; no file or line.
** Takes no lock a thread holds while it calls malloc.
*/
bool ud_sym_table_frame(uintptr_t site, ud_frame_t *f);
bool ud_sym_table_module(uintptr_t addr, const char **module, uintptr_t *offset);
/* The variable at addr, "name" or "name+0xoff" (no field names). */
bool ud_sym_table_data(uintptr_t addr, char *buf, size_t len);
/* Free a module's variable index (kept in its Dwfl userdata slot). */
void ud_sym_free_var_index(void *index);

#endif
