/*
** glib_static_rw.c: read GStaticRWLock A then GMutex B in one thread; later
** B then read A in another.
**
** Unlike a GRWLock, a GStaticRWLock prefers writers: a reader waits while a
** writer waits. So thread 1 reading A and waiting for B, a writer queued on
** A, and thread 2 holding B and reading A would deadlock: its readers are not
** recursive, and the cycle A -> B -> A is reported (circular), where the
** same program on a GRWLock is not (glib_rwlock_read_read.c).
*/
// EXPECT: circular
#define GLIB_DISABLE_DEPRECATION_WARNINGS
#include <glib.h>

static GStaticRWLock A = G_STATIC_RW_LOCK_INIT;
static GMutex B;

static gpointer read_a_then_b(gpointer arg)
{
	(void)arg;
	g_static_rw_lock_reader_lock(&A);
	g_mutex_lock(&B);
	g_mutex_unlock(&B);
	g_static_rw_lock_reader_unlock(&A);
	return NULL;
}

static gpointer b_then_read_a(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&B);
	g_static_rw_lock_reader_lock(&A);
	g_static_rw_lock_reader_unlock(&A);
	g_mutex_unlock(&B);
	return NULL;
}

int main(void)
{
	g_thread_join(g_thread_new("reader", read_a_then_b, NULL));
	g_thread_join(g_thread_new("b-reader", b_then_read_a, NULL));
	return 0;
}
