/*
** format.h: shared by the report files (report.c, the formatters, names.c);
** not part of the report contract. Tests use it to render a report into a
** buffer instead of the log.
*/
#ifndef UD_REPORT_FORMAT_H
#define UD_REPORT_FORMAT_H

#include <stdbool.h>
#include <string.h>
#include <stdint.h>

#include "../base/buf.h"
#include "report.h"

/* ---- the kinds (kinds.c) ---- */

/* What a kind says: the columns of src/engine/report_kinds.inc. */
typedef struct ud_report_kind_info {
	const char *word;	/* "circular" (also ud_report_kind_name) */
	const char *headline;	/* text title line; <thread>, <signal> filled in */
	const char *title;	/* short title, before " in <function>" */
	const char *level;	/* SARIF rule level */
	const char *rule;	/* SARIF rule name */
	const char *text;	/* SARIF short description */
	const char *located;	/* SARIF primary location message */
	const char *help;	/* SARIF full description */
} ud_report_kind_info_t;

/* The entry of kind k; NULL for a value outside the list. */
const ud_report_kind_info_t *ud_report_kind_info(ud_report_kind_t k);

/* ---- text ---- */

/* Render r as kernel-format text (banner to backtrace), appended to out. */
void ud_report_format_text(const ud_report_t *r, ud_buf_t *out);

/*
** The printed name of a class: "name", "name#2", "name/1"... Computed once per
** class id and kept until exit (runtime memory); safe from any thread.
*/
const char *ud_report_class_name(const ud_report_class_t *cls);

/* The name of class id if already computed, else NULL (never symbolizes). */
const char *ud_report_class_name_cached(unsigned id);

/* Frames printed per stack (option stack_frames). */
unsigned ud_report_stack_frames(void);

/* The title line of a report kind, as printed under the '=' line. */
void ud_report_format_title(const ud_report_t *r, ud_buf_t *out);

/* The exit summary (see ud_report_print_summary), appended to out. */
void ud_report_format_summary(ud_buf_t *out);

/* In a fork child: forget a holder of the name table that did not survive. */
void ud_report_names_fork_child(void);

/* "{-...}-{2:2}": a class's usage and wait type as lock lines print them. */
void ud_report_format_usage(const ud_report_class_t *cls, ud_buf_t *out);

/* ---- stable identities and fingerprints (identity.c, fingerprint.c) ---- */

/*
** The class's stable identity (docs/identity.md), computed once per class id
** and kept until exit; *stable (if given) is false when it is made of build
** IDs and offsets. Symbolizes: not for the lock path.
*/
const char *ud_report_class_identity(const ud_report_class_t *cls, bool *stable);
/* The identity of class id if already computed, else NULL (never symbolizes). */
const char *ud_report_class_identity_cached(unsigned id, bool *stable);
void ud_report_identity_fork_child(void);
/* The problem's fingerprint: kind, class identities, signal, function; the
** same across processes and runs (JSON "signature", SARIF fingerprints). */
uint64_t ud_report_fingerprint(const ud_report_t *r);

/* ---- the frames a report shows (frames.c) ---- */

struct ud_frame;
#define UD_REPORT_MAX_INLINE 16	/* frames asked for one address */

/* The frames of return address pc a report shows, innermost first: its inline
** chain less the C++ library's frames (symbolize.h); 0 when all are. */
unsigned ud_report_pc_frames(uintptr_t pc, struct ud_frame *out, unsigned max);
/* A lock line's "at:": pc's frames as above; when all are the library's, the
** first frame past them on `stack`, if that stack starts at pc; else pc's
** frames as they are. */
unsigned ud_report_at_frames(uintptr_t pc, ud_stack_id_t stack, struct ud_frame *out,
			     unsigned max);
/* Each frame a stack shows, innermost first, to fn: library frames left out
** and not counted toward stack_frames (all of them, if nothing else is left).
** Returns the addresses shown; 0 when no stack was recorded. */
typedef void (*ud_report_frame_fn)(const struct ud_frame *f, void *arg);
unsigned ud_report_each_frame(ud_stack_id_t id, ud_report_frame_fn fn, void *arg);

/* ---- titles (title.c) ---- */

