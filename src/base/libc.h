/*
** libc.h: libc's own definitions, whatever else the process interposes.
**
** A sanitizer's runtime loaded before ours (linked into the program, or
** first in the library list) exports its own definitions of some libc
** functions. The runtime, which a sanitizer does not instrument, calls
** libc's: looked up in libc's handle, not in the global lookup order.
*/
#ifndef UD_BASE_LIBC_H
#define UD_BASE_LIBC_H

#include <stdbool.h>

/*
** The definition of name in libc (in libpthread before glibc 2.34), at
** version (NULL: the default one); NULL if there is none. Allocates nothing
** when the next definition is libc's; when another comes first (a
** sanitizer's), it opens libc's handle, which may allocate: call it at
** start-up, not on the lock path.
*/
void *ud_libc_sym(const char *name, const char *version);

/*
** Whether p is in libc (in libpthread, when that is loaded); allocates
** nothing, so it may be asked while the program's allocator holds a lock.
*/
bool ud_libc_owns(const void *p);

#endif
