/*
** sig_default.c: what the program sees of the signals the runtime watches
** for process records (SIGINT, SIGTERM, ...): the default action, as without
** the runtime. Prints one line per check that fails, "ok" when none does.
** Used by tests/cli/record_signal_default.sh.
*/
#include <signal.h>
#include <stdio.h>
#include <string.h>

static void handler(int sig)
{
	(void)sig;
}

int main(void)
{
	int bad = 0;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction cur;
		memset(&cur, 0xff, sizeof cur);
		if (sigaction(sigs[i], NULL, &cur) != 0 || (cur.sa_flags & SA_SIGINFO) ||
		    cur.sa_handler != SIG_DFL) {
			printf("sigaction(%d) query: not the default action\n", sigs[i]);
			bad = 1;
		}
	}
	/* signal() returns the previous disposition. */
	if (signal(SIGINT, handler) != SIG_DFL) {
		printf("signal(SIGINT) returned a handler\n");
		bad = 1;
	}
	if (signal(SIGINT, SIG_DFL) != handler) {
		printf("signal(SIGINT) did not return the program's handler\n");
		bad = 1;
	}
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_handler = handler;
	sigemptyset(&act.sa_mask);
	if (sigaction(SIGTERM, &act, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
	    old.sa_handler != SIG_DFL) {
		printf("sigaction(SIGTERM) install: old was not the default action\n");
		bad = 1;
	}
	if (!bad)
		printf("ok\n");
	return bad;
}
