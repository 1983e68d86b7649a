/* debug.c: what a failed check of the debug build does (debug.h). */
#include "debug.h"

#ifdef UD_DEBUG
#include <stdlib.h>

#include "log.h"

void ud_assert_fail(const char *what, const char *file, int line)
{
	ud_log_message("internal error: check failed: %s (%s:%d)", what, file, line);
	abort();
}
#else
/* ISO C wants something in every translation unit. */
typedef int ud_debug_unused_t;
#endif
