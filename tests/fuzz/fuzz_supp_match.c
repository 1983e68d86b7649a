/*
** fuzz_supp_match.c: ud_supp_match (src/report/suppress.c), the pattern
** matcher of suppressions, on a pattern and a string split from the input
** at its first NUL byte (the string ends at the next NUL or the end).
**
** The rule, from docs/reports.md: a pattern matches anywhere in the string;
** '*' matches any text, '?' one character; a leading '^' anchors it at the
** start and a trailing '$' at the end. This checks that:
**  - on short inputs, the result is the one of a reference written here the
**    plain way: try every start the anchors allow, and match the pattern
**    from there by dynamic programming over (pattern, string) positions;
**  - at any length, a pattern without '*' or '?' matches exactly when its
**    text is in the string (at the start with '^', at the end with '$', the
**    whole string with both);
**  - at any length, a match survives a character added at an end the
**    pattern is not anchored to;
**  - no string is matched when there is none (NULL).
** The matcher runs with the reporting thread holding the program's locks,
** so run.sh also gives each input a time limit: a matcher slower than about
** pattern x string on long inputs shows as a timeout.
*/
// SOURCES: src/report/suppress.c
// FLAGS: -max_len=8192
#define _GNU_SOURCE		/* memmem */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "report/suppress.h"

/* The reference's bounds: its cost is pattern x string^2. */
#define REF_PAT 40
#define REF_STR 80

/*
** Does p[0..pn) match a run of s starting at s[0]? If to_end, the run must
** be the rest of s. row[j]: the pattern so far matches s[0..j).
*/
static bool ref_from(const char *p, size_t pn, const char *s, size_t sn,
		     bool to_end)
{
	bool row[REF_STR + 1];
	memset(row, 0, sizeof row);
	row[0] = true;
	for (size_t k = 0; k < pn; k++) {
		if (p[k] == '*') {
			/* Any run: every end at or after a reachable one. */
			for (size_t j = 1; j <= sn; j++)
				row[j] = row[j] || row[j - 1];
		} else {
			for (size_t j = sn; j > 0; j--)
				row[j] = row[j - 1] &&
					 (p[k] == '?' || p[k] == s[j - 1]);
			row[0] = false;
		}
	}
	if (to_end)
		return row[sn];
	for (size_t j = 0; j <= sn; j++)
		if (row[j])
			return true;
	return false;
}

static bool ref_match(const char *p, const char *s)
{
	size_t pn = strlen(p), sn = strlen(s);
	bool head = pn && p[0] == '^';
	if (head) {
		p++;
		pn--;
	}
	bool tail = pn && p[pn - 1] == '$';
	if (tail)
		pn--;
	for (size_t i = 0; i <= (head ? 0 : sn); i++)
		if (ref_from(p, pn, s + i, sn - i, tail))
			return true;
	return false;
}

/* The expected result for a pattern without wildcards, at any length. */
static bool literal_match(const char *p, const char *s)
{
	size_t pn = strlen(p), sn = strlen(s);
	bool head = pn && p[0] == '^';
	if (head) {
		p++;
		pn--;
	}
	bool tail = pn && p[pn - 1] == '$';
	if (tail)
		pn--;
	if (head && tail)
		return pn == sn && memcmp(p, s, pn) == 0;
	if (head)
		return pn <= sn && memcmp(p, s, pn) == 0;
	if (tail)
		return pn <= sn && memcmp(p, s + sn - pn, pn) == 0;
	/* memmem: the text without its anchors' characters. */
	return memmem(s, sn, p, pn) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t pn = nul ? (size_t)(nul - data) : size;
	const uint8_t *rest = nul ? nul + 1 : data + size;
	size_t rn = (size_t)(data + size - rest);
	const uint8_t *nul2 = memchr(rest, 0, rn);
	size_t sn = nul2 ? (size_t)(nul2 - rest) : rn;

	/* Room for one added character at either end. */
	char *pat = malloc(pn + 1);
	char *str = malloc(sn + 3);
	memcpy(pat, data, pn);
	pat[pn] = 0;
	memcpy(str + 1, rest, sn);
	str[sn + 1] = 0;
	char *s = str + 1;

	bool got = ud_supp_match(pat, s);
	bool head = pn && pat[0] == '^';
	bool tail = pn > (size_t)head && pat[pn - 1] == '$';

	if (pn <= REF_PAT && sn <= REF_STR)
		CHECK(got == ref_match(pat, s), "'%s' on '%s': %d, the "
		      "reference says %d", pat, s, got, !got);
	if (!strpbrk(pat, "*?"))
		CHECK(got == literal_match(pat, s), "literal '%s' on '%s': %d",
		      pat, s, got);
	CHECK(!ud_supp_match(pat, NULL), "'%s' matched NULL", pat);

	if (got && !head) {
		/* A character before: 'x', or '*' to tempt a confusion. */
		str[0] = sn & 1 ? '*' : 'x';
		CHECK(ud_supp_match(pat, str), "'%s' matches '%s' but not '%s'",
		      pat, s, str);
	}
	if (got && !tail) {
		s[sn] = sn & 1 ? 'x' : '?';
		s[sn + 1] = 0;
		CHECK(ud_supp_match(pat, s), "'%s' matches a string but not "
		      "with '%c' after it", pat, s[sn]);
	}

	free(pat);
	free(str);
	return 0;
}
