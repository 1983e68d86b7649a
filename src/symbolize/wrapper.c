/*
** wrapper.c: which frames are the C++ standard library's, never a call site.
**
** std::mutex::lock, std::lock_guard, std::unique_lock, std::scoped_lock and
** __gthread_mutex_lock stand between the program and pthread_mutex_lock. At
** -O0 they are functions of their own; at -O2 they are inlined into the
** program's function. Either way, the place a person wants to see is the
** first frame past them, in the program's own code. The rule, in one place
** (docs/reports.md, "Library frames"): a frame is the library's when
**
**   - its module is libstdc++ or libc++ itself; or
**   - its source file is a header of the C++ library (a directory "c++"
**     under an "include" directory: /usr/include/c++/12/bits/std_mutex.h,
**     /usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h); or
**   - its source file is unknown and its name is in namespace std or
**     __gnu_cxx, or starts with __gthread, __gthrw or __cxa_.
**
** A known file wins over the name: a program's own specialisation in
** namespace std (std::hash<Key>) is the program's code.
**
** Reports apply the rule to symbolized frames. Class keys need it on the lock
** path, when a lock is first seen, where libdw may not run (it allocates with
** the program's malloc). So ud_symbolize_pc_is_wrapper() reads the ELF symbol
** tables itself, with read(2) into runtime memory, and judges the function
** symbol around an address by its (demangled) name and module: the same rule
** without the file, which a symbol table does not have.
**
** The same tables answer what else class keys ask of a site's function
** (ud_symbolize_pc_traits): whether it is a lock wrapper (lock_name.c and
** the user's wrapper: and constructor: lines), has no name at all, or is
** GObject's. One read and one demangling per function, one probe per
** address after.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* dl_iterate_phdr */
#endif
#include "symbolize.h"
#include "symbolize_int.h"
#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/lock.h"
#include "../base/own_stack.h"

#include <elf.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

/* ---- the rule ----------------------------------------------------------- */

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ud_symbolize_is_wrapper_name(const char *function)
{
	if (!function)
		return false;
	return starts_with(function, "std::") || starts_with(function, "__gnu_cxx::") ||
	       starts_with(function, "__gthread") || starts_with(function, "__gthrw") ||
	       starts_with(function, "__cxa_");
}

bool ud_symbolize_is_wrapper_file(const char *file)
{
	if (!file)
		return false;
	/* ".../include/c++/..." or ".../include/<triplet>/c++/...". */
	for (const char *p = strstr(file, "c++/"); p; p = strstr(p + 1, "c++/")) {
		if (p != file && p[-1] != '/')
			continue;
		for (const char *q = file; q < p; q++)
			if (starts_with(q, "include/") && (q == file || q[-1] == '/'))
				return true;
	}
	return false;
}

bool ud_symbolize_is_wrapper_module(const char *module)
{
	if (!module)
		return false;
	const char *slash = strrchr(module, '/');
	const char *b = slash ? slash + 1 : module;
	return starts_with(b, "libstdc++.so") || starts_with(b, "libc++.so") ||
	       starts_with(b, "libc++abi.so");
}

bool ud_symbolize_frame_is_wrapper(const ud_frame_t *f)
{
	if (ud_symbolize_is_wrapper_module(f->module))
		return true;
	if (f->file)
		return ud_symbolize_is_wrapper_file(f->file);
	return ud_symbolize_is_wrapper_name(f->function);
}

/* ---- function symbols of a module, read on the lock path ----------------- */

typedef struct fsym {
	uintptr_t lo;		/* link-time address */
	uint32_t size;
	uint32_t name : 31;	/* offset in the string table */
	uint32_t object : 1;	/* a variable (named in reports), not a function */
} fsym_t;

