/*
** glib_cond.c: a waiter and a signaller on a GCond with its GMutex; the
** waiter also takes GMutex b after the wait, under the mutex.
**
** g_cond_wait releases m while it sleeps and takes it back: the waiter
** holds m across the call, and the signaller takes m too. Nothing is
** inverted: no report. Both g_cond_wait and g_cond_wait_until are used.
*/
// EXPECT: none
#include <glib.h>

static GMutex m, b;
static GCond cv;
static int ready, waiting;	/* under m */

static gpointer signaller(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&m);
	while (!waiting) {
		g_mutex_unlock(&m);
		g_thread_yield();
		g_mutex_lock(&m);
	}
	ready = 1;
	g_cond_signal(&cv);
	g_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	GThread *t = g_thread_new("signaller", signaller, NULL);
	g_mutex_lock(&m);
	waiting = 1;
	while (!ready)
		g_cond_wait(&cv, &m);
	g_mutex_lock(&b);
	g_mutex_unlock(&b);
	/* Times out at once: the mutex is released and taken back all the same. */
	g_cond_wait_until(&cv, &m, g_get_monotonic_time());
	g_mutex_unlock(&m);
	g_thread_join(t);
	return 0;
}
