/*
** symbolize.c: code and data addresses to names, through elfutils' libdwfl
** (see symbolize.h).
**
** One Dwfl session describes this process (/proc/self/maps, less the files
** that are mapped but not loaded, each object stretched over its anonymous
** .bss pages); it is made on first use and re-reported when an address
** falls in no known module (a dlopen since). A code address
** gives one frame per inlined function plus the real function, cached per
** (pc, is_return_address). Data addresses are named in data.c. Every string
** handed out is interned in runtime memory and never freed.
**
** One lock (sym_lock) serializes all libdw use: libdw objects are not
** thread-safe. libdw mallocs internally; that is accepted because this code
** only runs while a report is printed. The few arrays libdw returns as
** malloc'd memory are released with free(), as its API requires.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* dl_iterate_phdr */
#endif
#include "symbolize.h"
#include "symbolize_int.h"
#include "../base/alloc.h"
#include "../base/hash.h"
#include "../base/buf.h"
#include "../base/lock.h"

#include <link.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FRAMES 32		/* inline depth kept per pc, outer frame included */

ud_lock_t ud_sym_lock = UD_LOCK_INIT;
static Dwfl *dwfl;

static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name,
			  const char *debuglink_file, GElf_Word debuglink_crc,
			  char **debuginfo_file_name);

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = find_debuginfo,
	.debuginfo_path = NULL,		/* default: /usr/lib/debug */
};

/* ---- interned strings ------------------------------------------------ */

typedef struct istr {
	struct istr *next;
	uint64_t hash;
	char s[];
} istr_t;

static istr_t **istr_tab;
static size_t istr_cap, istr_count;

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static const char *intern_n(const char *s, size_t n)
{
	uint64_t h = hash_bytes(s, n);
	if (istr_count >= istr_cap) {
		size_t cap = istr_cap ? istr_cap * 2 : 256;
		istr_t **tab = ud_alloc(cap * sizeof *tab);
		for (size_t i = 0; i < istr_cap; i++) {
			for (istr_t *e = istr_tab[i], *next; e; e = next) {
				next = e->next;
				e->next = tab[e->hash & (cap - 1)];
				tab[e->hash & (cap - 1)] = e;
			}
		}
		if (istr_tab)
			ud_free(istr_tab, istr_cap * sizeof *istr_tab);
		istr_tab = tab;
		istr_cap = cap;
	}
	istr_t **slot = &istr_tab[h & (istr_cap - 1)];
	for (istr_t *e = *slot; e; e = e->next)
		if (e->hash == h && strncmp(e->s, s, n) == 0 && e->s[n] == 0)
			return e->s;
	istr_t *e = ud_alloc(sizeof *e + n + 1);
	e->hash = h;
	memcpy(e->s, s, n);
	e->next = *slot;
	*slot = e;
	istr_count++;
	return e->s;
}

static const char *intern(const char *s)
{
	return s ? intern_n(s, strlen(s)) : NULL;
}

/* ---- names ----------------------------------------------------------- */

/* A C++ name demangled (demangle.c), interned; NULL when raw is not one. */
static const char *demangle(const char *raw)
{
	ud_buf_t b = { 0 };
	const char *r = ud_demangle(raw, &b) ? intern(b.data) : NULL;
	ud_buf_free(&b);
	return r;
}

/* A symbol table name, without its "@VERSION" or "@@VERSION" suffix. */
const char *ud_sym_symbol_name(const char *raw)
{
	const char *d = demangle(raw);
	if (d)
		return d;
	const char *at = strchr(raw, '@');
	return (at && at > raw) ? intern_n(raw, (size_t)(at - raw)) : intern(raw);
}

static const char *die_function_name(Dwarf_Die *die, int depth);

/* The DIE that declares die in its scope: through abstract origins (an
** inlined instance) and specifications (a member defined out of its class). */
static void declaration_of(Dwarf_Die *die, Dwarf_Die *decl)
{
	*decl = *die;
	for (int i = 0; i < 8; i++) {
		Dwarf_Attribute a;
		Dwarf_Die next;
		if ((dwarf_attr(decl, DW_AT_abstract_origin, &a) ||
		     dwarf_attr(decl, DW_AT_specification, &a)) &&
		    dwarf_formref_die(&a, &next)) {
			*decl = next;
			continue;
		}
		break;
	}
}

