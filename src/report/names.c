/*
** names.c: the names classes carry in reports.
**
** A class is named from its key: an explicit name, else the static variable
** the lock lives in, else the init (or first acquire) site "function@file:line"
** of the program's own code, past the C++ library's frames (name_site).
** Without symbols an address is named "module+0xoff", never by where the
** module happened to be loaded, so that names, and the suppressions that use
** them, hold from one run to the next.
** Different keys may give the same base name (two locks initialised on one
** line of a helper, say); as in the kernel they are told apart by a version
** suffix, "name", "name#2", "name#3", handed out in the order the classes are
** first printed. Names are computed once per class id and kept until exit in
** runtime memory; names_lock guards the table.
*/
#include "format.h"

#include <string.h>

#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../base/stack.h"
#include "../symbolize/symbolize.h"

typedef struct name_entry {
	bool used;
	unsigned id;			/* class id */
	ud_key_kind_t kind;		/* identity of the key, without subclass */
	uintptr_t key;
	unsigned version;		/* 1 for the first key with this base name */
	char *base;			/* name without version and subclass */
	size_t base_size;
	char *full;			/* what reports print */
	size_t full_size;
} name_entry_t;

static ud_lock_t names_lock = UD_LOCK_INIT;
static name_entry_t *table;	/* open addressing on class id */
static size_t table_cap, table_used;

static char *dup_str(const char *s, size_t *size)
{
	*size = strlen(s) + 1;
	char *p = ud_alloc(*size);
	memcpy(p, s, *size);
	return p;
}

static size_t slot_of(unsigned id, size_t cap)
{
	uint32_t h = id * 2654435761u;
	return h & (cap - 1);
}

static bool entry_used(const void *e)
{
	return ((const name_entry_t *)e)->used;
}

static size_t entry_home(const void *e, size_t cap)
{
	return slot_of(((const name_entry_t *)e)->id, cap);
}

static const ud_table_type_t entry_type = { sizeof(name_entry_t), entry_used, entry_home };

static name_entry_t *find(unsigned id)
{
	if (!table_cap)
		return NULL;
	for (size_t i = slot_of(id, table_cap);; i = (i + 1) & (table_cap - 1)) {
		if (!table[i].used)
			return NULL;
		if (table[i].id == id)
			return &table[i];
	}
}

static name_entry_t *insert_slot(unsigned id)
{
	if ((table_used + 1) * 2 > table_cap) {
		size_t ncap = table_cap ? table_cap * 2 : 64;
		table = ud_table_grow(&entry_type, table, table_cap, ncap);
		table_cap = ncap;
	}
	table_used++;
	return &table[ud_table_probe(&entry_type, table, table_cap, slot_of(id, table_cap))];
}

/*
** An address no symbol names: "module+0xoff", the same in every run (a
** suppression can name it), else the bare address.
*/
static void name_by_module(ud_buf_t *b, uintptr_t addr)
{
	const char *module;
	uintptr_t off;
	if (ud_symbolize_module(addr, &module, &off))
		ud_buf_printf(b, "%s+0x%lx", ud_report_basename(module), (unsigned long)off);
	else
		ud_buf_printf(b, "0x%lx", (unsigned long)addr);
}

/* "function@file:line" of frame f, found at code address pc; without a
** source line, "function+0xOFF" or "module+0xOFF" of pc's real frame. */
static void put_site(ud_buf_t *b, const ud_frame_t *f, uintptr_t pc)
{
	if (f && f->function && f->file && f->line > 0) {
		ud_buf_printf(b, "%s@%s:%d", f->function, ud_report_basename(f->file), f->line);
		return;
	}
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, fr, UD_REPORT_MAX_INLINE);
	const ud_frame_t *outer = n ? &fr[n - 1] : NULL;
	if (outer && outer->function)
		ud_buf_printf(b, "%s+0x%lx", outer->function,
			      (unsigned long)outer->offset);
	else if (outer && outer->module)
		ud_buf_printf(b, "%s+0x%lx", ud_report_basename(outer->module),
			      (unsigned long)outer->module_offset);
	else
		ud_buf_printf(b, "0x%lx", (unsigned long)pc);
}

