/*
** scenario.h: what the scenario programs share. MUST checks a call's result
** and aborts with its text, so a program that does not behave as its header
** says fails loudly instead of being judged on a wrong run.
*/
#ifndef UD_SCENARIO_H
#define UD_SCENARIO_H

#include <stdio.h>
#include <stdlib.h>

#define MUST(call, want)                                                     \
	do {                                                                 \
		int rc_ = (call);                                            \
		if (rc_ != (want)) {                                         \
			fprintf(stderr, "%s:%d: %s = %d, expected %d\n",     \
				__FILE__, __LINE__, #call, rc_, (want));     \
			abort();                                             \
		}                                                            \
	} while (0)

/* lock x, lock y, unlock y, unlock x: records the dependency x -> y */
#define LOCK_UNLOCK_2(x, y)                                                  \
	do {                                                                 \
		MUST(pthread_mutex_lock(&(x)), 0);                           \
		MUST(pthread_mutex_lock(&(y)), 0);                           \
		MUST(pthread_mutex_unlock(&(y)), 0);                         \
		MUST(pthread_mutex_unlock(&(x)), 0);                         \
	} while (0)

/* lock x, unlock x: records its usage in the current signal context */
#define LOCK_UNLOCK(x)                                                       \
	do {                                                                 \
		MUST(pthread_mutex_lock(&(x)), 0);                           \
		MUST(pthread_mutex_unlock(&(x)), 0);                         \
	} while (0)

/* Block signal sig in this thread, keeping the old mask in *old. */
#define BLOCK_SIGNAL(sig, old)                                               \
	do {                                                                 \
		sigset_t set_;                                               \
		sigemptyset(&set_);                                          \
		sigaddset(&set_, (sig));                                     \
		MUST(pthread_sigmask(SIG_BLOCK, &set_, (old)), 0);           \
	} while (0)

/* fn handles sig (sigaction, no flags, nothing blocked but sig itself). */
#define ON_SIGNAL(sig, fn)                                                   \
	do {                                                                 \
		struct sigaction sa_;                                        \
		memset(&sa_, 0, sizeof sa_);                                 \
		sa_.sa_handler = (fn);                                       \
		MUST(sigaction((sig), &sa_, NULL), 0);                       \
	} while (0)

#endif