/* Does the class or struct t have a member function named operator()? */
static bool has_call_operator(Dwarf_Die *t)
{
	Dwarf_Die c;
	if (dwarf_child(t, &c) != 0)
		return false;
	do {
		const char *n = dwarf_diename(&c);
		if (dwarf_tag(&c) == DW_TAG_subprogram && n && strcmp(n, "operator()") == 0)
			return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/*
** "ns::Class::name" for a function DWARF gives no linkage name (a lambda's
** operator(), some template instances): its name qualified by the
** namespaces, classes and functions around its declaration, as the
** demangler would print them. An unnamed class with an operator() is a
** lambda's closure: "{lambda}".
*/
static void qualified_name(Dwarf_Die *die, ud_buf_t *b, int depth)
{
	Dwarf_Die decl;
	declaration_of(die, &decl);
	Dwarf_Die *scopes = NULL;
	int n = depth < 4 ? dwarf_getscopes_die(&decl, &scopes) : 0;
	/* scopes[0] is decl itself, scopes[n-1] its unit. */
	for (int i = n - 1; i >= 1; i--) {
		Dwarf_Die *sc = &scopes[i];
		const char *name = dwarf_diename(sc);
		switch (dwarf_tag(sc)) {
		case DW_TAG_namespace:
			ud_buf_printf(b, "%s::", name ? name : "(anonymous namespace)");
			break;
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			if (name)
				ud_buf_printf(b, "%s::", name);
			else
				ud_buf_puts(b, has_call_operator(sc) ? "{lambda}::" : "{unnamed}::");
			break;
		case DW_TAG_subprogram: {
			/* A local class: what encloses it is named in full. */
			const char *fn = die_function_name(sc, depth + 1);
			b->len = 0;
			ud_buf_printf(b, "%s::", fn ? fn : "?");
			break;
		}
		default:
			break;
		}
	}
	free(scopes);	/* malloc'd by libdw */
	const char *own = dwarf_diename(&decl);
	ud_buf_puts(b, own ? own : "?");
}

/* Name of a subprogram or inlined instance, following abstract origins. */
static const char *die_function_name(Dwarf_Die *die, int depth)
{
	Dwarf_Attribute a;
	const char *link = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!link)
		link = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
	const char *d = demangle(link);
	if (d)
		return d;
	if (!dwarf_diename(die))
		return NULL;
	ud_buf_t b = { 0 };
	qualified_name(die, &b, depth);
	const char *r = intern(b.data);
	ud_buf_free(&b);
	return r;
}

/*
** File names as recorded in DWARF, made relative to the compilation
** directory when they lie under it, and without a leading "./" (so
** "fs/ext4/file.c", kernel style).
*/
static char strip_prefix[4096];

void ud_symbolize_set_strip_prefix(const char *prefix)
{
	size_t n = prefix ? strlen(prefix) : 0;
	if (n >= sizeof strip_prefix)
		n = 0;
	memcpy(strip_prefix, prefix ? prefix : "", n);
	strip_prefix[n] = 0;
}

/* file without the directory dir, when file lies under it; else NULL. */
static const char *under(const char *file, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n && strncmp(file, dir, n) == 0 && file[n] == '/' && file[n + 1])
		return file + n + 1;
	return NULL;
}

/*
** File names as recorded in DWARF, made relative to the compilation
** directory, or else to the strip prefix (the directory the program was
** started in, by default), when they lie under it, and without a leading
** "./" (so "fs/ext4/file.c", kernel style).
*/
static const char *short_file(const char *file, const char *comp_dir)
{
	if (!file)
		return NULL;
	while (file[0] == '.' && file[1] == '/' && file[2])
		file += 2;
	if (file[0] == '/') {
		const char *rel = NULL;
		if (comp_dir && comp_dir[0] == '/')
			rel = under(file, comp_dir);
		if (!rel && strip_prefix[0])
			rel = under(file, strip_prefix);
		if (rel)
			return intern(rel);
	}
	return intern(file);
}

static const char *cu_comp_dir(Dwarf_Die *cu)
{
	Dwarf_Attribute a;
	return dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
}

