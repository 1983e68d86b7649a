/*
** identity.c: a class's stable identity, the same in every process that has
** the class (docs/identity.md).
**
** A class number is the order in which one process met its classes, and an
** address moves with every load; neither can join what two processes learnt.
** The identity is made of what the class is in the source: the variable of
** a static lock, the function and file:line of the frames that key an init
** or first-acquisition site, the name a program gave, the function a
** pseudo-lock stands for. Where a frame has no source line, its module's
** build ID and offset stand in, and the identity is marked unstable: it
** holds for that build of that module only. Identities are computed once
** per class id (symbolizing) and kept until exit in runtime memory.
*/
#include "format.h"

#include <string.h>

#include "../base/alloc.h"
#include "../base/lock.h"
#include "../base/stack.h"
#include "../symbolize/symbolize.h"

typedef struct id_entry {
	unsigned id;		/* class id, 0: empty slot */
	bool stable;
	char *text;
	size_t size;
} id_entry_t;

static ud_lock_t ids_lock = UD_LOCK_INIT;
static id_entry_t *table;	/* open addressing on class id */
static size_t table_cap, table_used;

static size_t slot_of(unsigned id, size_t cap)
{
	return (id * 2654435761u) & (cap - 1);
}

static id_entry_t *find(unsigned id)
{
	if (!table_cap)
		return NULL;
	for (size_t i = slot_of(id, table_cap);; i = (i + 1) & (table_cap - 1)) {
		if (!table[i].id)
			return NULL;
		if (table[i].id == id)
			return &table[i];
	}
}

static id_entry_t *insert(unsigned id)
{
	if ((table_used + 1) * 2 > table_cap) {
		size_t ncap = table_cap ? table_cap * 2 : 64;
		id_entry_t *t = ud_alloc(ncap * sizeof *t);
		for (size_t i = 0; i < table_cap; i++) {
			if (!table[i].id)
				continue;
			size_t j = slot_of(table[i].id, ncap);
			while (t[j].id)
				j = (j + 1) & (ncap - 1);
			t[j] = table[i];
		}
		if (table)
			ud_free(table, table_cap * sizeof *table);
		table = t;
		table_cap = ncap;
	}
	size_t i = slot_of(id, table_cap);
	while (table[i].id)
		i = (i + 1) & (table_cap - 1);
	table_used++;
	table[i].id = id;
	return &table[i];
}

/* An address no source line names: "<build-id>+0xOFF" in its module, or
** "<module>+0xOFF" when the module has no build ID. Unstable either way. */
static void put_module_offset(ud_buf_t *b, uintptr_t addr, bool *stable)
{
	const char *module;
	uintptr_t off;
	char bid[130];
	*stable = false;
	if (!ud_symbolize_module(addr, &module, &off)) {
		ud_buf_printf(b, "0x%lx", (unsigned long)addr);
		return;
	}
	if (ud_symbolize_build_id(addr, bid, sizeof bid))
		ud_buf_printf(b, "%s+0x%lx", bid, (unsigned long)off);
	else
		ud_buf_printf(b, "%s+0x%lx", ud_report_basename(module), (unsigned long)off);
}

/* A data address: its variable, with the declaring file (or the module)
** when the symbol is local to its object file. */
static void put_variable(ud_buf_t *b, uintptr_t addr, bool *stable)
{
	char name[256], file[256];
	bool local = false;
	if (!ud_symbolize_data(addr, name, sizeof name) || !name[0]) {
		put_module_offset(b, addr, stable);
		return;
	}
	ud_buf_puts(b, name);
	if (!ud_symbolize_data_scope(addr, &local, file, sizeof file) || !local)
		return;
	if (file[0]) {
		ud_buf_printf(b, "@%s", file);
	} else {
		const char *module;
		uintptr_t off;
		if (ud_symbolize_module(addr, &module, &off))
			ud_buf_printf(b, "@%s", ud_report_basename(module));
	}
}

/* The program's own code at return address pc (not the C++ library's, libc's
** or the loader's)? */
static bool program_pc(uintptr_t pc)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, fr, UD_REPORT_MAX_INLINE);
	for (unsigned i = 0; i < n; i++)
		if (!ud_symbolize_frame_is_wrapper(&fr[i]) &&
		    !ud_report_is_system_module(fr[i].module))
			return true;
	return false;
}

/* One return address: each of its frames, innermost first, as
** "function@file:line", joined by '<'. */
static void put_pc(ud_buf_t *b, uintptr_t pc, bool *stable)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, fr, UD_REPORT_MAX_INLINE);
	bool lines = n > 0;
	for (unsigned i = 0; i < n; i++)
		lines &= fr[i].function && fr[i].file && fr[i].line > 0;
	if (!lines) {
		put_module_offset(b, pc, stable);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		ud_buf_printf(b, "%s%s@%s:%d", i ? "<" : "", fr[i].function,
			      ud_report_basename(fr[i].file), fr[i].line);
}

