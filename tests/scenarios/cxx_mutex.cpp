/*
** cxx_mutex.cpp: ABBA with std::mutex and std::lock_guard.
**
** std::mutex is a pthread mutex that is never passed to pthread_mutex_init
** (constexpr constructor); its lock() calls pthread_mutex_lock. Thread 1 takes
** a then b; after join, thread 2 takes b then a: circular.
*/
// EXPECT: circular
#include <mutex>
#include <thread>

static std::mutex a, b;

static void a_then_b()
{
	std::lock_guard<std::mutex> first(a);
	std::lock_guard<std::mutex> second(b);
}

static void b_then_a()
{
	std::lock_guard<std::mutex> first(b);
	std::lock_guard<std::mutex> second(a);
}

int main()
{
	std::thread(a_then_b).join();
	std::thread(b_then_a).join();
	return 0;
}
