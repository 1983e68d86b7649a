/*
** thread.c: per-thread state of the runtime.
**
** Each thread has one initial-exec TLS record (ud_tls): the in_runtime guard,
** the engine thread (created on first use, so threads we did not see start,
** and the main thread, get one too) and links in a list of live threads, used
** only to rename a thread from another one (pthread_setname_np). The list is
** guarded by its own ud_lock_t; records live in the threads' TLS and leave the
** list when their thread ends: a thread started through our pthread_create
** ends in the trampoline when its start routine returns; any thread, including
** one that calls pthread_exit or is cancelled (after its cleanup handlers,
** which may release locks) and those we did not see start, ends in a pthread
** key destructor.
*/
#include "rt.h"
#include "lockstat.h"

#include <string.h>
#include <sys/prctl.h>

#include "../base/alloc.h"
#include "../base/lock.h"

__thread ud_rt_thread_t ud_tls __attribute__((tls_model("initial-exec")));

static ud_lock_t list_lock = UD_LOCK_INIT;
static ud_rt_thread_t *list_head;
static pthread_key_t end_key;
static bool end_key_ok;

/* Link ts at the head of the list; the caller holds list_lock. */
static void list_add_locked(ud_rt_thread_t *ts)
{
	if (ts->registered)
		return;
	ts->prev = NULL;
	ts->next = list_head;
	if (list_head)
		list_head->prev = ts;
	list_head = ts;
	ts->registered = true;
}

static void list_del(ud_rt_thread_t *ts)
{
	ud_lock_acquire(&list_lock);
	if (ts->registered) {
		if (ts->prev)
			ts->prev->next = ts->next;
		else
			list_head = ts->next;
		if (ts->next)
			ts->next->prev = ts->prev;
		ts->registered = false;
	}
	ud_lock_release(&list_lock);
}

/* The key's value is only a marker; glibc calls this at thread exit if set. */
static void end_key_destructor(void *v)
{
	(void)v;
	ud_rt_thread_t *ts = &ud_tls;
	ts->in_runtime++;
	ud_rt_thread_end(ts);
	ts->in_runtime--;
}

void ud_rt_threads_init(void)
{
	end_key_ok = pthread_key_create(&end_key, end_key_destructor) == 0;
}

/*
** Make the engine thread for the caller; the caller is inside the runtime.
** The name is read under the list lock: a pthread_setname_np from another
** thread then either finds us in the list or has already renamed us.
*/
static ud_thread_t *thread_create(ud_rt_thread_t *ts)
{
	char name[17] = "";
	ud_lock_acquire(&list_lock);
	/* A new thread starts with its creator's name, as the kernel copies it. */
	if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0)
		name[0] = 0;
	name[16] = 0;
	ts->t = ud_thread_new(ud_gettid(), name);
	ts->fast = ud_lockstat_on ? NULL : ts->t;
	if (ts->t) {
		ts->self = pthread_self();
		list_add_locked(ts);
	}
	ud_lock_release(&list_lock);
	if (ts->t && end_key_ok)
		pthread_setspecific(end_key, ts);
	if (ts->t) {
		ud_rt_signals_thread_start(ts->t);
		ud_rt_free_watch(ts->t);
	}
	return ts->t;
}

ud_thread_t *ud_rt_thread_get_slow(ud_rt_thread_t *ts)
{
	if (ts->t)
		return ts->t;
	if (ts->dead)
		return NULL;
	return thread_create(ts);
}

void ud_rt_thread_end(ud_rt_thread_t *ts)
{
	if (ts->dead)
		return;
	ts->dead = true;
	ud_hooks_thread_end();
	if (end_key_ok)
		pthread_setspecific(end_key, NULL);
	ud_thread_t *t = ts->t;
	if (!t)
		return;
	/* Kept for the joiner before the thread leaves the list it looks in. */
	uint32_t gen = 0;
	ud_instance_t *done = ud_thread_done_with(t, &gen);
	ud_sync_thread_end(done, gen);
	list_del(ts);
	ud_rt_free_watch(NULL);
	ts->t = NULL;
	ts->fast = NULL;
	/*
	** Not judged: threads ending after the exit handler, and a thread leaving
	** from a signal handler that interrupted the runtime (the engine may be
	** in the middle of an update on this thread).
	*/
	if (atomic_load(&ud_rt_hot.state) != UD_RT_READY || ts->in_runtime > 1)
		return;
	/* Cancelled while it waited for a lock: it never got that one. */
	if (ts->waiting) {
		ud_instance_t *inst = ud_instance_lookup(ts->waiting);
		if (inst)
			ud_acquire_undo(t, inst);
		ts->waiting = NULL;
	}
	ud_thread_exit(t);
	ud_thread_free(t);
}

/* ---- thread start -------------------------------------------------------- */

typedef struct start_info {
	void *(*start)(void *);
	void *(*named)(void *);	/* the routine that names the thread (GLib's: its GThreadFunc) */
	void *arg;
	thrd_start_t c11;	/* a C11 thread's function (start is c11_run, arg its argument) */
	int parent_tid;
	ud_stack_id_t stack;
	ud_class_t *life;	/* its lifetime class */
	int refs;		/* the creator's and the new thread's (atomic) */
} start_info_t;