/* The call site of an inlined instance: DW_AT_call_file/line/column. */
static const char *call_site(Dwarf_Die *inl, int *line, int *col)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	*line = dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &w) == 0 ? (int)w : 0;
	*col = dwarf_formudata(dwarf_attr(inl, DW_AT_call_column, &a), &w) == 0 ? (int)w : 0;
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &w) != 0)
		return NULL;
	Dwarf_Die cu;
	Dwarf_Files *files;
	size_t nfiles;
	if (!dwarf_diecu(inl, &cu, NULL, NULL) ||
	    dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || w >= nfiles)
		return NULL;
	return short_file(dwarf_filesrc(files, w, NULL, NULL), cu_comp_dir(&cu));
}

/* ---- separate debug files -------------------------------------------- */

/* Whether the ELF file open on fd carries the build-id mod expects. */
static bool build_id_matches(Dwfl_Module *mod, int fd)
{
	const unsigned char *want;
	GElf_Addr vaddr;
	int wlen = dwfl_module_build_id(mod, &want, &vaddr);
	if (wlen <= 0)
		return true;	/* nothing to check against */
	bool ok = false;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf) {
		const void *have;
		ssize_t hlen = dwelf_elf_gnu_build_id(elf, &have);
		ok = hlen == wlen && memcmp(have, want, (size_t)wlen) == 0;
		elf_end(elf);
	}
	return ok;
}

/*
** Separate debug files: by build-id under the debug directory
** (/usr/lib/debug/.build-id/xx/yyyy.debug), then by the .gnu_debuglink name
** next to the object, in its .debug/ directory and under /usr/lib/debug.
** This is dwfl_standard_find_debuginfo less its last resort, debuginfod:
** that would load libdebuginfod and libcurl into the program and could
** fetch over the network in the middle of a report.
*/
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name,
			  const char *debuglink_file, GElf_Word debuglink_crc,
			  char **debuginfo_file_name)
{
	int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name,
					      debuglink_file, debuglink_crc,
					      debuginfo_file_name);
	if (fd >= 0 || !debuglink_file || !file_name || file_name[0] != '/')
		return fd;
	int dirlen = (int)(strrchr(file_name, '/') - file_name);
	static const char *const places[] = {
		"%.*s/%s", "%.*s/.debug/%s", "/usr/lib/debug%.*s/%s",
	};
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		char path[4096];
		int n = snprintf(path, sizeof path, places[i], dirlen, file_name, debuglink_file);
		if (n <= 0 || (size_t)n >= sizeof path || strcmp(path, file_name) == 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (build_id_matches(mod, fd)) {
			/* libdwfl owns and free()s this name. */
			*debuginfo_file_name = strdup(path);
			return fd;
		}
		close(fd);
	}
	return -1;
}

/* ---- the module list ------------------------------------------------- */

/* The whole of /proc/self/maps, read with read(2) into b. */
static bool read_maps(ud_buf_t *b)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			ud_buf_printf(b, "%.*s", (int)n, chunk);
	}
	close(fd);
	return n == 0 && b->len > 0;
}

typedef struct map_line {
	const char *text;	/* the line, without its newline */
	size_t len;
	const char *path;	/* NULL for anonymous and [pseudo] mappings */
	bool exec;
	bool keep;
} map_line_t;

/*
** Which lines of /proc/self/maps describe loaded objects. libelf maps the
** files it reads (private, writable, from offset 0), and the program may map
** ELF files too; reported as they are, those become modules that claim
** addresses they do not hold. Keep a file's run of consecutive lines only if
** one of them is executable, and never a writable mapping from offset 0
** (a loaded object's first segment is read-only).
*/
static void filter_maps(map_line_t *ml, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = ml[i].text, *end = t + ml[i].len;
		const char *f[5];
		unsigned nf = 0;
		const char *p = t;
		while (nf < 5 && p < end) {
			f[nf++] = p;
			while (p < end && *p != ' ')
				p++;
			while (p < end && *p == ' ')
				p++;
		}
		ml[i].path = (nf == 5 && p < end && *p == '/') ? p : NULL;
		ml[i].exec = nf >= 2 && f[1] + 3 < end && f[1][2] == 'x';
		bool zero_off = nf >= 3 && strspn(f[2], "0") >= 8 && f[2][strspn(f[2], "0")] == ' ';
		bool writable = nf >= 2 && f[1] + 3 < end && f[1][1] == 'w';
		ml[i].keep = !(ml[i].path && writable && zero_off);
	}
	for (size_t i = 0; i < n;) {
		if (!ml[i].path || !ml[i].keep) {
			i++;
			continue;
		}
		size_t plen = ml[i].len - (size_t)(ml[i].path - ml[i].text);
		size_t j = i;
		bool exec = false;
		while (j < n && ml[j].keep && ml[j].path &&
		       ml[j].len - (size_t)(ml[j].path - ml[j].text) == plen &&
		       memcmp(ml[j].path, ml[i].path, plen) == 0) {
			exec |= ml[j].exec;
			j++;
		}
		for (size_t k = i; k < j; k++)
			ml[k].keep = exec;
		i = j;
	}
}

