/*
** symbolize.h: turn code and data addresses into names people read.
**
** Used only when a report is printed, never on the lock path. Backed by
** elfutils' libdw: function+0xoff/0xsize, file:line, one extra frame per
** function the compiler inlined at that address (innermost first, as the
** kernel prints them with "[inline]"), symbol+offset for data addresses, and
** module+0xoff when nothing better is known. Results are cached per address.
*/
#ifndef UD_SYMBOLIZE_H
#define UD_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One printed frame. Strings point into the symbolizer's cache: valid until exit. */
typedef struct ud_frame {
	uintptr_t pc;		/* the address asked about */
	const char *function;	/* NULL when unknown */
	uintptr_t offset;	/* site - function start (for the outermost frame only) */
	uintptr_t size;		/* size of the function symbol, 0 when unknown */
	const char *file;	/* source file, NULL when unknown */
	int line;		/* 0 when unknown */
	int column;		/* 0 when unknown */
	bool inlined;		/* this frame is a function inlined into the next one */
	const char *module;	/* path of the object (executable or .so) */
	uintptr_t module_offset;/* site relative to the module's load address */
} ud_frame_t;

/*
** Describe the code address `pc`. `is_return_address` says pc is a return
** address (every frame of a captured stack, and a lock call's caller): the
** call instruction then ends at pc-1. The frame describes the *site*: pc-1
** for a return address, else pc. file:line, offset and module_offset are all
** of the site, so `addr2line -e module module_offset` names the call's line
** (sanitizers print pc-1 too; the kernel prints return addresses).
** Fills up to `max` frames, innermost (inlined) first; returns how many (>= 1).
*/
unsigned ud_symbolize_code(uintptr_t pc, bool is_return_address,
			   ud_frame_t *out, unsigned max);

/*
** Name the data object at `addr`: "variable", "variable+0x40", or, where DWARF
** says so, "variable.field" / "variable[3]". Writes into buf; returns false when
** no symbol covers addr (buf then holds nothing useful).
*/
bool ud_symbolize_data(uintptr_t addr, char *buf, size_t len);

/*
** The loaded object holding `addr` (code or data) and addr's offset in it,
** counted as the ELF file counts (addr less the load bias), so it is the
** same in every run, with ASLR too. False when no object holds addr.
*/
bool ud_symbolize_module(uintptr_t addr, const char **module, uintptr_t *offset);

/*
** Absolute source paths under this directory are printed relative to it
** (after trying the compilation directory). "" turns it off.
*/
void ud_symbolize_set_strip_prefix(const char *prefix);

/* Forget cached module lists (after dlopen/dlclose the map is rebuilt lazily). */
void ud_symbolize_invalidate(void);

#endif
