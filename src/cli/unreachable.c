/*
** unreachable.c: programs the runtime cannot enter, and why.
**
** `ulockdep run` reaches a program through LD_PRELOAD, which only the dynamic
** loader reads. Two kinds of program never read it, and would run unchecked
** with no word said:
**   - a statically linked program has no loader at all (no PT_INTERP);
**   - a setuid or setgid program that gives its caller other rights runs in
**     the loader's secure mode, which drops LD_PRELOAD entries with a '/'.
** Each is refused with a message saying what to do instead.
*/
#include "cli.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does the ELF file have a program interpreter? -1: not an ELF executable. */
static int has_interp(const char *path)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = -1;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t n;
	GElf_Ehdr eh;
	if (elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh) &&
	    (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) &&
	    elf_getphdrnum(elf, &n) == 0) {
		rc = 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP)
				rc = 1;
		}
		/* A shared library without an entry point is not run at all;
		** leave it to exec to say so. */
		if (!rc && eh.e_type == ET_DYN && eh.e_entry == 0)
			rc = -1;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}

int ud_cli_check_reachable(const char *prog, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		bool suid = (st.st_mode & S_ISUID) && st.st_uid != geteuid();
		bool sgid = (st.st_mode & S_ISGID) && st.st_gid != getegid();
		if (suid || sgid) {
			const char *bit = suid ? "setuid" : "setgid";
			fprintf(stderr, "ulockdep: '%s' is %s: the loader runs it "
				"in secure mode and ignores LD_PRELOAD, so ulockdep "
				"cannot watch it; run a copy without the %s bit, or "
				"run it as its owner\n", prog, bit, bit);
			return -1;
		}
	}
	if (has_interp(path) == 0) {
		fprintf(stderr, "ulockdep: '%s' is statically linked: no loader "
			"runs in it to preload ulockdep; link it dynamically (the "
			"default), and with -lulockdep to carry the runtime without "
			"`ulockdep run` (docs/annotations.md)\n", prog);
		return -1;
	}
	return 0;
}
