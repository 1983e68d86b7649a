/*
** fingerprint.c: a problem's fingerprint, the same in every process and
** run that meets it (JSON "signature", SARIF partialFingerprints).
**
** The engine's signature tells one process's problems apart by class
** numbers, which are only the order in which that process met its classes:
** two programs' first two classes have the same numbers, and one more lock
** renumbers the rest. The fingerprint hashes what the problem is in the
** source instead: its kind, the stable identities of its classes
** (identity.c), the signal it is about, and for a problem at one call (bad
** unlock, freed lock, failed assertion) the function that made it. A
** cycle's classes are sorted, so that where it closed does not matter.
*/
#include "format.h"

#include <string.h>

#include "../symbolize/symbolize.h"

#define FP_MAX_CLASSES 64	/* classes of a cycle sorted; longer ones cut */

/* FNV-1a: a fixed hash, the same in every process. */
static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	/* A separator, so that "ab","c" and "a","bc" differ. */
	h ^= 0xff;
	return h * 0x100000001b3ull;
}

static uint64_t hash_u64(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t class_hash(const ud_report_class_t *c)
{
	return hash_str(0xcbf29ce484222325ull, ud_report_class_identity(c, NULL));
}

static uint64_t mix_class(uint64_t h, const ud_report_class_t *c)
{
	return c->id ? hash_u64(h, class_hash(c)) : hash_u64(h, 0);
}

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

/* The function the problem happened in (the title's), or "" when none of
** the program's. */
static uint64_t mix_function(uint64_t h, const ud_report_t *r)
{
	ud_frame_t f;
	if (ud_report_culprit_frame(r, &f) && f.function)
		return hash_str(h, f.function);
	return hash_str(h, "");
}

uint64_t ud_report_fingerprint(const ud_report_t *r)
{
	const ud_report_kind_info_t *info = ud_report_kind_info(r->kind);
	uint64_t h = hash_str(0xcbf29ce484222325ull, info ? info->word : "?");
	switch (r->kind) {
	case UD_REPORT_CIRCULAR: {
		uint64_t v[FP_MAX_CLASSES];
		unsigned n = 0;
		for (unsigned i = 0; i < r->nlinks && n < FP_MAX_CLASSES; i++)
			v[n++] = class_hash(&r->links[i].lock.cls);
		sort_u64(v, n);
		/* Two instances of one class: every link names that class. */
		for (unsigned i = 0; i < n; i++)
			h = hash_u64(h, v[i]);
		break;
	}
	case UD_REPORT_RECURSIVE:
		h = mix_class(h, &r->target.cls);
		h = hash_u64(h, r->same_instance);
		break;
	case UD_REPORT_WAIT_CONTEXT:
		h = mix_class(mix_class(h, &r->target.cls), &r->held.cls);
		break;
	case UD_REPORT_HELD_AT_EXIT:
		for (unsigned i = 0; i < r->nheld; i++)
			h = mix_class(h, &r->held_locks[i].cls);
		break;
	case UD_REPORT_INCONSISTENT:
		h = hash_u64(mix_class(h, &r->target.cls), r->detail & 0xff);
		break;
	case UD_REPORT_SIG_ORDER:
	case UD_REPORT_SIG_INVERSION:
		h = mix_class(mix_class(h, &r->safe), &r->unsafe);
		h = hash_u64(h, r->detail & 0xff);
		break;
	case UD_REPORT_ASSERT:
		h = hash_u64(h, r->detail);
		/* fall through */
	default:
		/* A problem at one call: bad unlock, freed lock, assertion. */
		h = mix_function(mix_class(h, &r->target.cls), r);
		break;
	}
	return h;
}
