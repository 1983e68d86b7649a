/*
** log.h: where the runtime writes. A private duplicate of stderr is taken at
** start-up, so reports still arrive when the program closes or redirects its
** own fd 2; with log_path=PATH they go to PATH.<pid> instead, opened lazily so
** that a forked child gets a file of its own.
*/
#ifndef UD_BASE_LOG_H
#define UD_BASE_LOG_H

#include <stddef.h>

/* Set up the sink: path NULL or "" means the saved stderr. Returns 0 or -errno. */
int ud_log_init(const char *path);
/* Write all of buf (one write where possible). Never blocks on runtime locks. */
void ud_log_write(const char *buf, size_t len);
/* printf-style convenience for short messages (prefixed "ulockdep: "). */
void ud_log_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* In a fork child: a log_path file must be reopened for the new pid. */
void ud_log_fork_child(void);

#endif
