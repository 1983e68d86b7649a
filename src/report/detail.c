/*
** detail.c: what a report says beyond its locks, as names and sentences the
** formats share: the signal usage of an inconsistent lock state or a signal
** dependency, the assertion or pin misuse of an assert, the reason of a bad
** unlock.
*/
#define _GNU_SOURCE	/* sigabbrev_np */
#include "format.h"

#include <string.h>

void ud_report_signal_name(ud_buf_t *b, unsigned sig)
{
	const char *n = sigabbrev_np((int)sig);
	if (n)
		ud_buf_printf(b, "SIG%s", n);
	else
		ud_buf_printf(b, "SIG%u", sig);
}

void ud_report_usage_name(ud_buf_t *b, unsigned sig, bool in, bool read)
{
	if (in)
		ud_buf_puts(b, "IN-");
	ud_report_signal_name(b, sig);
	ud_buf_printf(b, "%s-%s", in ? "" : "-ON", read ? "R" : "W");
}

static const struct {
	const char *check, *call;
} asserts[UD_ASSERT_COUNT] = {
	[UD_ASSERT_HELD] = { "held", "ulockdep_assert_held" },
	[UD_ASSERT_HELD_WRITE] = { "held_write", "ulockdep_assert_held_write" },
	[UD_ASSERT_HELD_READ] = { "held_read", "ulockdep_assert_held_read" },
	[UD_ASSERT_NOT_HELD] = { "not_held", "ulockdep_assert_not_held" },
	[UD_ASSERT_NONE_HELD] = { "none_held", "ulockdep_assert_none_held" },
	[UD_ASSERT_PIN_NOT_HELD] = { "pin_not_held", "ulockdep_pin" },
	[UD_ASSERT_UNPIN_NOT_PINNED] = { "unpin_not_pinned", "ulockdep_unpin" },
	[UD_ASSERT_RELEASE_PINNED] = { "release_pinned", "release" },
};

const char *ud_report_assert_check(unsigned what)
{
	return what < UD_ASSERT_COUNT ? asserts[what].check : "unknown";
}

const char *ud_report_assert_call(unsigned what)
{
	return what < UD_ASSERT_COUNT ? asserts[what].call : "unknown";
}

bool ud_report_assert_has_lock(const ud_report_t *r)
{
	switch (r->detail) {
	case UD_ASSERT_NOT_HELD:
	case UD_ASSERT_NONE_HELD:
	case UD_ASSERT_RELEASE_PINNED:
		return true;
	case UD_ASSERT_HELD:
	case UD_ASSERT_HELD_WRITE:
	case UD_ASSERT_HELD_READ:
		return r->held.pc != 0;
	default:
		return false;
	}
}

void ud_report_assert_message(ud_buf_t *b, const ud_report_t *r)
{
	const char *name = ud_report_class_name(&r->target.cls);
	const char *other = ud_report_class_name(&r->held.cls);
	switch (r->detail) {
	case UD_ASSERT_NONE_HELD:
		ud_buf_printf(b, "asserts that it holds no lock, but holds %s", other);
		break;
	case UD_ASSERT_RELEASE_PINNED:
		ud_buf_printf(b, "releases %s, pinned and not unpinned", name);
		break;
	case UD_ASSERT_UNPIN_NOT_PINNED:
		ud_buf_printf(b, "unpins %s, which it has not pinned", name);
		break;
	case UD_ASSERT_PIN_NOT_HELD:
		ud_buf_printf(b, "pins %s, which it does not hold", name);
		break;
	case UD_ASSERT_NOT_HELD:
		ud_buf_printf(b, "failed %s(%s): it holds the lock",
			      ud_report_assert_call(r->detail), name);
		break;
	default:
		ud_buf_printf(b, "failed %s(%s): %s", ud_report_assert_call(r->detail),
			      name, !r->held.pc ? "it does not hold the lock" :
			      r->held.mode == UD_MODE_WRITE ? "it holds it for writing" :
			      "it holds it for reading");
		break;
	}
}

/* ---- bad unlocks ---------------------------------------------------------- */

static const struct {
	const char *word, *but;
} bad_unlocks[] = {
	[UD_BAD_UNLOCK_NOT_HELD] = { "not_held", "there are no more locks to release!" },
	[UD_BAD_UNLOCK_DESTROYED] = { "destroyed",
		"it is not a lock: it looks destroyed (its type word is -1)!" },
	[UD_BAD_UNLOCK_NOT_A_LOCK] = { "not_a_lock",
		"it is not a lock: the memory holds no initialised lock!" },
};

const char *ud_report_bad_unlock_reason(unsigned why)
{
	return why < sizeof bad_unlocks / sizeof bad_unlocks[0] ? bad_unlocks[why].word
								: "not_held";
}

const char *ud_report_bad_unlock_text(unsigned why)
{
	return why < sizeof bad_unlocks / sizeof bad_unlocks[0] ? bad_unlocks[why].but
								: bad_unlocks[0].but;
}
