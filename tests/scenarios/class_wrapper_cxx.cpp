/*
** class_wrapper_cxx.cpp: a C++ lock class whose constructor initialises its
** member, as v8's base::RecursiveMutex does (its pthread_mutex_init is in an
** always-inline helper, InitializeRecursiveNativeHandle, here too). Two
** classes of the program each hold one: Cache and Metrics. The constructor
** RecursiveMutex::RecursiveMutex is named for a lock, so a lock's class is
** the site that constructed it, Cache's or Metrics' constructor: two classes.
** Cache::put holds the cache's mutex and takes `clock_mu`, Metrics::flush
** holds `clock_mu` and takes the metrics' mutex: keyed by the constructor's
** own site (init_frames=1) that would be a cycle of one class; no lock is
** taken both ways round, so nothing is reported.
*/
// EXPECT: none
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

namespace base {

static inline __attribute__((always_inline)) void
InitializeRecursiveNativeHandle(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	MUST(pthread_mutexattr_init(&a), 0);
	MUST(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0);
	MUST(pthread_mutex_init(m, &a), 0);
	MUST(pthread_mutexattr_destroy(&a), 0);
}

class RecursiveMutex {
public:
	__attribute__((noinline)) RecursiveMutex() { InitializeRecursiveNativeHandle(&native_); }
	~RecursiveMutex() { pthread_mutex_destroy(&native_); }
	void Lock() { MUST(pthread_mutex_lock(&native_), 0); }
	void Unlock() { MUST(pthread_mutex_unlock(&native_), 0); }

private:
	pthread_mutex_t native_;
};

} // namespace base

static pthread_mutex_t clock_mu = PTHREAD_MUTEX_INITIALIZER;
static long ticks;

class Cache {
public:
	__attribute__((noinline)) Cache() : entries_(0) {}
	__attribute__((noinline)) void put()
	{
		mu_.Lock();
		MUST(pthread_mutex_lock(&clock_mu), 0);
		entries_ += ticks;
		MUST(pthread_mutex_unlock(&clock_mu), 0);
		mu_.Unlock();
	}

private:
	base::RecursiveMutex mu_;
	long entries_;
};

class Metrics {
public:
	__attribute__((noinline)) Metrics() : flushed_(0) {}
	__attribute__((noinline)) void flush()
	{
		MUST(pthread_mutex_lock(&clock_mu), 0);
		ticks++;
		mu_.Lock();
		flushed_++;
		mu_.Unlock();
		MUST(pthread_mutex_unlock(&clock_mu), 0);
	}
	long flushed() const { return flushed_; }

private:
	base::RecursiveMutex mu_;
	long flushed_;
};

static void *put_thread(void *arg)
{
	static_cast<Cache *>(arg)->put();
	return nullptr;
}

static void *flush_thread(void *arg)
{
	static_cast<Metrics *>(arg)->flush();
	return nullptr;
}

int main()
{
	Cache *cache = new Cache();
	Metrics *metrics = new Metrics();
	pthread_t t;
	MUST(pthread_create(&t, nullptr, put_thread, cache), 0);
	MUST(pthread_join(t, nullptr), 0);
	MUST(pthread_create(&t, nullptr, flush_thread, metrics), 0);
	MUST(pthread_join(t, nullptr), 0);
	long f = metrics->flushed();
	delete cache;
	delete metrics;
	return f == 1 ? 0 : 1;
}
