/*
** kinds.c: what each report kind says, from src/engine/report_kinds.inc.
**
** The formatters look a kind up here rather than switching on it, so a kind
** added to the list has its words everywhere at once.
*/
#include "format.h"

static const ud_report_kind_info_t kinds[UD_REPORT_KIND_COUNT] = {
#define UD_REPORT_KIND(e, word_, headline_, title_, level_, rule_, text_, located_, help_) \
	[UD_REPORT_##e] = { .word = word_, .headline = headline_, .title = title_, \
			    .level = level_, .rule = rule_, .text = text_, \
			    .located = located_, .help = help_ },
#include "../engine/report_kinds.inc"
};

const ud_report_kind_info_t *ud_report_kind_info(ud_report_kind_t k)
{
	return (unsigned)k < UD_REPORT_KIND_COUNT ? &kinds[k] : NULL;
}

const char *ud_report_kind_name(ud_report_kind_t k)
{
	const ud_report_kind_info_t *i = ud_report_kind_info(k);
	return i ? i->word : "unknown";
}