/* The last part of a path: what reports print of modules and files. */
static inline const char *ud_report_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "possible deadlock in do_user_addr_fault": kind, then where (see title.c). */
void ud_report_format_short_title(const ud_report_t *r, ud_buf_t *out);
/* Just the "where" part of the title: a function, or module+0xoff. */
void ud_report_format_culprit(const ud_report_t *r, ud_buf_t *out);
/* The frame the title names; false when no frame is the program's own code
** (out is then the first frame seen, or all zero). */
bool ud_report_culprit_frame(const ud_report_t *r, struct ud_frame *out);
/* The classes involved: "a -> b -> a" for a cycle, "a, b" held at exit, else "a". */
void ud_report_format_classes(const ud_report_t *r, ud_buf_t *out);
/* Lock wrappers (inode_lock, std::mutex::lock, pthread_*) a title skips. */
bool ud_report_is_lock_wrapper(const char *function);
/* libc, libstdc++, the loader, ulockdep: code a title never names. */
bool ud_report_is_system_module(const char *module);
/* One frame as process records write it (docs/store.md: func, file, line,
** module, offset), with a comma before it unless first (record.c). */
void ud_report_record_frame(ud_buf_t *out, const struct ud_frame *f, bool first);
/* A frame as a title names it: function, else module+0xoff, else the pc. */
void ud_report_frame_name(const struct ud_frame *f, ud_buf_t *out);

/* ---- report detail, named for every format (detail.c) ---- */

/* "SIGUSR1"; a signal without a name by number: "SIG34". */
void ud_report_signal_name(ud_buf_t *out, unsigned sig);
/* "IN-SIGUSR1-W" (taken in its handler) or "SIGUSR1-ON-R" (unblocked). */
void ud_report_usage_name(ud_buf_t *out, unsigned sig, bool in, bool read);
/* An assert's detail (UD_ASSERT_*): "held", "not_held", "release_pinned"...;
** the ulockdep.h call involved; whether r->held is the lock it is about; and
** one sentence saying what went wrong. */
const char *ud_report_assert_check(unsigned what);
const char *ud_report_assert_call(unsigned what);
bool ud_report_assert_has_lock(const ud_report_t *r);
void ud_report_assert_message(ud_buf_t *out, const ud_report_t *r);

/* A bad unlock's reason (ud_bad_unlock_t): "not_held", "destroyed",
** "not_a_lock"; and the end of the kernel's sentence "but ...". */
const char *ud_report_bad_unlock_reason(unsigned why);
const char *ud_report_bad_unlock_text(unsigned why);

/* ---- gen_suppressions (suppress_gen.c) ---- */

/* Whether each report shown carries a suppression entry (gen_suppressions). */
bool ud_report_gen_suppressions(void);
/* One line "TYPE:PATTERN" (no newline) appended to out: a suppressions-file
** rule that matches r, as narrow as a rule can be; false if none does. */
bool ud_report_suppression_gen(const ud_report_t *r, ud_buf_t *out);

/* ---- machine formats (format_json.c, format_sarif.c) ---- */

#define UD_JSON_SCHEMA_VERSION 1

/* s as a JSON string (quoted, escaped, invalid UTF-8 replaced); NULL as null. */
void ud_json_str(ud_buf_t *out, const char *s);
/* r as one JSON object on one line (with the newline), per docs/json-schema.json. */
void ud_report_format_json(const ud_report_t *r, ud_buf_t *out);
/* The sink of format=json: one line per report, written at once. */
void ud_report_sink_json(const ud_report_t *r, void *arg);
/* The sink of format=sarif: keeps a rendered result; called under report_lock. */
void ud_report_sink_sarif(const ud_report_t *r, void *arg);
/* The whole SARIF log of the results kept so far (and, if asked, the
** suppressions that matched, as a run property); caller holds report_lock. */
void ud_report_format_sarif_locked(ud_buf_t *out, bool with_suppressions);
/* Forget the results kept (a fork child writes its own log). */
void ud_report_sarif_reset(void);
/* Hits of the problem with this signature so far; caller holds report_lock. */
unsigned ud_report_hits_locked(uint64_t signature);
/* print_suppressions data for the SARIF log, as a JSON array; report_lock held. */
void ud_report_format_supp_json_locked(ud_buf_t *out);

#endif
