/*
** fuzz_supp_parse.c: ud_supp_parse and ud_supp_load (src/report/suppress.c)
** on arbitrary file text, NUL bytes and all.
**
** A suppression file is read by `ulockdep run` and again by the runtime
** inside the program. For each input this checks that:
**  - the result is 0 or -1; err holds a NUL within its size (sizes 0, 7 and
**    512, each its own allocation), and a short err holds the start of the
**    message a long one gets;
**  - the result, and every rule or the line of the error, is what a
**    reference parser written here from docs/reports.md gives: one rule per
**    line, blank and '#' lines skipped, TYPE:PATTERN with blanks around both
**    trimmed, one of the six types, a pattern with something besides its
**    anchors, no NUL byte;
**  - an error starts with "FILE:LINE: " and, like the whole message, holds
**    no control character (the offending text is shown escaped);
**  - every rule's pattern ends with a NUL at pattern_size - 1;
**  - parsing twice appends the same rules again;
**  - ud_supp_load, reading the same bytes from a file, gives the same result
**    and the same message;
**  - ud_supp_free gives back every block with the size it was allocated
**    with, and nothing leaks (alloc_shim.c and ASan's leak checker).
*/
// SOURCES: src/report/suppress.c
// FLAGS: -max_len=9000
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "report/suppress.h"

/* The types in the order of ud_supp_type_t, as docs/reports.md spells them. */
static const char *const types[] = {
	"deadlock", "recursive", "lock", "unlock", "freed", "exit", "ring", "wrapper",
	"constructor",
};
#define NTYPES (sizeof types / sizeof types[0])

typedef struct ref_rule {
	unsigned type;
	const char *pat;
	size_t pn;
	unsigned line;
} ref_rule_t;

/* Blanks: the C locale's spaces, less the newline that ends a line. */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
** The reference: the rules of text into out, their count in *n; 0, or the
** number of the first bad line.
*/
static unsigned ref_parse(const char *text, size_t len, ref_rule_t *out,
			  size_t *n)
{
	unsigned line = 0;
	*n = 0;
	for (size_t start = 0; start < len;) {
		size_t end = start;
		while (end < len && text[end] != '\n')
			end++;
		const char *s = text + start;
		size_t sn = end - start;
		start = end + 1;
		line++;

		while (sn && blank(s[0])) {
			s++;
			sn--;
		}
		while (sn && blank(s[sn - 1]))
			sn--;
		if (sn == 0 || s[0] == '#')
			continue;
		if (memchr(s, 0, sn))
			return line;
		const char *colon = memchr(s, ':', sn);
		if (!colon)
			return line;

		size_t tn = (size_t)(colon - s);
		while (tn && blank(s[tn - 1]))
			tn--;
		unsigned t = 0;
		while (t < NTYPES && !(strlen(types[t]) == tn &&
				       memcmp(types[t], s, tn) == 0))
			t++;
		if (t == NTYPES)
			return line;

		const char *p = colon + 1;
		size_t pn = sn - (size_t)(p - s);
		while (pn && blank(p[0])) {
			p++;
			pn--;
		}
		/* What is left between the anchors must not be empty. */
		const char *c = p;
		size_t cn = pn;
		if (cn && c[0] == '^') {
			c++;
			cn--;
		}
		if (cn && c[cn - 1] == '$')
			cn--;
		if (cn == 0)
			return line;

		out[*n].type = t;
		out[*n].pat = p;
		out[*n].pn = pn;
		out[*n].line = line;
		(*n)++;
	}
	return 0;
}

static void check_rule(const ud_supp_rule_t *r, const ref_rule_t *want,
		       size_t i)
{
	CHECK(r->type == (ud_supp_type_t)want->type, "rule %zu: type %d, not %u",
	      i, (int)r->type, want->type);
	CHECK(strcmp(ud_supp_type_name(r->type), types[want->type]) == 0,
	      "rule %zu: type named %s", i, ud_supp_type_name(r->type));
	CHECK(r->line == want->line, "rule %zu: line %u, not %u", i, r->line,
	      want->line);
	CHECK(r->pattern_size == want->pn + 1, "rule %zu: pattern_size %zu, "
	      "pattern %zu bytes", i, r->pattern_size, want->pn);
	CHECK(memcmp(r->pattern, want->pat, want->pn) == 0 &&
	      r->pattern[want->pn] == 0, "rule %zu: other pattern", i);
	CHECK(r->hits == 0, "rule %zu: %lu hits", i, r->hits);
}

/* The memfd that ud_supp_load reads the input from, and its name. */
static int memfd = -1;
static char memfd_path[64];

