/*
** suppress.c: read suppression files and match their patterns (suppress.h).
**
** Shared by the runtime and the `ulockdep` command, so it uses only runtime
** memory (ud_alloc), open/read and snprintf into the caller's buffer. Every
** malformed line is an error naming the file and line: a rule that silently
** did nothing would hide the very reports it was meant to keep.
*/
#include "suppress.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"

static const char *const type_names[UD_SUPP_TYPE_COUNT] = {
	[UD_SUPP_DEADLOCK] = "deadlock",
	[UD_SUPP_RECURSIVE] = "recursive",
	[UD_SUPP_LOCK] = "lock",
	[UD_SUPP_UNLOCK] = "unlock",
	[UD_SUPP_FREED] = "freed",
	[UD_SUPP_EXIT] = "exit",
	[UD_SUPP_RING] = "ring",
	[UD_SUPP_WRAPPER] = "wrapper",
	[UD_SUPP_CONSTRUCTOR] = "constructor",
};

const char *ud_supp_type_name(ud_supp_type_t t)
{
	return (unsigned)t < UD_SUPP_TYPE_COUNT ? type_names[t] : "?";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void add_rule(ud_supp_list_t *l, ud_supp_type_t type, const char *pat,
		     size_t n, unsigned line)
{
	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 8;
		l->rules = ud_realloc(l->rules, l->cap * sizeof *l->rules,
				      cap * sizeof *l->rules);
		l->cap = cap;
	}
	ud_supp_rule_t *r = &l->rules[l->n++];
	r->type = type;
	r->pattern_size = n + 1;
	r->pattern = ud_alloc(n + 1);
	memcpy(r->pattern, pat, n);
	r->line = line;
	r->hits = 0;
}

/* Print a visible version of s[0..n) (at most 40 bytes) into out. */
static void show(char *out, size_t len, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 40) {
			memcpy(out + k, "...", 3);
			k += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f)
			k += (size_t)snprintf(out + k, len - k, "\\x%02x", c);
		else
			out[k++] = (char)c;
	}
	out[k < len ? k : len - 1] = 0;
}

int ud_supp_parse(ud_supp_list_t *l, const char *file, const char *text,
		  size_t len, char *err, size_t errlen)
{
	unsigned lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;

		/* Trim both ends; a comment line starts with '#'. */
		while (n && is_space(line[0])) {
			line++;
			n--;
		}
		while (n && is_space(line[n - 1]))
			n--;
		if (n == 0 || line[0] == '#')
			continue;

		char shown[64];
		if (memchr(line, 0, n)) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", file, lineno);
			return -1;
		}
		const char *colon = memchr(line, ':', n);
		if (!colon) {
			show(shown, sizeof shown, line, n);
			snprintf(err, errlen, "%s:%u: missing ':' in '%s' (expected "
				 "TYPE:PATTERN)", file, lineno, shown);
			return -1;
		}
		size_t tn = (size_t)(colon - line);
		while (tn && is_space(line[tn - 1]))
			tn--;
		int type = -1;
		for (int t = 0; t < UD_SUPP_TYPE_COUNT; t++)
			if (strlen(type_names[t]) == tn &&
			    memcmp(type_names[t], line, tn) == 0)
				type = t;
		if (type < 0) {
			show(shown, sizeof shown, line, tn);
			int k = snprintf(err, errlen, "%s:%u: unknown suppression "
					 "type '%s' (expected ", file, lineno, shown);
			for (int t = 0; t < UD_SUPP_TYPE_COUNT && k >= 0 &&
					(size_t)k < errlen; t++)
				k += snprintf(err + k, errlen - (size_t)k, "%s%s",
					      t == 0 ? "" : t + 1 < UD_SUPP_TYPE_COUNT ?
					      ", " : " or ", type_names[t]);
			if (k >= 0 && (size_t)k < errlen)
				snprintf(err + k, errlen - (size_t)k, ")");
			return -1;
		}
		const char *pat = colon + 1;
		size_t pn = n - (size_t)(pat - line);
		while (pn && is_space(pat[0])) {
			pat++;
			pn--;
		}
		/* "^", "$" and "^$" anchor nothing to match against. */
		size_t core = pn;
		if (core && pat[0] == '^')
			core--;
		if (core && pat[pn - 1] == '$')
			core--;
		if (core == 0) {
			snprintf(err, errlen, "%s:%u: empty pattern after '%s:'",
				 file, lineno, type_names[type]);
			return -1;
		}
		add_rule(l, (ud_supp_type_t)type, pat, pn, lineno);
	}
	return 0;
}

