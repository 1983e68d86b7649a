/*
** cxx_thread_once.cpp: waits on std::call_once and std::thread::join under a
** lock that what they wait for takes: circular, twice. A thread runs
** call_once(flag, init), init taking m; main then calls call_once(flag, init)
** holding m (once:flag -> m, m -> once:flag). A worker takes m and finishes;
** main, holding m, joins it (thread -> m, m -> thread). The routines the C
** library sees are libstdc++'s (__once_proxy, the thread trampoline), so the
** pseudo-locks are named from the program's side: the once_flag variable,
** and the line of main that created the thread.
*/
// EXPECT: circular
// CHECK: lock(once:flag);
// CHECK: lock(thread:main@cxx_thread_once.cpp:
// CHECK-NOT: __once_proxy
// CHECK-NOT: thread:0x
// CHECK-NOT: execute_native_thread_routine
#include <atomic>
#include <mutex>
#include <thread>

static std::mutex m;
static std::once_flag flag;
static std::atomic<bool> done;

static void init()
{
	std::lock_guard<std::mutex> g(m);
}

static void worker()
{
	{
		std::lock_guard<std::mutex> g(m);
	}
	done = true;
}

int main()
{
	std::thread([] { std::call_once(flag, init); }).join();
	{
		std::lock_guard<std::mutex> g(m);
		std::call_once(flag, init);
	}
	std::thread t(worker);
	while (!done)
		std::this_thread::yield();
	{
		std::lock_guard<std::mutex> g(m);
		t.join();
	}
	return 0;
}