typedef struct module {
	struct module *next;
	char *path;
	size_t path_size;
	uintptr_t bias;		/* run-time address less link-time address */
	bool library;		/* libstdc++ itself: every address is the library's */
	bool gobject;		/* libgobject-2.0 */
	off_t strtab;		/* file offset of the symbols' string table */
	size_t strtab_size;
	fsym_t *syms;		/* sorted by lo */
	size_t n;
	uint8_t *verdict;	/* per symbol: its traits | JUDGED, 0 not judged yet */
	const char **names;	/* per symbol, read when first asked (tables.c use) */
	const char *shown;	/* the path reports show (never freed) */
	bool all_read;		/* symbols read (the C++ library's only on demand) */
} module_t;

#define JUDGED 0x80

/* pc -> traits, for every return address asked about. */
typedef struct pc_slot {
	uintptr_t pc;		/* 0: empty */
	uint8_t traits;
} pc_slot_t;

static ud_lock_t wrap_lock = UD_LOCK_INIT;
static module_t *modules;
static pc_slot_t *pcs;
static size_t pcs_cap, pcs_used;
static unsigned long long seen_subs;	/* the loader's unload count they are valid for */

static bool pc_used(const void *e)
{
	return ((const pc_slot_t *)e)->pc != 0;
}

static size_t pc_home(const void *e, size_t cap)
{
	return (size_t)((((const pc_slot_t *)e)->pc * UD_HASH_PHI) >> 32) & (cap - 1);
}

static const ud_table_type_t pc_table = { sizeof(pc_slot_t), pc_used, pc_home };

static pc_slot_t *pc_find(uintptr_t pc)
{
	if (!pcs_cap)
		return NULL;
	pc_slot_t key = { pc, 0 };
	for (size_t i = pc_home(&key, pcs_cap);; i = (i + 1) & (pcs_cap - 1)) {
		if (pcs[i].pc == pc)
			return &pcs[i];
		if (!pcs[i].pc)
			return NULL;
	}
}

static void pc_put(uintptr_t pc, unsigned traits)
{
	if ((pcs_used + 1) * 2 > pcs_cap) {
		size_t cap = pcs_cap ? pcs_cap * 2 : 256;
		pcs = ud_table_grow(&pc_table, pcs, pcs_cap, cap);
		pcs_cap = cap;
	}
	pc_slot_t key = { pc, (uint8_t)traits };
	size_t i = ud_table_probe(&pc_table, pcs, pcs_cap, pc_home(&key, pcs_cap));
	pcs[i] = key;
	pcs_used++;
}

static void forget_all(void)
{
	while (modules) {
		module_t *m = modules;
		modules = m->next;
		if (m->syms)
			ud_free(m->syms, m->n * sizeof *m->syms);
		if (m->verdict)
			ud_free(m->verdict, m->n);
		/* The names themselves were handed out: they stay. */
		if (m->names)
			ud_free(m->names, m->n * sizeof *m->names);
		ud_free(m->path, m->path_size);
		ud_free(m, sizeof *m);
	}
	if (pcs)
		ud_free(pcs, pcs_cap * sizeof *pcs);
	pcs = NULL;
	pcs_cap = pcs_used = 0;
}

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, off);
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return true;
}

/* Heapsort by address: no allocation, no recursion. */
static void sift(fsym_t *s, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && s[c + 1].lo > s[c].lo)
			c++;
		if (s[i].lo >= s[c].lo)
			return;
		fsym_t t = s[i];
		s[i] = s[c];
		s[c] = t;
		i = c;
	}
}

static void sort_syms(fsym_t *s, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(s, i, n);
	for (size_t i = n; i-- > 1;) {
		fsym_t t = s[0];
		s[0] = s[i];
		s[i] = t;
		sift(s, 0, i);
	}
}

