/*
** glib_gio.c: a correct GIO program for tests/cli/glib_programs.sh. Tasks
** run in GIO's worker threads (g_task_run_in_thread) and report back to a
** main loop; a GThreadPool sums numbers under a GMutex; an object's
** properties are set and read from the pool's threads. It prints what it
** computed, the same on every run.
*/
#include <gio/gio.h>

#define TASKS 16
#define ITEMS 1000

static GMutex sum_lock;
static guint64 sum;
static GMainLoop *loop;
static int pending = TASKS;

static void square(GTask *task, gpointer source, gpointer data, GCancellable *c)
{
	(void)source;
	(void)c;
	gint n = GPOINTER_TO_INT(data);
	g_task_return_int(task, (gssize)n * n);
}

static void squared(GObject *source, GAsyncResult *res, gpointer data)
{
	(void)source;
	gssize *total = data;
	*total += g_task_propagate_int(G_TASK(res), NULL);
	if (--pending == 0)
		g_main_loop_quit(loop);
}

static void add(gpointer item, gpointer data)
{
	GApplication *app = data;
	g_mutex_lock(&sum_lock);
	sum += GPOINTER_TO_UINT(item);
	g_mutex_unlock(&sum_lock);
	g_object_set(app, "inactivity-timeout", GPOINTER_TO_UINT(item) % 7, NULL);
}

int main(void)
{
	gssize total = 0;
	loop = g_main_loop_new(NULL, FALSE);
	for (int i = 1; i <= TASKS; i++) {
		GTask *t = g_task_new(NULL, NULL, squared, &total);
		g_task_set_task_data(t, GINT_TO_POINTER(i), NULL);
		g_task_run_in_thread(t, square);
		g_object_unref(t);
	}
	g_main_loop_run(loop);
	g_main_loop_unref(loop);

	GApplication *app = g_application_new(NULL, G_APPLICATION_DEFAULT_FLAGS);
	GThreadPool *pool = g_thread_pool_new(add, app, 4, FALSE, NULL);
	for (guint i = 1; i <= ITEMS; i++)
		g_thread_pool_push(pool, GUINT_TO_POINTER(i), NULL);
	g_thread_pool_free(pool, FALSE, TRUE);
	g_object_unref(app);

	g_print("squares %ld sum %" G_GUINT64_FORMAT "\n", (long)total, sum);
	return 0;
}
