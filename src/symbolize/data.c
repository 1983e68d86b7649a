/*
** data.c: name a data address (see ud_symbolize_data in symbolize.h).
**
** The symbol covering the address gives the base name; when DWARF describes
** the variable at that symbol, its type turns the offset into ".field" and
** "[i]" steps ("table.items[2].lock"); what is left over is "+0x..".
** Variables are found by address through a per-module index built on first
** use. Runs under ud_sym_lock, like all libdw use.
*/
#include "symbolize.h"
#include "symbolize_int.h"
#include "../base/alloc.h"
#include "../base/hash.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TYPE_DEPTH 32	/* nesting followed when naming a data address */
#define MAX_DIMS 8		/* array dimensions handled */

/*
** Per module, lazily: every variable DIE with a static address (a single
** DW_OP_addr location), keyed by run-time address. Kept in the module's
** Dwfl userdata slot. Open addressing; address 0 marks an empty slot.
*/
typedef struct var_slot {
	uintptr_t addr;
	Dwarf_Die die;
} var_slot_t;

typedef struct var_index {
	size_t cap, count;
	var_slot_t *slots;
} var_index_t;

static size_t var_hash(uintptr_t addr, size_t cap)
{
	return (size_t)(((uint64_t)addr * UD_HASH_PHI) >> 20) & (cap - 1);
}

static void var_put(var_index_t *ix, uintptr_t addr, Dwarf_Die *die)
{
	if ((ix->count + 1) * 2 > ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 256;
		var_slot_t *slots = ud_alloc(cap * sizeof *slots);
		for (size_t i = 0; i < ix->cap; i++) {
			if (!ix->slots[i].addr)
				continue;
			size_t j = var_hash(ix->slots[i].addr, cap);
			while (slots[j].addr)
				j = (j + 1) & (cap - 1);
			slots[j] = ix->slots[i];
		}
		if (ix->slots)
			ud_free(ix->slots, ix->cap * sizeof *ix->slots);
		ix->slots = slots;
		ix->cap = cap;
	}
	size_t j = var_hash(addr, ix->cap);
	while (ix->slots[j].addr) {
		if (ix->slots[j].addr == addr)
			return;	/* first definition wins (C++ inline variables) */
		j = (j + 1) & (ix->cap - 1);
	}
	ix->slots[j].addr = addr;
	ix->slots[j].die = *die;
	ix->count++;
}

static Dwarf_Die *var_get(var_index_t *ix, uintptr_t addr)
{
	if (!ix->cap || !addr)
		return NULL;
	for (size_t j = var_hash(addr, ix->cap); ix->slots[j].addr; j = (j + 1) & (ix->cap - 1))
		if (ix->slots[j].addr == addr)
			return &ix->slots[j].die;
	return NULL;
}

void ud_sym_free_var_index(void *p)
{
	var_index_t *ix = p;
	if (!ix)
		return;
	if (ix->slots)
		ud_free(ix->slots, ix->cap * sizeof *ix->slots);
	ud_free(ix, sizeof *ix);
}

static void index_variable(var_index_t *ix, Dwarf_Die *var, Dwarf_Addr bias)
{
	Dwarf_Attribute loc;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr(var, DW_AT_location, &loc) ||
	    dwarf_getlocation(&loc, &ops, &nops) != 0 || nops != 1)
		return;
	Dwarf_Addr addr;
	if (ops[0].atom == DW_OP_addr) {
		addr = ops[0].number;
	} else if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
		Dwarf_Attribute res;
		if (dwarf_getlocation_attr(&loc, &ops[0], &res) != 0 ||
		    dwarf_formaddr(&res, &addr) != 0)
			return;
	} else {
		return;
	}
	var_put(ix, (uintptr_t)(addr + bias), var);
}

/* Variables live at unit scope, in namespaces, and as statics in functions. */
static void index_children(var_index_t *ix, Dwarf_Die *parent, Dwarf_Addr bias, int depth)
{
	Dwarf_Die child;
	if (depth > 64 || dwarf_child(parent, &child) != 0)
		return;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_variable:
			index_variable(ix, &child, bias);
			break;
		case DW_TAG_subprogram:
		case DW_TAG_lexical_block:
		case DW_TAG_namespace:
		case DW_TAG_module:
			index_children(ix, &child, bias, depth + 1);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static var_index_t *module_var_index(Dwfl_Module *mod)
{
	void **userdata;
	dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	if (*userdata)
		return *userdata;
	var_index_t *ix = ud_alloc(sizeof *ix);
	Dwarf_Addr bias;
	Dwarf_Die *cu = NULL;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL)
		index_children(ix, cu, bias, 0);
	*userdata = ix;
	return ix;
}