/*
** The function symbols of the ELF file open on fd: .symtab, or .dynsym when
** the file is stripped. Anything malformed leaves the module without symbols.
*/
static void load_symbols(module_t *m, int fd)
{
	Elf64_Ehdr eh;
	if (!read_at(fd, &eh, sizeof eh, 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shoff == 0)
		return;
	size_t shnum = eh.e_shnum;
	if (shnum == 0) {	/* many sections: the count is in section 0 */
		Elf64_Shdr s0;
		if (!read_at(fd, &s0, sizeof s0, (off_t)eh.e_shoff))
			return;
		shnum = s0.sh_size;
	}
	if (shnum == 0 || shnum > 1u << 20)
		return;
	size_t shbytes = shnum * sizeof(Elf64_Shdr);
	Elf64_Shdr *sh = ud_alloc(shbytes);
	Elf64_Shdr *symtab = NULL;
	if (read_at(fd, sh, shbytes, (off_t)eh.e_shoff)) {
		for (size_t i = 0; i < shnum && !symtab; i++)
			if (sh[i].sh_type == SHT_SYMTAB)
				symtab = &sh[i];
		for (size_t i = 0; i < shnum && !symtab; i++)
			if (sh[i].sh_type == SHT_DYNSYM)
				symtab = &sh[i];
	}
	if (!symtab || symtab->sh_link >= shnum || sh[symtab->sh_link].sh_type != SHT_STRTAB ||
	    symtab->sh_entsize != sizeof(Elf64_Sym)) {
		ud_free(sh, shbytes);
		return;
	}
	m->strtab = (off_t)sh[symtab->sh_link].sh_offset;
	m->strtab_size = sh[symtab->sh_link].sh_size;
	size_t total = symtab->sh_size / sizeof(Elf64_Sym);
	off_t at = (off_t)symtab->sh_offset;
	ud_free(sh, shbytes);

	/* Two passes over the table in chunks: count, then keep. */
	enum { CHUNK = 1024 };
	Elf64_Sym *chunk = ud_alloc(CHUNK * sizeof *chunk);
	bool ok = true;
	size_t kept = 0;
	for (int pass = 0; pass < 2 && ok; pass++) {
		kept = 0;
		for (size_t done = 0; done < total && ok;) {
			size_t k = total - done < CHUNK ? total - done : CHUNK;
			ok = read_at(fd, chunk, k * sizeof *chunk,
				     at + (off_t)(done * sizeof *chunk));
			for (size_t i = 0; ok && i < k; i++) {
				const Elf64_Sym *s = &chunk[i];
				unsigned type = ELF64_ST_TYPE(s->st_info);
				if ((type != STT_FUNC && type != STT_OBJECT) || s->st_size == 0 ||
				    s->st_shndx == SHN_UNDEF || s->st_name >= m->strtab_size ||
				    s->st_name >= 1u << 31)
					continue;
				if (pass == 1 && kept < m->n) {
					m->syms[kept].lo = (uintptr_t)s->st_value;
					m->syms[kept].size = s->st_size > UINT32_MAX ?
							     UINT32_MAX : (uint32_t)s->st_size;
					m->syms[kept].name = s->st_name;
					m->syms[kept].object = type == STT_OBJECT;
				}
				kept++;
			}
			done += k;
		}
		if (ok && pass == 0) {
			ok = kept > 0 && kept <= UINT32_MAX;
			if (ok) {
				m->n = kept;
				m->syms = ud_alloc(kept * sizeof *m->syms);
				m->verdict = ud_alloc(kept);
			}
		}
	}
	ud_free(chunk, CHUNK * sizeof *chunk);
	if (ok && kept == m->n) {
		sort_syms(m->syms, m->n);
		return;
	}
	/* A read failed, or the file changed under us: no symbols. */
	if (m->syms) {
		ud_free(m->syms, m->n * sizeof *m->syms);
		ud_free(m->verdict, m->n);
	}
	m->syms = NULL;
	m->verdict = NULL;
	m->n = 0;
}

static _Atomic(ud_symbolize_user_rule_t) user_rule;

/* A function's traits by its name (demangled if it is C++'s). */
static unsigned name_traits(char *name)
{
	char *at = strchr(name, '@');	/* "memcpy@GLIBC_2.14" */
	if (at && at != name)
		*at = 0;
	if (ud_symbolize_is_wrapper_name(name))
		return UD_SITE_LIBRARY;
	ud_symbolize_user_rule_t rule = atomic_load(&user_rule);
	int said = rule ? rule(name) : 0;
	if (said > 0 || (said == 0 && ud_symbolize_is_lock_name(name)))
		return UD_SITE_LOCK_WRAPPER;
	return 0;
}

/* The symbol's traits by its name, read from the file now. */
static unsigned judge_symbol(const module_t *m, const fsym_t *s)
{
	enum { MAX_NAME = 16384 };
	unsigned traits = 0;
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t room = m->strtab_size - s->name;
	if (room > MAX_NAME)
		room = MAX_NAME;
	char *name = ud_alloc(room + 1);
	ssize_t got = pread(fd, name, room, m->strtab + (off_t)s->name);
	close(fd);
	if (got > 0 && memchr(name, 0, (size_t)got)) {
		ud_buf_t d = { 0 };
		if (ud_demangle(name, &d))
			traits = name_traits(d.data);
		else
			traits = name_traits(name);
		ud_buf_free(&d);
	}
	ud_free(name, room + 1);
	return traits;
}

/* The index of the symbol of m holding link-time address a (a variable's if
** object, else a function's), or -1. */
static ptrdiff_t symbol_at(const module_t *m, uintptr_t a, bool object)
{
	size_t lo = 0, hi = m->n;	/* the last symbol starting at or below a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Symbols may nest or alias: look back over those that start below. */
	for (size_t i = lo; i-- > 0 && lo - i <= 8;)
		if (a - m->syms[i].lo < m->syms[i].size && m->syms[i].object == object)
			return (ptrdiff_t)i;
	return -1;
}

/* The traits of the function of m at link-time address a. */
static unsigned module_traits(module_t *m, uintptr_t a)
{
	if (m->library)
		return UD_SITE_LIBRARY;
	unsigned own = m->gobject ? UD_SITE_GOBJECT : 0;
	ptrdiff_t i = symbol_at(m, a, false);
	if (i < 0)
		return own | UD_SITE_UNNAMED;
	if (!m->verdict[i])
		m->verdict[i] = (uint8_t)(judge_symbol(m, &m->syms[i]) | JUDGED);
	return own | (m->verdict[i] & ~JUDGED);
}

/* What dl_iterate_phdr says about an address. */
typedef struct object_query {
	uintptr_t addr;
	bool any;		/* any segment, not only code */
	bool found;
	char path[PATH_MAX];
	uintptr_t bias;
	unsigned long long subs;
	bool counted;
} object_query_t;

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	object_query_t *q = arg;
	if (!q->counted && size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs) {
		q->counted = true;
		q->subs = info->dlpi_subs;
	}
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (!q->any && !(ph->p_flags & PF_X)))
			continue;
		uintptr_t lo = (uintptr_t)(info->dlpi_addr + ph->p_vaddr);
		if (q->addr < lo || q->addr - lo >= ph->p_memsz)
			continue;
		const char *name = info->dlpi_name;
		/* The executable has no name here; the kernel knows its file. */
		if (!name || !name[0])
			name = "/proc/self/exe";
		size_t n = strlen(name);
		if (n >= sizeof q->path)
			return 1;
		memcpy(q->path, name, n + 1);
		q->bias = (uintptr_t)info->dlpi_addr;
		q->found = true;
		return 1;
	}
	return 0;
}