/* A module gone from the map (dlclose) takes its variable index along. */
static int forget_module(Dwfl_Module *mod, void *userdata, const char *name,
			 Dwarf_Addr base, void *arg)
{
	(void)mod, (void)name, (void)base, (void)arg;
	ud_sym_free_var_index(userdata);
	return 0;
}

/* One loaded object as reported to libdwfl: a run of kept map lines. */
typedef struct module_run {
	const char *path;	/* NUL-terminated, inside the maps text */
	uintptr_t lo, hi;
} module_run_t;

typedef struct runs {
	module_run_t *r;
	size_t n;
	uintptr_t page;
} runs_t;

/*
** The maps list only the pages a file backs. The rest of the last writable
** segment (the .bss past the file's final page) is an anonymous mapping
** after them, and static variables live there too; the loader's program
** headers say where each object's memory really ends. A run grows to that end
** when the object's first segment starts in it, never into the next run.
*/
static int extend_run(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	runs_t *rs = arg;
	uintptr_t page = rs->page;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		uintptr_t s = (uintptr_t)(info->dlpi_addr + ph->p_vaddr);
		uintptr_t e = s + (uintptr_t)ph->p_memsz;
		if (s < lo)
			lo = s;
		if (e > hi)
			hi = e;
	}
	if (lo >= hi)
		return 0;
	lo &= ~(page - 1);
	hi = (hi + page - 1) & ~(page - 1);
	for (size_t i = 0; i < rs->n; i++) {
		module_run_t *r = &rs->r[i];
		if (lo < r->lo || lo >= r->hi || hi <= r->hi)
			continue;
		uintptr_t limit = i + 1 < rs->n ? rs->r[i + 1].lo : UINTPTR_MAX;
		r->hi = hi < limit ? hi : limit;
		break;
	}
	return 0;
}

/* (Re)read the module list. Modules reported again keep their state. */
static void report_modules(void)
{
	if (!dwfl) {
		dwfl = dwfl_begin(&proc_callbacks);
		if (!dwfl)
			return;
	}
	ud_buf_t maps = { 0 };
	if (!read_maps(&maps))
		goto out;
	size_t n = 0;
	for (size_t i = 0; i < maps.len; i++)
		n += maps.data[i] == '\n';
	map_line_t *ml = ud_alloc((n + 1) * sizeof *ml);
	size_t nl = 0;
	for (char *p = maps.data, *end = maps.data + maps.len; p < end && nl <= n;) {
		char *nlp = memchr(p, '\n', (size_t)(end - p));
		size_t len = nlp ? (size_t)(nlp - p) : (size_t)(end - p);
		ml[nl].text = p;
		ml[nl].len = len;
		nl++;
		p += len + 1;
	}
	filter_maps(ml, nl);

	/* Consecutive kept lines of one file make one module, as libdwfl's own
	   maps reader groups them. The data has spare room for the NUL that
	   ends the last line's path. */
	runs_t rs = { ud_alloc((nl + 1) * sizeof *rs.r), 0, (uintptr_t)sysconf(_SC_PAGESIZE) };
	for (size_t i = 0; i < nl; i++) {
		if (!ml[i].keep || !ml[i].path)
			continue;
		char *path = (char *)ml[i].path;
		size_t plen = ml[i].len - (size_t)(ml[i].path - ml[i].text);
		unsigned long long lo, hi;
		if (sscanf(ml[i].text, "%llx-%llx", &lo, &hi) != 2)
			continue;
		module_run_t *last = rs.n ? &rs.r[rs.n - 1] : NULL;
		bool same = last && strlen(last->path) == plen &&
			    memcmp(last->path, path, plen) == 0;
		path[plen] = 0;	/* the newline, or the buffer's spare byte */
		if (same) {
			last->hi = (uintptr_t)hi;
		} else {
			rs.r[rs.n].path = path;
			rs.r[rs.n].lo = (uintptr_t)lo;
			rs.r[rs.n].hi = (uintptr_t)hi;
			rs.n++;
		}
	}
	ud_free(ml, (n + 1) * sizeof *ml);
	dl_iterate_phdr(extend_run, &rs);

	if (rs.n) {
		dwfl_report_begin(dwfl);
		for (size_t i = 0; i < rs.n; i++)
			dwfl_report_module(dwfl, rs.r[i].path, rs.r[i].lo, rs.r[i].hi);
		dwfl_report_end(dwfl, forget_module, NULL);
	}
	ud_free(rs.r, (nl + 1) * sizeof *rs.r);
out:
	ud_buf_free(&maps);
}

