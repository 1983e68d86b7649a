/*
** glib_dl_lib.c: a library that uses GLib, for a program that is not linked
** with GLib and loads it with dlopen (tests/cli/glib_dlopen.sh). dl_forward
** takes the GMutexes a then b in a g_thread_new thread, dl_backward b then a.
*/
#include <glib.h>

static GMutex a, b;

static gpointer forward(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&a);	/* MARK:forward_a */
	g_mutex_lock(&b);	/* MARK:forward_b */
	g_mutex_unlock(&b);
	g_mutex_unlock(&a);
	return NULL;
}

void dl_forward(void)
{
	g_thread_join(g_thread_new("forward", forward, NULL));
}

void dl_backward(void)
{
	g_mutex_lock(&b);
	g_mutex_lock(&a);	/* MARK:backward_a */
	g_mutex_unlock(&a);
	g_mutex_unlock(&b);
}
