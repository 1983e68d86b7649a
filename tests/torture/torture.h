/*
** torture.h: what the torture programs share. Each program is correct on
** its own (run.sh runs it natively first) and runs for the seconds given as
** its first argument (default 3).
*/
#ifndef UD_TORTURE_H
#define UD_TORTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A call the program relies on: a failure ends the run with its errno. */
#define MUST(call)                                                            \
	do {                                                                  \
		int must_rc_ = (call);                                        \
		if (must_rc_ != 0) {                                          \
			fprintf(stderr, "%s:%d: %s: %s\n", __FILE__,          \
				__LINE__, #call,                              \
				strerror(must_rc_ > 0 ? must_rc_ : errno));   \
			exit(1);                                              \
		}                                                             \
	} while (0)

static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The run's length in seconds, from argv[1]. */
static inline double run_seconds(int argc, char **argv)
{
	double s = argc > 1 ? atof(argv[1]) : 3.0;
	return s > 0 ? s : 3.0;
}

#endif