/*
** dwfl_addrmodule may answer with the module just below an address that lies
** in a gap after it; check the module's bounds.
*/
static Dwfl_Module *module_at(uintptr_t addr)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, addr);
	Dwarf_Addr lo, hi;
	if (mod && dwfl_module_info(mod, NULL, &lo, &hi, NULL, NULL, NULL, NULL) &&
	    addr >= lo && addr < hi)
		return mod;
	return NULL;
}

/* The module holding addr; re-reads the map once when none does. */
Dwfl_Module *ud_sym_find_module(uintptr_t addr)
{
	/* A report from a signal handler: no libdw (ud_symbolize_set_tables_only). */
	if (ud_symbolize_tables_only())
		return NULL;
	bool fresh = !dwfl;
	if (fresh)
		report_modules();
	if (!dwfl)
		return NULL;
	Dwfl_Module *mod = module_at(addr);
	if (!mod && !fresh) {
		report_modules();
		mod = module_at(addr);
	}
	return mod;
}

/* ---- code addresses -------------------------------------------------- */

typedef struct code_entry {
	struct code_entry *next;
	uintptr_t pc;
	bool is_return;
	unsigned n;
	ud_frame_t frames[];
} code_entry_t;

static code_entry_t **code_tab;
static size_t code_cap, code_count;

static size_t code_bucket(uintptr_t pc, bool is_return, size_t cap)
{
	uint64_t h = ((uint64_t)pc ^ (is_return ? 0x5bd1e995u : 0)) * UD_HASH_PHI;
	return (size_t)(h >> 32) & (cap - 1);
}

static code_entry_t *code_lookup(uintptr_t pc, bool is_return)
{
	if (!code_cap)
		return NULL;
	for (code_entry_t *e = code_tab[code_bucket(pc, is_return, code_cap)]; e; e = e->next)
		if (e->pc == pc && e->is_return == is_return)
			return e;
	return NULL;
}

static void code_insert(code_entry_t *e)
{
	if (code_count >= code_cap) {
		size_t cap = code_cap ? code_cap * 2 : 512;
		code_entry_t **tab = ud_alloc(cap * sizeof *tab);
		for (size_t i = 0; i < code_cap; i++) {
			for (code_entry_t *c = code_tab[i], *next; c; c = next) {
				next = c->next;
				size_t b = code_bucket(c->pc, c->is_return, cap);
				c->next = tab[b];
				tab[b] = c;
			}
		}
		if (code_tab)
			ud_free(code_tab, code_cap * sizeof *code_tab);
		code_tab = tab;
		code_cap = cap;
	}
	size_t b = code_bucket(e->pc, e->is_return, code_cap);
	e->next = code_tab[b];
	code_tab[b] = e;
	code_count++;
}

static void code_clear(void)
{
	for (size_t i = 0; i < code_cap; i++) {
		for (code_entry_t *c = code_tab[i], *next; c; c = next) {
			next = c->next;
			ud_free(c, sizeof *c + c->n * sizeof c->frames[0]);
		}
		code_tab[i] = NULL;
	}
	code_count = 0;
}

