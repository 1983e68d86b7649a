/*
** options_doc.c: docs/options.md, printed by the hidden command
** `ulockdep options-markdown` from the same list (options.inc) that builds the
** parser, so the document cannot describe options that do not exist.
** tests/cli/options.sh compares this output with the file in the tree.
*/
#include "cli.h"

#include "base/options.h"

#include <limits.h>
#include <string.h>

/* Table cell text: '|' would end the cell and "<pid>" would vanish as HTML. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

static void md_start(FILE *f, const char *name)
{
	fprintf(f, "| `%s` | ", name);
}

static void md_end(FILE *f, const char *desc)
{
	md_text(f, desc);
	fputs(" |\n", f);
}

static void md_row_BOOL(FILE *f, const char *name, long def, const char *desc)
{
	md_start(f, name);
	fprintf(f, "boolean | `%ld` | ", def);
	md_end(f, desc);
}

static void md_row_INT(FILE *f, const char *name, long def, const char *desc)
{
	long min, max;
	ud_options_int_limits(name, &min, &max);
	md_start(f, name);
	if (max == LONG_MAX)
		fprintf(f, "integer >= %ld", min);
	else
		fprintf(f, "integer, %ld to %ld", min, max);
	fprintf(f, " | `%ld` | ", def);
	md_end(f, desc);
}

static void md_row_STR(FILE *f, const char *name, const char *def,
		       const char *desc)
{
	md_start(f, name);
	if (def[0])
		fprintf(f, "string | `%s` | ", def);
	else
		fputs("string | (empty) | ", f);
	md_end(f, desc);
}

void ud_cli_options_markdown(FILE *f)
{
	fputs("# Runtime options\n"
	      "\n"
	      "<!-- This file is the output of `ulockdep options-markdown`, made from\n"
	      "     src/base/options.inc; tests/cli/options.sh fails when they differ. -->\n"
	      "\n"
	      "The ulockdep runtime reads its options from the environment variable\n"
	      "`ULOCKDEP_OPTIONS` when the program starts. `ulockdep run` also takes\n"
	      "every option on its command line, merges the two (the command line wins),\n"
	      "refuses a bad one before the program starts, and passes the result on in\n"
	      "`ULOCKDEP_OPTIONS`.\n"
	      "\n"
	      "## Syntax\n"
	      "\n"
	      "- Items are `name=value`, separated by `:` or whitespace; empty items are\n"
	      "  ignored: `ULOCKDEP_OPTIONS=\"strict=1:stack_frames=32\"`.\n"
	      "- A name may be written with `-` for `_` (`stack-frames=32`).\n"
	      "- Booleans take `0`, `1`, `yes`, `no`, `true` or `false` (in any case).\n"
	      "- Integers are decimal, without a sign, within the range shown below.\n", f);
	fprintf(f,
	      "- Strings take any text up to %d bytes. Quote the value with `'` or `\"`\n"
	      "  when it holds `:` or whitespace: `log_path='/tmp/my logs/app'`.\n",
	      UD_OPT_STR_MAX - 1);
	fputs("- When an option is given twice, the later item wins.\n"
	      "- An unknown name, a bad value or an item without `=` is an error that\n"
	      "  names the option, for example\n"
	      "  `option 'strict' expects a boolean (0/1/yes/no/true/false), got 'maybe'`.\n"
	      "\n"
	      "## Options\n"
	      "\n"
	      "| Option | Type | Default | Description |\n"
	      "|---|---|---|---|\n", f);
#define UD_OPTION(type, name, def, desc) md_row_##type(f, #name, def, desc);
#include "base/options.inc"
#undef UD_OPTION
	fputs("\n"
	      "## On the command line\n"
	      "\n"
	      "`ulockdep run` accepts each option as `--name=value` or `--name value`,\n"
	      "with dashes or underscores in the name. A boolean alone means `1`\n"
	      "(`--strict`), `--no-name` means `0`, and a boolean takes a value only\n"
	      "after `=` (`--summary=no`). `--options=STRING` takes a whole\n"
	      "`ULOCKDEP_OPTIONS` string. Options are applied in order: first\n"
	      "`ULOCKDEP_OPTIONS` from the environment, then the command line from left\n"
	      "to right.\n"
	      "\n"
	      "```sh\n"
	      "ulockdep run --strict --stack-frames=32 -- ./app --threads 8\n"
	      "ULOCKDEP_OPTIONS='log_path=/tmp/ulockdep:report_max=5' ulockdep run ./app\n"
	      "ulockdep run --options='stop_validating=1 exitcode=0' ./app\n"
	      "```\n", f);
}