/*
** The frames that key a site, separated by ';'. The C++ library's frames and
** the system's are left out when the program has frames of its own: they
** are the same for every class and have no source line.
*/
static void put_site(ud_buf_t *b, ud_stack_id_t site, bool *stable)
{
	unsigned n = 0;
	const uintptr_t *pcs = site ? ud_stack_get(site, &n) : NULL;
	if (!pcs || !n) {
		ud_buf_puts(b, "?");
		*stable = false;
		return;
	}
	bool own[UD_STACK_MAX_FRAMES];
	bool any = false;
	for (unsigned i = 0; i < n && i < UD_STACK_MAX_FRAMES; i++)
		any |= own[i] = program_pc(pcs[i]);
	bool first = true;
	for (unsigned i = 0; i < n && i < UD_STACK_MAX_FRAMES; i++) {
		if (any && !own[i])
			continue;
		if (!first)
			ud_buf_puts(b, ";");
		put_pc(b, pcs[i], stable);
		first = false;
	}
}

/* A code address by its function: "worker", else its module offset. */
static void put_function(ud_buf_t *b, uintptr_t addr, bool *stable)
{
	ud_frame_t fr[8];
	unsigned n = ud_symbolize_code(addr, false, fr, 8);
	if (n && fr[n - 1].function)
		ud_buf_puts(b, fr[n - 1].function);
	else
		put_module_offset(b, addr, stable);
}

static void compute(ud_buf_t *b, const ud_class_key_t *key, bool *stable)
{
	size_t len = key->name ? strlen(key->name) : 0;
	*stable = true;
	if (len && key->name[len - 1] == ':' && key->addr) {
		/* A pseudo-lock: "thread:" and its start routine, with the
		** stack that created the thread; "once:" and its routine, with
		** the once-control; "barrier:" and the barrier. */
		ud_buf_puts(b, key->name);
		if (!strcmp(key->name, "barrier:")) {
			put_variable(b, key->addr, stable);
		} else {
			put_function(b, key->addr, stable);
			if (key->site) {
				ud_buf_puts(b, "|");
				put_site(b, key->site, stable);
			} else if (key->key != key->addr) {
				ud_buf_puts(b, "|");
				put_variable(b, key->key, stable);
			}
		}
	} else if (len) {
		ud_buf_puts(b, "name:");
		ud_buf_puts(b, key->name);
	} else {
		switch (key->kind) {
		case UD_KEY_STATIC:
			ud_buf_puts(b, "static:");
			put_variable(b, key->addr, stable);
			break;
		case UD_KEY_USER:
			ud_buf_puts(b, "key:");
			put_variable(b, key->key, stable);
			break;
		case UD_KEY_INIT_SITE:
			ud_buf_puts(b, "init:");
			put_site(b, key->site, stable);
			break;
		case UD_KEY_ACQUIRE_SITE:
			ud_buf_puts(b, "acq:");
			put_site(b, key->site, stable);
			break;
		}
	}
	if (key->subclass)
		ud_buf_printf(b, "/%u", key->subclass);
}

const char *ud_report_class_identity(const ud_report_class_t *cls, bool *stable)
{
	ud_lock_acquire(&ids_lock);
	id_entry_t *e = find(cls->id);
	if (!e) {
		/* Symbolizing here is fine: it never comes back into report code. */
		ud_buf_t b = { 0 };
		bool st;
		compute(&b, &cls->key, &st);
		if (ud_symbolize_tables_only()) {
			/* Made without libdw (a report in a signal handler):
			** maybe poorer, so not kept for later records and
			** reports, which compare identities; never freed. */
			char *text = ud_alloc(b.len + 1);
			memcpy(text, b.data ? b.data : "", b.len);
			text[b.len] = '\0';
			ud_buf_free(&b);
			ud_lock_release(&ids_lock);
			if (stable)
				*stable = false;
			return text;
		}
		e = insert(cls->id);
		e->stable = st;
		e->size = b.len + 1;
		e->text = ud_alloc(e->size);
		memcpy(e->text, b.data ? b.data : "", b.len);
		ud_buf_free(&b);
	}
	if (stable)
		*stable = e->stable;
	const char *ret = e->text;
	ud_lock_release(&ids_lock);
	return ret;
}

const char *ud_report_class_identity_cached(unsigned id, bool *stable)
{
	const char *ret = NULL;
	if (ud_lock_held_by_me(&ids_lock))
		return NULL;
	ud_lock_acquire(&ids_lock);
	id_entry_t *e = find(id);
	if (e) {
		ret = e->text;
		if (stable)
			*stable = e->stable;
	}
	ud_lock_release(&ids_lock);
	return ret;
}

void ud_report_identity_fork_child(void)
{
	ud_lock_reset(&ids_lock);
}