/* The innermost frame at return address pc that is the program's own code:
** not the C++ library's (symbolize.h), not libc's or the loader's. */
static bool program_frame(uintptr_t pc, ud_frame_t *out)
{
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned n = ud_symbolize_code(pc, true, fr, UD_REPORT_MAX_INLINE);
	for (unsigned i = 0; i < n; i++) {
		if (ud_symbolize_frame_is_wrapper(&fr[i]) ||
		    ud_report_is_system_module(fr[i].module))
			continue;
		*out = fr[i];
		return true;
	}
	return false;
}

/*
** The name of a site key: the frames the runtime stored, the C++ library's
** first (src/rt/hooks.c), then the program's up to its call site past its
** own helpers. The site is the outermost of the program's frames. But the
** runtime judges a frame by its function symbol only: a library function
** with the program's code inlined into it (a lambda run by std::thread, at
** -O2) counts as the library's there, and is the site here, by its first
** inline frame of the program's.
*/
static void name_site(ud_buf_t *b, const uintptr_t *pcs, unsigned n)
{
	ud_frame_t f;
	unsigned lib = 0;
	while (lib < n && ud_symbolize_pc_is_wrapper(pcs[lib]))
		lib++;
	for (unsigned i = 0; i < lib; i++)
		if (program_frame(pcs[i], &f)) {
			put_site(b, &f, pcs[i]);
			return;
		}
	for (unsigned i = n; i-- > lib;)
		if (program_frame(pcs[i], &f)) {
			put_site(b, &f, pcs[i]);
			return;
		}
	/* Nothing of the program's: the innermost frame of the outermost pc. */
	ud_frame_t fr[UD_REPORT_MAX_INLINE];
	unsigned k = ud_symbolize_code(pcs[n - 1], true, fr, UD_REPORT_MAX_INLINE);
	put_site(b, k ? &fr[0] : NULL, pcs[n - 1]);
}

/* The first frame of the program's own code on a full stack: "function@file:line". */
static bool first_program_site(ud_buf_t *b, ud_stack_id_t id)
{
	unsigned n = 0;
	const uintptr_t *pcs = ud_stack_get(id, &n);
	ud_frame_t f;
	for (unsigned i = 0; pcs && i < n; i++)
		if (program_frame(pcs[i], &f)) {
			put_site(b, &f, pcs[i]);
			return true;
		}
	return false;
}

/*
** "thread:", "once:": completed with what key.addr names, a function (the
** thread's start routine, the once routine) or a variable. When that routine
** is the C++ library's (std::thread's trampoline, std::call_once's
** __once_proxy), the program's side names it: the frame that created the
** threads, or the once_flag's variable.
*/
static void pseudo_name(ud_buf_t *b, const ud_class_key_t *key)
{
	char data[256];
	ud_frame_t fr[8];
	unsigned n = ud_symbolize_code(key->addr, false, fr, 8);
	ud_buf_puts(b, key->name);
	if (n && ud_symbolize_frame_is_wrapper(&fr[n - 1])) {
		if (key->site && first_program_site(b, key->site))
			return;
		if (key->key != key->addr && !key->site &&
		    ud_symbolize_data(key->key, data, sizeof data) && data[0]) {
			ud_buf_puts(b, data);
			return;
		}
	}
	if (n && fr[n - 1].function)
		ud_buf_puts(b, fr[n - 1].function);
	else if (ud_symbolize_data(key->addr, data, sizeof data) && data[0])
		ud_buf_puts(b, data);
	else
		name_by_module(b, key->addr);
}

