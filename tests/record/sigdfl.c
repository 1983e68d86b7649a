/*
** sigdfl.c: what a program under `ulockdep run` sees of the dispositions of
** the fatal signals the runtime watches for its record. Prints, for SIGINT
** and SIGTERM as sigaction() reads them and for SIGHUP as signal() returns
** it, "dfl" or "other"; with "die", then ends by SIGTERM's default action.
*/
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void nothing(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sigaction old;
	memset(&old, 0xff, sizeof old);
	sigaction(SIGINT, NULL, &old);
	printf("SIGINT %s\n", old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO) ? "dfl" : "other");
	memset(&old, 0xff, sizeof old);
	sigaction(SIGTERM, NULL, &old);
	printf("SIGTERM %s\n", old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO) ? "dfl" : "other");
	void (*prev)(int) = signal(SIGHUP, nothing);
	printf("SIGHUP %s\n", prev == SIG_DFL ? "dfl" : "other");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "die"))
		raise(SIGTERM);
	return 0;
}
