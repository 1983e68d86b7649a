/*
** init.c: start-up and shut-down of the runtime.
**
** The runtime starts in its constructor or at the first intercepted call,
** whichever comes first (a library constructor may lock before ours runs). One
** thread initialises; calls on other threads pass through meanwhile. Start-up
** reads ULOCKDEP_OPTIONS, opens the log, starts the engine, tells the stack
** capture where our own code is, and registers the fork and exit handlers.
** The exit handler reports the exiting thread's held locks, prints the summary
** and turns a run with reports into the configured exit status.
**
** Also here: the annotation entry point of include/ulockdep.h.
*/
#include "rt.h"
#include "lockstat.h"

#include <sys/auxv.h>

#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/lock.h"
#include "../base/own_stack.h"
#include "../base/log.h"
#include "../report/output.h"
#include "../report/report.h"
#include "../symbolize/symbolize.h"

ud_rt_hot_t ud_rt_hot = { UD_RT_UNINIT };
ud_options_t ud_rt_opts;

/* Distinct reports inherited from the parent: a fork child counts its own. */
static unsigned reports_before;

/* ---- runtime code range ----------------------------------------------------- */

static int find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	uintptr_t *range = arg;	/* in: an address of ours; out: [lo, hi) */
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		uintptr_t hi = lo + ph->p_memsz;
		if (range[0] >= lo && range[0] < hi) {
			range[0] = lo;
			range[1] = hi;
			return 1;
		}
	}
	return 0;
}

static void set_runtime_range(void)
{
	uintptr_t range[2] = { (uintptr_t)&find_text, 0 };
	if (dl_iterate_phdr(find_text, range) == 1) {
		ud_stack_set_runtime_range(range[0], range[1]);
		ud_rt_front_init(range[0], range[1]);
	}
}

/* ---- reports ---------------------------------------------------------------- */

/* A report is written with write(2) and symbolized with file reads: both are
** cancellation points, and a thread cancelled there would keep the report
** lock forever. */
static void report_enter(void)
{
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &ud_tls.cancel_state);
	/* A handler may have interrupted malloc, whose lock libdw would wait
	** for: its reports are named from the symbol tables alone. */
	ud_symbolize_set_tables_only(ud_rt_signals_in_handler());
}

static void report_leave(void)
{
	int ignored;
	ud_symbolize_set_tables_only(false);
	pthread_setcancelstate(ud_tls.cancel_state, &ignored);
}

/* ---- fork ------------------------------------------------------------------ */

/*
** glibc runs prepare handlers in reverse order of registration, so ours,
** registered early, runs after those of allocators that lock their arenas
** through our interceptors. Then the engine's locks are taken; they are
** owner-recursive for the parent and child handlers that run after ours and
** come back through the interceptors on this same thread.
*/
static void fork_prepare(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	ts->fork_armed = atomic_load(&ud_rt_hot.state) == UD_RT_READY;
	if (!ts->fork_armed)
		return;
	ts->in_runtime++;
	ud_sync_fork_prepare();
	ud_hooks_fork_prepare();
	ud_engine_fork_prepare();
	ud_symbolize_fork_prepare();
	ud_alloc_fork_prepare();
}

static void fork_parent(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (!ts->fork_armed)
		return;
	ts->fork_armed = false;
	ud_alloc_fork_parent();
	ud_symbolize_fork_parent();
	ud_engine_fork_parent();
	ud_hooks_fork_parent();
	ud_sync_fork_parent();
	ts->in_runtime--;
}

static void fork_child(void)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (!ts->fork_armed)
		return;
	ts->fork_armed = false;
	ts->fork_tid = ud_gettid();
	ud_gettid_reset();
	ud_alloc_fork_child();
	ud_symbolize_fork_child();
	ud_engine_fork_child();
	ud_log_fork_child();
	ud_report_fork_child();
	ud_classify_fork_child();
	ud_rt_record_fork_child();
	ud_hooks_fork_child();
	ud_sync_fork_child();
	ud_lock_fork_child();
	if (ts->t)
		ud_thread_forked(ts->t, ud_gettid());
	reports_before = ud_report_count_distinct();
	ts->in_runtime--;
}

/* ---- exit ------------------------------------------------------------------ */

/*
** The end of the runtime's output, the state already OFF and in_runtime
** raised by one: the summary (if asked), the log's end (under `ulockdep run`
** the parent writes the one SARIF log of the run), then the record with the
** status the process ends with.
*/
static void finish_output(bool summary, int status)
{
	bool records = ud_rt_records_on();
	if (summary && ud_rt_opts.summary)
		ud_report_print_summary();
	ud_lockstat_print();
	if (!records || strcmp(ud_rt_opts.format, "sarif") != 0)
		ud_report_finish();
	ud_tls.in_runtime--;
	if (records)
		ud_rt_record_exit(status & 0xff);
}

static void at_exit(void)
{
	int expect = UD_RT_READY;
	ud_rt_thread_t *ts = &ud_tls;
	if (ts->in_runtime ||
	    !atomic_compare_exchange_strong(&ud_rt_hot.state, &expect, UD_RT_OFF))
		return;
	/*
	** From here on every call passes through: the destructors that run after
	** this handler would otherwise unlock what was just reported and forgotten.
	*/
	/* The exiting thread's held locks are not reported: the process ends
	** with it, so nobody is left to wait for them (servers exit holding
	** their global locks). check_exit judges threads that end alone. */
	ts->in_runtime++;

	bool reported = ud_report_count_distinct() > reports_before;
	finish_output(reported, ud_rt_record_status());
	/* Under `ulockdep run` (records on) the parent decides the run's exit
	** status; the process keeps its own. */
	if (reported && ud_rt_opts.exitcode != 0 && !ud_rt_records_on()) {
		fflush(NULL);
		_exit((int)ud_rt_opts.exitcode);
	}
}

