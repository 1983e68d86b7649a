/*
** glib_rwlock_read_read.c: read A then GMutex B in one thread; later B then
** read A in another. A is a GRWLock.
**
** GLib builds a GRWLock on a glibc rwlock with the default attributes
** (g_rw_lock_impl_new: pthread_rwlock_init(rwlock, NULL)), which prefer
** readers: a reader gets in while another holds the lock, even past a
** waiting writer. So a reader of A only ever waits for a writer, and nobody
** writes A: the cycle A -> B -> A cannot close. No report. (The main thread
** then shows that the same thread may read A recursively.)
*/
// EXPECT: none
#include <glib.h>

static GRWLock A;
static GMutex B;

static gpointer read_a_then_b(gpointer arg)
{
	(void)arg;
	g_rw_lock_reader_lock(&A);
	g_mutex_lock(&B);
	g_mutex_unlock(&B);
	g_rw_lock_reader_unlock(&A);
	return NULL;
}

static gpointer b_then_read_a(gpointer arg)
{
	(void)arg;
	g_mutex_lock(&B);
	g_rw_lock_reader_lock(&A);
	g_rw_lock_reader_unlock(&A);
	g_mutex_unlock(&B);
	return NULL;
}

int main(void)
{
	g_thread_join(g_thread_new("reader", read_a_then_b, NULL));
	g_thread_join(g_thread_new("b-reader", b_then_read_a, NULL));
	g_rw_lock_reader_lock(&A);
	g_rw_lock_reader_lock(&A);
	g_rw_lock_reader_unlock(&A);
	g_rw_lock_reader_unlock(&A);
	return 0;
}
