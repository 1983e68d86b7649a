/*
** cli.h: pieces of the `ulockdep` command shared between its source files.
** The command is an ordinary program: it may use stdio and malloc freely.
*/
#ifndef UD_CLI_CLI_H
#define UD_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of the command itself (the program's own status otherwise). */
#define UD_EXIT_USAGE 2		/* bad command line, options or setup */
#define UD_EXIT_NOEXEC 126	/* program found but cannot be executed */
#define UD_EXIT_NOTFOUND 127	/* program not found */

#include "base/options.h"

/* `ulockdep run ...`: argv[0] is "run"; returns the exit status. */
int ud_cmd_run(int argc, char **argv);
/*
** After the program ended with wait status wstatus: check the records in
** dir (then removed), report, and return the exit status of the run.
*/
int ud_run_finish(const ud_options_t *o, const char *dir, int wstatus,
		  char *const *argv, int argc);
/* The other commands (argv[0] is the command's name). */
int ud_cmd_merge(int argc, char **argv);
int ud_cmd_check(int argc, char **argv);
int ud_cmd_graph(int argc, char **argv);
int ud_cmd_stats(int argc, char **argv);
void ud_cli_run_usage(FILE *f);
/* Print docs/options.md, generated from options.inc. */
void ud_cli_options_markdown(FILE *f);
/*
** Absolute path of libulockdep.so: ULOCKDEP_LIB, or looked up next to the
** command (build tree and install layouts). NULL after printing why not.
*/
char *ud_cli_find_runtime(void);
/* libulockdep_free.so, next to the runtime library rt (check_free_held or
** check_free=1); malloc'd, or NULL after saying why: an error when required
** (check_free=1), else a warning. */
char *ud_cli_find_free_lib(const char *rt, bool required);
/* The sanitizer a program (an ELF file) is built with. */
typedef struct ud_cli_san {
	const char *name;	/* "AddressSanitizer"...; NULL: none, or not ELF */
	bool refused;		/* cannot run with the runtime */
	bool dynamic;		/* its runtime is a shared library (DT_NEEDED) */
} ud_cli_san_t;
void ud_cli_sanitizer(const char *path, ud_cli_san_t *out);
/* 0 if the runtime can enter the program at path (named prog on the command
** line); -1 after saying why not: statically linked, or setuid/setgid. */
int ud_cli_check_reachable(const char *prog, const char *path);
/* Print "ulockdep: MESSAGE" and a newline on stderr, control characters
** shown as '?': for one-line messages that quote the user's text. */
void ud_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* realloc and strdup that end the command (status 70) when memory runs out
** (xalloc.c). */
void *ud_cli_xrealloc(void *p, size_t n);
char *ud_cli_xstrdup(const char *s);

#endif