/* The name of a key before any version or subclass suffix. */
static void base_name(ud_buf_t *b, const ud_class_key_t *key)
{
	char data[256];
	size_t len = key->name ? strlen(key->name) : 0;
	if (len && key->name[len - 1] == ':' && key->addr) {
		pseudo_name(b, key);
		return;
	}
	if (len) {
		ud_buf_puts(b, key->name);
		return;
	}
	switch (key->kind) {
	case UD_KEY_STATIC:
		if (ud_symbolize_data(key->addr, data, sizeof data) && data[0])
			ud_buf_puts(b, data);
		else
			name_by_module(b, key->addr);
		return;
	case UD_KEY_USER:
		/* A user key is normally a static object: its variable names it. */
		if (ud_symbolize_data(key->key, data, sizeof data) && data[0]) {
			ud_buf_puts(b, data);
		} else {
			ud_buf_puts(b, "key@");
			name_by_module(b, key->key);
		}
		return;
	case UD_KEY_INIT_SITE:
	case UD_KEY_ACQUIRE_SITE: {
		if (key->kind == UD_KEY_ACQUIRE_SITE)
			ud_buf_puts(b, "acq:");
		unsigned n = 0;
		const uintptr_t *pcs = ud_stack_get(key->site, &n);
		/* The runtime stores exactly the frames that key the class. */
		if (pcs && n > 0)
			name_site(b, pcs, n);
		else
			ud_buf_printf(b, "0x%lx", (unsigned long)key->key);
		return;
	}
	}
	ud_buf_printf(b, "0x%lx", (unsigned long)key->key);
}

const char *ud_report_class_name(const ud_report_class_t *cls)
{
	ud_lock_acquire(&names_lock);
	name_entry_t *e = find(cls->id);
	if (e) {
		ud_lock_release(&names_lock);
		return e->full;
	}

	/* Symbolizing here is fine: it never comes back into report code. */
	ud_buf_t b = { 0 };
	base_name(&b, &cls->key);
	const char *base = b.data ? b.data : "";

	/* Same base name: same key (another subclass) shares the version,
	** a different key takes the next one. */
	unsigned version = 0, highest = 0;
	for (size_t i = 0; i < table_cap; i++) {
		name_entry_t *o = &table[i];
		if (!o->used || strcmp(o->base, base) != 0)
			continue;
		if (o->kind == cls->key.kind && o->key == cls->key.key)
			version = o->version;
		if (o->version > highest)
			highest = o->version;
	}
	if (!version)
		version = highest + 1;

	ud_buf_t full = { 0 };
	ud_buf_puts(&full, base);
	if (version > 1)
		ud_buf_printf(&full, "#%u", version);
	if (cls->key.subclass)
		ud_buf_printf(&full, "/%u", cls->key.subclass);

	if (ud_symbolize_tables_only()) {
		/* Named without libdw (a report in a signal handler): maybe
		** poorer, so not kept for later reports; never freed. */
		size_t size;
		char *ret = dup_str(full.data ? full.data : "", &size);
		ud_text_sanitize(ret, size - 1, false);
		ud_buf_free(&b);
		ud_buf_free(&full);
		ud_lock_release(&names_lock);
		return ret;
	}

	e = insert_slot(cls->id);
	e->used = true;
	e->id = cls->id;
	e->kind = cls->key.kind;
	e->key = cls->key.key;
	e->version = version;
	e->base = dup_str(base, &e->base_size);
	e->full = dup_str(full.data, &e->full_size);
	/* A name given by the program is printed inside a line in every format. */
	ud_text_sanitize(e->full, e->full_size - 1, false);
	ud_buf_free(&b);
	ud_buf_free(&full);
	const char *ret = e->full;
	ud_lock_release(&names_lock);
	return ret;
}

const char *ud_report_class_name_cached(unsigned id)
{
	if (ud_lock_held_by_me(&names_lock))
		return NULL;
	ud_lock_acquire(&names_lock);
	name_entry_t *e = find(id);
	const char *ret = e ? e->full : NULL;
	ud_lock_release(&names_lock);
	return ret;
}

void ud_report_names_fork_child(void)
{
	ud_lock_reset(&names_lock);
}
