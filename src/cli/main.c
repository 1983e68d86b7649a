/*
** main.c: the `ulockdep` command: dispatch to a subcommand, --help, --version.
** The work of running a program under the validator is in cmd_run.c.
*/
#include "cli.h"

#include <string.h>

static void usage(FILE *f)
{
	fputs("Usage: ulockdep run [OPTIONS] [--] PROGRAM [ARGS...]\n"
	      "       ulockdep --help | --version\n"
	      "\n"
	      "Check the lock order of a C/C++ program while it runs, as the Linux\n"
	      "kernel's lockdep does: the runtime library is preloaded into PROGRAM,\n"
	      "watches every pthread and C11 lock it takes, and reports possible\n"
	      "deadlocks (lock order inversions), recursive locking, bad unlocks and\n"
	      "locks held when their memory is freed or their thread exits, the first\n"
	      "time the pattern is seen, whether or not it actually hangs.\n"
	      "\n"
	      "Commands:\n"
	      "  run            run PROGRAM under the validator ('ulockdep run --help'\n"
	      "                 lists the options)\n"
	      "  help [run]     show this help, or the help of 'run'\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "Example:\n"
	      "  ulockdep run --stack-frames=32 -- ./server --port 8080\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return UD_EXIT_USAGE;
	}
	const char *cmd = argv[1];

	if (!strcmp(cmd, "run"))
		return ud_cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[2], "run")) {
			ud_cli_run_usage(stdout);
			return 0;
		}
		ud_cli_error("no help for '%s': the only command "
			"is 'run'", argv[2]);
		fputs("Try 'ulockdep --help'.\n", stderr);
		return UD_EXIT_USAGE;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") ||
	    !strcmp(cmd, "version")) {
		printf("ulockdep %s\n", ULOCKDEP_VERSION);
		return 0;
	}
	/* Hidden: docs/options.md is this output; a test keeps them equal. */
	if (!strcmp(cmd, "options-markdown")) {
		ud_cli_options_markdown(stdout);
		return 0;
	}
	/* --help=x, --version=x: known options, which take no value. */
	size_t n = strcspn(cmd, "=");
	if (cmd[n] && ((n == 6 && !strncmp(cmd, "--help", n)) ||
		       (n == 9 && !strncmp(cmd, "--version", n))))
		ud_cli_error("option '%.*s' takes no value "
			"(given '%s')", (int)n, cmd, cmd);
	else if (cmd[0] == '-')
		ud_cli_error("unknown option '%s'", cmd);
	else
		ud_cli_error("unknown command '%s'", cmd);
	fputs("Try 'ulockdep --help'.\n", stderr);
	return UD_EXIT_USAGE;
}
