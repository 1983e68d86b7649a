/*
** symbolize.h: turn code and data addresses into names people read.
**
** ud_symbolize_code() and ud_symbolize_data() are used only when a report is
** printed, never on the lock path. They are backed by elfutils' libdw:
** function+0xoff/0xsize, file:line, one extra frame per function the compiler
** inlined at that address (innermost first, as the kernel prints them with
** "[inline]"), symbol+offset for data addresses, and module+0xoff when nothing
** better is known. Results are cached per address. C++ names are demangled
** without parameter lists ("Cache::put"), and inlined functions that DWARF
** gives no linkage name are qualified by their scopes the same way.
**
** The demangler and the library-frame rule (wrapper.c) allocate only runtime
** memory and never call libdw: the lock path may use them.
*/
#ifndef UD_SYMBOLIZE_H
#define UD_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"

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
** The scope of the data symbol covering addr: *local is true for a symbol
** local to its object file (C `static`), and file gets the basename of the
** file that declares the variable when DWARF says ("" otherwise). False
** when no symbol covers addr.
*/
bool ud_symbolize_data_scope(uintptr_t addr, bool *local, char *file, size_t len);

/* The GNU build ID of the module holding addr, in hex; false when it has none. */
bool ud_symbolize_build_id(uintptr_t addr, char *hex, size_t len);

/*
** Absolute source paths under this directory are printed relative to it
** (after trying the compilation directory). "" turns it off.
*/
void ud_symbolize_set_strip_prefix(const char *prefix);

/*
** While set on the calling thread (a report made in a signal handler, which
** may have interrupted malloc), nothing runs libdw or calls malloc: a code
** address gets its function symbol and module from the ELF symbol tables
** (wrapper.c), without file, line or inlined frames, and a data address its
** variable's symbol without field names. Nothing of it is cached for later
** reports.
*/
void ud_symbolize_set_tables_only(bool on);
bool ud_symbolize_tables_only(void);

/* Forget cached module lists (after dlopen/dlclose the map is rebuilt lazily). */
void ud_symbolize_invalidate(void);

/*
** Append the demangled C++ name of `raw` ("_ZN5Cache3putEv" -> "Cache::put")
** to out. False, with out unchanged, when raw is not a mangled C++ name or
** does not demangle. Uses no heap but the runtime's and a stack of its own.
*/
bool ud_demangle(const char *raw, ud_buf_t *out);

/*
** Library frames: the C++ standard library's own code (std::mutex::lock,
** std::lock_guard, __gthread_mutex_lock, libstdc++.so), which stands between
** the program and the lock call and is never the call site a report names.
** The rule is in wrapper.c: by module, by source file, and by name when the
** file is unknown (names demangled: "std::", "__gnu_cxx::", "__gthread*",
** "__gthrw*", "__cxa_*").
*/
bool ud_symbolize_frame_is_wrapper(const ud_frame_t *f);
bool ud_symbolize_is_wrapper_name(const char *function);
bool ud_symbolize_is_wrapper_file(const char *file);
bool ud_symbolize_is_wrapper_module(const char *module);

/*
** The same rule for a return address, safe on the lock path: judged by the
** function symbol around pc-1 in the ELF symbol table of its module (read by
** the runtime itself) and by the module, without DWARF, so without the file.
** Cached per address.
*/
bool ud_symbolize_pc_is_wrapper(uintptr_t return_address);

/*
** Lock wrappers (lock_name.c): functions that make only a lock, so that the
** class of a lock made through one is its caller's site. A function is one
** when its own name (the last component of a C++ name) has the word lock,
** mutex, mtx, rwlock, spinlock, spin, latch, futex or critsec, the words
** split at '_', "::" and case changes: CRYPTO_THREAD_lock_new,
** uv_mutex_init, RecursiveMutex; not obj_new, new_block, clock_init.
*/
bool ud_symbolize_is_lock_name(const char *function);

/*
** The user's word over that rule, from the suppressions file's wrapper: and
** constructor: lines: given a function's demangled name, 1 if it is a lock
** wrapper, -1 if it is not one whatever its name, 0 if the user said
** nothing. It runs under the lock-path rule's lock: it must take no lock and
** allocate nothing. Set before the first lock is seen (cached answers are
** forgotten).
*/
typedef int (*ud_symbolize_user_rule_t)(const char *function);
void ud_symbolize_set_user_rule(ud_symbolize_user_rule_t rule);

/*
** What the class key of a lock made at a return address needs to know of
** the function around it, safe on the lock path as the rule above and
** cached per address (bits of ud_site_trait_t).
*/
typedef enum ud_site_trait {
	UD_SITE_LIBRARY = 1,	/* the C++ library's (ud_symbolize_pc_is_wrapper) */
	UD_SITE_LOCK_WRAPPER = 2,	/* a lock wrapper, by name or the user's rule */
	UD_SITE_UNNAMED = 4,	/* no function symbol covers it (stripped, JIT) */
	UD_SITE_GOBJECT = 8,	/* in libgobject-2.0 (GObject's type system) */
} ud_site_trait_t;
unsigned ud_symbolize_pc_traits(uintptr_t return_address);

/* Around fork(): the demangler's and the lock-path rule's locks are held
** across it, so that the child inherits whole tables. */
void ud_symbolize_fork_prepare(void);
void ud_symbolize_fork_parent(void);
void ud_symbolize_fork_child(void);

#endif
