/*
** sanitized.c: is PROGRAM built with a sanitizer runtime?
**
** AddressSanitizer, ThreadSanitizer, MemorySanitizer and HWASan export their
** own pthread_mutex_* and __pthread_mutex_* interceptors from the program's
** first library. The runtime binds to glibc's lock calls by those names, so
** in such a process it would call a sanitizer's interceptor before the
** sanitizer has set it up, and the program would crash. `ulockdep run`
** refuses such a program with a message instead. A sanitizer is recognised by
** a DT_NEEDED entry naming its runtime, or by its init symbol in the
** program's dynamic symbols (a runtime linked in statically).
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
} sanitizers[] = {
	{ "libasan.", "__asan_init", "AddressSanitizer" },
	{ "libclang_rt.asan", "__asan_init", "AddressSanitizer" },
	{ "libtsan.", "__tsan_init", "ThreadSanitizer" },
	{ "libclang_rt.tsan", "__tsan_init", "ThreadSanitizer" },
	{ "libclang_rt.msan", "__msan_init", "MemorySanitizer" },
	{ "libhwasan.", "__hwasan_init", "HWAddressSanitizer" },
	{ "libclang_rt.hwasan", "__hwasan_init", "HWAddressSanitizer" },
};
#define NSAN (sizeof sanitizers / sizeof sanitizers[0])

static const char *match(const char *s, bool is_lib)
{
	for (unsigned i = 0; i < NSAN; i++)
		if (is_lib ? strstr(s, sanitizers[i].lib) != NULL
			   : strcmp(s, sanitizers[i].sym) == 0)
			return sanitizers[i].name;
	return NULL;
}

/* DT_NEEDED names and defined dynamic symbols of one ELF file. */
static const char *scan(Elf *elf)
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
				const char *name = s ? match(s, true) : NULL;
				if (name)
					return name;
			}
		} else if (sh.sh_type == SHT_DYNSYM) {
			for (size_t i = 0; i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
					continue;
				const char *s = elf_strptr(elf, sh.sh_link, sym.st_name);
				const char *name = s ? match(s, false) : NULL;
				if (name)
					return name;
			}
		}
	}
	return NULL;
}

const char *ud_cli_sanitizer(const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	const char *name = NULL;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		name = scan(elf);	/* not an ELF file (a script): nothing to say */
	if (elf)
		elf_end(elf);
	close(fd);
	return name;
}
