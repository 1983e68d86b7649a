/*
** lock_name.c: is a function a lock wrapper, by its name?
**
** Class keys tell a function that makes only a lock (a lock wrapper:
** CRYPTO_THREAD_lock_new, uv_mutex_init, v8's RecursiveMutex constructor)
** from one that makes an object holding a lock (a constructor: obj_new).
** Every lock made through a wrapper shares its init site, so the key looks
** past it; a constructor's site is the class (docs/design.md, "Lock
** classes"). The name says which: split into words at '_', "::", any other
** character that is not a letter or digit, between a lower-case letter and a
** capital, between letters and digits, and before the capital that starts
** a word after an acronym ("RWLock": RW, Lock), a wrapper has one of the
** words below. Only the function's own name counts: the last component of a
** C++ name, without template arguments or parameters, which for a
** constructor is its class's (v8::base::RecursiveMutex::RecursiveMutex).
** "block", "clock", "locked", "unlocked" are words of their own, so a
** function about them is no wrapper.
*/
#include "symbolize.h"

#include <string.h>

static const char *const lock_words[] = {
	"lock", "mutex", "mtx", "rwlock", "spinlock", "spin", "latch", "futex", "critsec",
};

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }

static bool lock_word(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof lock_words / sizeof lock_words[0]; i++) {
		const char *k = lock_words[i];
		if (strlen(k) != n)
			continue;
		size_t j = 0;
		while (j < n && (w[j] | 0x20) == k[j])
			j++;
		if (j == n)
			return true;
	}
	return false;
}

/* Does the identifier s[0..n) have a lock word? */
static bool has_lock_word(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		bool end = i == n || !is_alnum(s[i]);
		bool split = !end && i > start &&
			     ((is_upper(s[i]) &&
			       (is_lower(s[i - 1]) || is_digit(s[i - 1]) ||
				(is_upper(s[i - 1]) && i + 1 < n && is_lower(s[i + 1])))) ||
			      is_digit(s[i]) != is_digit(s[i - 1]));
		if (end || split) {
			if (i > start && lock_word(s + start, i - start))
				return true;
			start = end ? i + 1 : i;
		}
	}
	return false;
}

/*
** The last component of the qualified name at the head of function, without
** template arguments, lambda bodies or parameters.
*/
static void last_component(const char *function, const char **name, size_t *len)
{
	const char *s = function;
	size_t n = 0;
	int depth = 0;	/* inside <...>, {...}, or (...) within them */
	for (const char *p = function; *p; p++) {
		char c = *p;
		if (depth == 0 && c == '(')
			break;	/* the parameters */
		if (depth == 0 && c == ' ' && p[1] == '[')
			break;	/* " [clone .cold]" */
		if (c == '<' || c == '{' || (c == '(' && depth > 0)) {
			depth++;
		} else if ((c == '>' || c == '}' || c == ')') && depth > 0) {
			depth--;
		} else if (depth == 0 && c == ':' && p[1] == ':') {
			n = 0;
			p++;
		} else if (depth == 0) {
			if (n == 0)
				s = p;
			n = (size_t)(p - s) + 1;
		}
	}
	*name = s;
	*len = n;
}

bool ud_symbolize_is_lock_name(const char *function)
{
	if (!function)
		return false;
	const char *name;
	size_t n;
	last_component(function, &name, &n);
	return has_lock_word(name, n);
}