/*
** halt_on_error: the report is out; end the process now with exitcode. The
** program's exit handlers do not run (they may wait for the very locks just
** reported), as when a sanitizer stops a program. A thread that finds the
** state already OFF waits: the thread that turned it off ends the process.
*/
static void halt(void)
{
	int expect = UD_RT_READY;
	ud_rt_thread_t *ts = &ud_tls;
	ts->in_runtime++;
	if (atomic_compare_exchange_strong(&ud_rt_hot.state, &expect, UD_RT_OFF)) {
		finish_output(true, (int)ud_rt_opts.exitcode);
		_exit((int)ud_rt_opts.exitcode);
	}
	for (;;)
		pause();
}

/* ---- start-up -------------------------------------------------------------- */

static void read_options(void)
{
	char err[512];
	const char *env = getenv("ULOCKDEP_OPTIONS");
	ud_options_defaults(&ud_rt_opts);
	int rc = ud_options_parse(&ud_rt_opts, env, err, sizeof err);
	if (rc != 0)
		ud_options_defaults(&ud_rt_opts);
	/* A setuid or setgid program (linked with -lulockdep) runs with rights
	** its caller lacks: no path of the caller's may be opened with them. */
	bool privileged = getauxval(AT_SECURE) != 0;
	bool had_paths = ud_rt_opts.log_path[0] || ud_rt_opts.suppressions[0];
	if (privileged) {
		ud_rt_opts.log_path[0] = 0;
		ud_rt_opts.suppressions[0] = 0;
	}
	ud_log_init(ud_rt_opts.log_path);
	if (rc != 0)
		ud_log_message("%s", err);
	if (privileged && had_paths)
		ud_log_message("privileged (setuid or setgid) program: log_path and "
			       "suppressions ignored");

	int fmt = ud_report_format_parse(ud_rt_opts.format);
	if (fmt < 0)
		ud_log_message("unknown format '%s' (text, json or sarif); "
			       "using text", ud_rt_opts.format);
	ud_report_set_format(fmt < 0 ? UD_FORMAT_TEXT : (ud_report_format_t)fmt);
	/* A bad file was refused by `ulockdep run`; preloaded by hand, say why
	** and keep validating without it. */
	if (ud_rt_opts.suppressions[0] &&
	    ud_report_load_suppressions(ud_rt_opts.suppressions, err, sizeof err) < 0)
		ud_log_message("%s; running without suppressions", err);
	ud_report_set_print_suppressions(ud_rt_opts.print_suppressions);
	ud_report_set_gen_suppressions(ud_rt_opts.gen_suppressions);
	ud_lockstat_init();
}

/* The engine's report sink: the report layer; a report shown goes into the
** process record at once. With halt_on_error the first report shown ends the
** process, as under the sanitizers. */
static bool submit_report(ud_report_t *r, void *arg)
{
	(void)arg;
	/* In a handler, never wait for another thread's report (report.h);
	** whether it was shown is not known yet, so halt_on_error waits for a
	** report made outside a handler. */
	if (ud_rt_signals_in_handler()) {
		ud_report_submit_nowait(r);
		return false;
	}
	bool shown = ud_report_submit(r);
	if (shown && ud_rt_records_on())
		ud_rt_record_report();
	if (shown && ud_rt_opts.halt_on_error)
		halt();
	return shown;
}

/* A ring: line named the class of a one-class cycle: the program orders its
** instances, so their order is no longer recorded. */
static void ring_rule_hit(const ud_report_class_t *cls)
{
	ud_class_add_flags(ud_class_get(&cls->key), UD_CLASS_UNORDERED);
}

bool ud_rt_init_slow(void)
{
	int expect = UD_RT_UNINIT;
	if (!atomic_compare_exchange_strong(&ud_rt_hot.state, &expect, UD_RT_INITING))
		return expect == UD_RT_READY;

	ud_rt_thread_t *ts = &ud_tls;
	ts->in_runtime++;
	ud_real_init();
	ud_own_stack_init();
	ud_rt_longjmp_init();
	read_options();

	ud_engine_config_t cfg = {
		.strict_same_class = ud_rt_opts.strict,
		.stop_after_report = ud_rt_opts.stop_validating,
		.check_exit = ud_rt_opts.check_exit,
		.no_chain_cache = !ud_rt_opts.chain_cache,
		.no_order_shortcut = !ud_rt_opts.order_shortcut,
		.no_instance_cache = !ud_rt_opts.instance_cache,
		.no_lazy_release = !ud_rt_opts.lazy_release,
		.report = submit_report,
		.learnt = ud_rt_record_learnt,
	};
	ud_engine_init(&cfg);
	ud_report_set_section_hooks(report_enter, report_leave);
	ud_report_set_ring_hook(ring_rule_hit);
	ud_report_set_stack_frames((unsigned)ud_rt_opts.stack_frames);
	if (ud_rt_opts.strip_path_prefix[0]) {
		ud_symbolize_set_strip_prefix(ud_rt_opts.strip_path_prefix);
	} else {
		char cwd[4096];
		if (getcwd(cwd, sizeof cwd))
			ud_symbolize_set_strip_prefix(cwd);
	}
	ud_report_set_max((unsigned)ud_rt_opts.report_max);
	ud_rt_free_check_loaded();
	set_runtime_range();
	ud_rt_threads_init();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	atexit(at_exit);
	ud_rt_record_init();
	ts->in_runtime--;

	atomic_store_explicit(&ud_rt_hot.state, UD_RT_READY, memory_order_release);
	return true;
}

__attribute__((constructor(101))) static void ud_rt_constructor(void)
{
	(void)ud_rt_ready();
}