/*
** The compilation unit holding a code address. libdwfl looks it up through
** .debug_aranges, which clang does not emit by default; then walk the units
** and ask each for its ranges.
*/
static Dwarf_Die *find_cu(Dwfl_Module *mod, uintptr_t addr, Dwarf_Addr *bias,
			  bool *libdwfl_agrees)
{
	/* libdwfl may answer with a unit whose ranges have a gap at addr
	** (code without debug information, such as _start, placed between two
	** sections of one unit): only a unit that holds addr will do. */
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, bias);
	*libdwfl_agrees = cu && dwarf_haspc(cu, addr - *bias) > 0;
	if (*libdwfl_agrees)
		return cu;
	cu = NULL;
	while ((cu = dwfl_module_nextcu(mod, cu, bias)) != NULL)
		if (dwarf_haspc(cu, addr - *bias) > 0)
			return cu;
	return NULL;
}

/*
** Describe pc into fr[0..MAX_FRAMES); returns the count (>= 1). Inlined
** instances come first: each gets the location inside it, and its call site
** becomes the location of the next-outer frame.
*/
static unsigned describe_code(uintptr_t pc, bool is_return, ud_frame_t *fr)
{
	/* A return address follows the call: pc-1 is inside the call insn.
	   Every offset below is of look, so that addr2line and gdb given any
	   printed offset name the call's line, as in sanitizer reports. */
	uintptr_t look = (is_return && pc) ? pc - 1 : pc;
	ud_frame_t base;
	memset(&base, 0, sizeof base);
	base.pc = pc;
	base.module_offset = look;

	Dwfl_Module *mod = ud_sym_find_module(look);
	if (!mod) {
		fr[0] = base;
		return 1;
	}
	Dwarf_Addr start = 0, load_bias;
	const char *mname = dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	base.module = intern(mname);
	/* The offset addr2line understands: the address less the load bias. */
	if (dwfl_module_getelf(mod, &load_bias))
		base.module_offset = look - load_bias;
	else
		base.module_offset = look - start;

	GElf_Off soff = 0;
	GElf_Sym sym;
	const char *sname = dwfl_module_addrinfo(mod, look, &soff, &sym, NULL, NULL, NULL);
	if (sname && sym.st_size && soff >= sym.st_size)
		sname = NULL;	/* the nearest symbol ends before pc */

	Dwarf_Addr dbias;
	bool libdwfl_agrees;
	Dwarf_Die *cu = find_cu(mod, look, &dbias, &libdwfl_agrees);
	const char *file = NULL;
	int line = 0, col = 0;
	/* libdwfl's line comes from its own choice of unit: taken only when
	** that unit holds pc; no unit, no line (it would be a neighbour's). */
	Dwfl_Line *dl = libdwfl_agrees ? dwfl_module_getsrc(mod, look) : NULL;
	if (dl) {
		const char *f = dwfl_lineinfo(dl, NULL, &line, &col, NULL, NULL);
		file = short_file(f, dwfl_line_comp_dir(dl));
	} else if (cu) {
		Dwarf_Line *l = dwarf_getsrc_die(cu, look - dbias);
		if (l) {
			dwarf_lineno(l, &line);
			dwarf_linecol(l, &col);
			file = short_file(dwarf_linesrc(l, NULL, NULL), cu_comp_dir(cu));
		}
	}

	unsigned n = 0;
	const char *dwarf_func = NULL;
	Dwarf_Addr func_lo = 0, func_hi = 0;	/* the subprogram's pc range, if contiguous */
	Dwarf_Die *scopes = NULL;
	if (cu && dwarf_getscopes(cu, look - dbias, &scopes) > 0) {
		/* dwarf_getscopes follows the abstract origin past an inlined
		   instance; the concrete nesting comes from dwarf_getscopes_die. */
		Dwarf_Die inner = scopes[0];
		free(scopes);
		scopes = NULL;
		int nchain = dwarf_getscopes_die(&inner, &scopes);
		for (int i = 0; i < nchain; i++) {
			int tag = dwarf_tag(&scopes[i]);
			if (tag == DW_TAG_inlined_subroutine) {
				if (n < MAX_FRAMES - 1) {
					fr[n] = base;
					fr[n].function = die_function_name(&scopes[i], 0);
					fr[n].file = file;
					fr[n].line = line;
					fr[n].column = col;
					fr[n].inlined = true;
					n++;
				}
				file = call_site(&scopes[i], &line, &col);
			} else if (tag == DW_TAG_subprogram || tag == DW_TAG_entry_point) {
				dwarf_func = die_function_name(&scopes[i], 0);
				if (dwarf_lowpc(&scopes[i], &func_lo) != 0 ||
				    dwarf_highpc(&scopes[i], &func_hi) != 0)
					func_lo = func_hi = 0;
				break;
			}
		}
	}
	free(scopes);	/* malloc'd by libdw */

	fr[n] = base;
	if (sname && (sym.st_size || !dwarf_func)) {
		fr[n].function = ud_sym_symbol_name(sname);
		fr[n].offset = soff;
		fr[n].size = sym.st_size;
	} else if (dwarf_func) {
		/* No symbol, or only a sizeless one that may lie far before pc
		   (a stripped static function): DWARF knows better. */
		fr[n].function = dwarf_func;
		if (func_hi > func_lo) {
			fr[n].offset = look - (uintptr_t)(func_lo + dbias);
			fr[n].size = func_hi - func_lo;
		}
	}
	fr[n].file = file;
	fr[n].line = line;
	fr[n].column = col;
	return n + 1;
}

