/*
** sanitized.c: is PROGRAM built with a sanitizer runtime, and which?
**
** A sanitizer's runtime is recognised by a DT_NEEDED entry naming it (gcc's
** default, clang's -shared-libasan), or by its init symbol among the
** program's dynamic symbols (linked in statically: clang's default, gcc's
** -static-libasan). AddressSanitizer and UndefinedBehaviorSanitizer run with
** the runtime (cmd_run.c arranges the library order); ThreadSanitizer,
** MemorySanitizer and HWASan are refused: each replaces the thread and lock
** calls with its own bookkeeping, and TSan checks lock order itself.
*/
#include "cli.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *lib;	/* part of a DT_NEEDED name */
	const char *sym;	/* init symbol of a static runtime */
	const char *name;
	bool refused;
} sanitizers[] = {
	{ "libasan.", "__asan_init", "AddressSanitizer", false },
	{ "libclang_rt.asan", "__asan_init", "AddressSanitizer", false },
	{ "libtsan.", "__tsan_init", "ThreadSanitizer", true },
	{ "libclang_rt.tsan", "__tsan_init", "ThreadSanitizer", true },
	{ "libclang_rt.msan", "__msan_init", "MemorySanitizer", true },
	{ "libhwasan.", "__hwasan_init", "HWAddressSanitizer", true },
	{ "libclang_rt.hwasan", "__hwasan_init", "HWAddressSanitizer", true },
};
#define NSAN (sizeof sanitizers / sizeof sanitizers[0])

/* The sanitizer s names (a DT_NEEDED entry or a symbol), or -1. */
static int match(const char *s, bool is_lib)
{
	for (unsigned i = 0; i < NSAN; i++)
		if (is_lib ? strstr(s, sanitizers[i].lib) != NULL
			   : strcmp(s, sanitizers[i].sym) == 0)
			return (int)i;
	return -1;
}

/* Keep the first sanitizer found, a refused one over another. */
static void found(ud_cli_san_t *out, int i, bool dynamic)
{
	if (i < 0 || (out->name && (out->refused || !sanitizers[i].refused)))
		return;
	out->name = sanitizers[i].name;
	out->refused = sanitizers[i].refused;
	out->dynamic = dynamic;
}

/* DT_NEEDED names and defined dynamic symbols of one ELF file. */
static void scan(Elf *elf, ud_cli_san_t *out)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || sh.sh_entsize == 0)
			continue;
		size_t n = sh.sh_size / sh.sh_entsize;
		if (sh.sh_type == SHT_DYNAMIC) {
			for (size_t i = 0; i < n; i++) {
				GElf_Dyn dyn;
				if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
					continue;
				const char *s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
				if (s)
					found(out, match(s, true), true);
			}
		} else if (sh.sh_type == SHT_DYNSYM) {
			for (size_t i = 0; i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
					continue;
				const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (s)
					found(out, match(s, false), false);
			}
		}
	}
}

void ud_cli_sanitizer(const char *path, ud_cli_san_t *out)
{
	*out = (ud_cli_san_t){ 0 };
	if (elf_version(EV_CURRENT) == EV_NONE)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		scan(elf, out);	/* not an ELF file (a script): nothing to say */
	if (elf)
		elf_end(elf);
	close(fd);
}