/* A bounded appender for the caller's buffer; truncates silently. */
typedef struct out {
	char *buf;
	size_t len, pos;
} out_t;

static void out_printf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(out_t *o, const char *fmt, ...)
{
	if (o->pos + 1 >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n < o->len - o->pos ? (size_t)n : o->len - o->pos - 1;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), type) != NULL;
}

/* Skip typedefs and qualifiers down to the type that has a shape. */
static bool strip_type(Dwarf_Die *t)
{
	for (int i = 0; i < MAX_TYPE_DEPTH; i++) {
		switch (dwarf_tag(t)) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			if (!type_of(t, t))
				return false;
			break;
		default:
			return true;
		}
	}
	return false;
}

static bool member_offset(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a)) {
		*off = 0;	/* union members */
		return true;
	}
	if (dwarf_formudata(&a, off) == 0)
		return true;
	/* DWARF 2 style: an expression, DW_OP_plus_uconst N. */
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return true;
	}
	return false;
}

/*
** Within a struct, class or union `t`, the member covering byte `off`.
** Bit-fields are not candidates (no lock is one). A member whose size is
** unknown or zero (a flexible array) covers everything from its start.
*/
static bool find_member(Dwarf_Die *t, Dwarf_Word off, Dwarf_Die *member, Dwarf_Word *moff)
{
	Dwarf_Die c;
	if (dwarf_child(t, &c) != 0)
		return false;
	bool open_found = false;
	do {
		int tag = dwarf_tag(&c);
		if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
			continue;
		if (dwarf_hasattr(&c, DW_AT_bit_size) || dwarf_hasattr(&c, DW_AT_external))
			continue;	/* bit-fields; C++ static members */
		Dwarf_Word loc, size = 0;
		Dwarf_Die mt;
		if (!member_offset(&c, &loc) || !type_of(&c, &mt) || loc > off)
			continue;
		if (dwarf_aggregate_size(&mt, &size) == 0 && size > 0) {
			if (off < loc + size) {
				*member = c;
				*moff = loc;
				return true;
			}
		} else if (!open_found) {
			*member = c;
			*moff = loc;
			open_found = true;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return open_found;
}

/*
** Index into the array type `t` for byte `off`: appends "[i]" per dimension,
** leaves the element type in *elem and the offset inside it in *off.
*/
static bool index_array(Dwarf_Die *t, Dwarf_Word *off, Dwarf_Die *elem, out_t *o)
{
	Dwarf_Word esize;
	if (!type_of(t, elem) || dwarf_aggregate_size(elem, &esize) != 0 || esize == 0)
		return false;
	Dwarf_Sword lower[MAX_DIMS];
	Dwarf_Word count[MAX_DIMS];
	bool known[MAX_DIMS];
	unsigned ndims = 0;
	Dwarf_Sword deflt = 0;
	Dwarf_Die cu;
	if (dwarf_diecu(t, &cu, NULL, NULL))
		dwarf_default_lower_bound(dwarf_srclang(&cu), &deflt);
	Dwarf_Die c;
	if (dwarf_child(t, &c) == 0) {
		do {
			if (dwarf_tag(&c) != DW_TAG_subrange_type)
				continue;
			if (ndims == MAX_DIMS)
				return false;
			Dwarf_Attribute a;
			Dwarf_Sword lo = deflt, hi;
			Dwarf_Word cnt;
			if (dwarf_attr(&c, DW_AT_lower_bound, &a))
				dwarf_formsdata(&a, &lo);
			lower[ndims] = lo;
			known[ndims] = true;
			if (dwarf_attr(&c, DW_AT_count, &a) && dwarf_formudata(&a, &cnt) == 0)
				count[ndims] = cnt;
			else if (dwarf_attr(&c, DW_AT_upper_bound, &a) && dwarf_formsdata(&a, &hi) == 0)
				count[ndims] = hi >= lo ? (Dwarf_Word)(hi - lo + 1) : 0;
			else
				known[ndims] = false;
			ndims++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	if (ndims == 0) {	/* "T x[]" may carry no subrange at all */
		lower[0] = deflt;
		known[0] = false;
		ndims = 1;
	}
	/* Strides from the innermost dimension out; only the first may be open. */
	Dwarf_Word stride[MAX_DIMS];
	Dwarf_Word s = esize;
	for (unsigned i = ndims; i-- > 0;) {
		stride[i] = s;
		if (i > 0 && (!known[i] || count[i] == 0))
			return false;
		s *= i > 0 ? count[i] : 1;
	}
	for (unsigned i = 0; i < ndims; i++) {
		Dwarf_Word idx = *off / stride[i];
		if (known[i] && idx >= count[i])
			return false;
		out_printf(o, "[%lld]", (long long)(lower[i] + (Dwarf_Sword)idx));
		*off -= idx * stride[i];
	}
	return true;
}

/* GLib's lock structs (a GMutex is a union): their members are private.
** Their tags, or the typedef of GStaticMutex, which has none. */
static bool opaque_lock(Dwarf_Die *type)
{
	static const char *const names[] = { "_GRecMutex", "_GRWLock", "_GCond",
					     "GStaticMutex", "_GStaticRecMutex",
					     "_GStaticRWLock", "_GOnce" };
	Dwarf_Die t = *type;
	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		const char *name = dwarf_diename(&t);
		for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
			if (strcmp(name, names[i]) == 0)
				return true;
		if (dwarf_tag(&t) != DW_TAG_typedef || !type_of(&t, &t))
			return false;
	}
	return false;
}

/*
** Append ".field" / "[i]" steps naming byte `off` of an object of type `t`,
** then "+0x.." for what is left. At offset 0 it keeps descending into
** structure members so that a lock that is a struct's first field is named
** by that field, but stops at unions, at GLib's lock structs and at reserved
** ("_x") members: those are the insides of pthread_mutex_t, std::mutex or
** GRecMutex, not names people chose.
*/
static void name_in_type(Dwarf_Die *t, Dwarf_Word off, out_t *o)
{
	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		if (off == 0 && opaque_lock(t))
			break;
		if (!strip_type(t))
			break;
		int tag = dwarf_tag(t);
		if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
		    tag == DW_TAG_union_type) {
			if (off == 0 && tag == DW_TAG_union_type)
				break;
			Dwarf_Die m;
			Dwarf_Word moff;
			if (!find_member(t, off, &m, &moff))
				break;
			const char *name = dwarf_diename(&m);
			if (off == 0 && name && name[0] == '_')
				break;
			if (name && dwarf_tag(&m) == DW_TAG_member)
				out_printf(o, ".%s", name);
			off -= moff;
			if (!type_of(&m, t))
				break;
		} else if (tag == DW_TAG_array_type) {
			Dwarf_Die elem;
			if (!index_array(t, &off, &elem, o))
				break;
			*t = elem;
		} else {
			break;
		}
	}
	if (off)
		out_printf(o, "+0x%llx", (unsigned long long)off);
}

bool ud_symbolize_data(uintptr_t addr, char *buf, size_t len)
{
	if (!buf || len == 0)
		return false;
	buf[0] = 0;
	if (ud_symbolize_tables_only())
		return ud_sym_table_data(addr, buf, len);
	bool found = false;
	ud_lock_acquire(&ud_sym_lock);
	Dwfl_Module *mod = ud_sym_find_module(addr);
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *sname = mod ? dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL) : NULL;
	if (sname && (sym.st_size ? off < sym.st_size : off == 0)) {
		out_t o = { buf, len, 0 };
		out_printf(&o, "%s", ud_sym_symbol_name(sname));
		Dwarf_Die *var = var_get(module_var_index(mod), addr - off);
		Dwarf_Die type;
		if (var && type_of(var, &type))
			name_in_type(&type, off, &o);
		else if (off)
			out_printf(&o, "+0x%llx", (unsigned long long)off);
		found = true;
	}
	ud_lock_release(&ud_sym_lock);
	return found;
}