/* The path a report shows for a module: the executable's own, not the
** /proc link it is opened by; runtime memory, never freed. */
static const char *shown_path(const char *path)
{
	char buf[PATH_MAX];
	const char *p = path;
	if (strcmp(path, "/proc/self/exe") == 0) {
		ssize_t n = readlink(path, buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = 0;
			p = buf;
		}
	}
	size_t len = strlen(p) + 1;
	char *copy = ud_alloc(len);
	memcpy(copy, p, len);
	return copy;
}

/* wrap_lock held. load_all: read the symbols of the C++ library too. */
static module_t *module_for(const object_query_t *q, bool load_all)
{
	for (module_t *m = modules; m; m = m->next) {
		if (m->bias != q->bias || strcmp(m->path, q->path) != 0)
			continue;
		if (load_all && m->library && !m->all_read) {
			m->all_read = true;
			int fd = open(m->path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				load_symbols(m, fd);
				close(fd);
			}
		}
		return m;
	}
	module_t *m = ud_alloc(sizeof *m);
	m->path_size = strlen(q->path) + 1;
	m->path = ud_alloc(m->path_size);
	memcpy(m->path, q->path, m->path_size);
	m->bias = q->bias;
	m->library = ud_symbolize_is_wrapper_module(q->path);
	const char *slash = strrchr(q->path, '/');
	m->gobject = strncmp(slash ? slash + 1 : q->path, "libgobject-2.0.so", 17) == 0;
	m->shown = shown_path(q->path);
	m->all_read = !m->library || load_all;
	if (m->all_read) {
		int fd = open(m->path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			load_symbols(m, fd);
			close(fd);
		}
	}
	m->next = modules;
	modules = m;
	return m;
}