/* Set on a thread whose reports must not run libdw (symbolize.h). */
static __thread bool tables_only __attribute__((tls_model("initial-exec")));

void ud_symbolize_set_tables_only(bool on)
{
	tables_only = on;
}

bool ud_symbolize_tables_only(void)
{
	return tables_only;
}

unsigned ud_symbolize_code(uintptr_t pc, bool is_return_address,
			   ud_frame_t *out, unsigned max)
{
	if (max == 0)
		return 0;
	if (tables_only) {
		memset(out, 0, sizeof *out);
		out->pc = pc;
		ud_sym_table_frame(is_return_address ? pc - 1 : pc, out);
		return 1;
	}
	ud_lock_acquire(&ud_sym_lock);
	code_entry_t *e = code_lookup(pc, is_return_address);
	if (!e) {
		ud_frame_t tmp[MAX_FRAMES];
		unsigned n = describe_code(pc, is_return_address, tmp);
		e = ud_alloc(sizeof *e + n * sizeof e->frames[0]);
		e->pc = pc;
		e->is_return = is_return_address;
		e->n = n;
		memcpy(e->frames, tmp, n * sizeof tmp[0]);
		code_insert(e);
	}
	unsigned n = e->n < max ? e->n : max;
	memcpy(out, e->frames, n * sizeof out[0]);
	ud_lock_release(&ud_sym_lock);
	return n;
}

bool ud_symbolize_module(uintptr_t addr, const char **module, uintptr_t *offset)
{
	if (tables_only)
		return ud_sym_table_module(addr, module, offset);
	bool found = false;
	ud_lock_acquire(&ud_sym_lock);
	Dwfl_Module *mod = ud_sym_find_module(addr);
	Dwarf_Addr start = 0, load_bias;
	const char *name = mod ? dwfl_module_info(mod, NULL, &start, NULL, NULL,
						  NULL, NULL, NULL) : NULL;
	if (name) {
		*module = intern(name);
		*offset = addr - (dwfl_module_getelf(mod, &load_bias) ? load_bias : start);
		found = true;
	}
	ud_lock_release(&ud_sym_lock);
	return found;
}

bool ud_symbolize_build_id(uintptr_t addr, char *hex, size_t len)
{
	bool found = false;
	if (len)
		hex[0] = 0;
	ud_lock_acquire(&ud_sym_lock);
	Dwfl_Module *mod = ud_sym_find_module(addr);
	const unsigned char *bits = NULL;
	GElf_Addr vaddr;
	int n = mod ? dwfl_module_build_id(mod, &bits, &vaddr) : -1;
	if (n > 0 && len > 2 * (size_t)n) {
		for (int i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x", bits[i]);
		found = true;
	}
	ud_lock_release(&ud_sym_lock);
	return found;
}

/* ---- invalidation ---------------------------------------------------- */

static int drop_module_state(Dwfl_Module *mod, void **userdata, const char *name,
			     Dwarf_Addr start, void *arg)
{
	(void)mod, (void)name, (void)start, (void)arg;
	ud_sym_free_var_index(*userdata);
	*userdata = NULL;
	return DWARF_CB_OK;
}

void ud_symbolize_invalidate(void)
{
	ud_lock_acquire(&ud_sym_lock);
	if (dwfl) {
		dwfl_getmodules(dwfl, drop_module_state, NULL, 0);
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	/* Addresses may now belong to other code; names already handed out stay. */
	code_clear();
	ud_lock_release(&ud_sym_lock);
}