static void setup_memfd(void)
{
	if (memfd >= 0)
		return;
	memfd = memfd_create("supp", MFD_CLOEXEC);
	CHECK(memfd >= 0, "memfd_create failed");
	snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
}

static const size_t err_sizes[] = { 0, 7, 512 };
#define NSIZES (sizeof err_sizes / sizeof err_sizes[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *file = memfd_path;

	setup_memfd();
	ref_rule_t *want = malloc((size + 1) * sizeof *want);
	size_t nwant;
	unsigned bad_line = ref_parse(text, size, want, &nwant);

	ud_supp_list_t l[NSIZES];
	char *err[NSIZES];
	int rc[NSIZES];
	for (size_t i = 0; i < NSIZES; i++) {
		memset(&l[i], 0, sizeof l[i]);
		err[i] = malloc(err_sizes[i]);
		memset(err[i], 'x', err_sizes[i]);
		rc[i] = ud_supp_parse(&l[i], file, text, size, err[i],
				      err_sizes[i]);
	}

	const size_t full = NSIZES - 1;
	const char *msg = err[full];
	CHECK(rc[full] == 0 || rc[full] == -1, "returned %d", rc[full]);
	CHECK(rc[full] == (bad_line ? -1 : 0), "returned %d; the reference "
	      "says line %u is bad", rc[full], bad_line);
	if (rc[full] < 0) {
		char prefix[128];
		snprintf(prefix, sizeof prefix, "%s:%u: ", file, bad_line);
		CHECK(memchr(msg, 0, err_sizes[full]), "message not terminated");
		CHECK(strncmp(msg, prefix, strlen(prefix)) == 0 &&
		      strlen(msg) > strlen(prefix),
		      "message '%s' does not start with '%s'", msg, prefix);
		CHECK(strlen(msg) + 1 < err_sizes[full], "message filled err");
		for (const char *c = msg; *c; c++)
			CHECK((unsigned char)*c >= 0x20 && *c != 0x7f,
			      "control character 0x%02x in '%s'",
			      (unsigned char)*c, msg);
		for (size_t i = 1; i < full; i++) {
			size_t want_len = strlen(msg) < err_sizes[i] - 1 ?
					  strlen(msg) : err_sizes[i] - 1;
			CHECK(memchr(err[i], 0, err_sizes[i]) &&
			      strlen(err[i]) == want_len &&
			      memcmp(err[i], msg, want_len) == 0,
			      "err size %zu: not the start of '%s'",
			      err_sizes[i], msg);
		}
	}
	for (size_t i = 0; i < NSIZES; i++)
		CHECK(rc[i] == rc[full], "err size %zu: returned %d",
		      err_sizes[i], rc[i]);

	if (rc[full] == 0) {
		CHECK(l[full].n == nwant, "%u rules, the reference has %zu",
		      l[full].n, nwant);
		for (size_t i = 0; i < nwant; i++)
			check_rule(&l[full].rules[i], &want[i], i);
		/* Parsing appends. */
		char again[8];
		int rc2 = ud_supp_parse(&l[full], file, text, size, again,
					sizeof again);
		CHECK(rc2 == 0 && l[full].n == 2 * nwant,
		      "second parse: %d, %u rules", rc2, l[full].n);
		for (size_t i = 0; i < nwant; i++)
			check_rule(&l[full].rules[nwant + i], &want[i], i);
	}

	/* The same bytes through a file. */
	CHECK(ftruncate(memfd, 0) == 0, "ftruncate failed");
	CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size, "pwrite failed");
	ud_supp_list_t fl = { 0 };
	char ferr[512];
	int frc = ud_supp_load(&fl, memfd_path, ferr, sizeof ferr);
	CHECK(frc == rc[full], "ud_supp_load returned %d, parse %d (%s)", frc,
	      rc[full], frc ? ferr : "");
	if (frc < 0)
		CHECK(strcmp(ferr, msg) == 0, "ud_supp_load said '%s', parse "
		      "'%s'", ferr, msg);
	else {
		CHECK(fl.n == nwant, "ud_supp_load: %u rules, not %zu", fl.n,
		      nwant);
		for (size_t i = 0; i < nwant; i++)
			check_rule(&fl.rules[i], &want[i], i);
	}
	ud_supp_free(&fl);

	for (size_t i = 0; i < NSIZES; i++) {
		ud_supp_free(&l[i]);
		CHECK(l[i].n == 0 && l[i].cap == 0 && !l[i].rules,
		      "list not empty after ud_supp_free");
		free(err[i]);
	}
	free(want);
	return 0;
}
