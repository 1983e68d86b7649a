/*
** glib_cond_inversion.c: waiting on a GCond while holding another GMutex
** taken after the GCond's mutex.
**
** The waiter locks a, then b (a -> b), then calls g_cond_wait(cv, a) still
** holding b. The wait releases a and, when woken, takes it back while b is
** held: b -> a, as for pthread_cond_wait. circular. The signaller waits until
** the waiter is inside the wait, so the re-acquisition happens on every run.
*/
// EXPECT: circular
// CHECK: at: main+
#include <glib.h>

static GMutex a, b;
static GCond cv;
static int waiting, ready;	/* under a */

static gpointer signaller(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&a);
	while (!waiting) {
		g_mutex_unlock(&a);
		g_thread_yield();
		g_mutex_lock(&a);
	}
	ready = 1;
	g_cond_signal(&cv);
	g_mutex_unlock(&a);
	return NULL;
}

int main(void)
{
	GThread *t = g_thread_new("signaller", signaller, NULL);
	g_mutex_lock(&a);
	g_mutex_lock(&b);
	waiting = 1;
	while (!ready)
		g_cond_wait(&cv, &a);
	g_mutex_unlock(&b);
	g_mutex_unlock(&a);
	g_thread_join(t);
	return 0;
}