/* An address not seen before: its module's tables and its symbol's name. */
typedef struct traits_job {
	uintptr_t pc;
	unsigned traits;
} traits_job_t;

static void traits_miss(void *arg)
{
	traits_job_t *j = arg;
	/* Outside our lock: the loader's lock is never waited for under ours. */
	object_query_t q = { .addr = j->pc - 1 };	/* a return address follows its call */
	dl_iterate_phdr(find_object, &q);

	ud_lock_acquire(&wrap_lock);
	if (q.counted && q.subs != seen_subs) {
		/* An object was unloaded: its addresses may hold other code now. */
		forget_all();
		seen_subs = q.subs;
	}
	j->traits = q.found ? module_traits(module_for(&q, false), q.addr - q.bias)
			    : UD_SITE_UNNAMED;
	if (!pc_find(j->pc))
		pc_put(j->pc, j->traits);
	ud_lock_release(&wrap_lock);
}

/* Reading a module's tables takes paths and a symbol's name on the stack
** (some 12 KiB), more than a small thread stack may have left: a miss runs
** on a stack of the runtime's (base/own_stack.h), one at a time. */
static ud_own_stack_t miss_stack = UD_OWN_STACK_INIT(256u << 10);
static ud_lock_t miss_lock = UD_LOCK_INIT;

unsigned ud_symbolize_pc_traits(uintptr_t pc)
{
	if (!pc)
		return UD_SITE_UNNAMED;
	ud_lock_acquire(&wrap_lock);
	pc_slot_t *hit = pc_find(pc);
	unsigned traits = hit ? hit->traits : 0;
	ud_lock_release(&wrap_lock);
	if (hit)
		return traits;

	traits_job_t job = { pc, 0 };
	ud_lock_acquire(&miss_lock);
	ud_own_stack_run(&miss_stack, traits_miss, &job);
	ud_lock_release(&miss_lock);
	return job.traits;
}

bool ud_symbolize_pc_is_wrapper(uintptr_t pc)
{
	return (ud_symbolize_pc_traits(pc) & UD_SITE_LIBRARY) != 0;
}

void ud_symbolize_set_user_rule(ud_symbolize_user_rule_t rule)
{
	ud_lock_acquire(&wrap_lock);
	atomic_store(&user_rule, rule);
	forget_all();	/* answers given without it */
	ud_lock_release(&wrap_lock);
}

/* ---- names from the same tables, where libdw may not run --------------- */