/*
** Only a regular file, of at most UD_SUPP_FILE_MAX bytes, is read: the file
** is read by the preloaded runtime inside the program too, and a FIFO would
** block it, /dev/zero or /dev/urandom would be read until memory ran out.
** O_NONBLOCK keeps the open itself from waiting for a FIFO's writer.
*/
#define UD_SUPP_FILE_MAX (1u << 20)

int ud_supp_load(ud_supp_list_t *l, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read suppressions: %s", path,
			 strerror(errno));
		return -1;
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_size > UD_SUPP_FILE_MAX)
		why = "larger than 1 MiB";
	if (why) {
		snprintf(err, errlen, "%s: cannot read suppressions: %s", path, why);
		close(fd);
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = ud_alloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap >= UD_SUPP_FILE_MAX) {
				/* Grew since fstat(): refuse rather than read on. */
				snprintf(err, errlen, "%s: cannot read suppressions: "
					 "larger than 1 MiB", path);
				close(fd);
				ud_free(buf, cap);
				return -1;
			}
			buf = ud_realloc(buf, cap, cap * 2);
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read suppressions: %s",
				 path, strerror(errno));
			close(fd);
			ud_free(buf, cap);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	int rc = ud_supp_parse(l, path, buf, len, err, errlen);
	ud_free(buf, cap);
	return rc;
}

int ud_supp_wrapper_rule(const ud_supp_list_t *l, const char *function)
{
	for (unsigned i = 0; i < l->n; i++) {
		const ud_supp_rule_t *r = &l->rules[i];
		if ((r->type == UD_SUPP_WRAPPER || r->type == UD_SUPP_CONSTRUCTOR) &&
		    ud_supp_match(r->pattern, function))
			return r->type == UD_SUPP_WRAPPER ? 1 : -1;
	}
	return 0;
}

void ud_supp_free(ud_supp_list_t *l)
{
	for (unsigned i = 0; i < l->n; i++)
		ud_free(l->rules[i].pattern, l->rules[i].pattern_size);
	if (l->rules)
		ud_free(l->rules, l->cap * sizeof *l->rules);
	l->rules = NULL;
	l->n = l->cap = 0;
}

/*
** A pattern as matched: its text, with a '*' before it when it is not
** anchored at the start and one after it when not anchored at the end, so
** that "matches anywhere" is one whole-string match rather than a match of
** every substring (which was cubic in the length of a C++ name).
*/
typedef struct pat {
	const char *p;
	size_t n, len;		/* text length; length with the added stars */
	bool lead;
} pat_t;

static char pat_at(const pat_t *v, size_t i)
{
	if (v->lead) {
		if (i == 0)
			return '*';
		i--;
	}
	return i < v->n ? v->p[i] : '*';
}

/*
** Glob match of the whole of s[0..sn): '*' and '?'. One pass; on a mismatch
** only the last '*' seen takes one more character, which is enough for
** these two wildcards: time O(pattern * string) at worst, about linear in
** the string for the patterns people write.
*/
static bool glob(const pat_t *v, const char *s, size_t sn)
{
	size_t pi = 0, si = 0;
	size_t star = (size_t)-1, mark = 0;	/* last '*' and where it resumed */
	while (si < sn) {
		char c = pi < v->len ? pat_at(v, pi) : 0;
		if (pi < v->len && c != '*' && (c == '?' || c == s[si])) {
			pi++;
			si++;
		} else if (pi < v->len && c == '*') {
			star = pi++;
			mark = si;
		} else if (star != (size_t)-1) {
			/* Let the last '*' take one more character. */
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < v->len && pat_at(v, pi) == '*')
		pi++;
	return pi == v->len;
}

bool ud_supp_match(const char *pattern, const char *s)
{
	if (!s)
		return false;
	size_t pn = strlen(pattern);
	bool head = pn && pattern[0] == '^';
	if (head) {
		pattern++;
		pn--;
	}
	bool tail = pn && pattern[pn - 1] == '$';
	if (tail)
		pn--;
	pat_t v = { pattern, pn, pn + !head + !tail, !head };
	return glob(&v, s, strlen(s));
}
