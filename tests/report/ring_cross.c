/*
** ring_cross.c [cross]: a ring of buffers of one class, as Aria's log
** buffers (tests/scenarios/ring_buffers.c): the holder of the current buffer
** locks the next one, makes it current and releases the old one, so the
** instance order of the class goes round. Two threads turn the ring many
** times. With "cross", the buffers' class is also inverted against another
** class: one thread takes `registry` and then a buffer, the other a buffer
** and then `registry`. A `ring:` line for the buffers' class must silence
** the ring, once, and leave that inversion reported.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUF 4

static pthread_mutex_t buffers[NBUF];
static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static unsigned current;	/* read and written under buffers[current] */

static __attribute__((noinline)) void buffer_init(pthread_mutex_t *m)
{
	if (pthread_mutex_init(m, NULL))
		abort();
}

static void log_lock(void)
{
	for (;;) {
		unsigned c = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&buffers[c]);
		if (__atomic_load_n(&current, __ATOMIC_ACQUIRE) == c)
			return;
		pthread_mutex_unlock(&buffers[c]);
	}
}

static void next_buffer(void)
{
	unsigned c = current, n = (c + 1) % NBUF;
	pthread_mutex_lock(&buffers[n]);
	__atomic_store_n(&current, n, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&buffers[c]);
}

static void *writer(void *arg)
{
	for (int i = 0; i < 50; i++) {
		log_lock();
		next_buffer();
		pthread_mutex_unlock(&buffers[current]);
	}
	return arg;
}

static __attribute__((noinline)) void registry_then_buffer(void)
{
	pthread_mutex_lock(&registry);
	pthread_mutex_lock(&buffers[0]);
	pthread_mutex_unlock(&buffers[0]);
	pthread_mutex_unlock(&registry);
}

static __attribute__((noinline)) void buffer_then_registry(void)
{
	pthread_mutex_lock(&buffers[1]);
	pthread_mutex_lock(&registry);
	pthread_mutex_unlock(&registry);
	pthread_mutex_unlock(&buffers[1]);
}

int main(int argc, char **argv)
{
	for (int i = 0; i < NBUF; i++)
		buffer_init(&buffers[i]);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, writer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (argc > 1 && strcmp(argv[1], "cross") == 0) {
		registry_then_buffer();
		buffer_then_registry();
	}
	return 0;
}