/* The symbol's name as a report shows it (demangled); never freed. */
static const char *symbol_name(module_t *m, size_t i)
{
	if (!m->names) {
		m->names = ud_alloc(m->n * sizeof *m->names);
		memset(m->names, 0, m->n * sizeof *m->names);
	}
	if (m->names[i])
		return m->names[i];
	enum { MAX_NAME = 4096 };
	const fsym_t *s = &m->syms[i];
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t room = m->strtab_size - s->name;
	if (room > MAX_NAME)
		room = MAX_NAME;
	char raw[MAX_NAME + 1];
	ssize_t got = pread(fd, raw, room, m->strtab + (off_t)s->name);
	close(fd);
	if (got <= 0)
		return NULL;
	raw[got] = 0;
	ud_buf_t d = { 0 };
	if (!ud_demangle(raw, &d))
		ud_buf_printf(&d, "%s", raw);
	char *at = d.data ? strchr(d.data, '@') : NULL;	/* "memcpy@GLIBC_2.14" */
	if (at && at != d.data)
		*at = 0;
	size_t len = d.data ? strlen(d.data) + 1 : 1;
	char *name = ud_alloc(len);
	memcpy(name, d.data ? d.data : "", len);
	ud_buf_free(&d);
	m->names[i] = name;
	return name;
}

/* The module of addr (any segment if any), under wrap_lock; NULL if none. */
static module_t *table_module(uintptr_t addr, bool any, object_query_t *q)
{
	memset(q, 0, sizeof *q);
	q->addr = addr;
	q->any = any;
	dl_iterate_phdr(find_object, q);
	if (q->counted && q->subs != seen_subs) {
		forget_all();
		seen_subs = q->subs;
	}
	return q->found ? module_for(q, true) : NULL;
}

bool ud_sym_table_frame(uintptr_t site, ud_frame_t *f)
{
	object_query_t q;
	bool found = false;
	ud_lock_acquire(&wrap_lock);
	module_t *m = table_module(site, false, &q);
	if (m) {
		f->module = m->shown;
		f->module_offset = site - q.bias;
		ptrdiff_t i = symbol_at(m, site - q.bias, false);
		if (i >= 0) {
			f->function = symbol_name(m, (size_t)i);
			f->offset = site - q.bias - m->syms[i].lo;
			f->size = m->syms[i].size;
		}
		found = true;
	}
	ud_lock_release(&wrap_lock);
	return found;
}

bool ud_sym_table_data(uintptr_t addr, char *buf, size_t len)
{
	object_query_t q;
	bool found = false;
	ud_lock_acquire(&wrap_lock);
	module_t *m = table_module(addr, true, &q);
	ptrdiff_t i = m ? symbol_at(m, addr - q.bias, true) : -1;
	if (i >= 0) {
		const char *name = symbol_name(m, (size_t)i);
		uintptr_t off = addr - q.bias - m->syms[i].lo;
		if (name && off)
			snprintf(buf, len, "%s+0x%lx", name, (unsigned long)off);
		else if (name)
			snprintf(buf, len, "%s", name);
		found = name != NULL;
	}
	ud_lock_release(&wrap_lock);
	return found;
}

bool ud_sym_table_module(uintptr_t addr, const char **module, uintptr_t *offset)
{
	object_query_t q;
	ud_lock_acquire(&wrap_lock);
	module_t *m = table_module(addr, true, &q);
	if (m) {
		*module = m->shown;
		*offset = addr - q.bias;
	}
	ud_lock_release(&wrap_lock);
	return m != NULL;
}

/* wrap_lock is taken before ud_demangle_lock (judge_symbol), never after. */
void ud_symbolize_fork_prepare(void)
{
	ud_lock_acquire(&wrap_lock);
	ud_lock_acquire(&ud_demangle_lock);
}

void ud_symbolize_fork_parent(void)
{
	ud_lock_release(&ud_demangle_lock);
	ud_lock_release(&wrap_lock);
}

void ud_symbolize_fork_child(void)
{
	ud_lock_reset(&ud_demangle_lock);
	ud_lock_reset(&wrap_lock);
}
