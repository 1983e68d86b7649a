/*
** glib_rwlock_write.c: write A then GMutex B in one thread; later B then
** read A in another. A is a GRWLock.
**
** The reader waits for the writer: A (write) -> B -> A (read) can deadlock.
** circular.
*/
// EXPECT: circular
#include <glib.h>

static GRWLock A;
static GMutex B;

static gpointer write_a_then_b(gpointer arg)
{
	(void)arg;
	g_rw_lock_writer_lock(&A);
	g_mutex_lock(&B);
	g_mutex_unlock(&B);
	g_rw_lock_writer_unlock(&A);
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
	g_rw_lock_init(&A);
	g_thread_join(g_thread_new("writer", write_a_then_b, NULL));
	g_thread_join(g_thread_new("b-reader", b_then_read_a, NULL));
	g_rw_lock_clear(&A);
	return 0;
}