/* Both the creator and the new thread read the start info; the last frees it. */
static void start_info_put(start_info_t *si)
{
	if (__atomic_sub_fetch(&si->refs, 1, __ATOMIC_ACQ_REL) == 0)
		ud_free(si, sizeof *si);
}

static void *trampoline(void *p)
{
	start_info_t si = *(start_info_t *)p;
	ud_rt_thread_t *ts = &ud_tls;

	ts->in_runtime++;
	start_info_put(p);
	/* A signal handler may have run on the new thread already, and made
	** its engine thread: a second one would list this thread twice. */
	ud_thread_t *t = ts->t ? ts->t : thread_create(ts);
	if (t) {
		ud_thread_set_origin(t, si.parent_tid, si.stack);
		/* Its lifetime, for joiners and barriers (intercept_sync.c). */
		ud_sync_thread_begin(ts, si.named, si.stack);
		/* Its lifetime is held till the end: no lock in freed memory. */
		ud_rt_free_watch(t);
	}
	ts->in_runtime--;

	void *rv = si.c11 ? (void *)(intptr_t)si.c11(si.arg) : si.start(si.arg);

	ts->in_runtime++;
	ud_rt_thread_end(ts);
	ts->in_runtime--;
	return rv;
}

/* A C11 thread starts here: its result is an int, carried in the pointer. */
static int trampoline_c11(void *p)
{
	return (int)(intptr_t)trampoline(p);
}

/* The start info of a thread about to be made, or NULL if it is not tracked. */
static start_info_t *start_info_new(ud_call_t *c, void *(*start)(void *),
				    thrd_start_t c11, void *arg)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (!ud_rt_ready() || ts->in_runtime || ts->dead)
		return NULL;
	ts->in_runtime++;
	start_info_t *si = ud_alloc(sizeof *si);
	si->start = start;
	si->c11 = c11;
	/* Only its address is used (class key and name). */
	si->named = c11 ? (void *(*)(void *))(void (*)(void))c11 : ud_glib_thread_func(start, arg);
	if (!si->named)
		si->named = start;
	si->arg = arg;
	si->parent_tid = ud_gettid();
	si->stack = ud_stack_capture();
	si->life = ud_sync_life_class(si->named, si->stack);
	si->refs = 2;
	c->ts = ts;
	ts->in_runtime--;
	return si;
}

void ud_hook_thread_create(ud_call_t *c, void *(**start)(void *), void **arg)
{
	start_info_t *si = start_info_new(c, *start, NULL, *arg);
	if (si) {
		*start = trampoline;
		*arg = si;
	}
}

void ud_hook_thrd_create(ud_call_t *c, thrd_start_t *func, void **arg)
{
	start_info_t *si = start_info_new(c, NULL, *func, *arg);
	if (si) {
		*func = trampoline_c11;
		*arg = si;
	}
}

void ud_hook_thread_create_done(ud_call_t *c, void *arg, const pthread_t *created)
{
	if (!c->ts)
		return;
	c->ts->in_runtime++;
	start_info_t *si = arg;
	if (created) {
		ud_sync_thread_created(*created, si->life);
		start_info_put(si);
	} else {
		ud_free(si, sizeof *si);
	}
	c->ts->in_runtime--;
}

void ud_hook_thread_setname(pthread_t th, const char *name)
{
	ud_rt_thread_t *ts = &ud_tls;
	if (!ud_rt_ready() || ts->in_runtime)
		return;
	ts->in_runtime++;
	if (pthread_equal(th, pthread_self())) {
		ud_thread_t *t = ud_rt_thread_get(ts);
		if (t)
			ud_thread_set_name(t, name);
	} else {
		/* Under the list lock: the target cannot end and free its thread meanwhile. */
		ud_lock_acquire(&list_lock);
		for (ud_rt_thread_t *o = list_head; o; o = o->next) {
			if (o->t && pthread_equal(o->self, th)) {
				ud_thread_set_name(o->t, name);
				break;
			}
		}
		ud_lock_release(&list_lock);
	}
	ts->in_runtime--;
}

ud_instance_t *ud_rt_thread_done_with(pthread_t th, const ud_class_t *life,
				      const ud_thread_t *joiner, uint32_t *gen)
{
	ud_instance_t *done = NULL;
	/* Under the list lock: the target cannot end and free its thread meanwhile. */
	ud_lock_acquire(&list_lock);
	for (ud_rt_thread_t *o = list_head; o; o = o->next) {
		if (o->t && pthread_equal(o->self, th)) {
			done = ud_thread_done_with_held(o->t, life, joiner, gen);
			break;
		}
	}
	ud_lock_release(&list_lock);
	return done;
}

/* ---- fork ---------------------------------------------------------------- */

void ud_rt_threads_fork_prepare(void)
{
	ud_lock_acquire(&list_lock);
}

void ud_rt_threads_fork_parent(void)
{
	ud_lock_release(&list_lock);
}

/* Only the forking thread lives on in the child. */
void ud_rt_threads_fork_child(ud_rt_thread_t *self)
{
	ud_lock_reset(&list_lock);
	list_head = NULL;
	if (self->registered) {
		self->registered = false;
		list_add_locked(self);
	}
}
