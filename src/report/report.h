/*
** report.h: where the engine's reports go: de-duplication, suppressions,
** formats and the output.
**
** The engine fills a ud_report_t (engine/types.h) while it holds its lock,
** then hands it to the sink of its configuration after releasing it; the
** runtime makes that sink ud_report_submit(). Everything a formatter needs is
** copied in (class keys, stack ids, thread names), so formatting may run
** later, may symbolize (which allocates and takes locks) and never touches
** the graph.
*/
#ifndef UD_REPORT_H
#define UD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../engine/types.h"

/*
** Hand a finished report over: duplicates (same signature) are counted and
** dropped; others go to the sink. Returns true if it was shown.
** Must be called without any engine lock held.
*/
bool ud_report_submit(ud_report_t *r);
/*
** The same, for a thread that must not wait for another one's report (a
** signal handler, which may have interrupted the holder of a lock the
** printing thread waits for): the report is copied and printed by this
** thread if no other is printing, else by the one that is, before it lets
** go, or at the latest by the counts and summary at exit.
*/
void ud_report_submit_nowait(ud_report_t *r);
/*
** Called by ud_report_submit(), with no lock of the report layer held, when
** the report was a cycle through one class's instances that a `ring:` line
** silenced: the runtime then stops ordering that class's instances, so the
** ring is not found again at each turn.
*/
void ud_report_set_ring_hook(void (*fn)(const ud_report_class_t *cls));

/* Where reports go; the default writes kernel-format text to the log. */
typedef void (*ud_report_sink_fn)(const ud_report_t *r, void *arg);
void ud_report_set_sink(ud_report_sink_fn fn, void *arg);
/* The default sink, so a custom sink can chain to it. */
void ud_report_sink_text(const ud_report_t *r, void *arg);

/* How many distinct problems were shown / hit in all (for the exit code). */
unsigned ud_report_count_distinct(void);
unsigned ud_report_count_total(void);

const char *ud_report_kind_name(ud_report_kind_t k);

/* Runtime settings: frames per printed stack (0: all), distinct reports shown (0: all). */
void ud_report_set_stack_frames(unsigned n);
void ud_report_set_max(unsigned max);
/* At exit: "ulockdep: N distinct problems reported (M hits)" + one line each; nothing if none. */
void ud_report_print_summary(void);

/*
** Calls made around the whole of a submission (formatting, symbolizing,
** writing). The runtime uses them to make that section non-cancellable:
** write() and the symbolizer's file reads are cancellation points, and a
** thread unwound there would leave the report lock held.
*/
void ud_report_set_section_hooks(void (*enter)(void), void (*leave)(void));

/*
** Process records (src/rt/record.c): keep the JSON form of each report shown
** (on); ud_report_kept_json appends them, one {"report":...} line each, and
** returns how many (0, appending nothing, when called from a signal handler
** that interrupted a report on this thread).
*/
void ud_report_set_keep_json(bool on);
struct ud_buf;
unsigned ud_report_kept_json(struct ud_buf *out);

/* In a fork child: locks held by threads that no longer exist are freed. */
void ud_report_fork_child(void);

#endif
