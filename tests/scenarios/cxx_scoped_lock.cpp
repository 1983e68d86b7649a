/*
** cxx_scoped_lock.cpp: std::scoped_lock(a, b) in one thread, and later
** std::scoped_lock(b, a) in another.
**
** std::scoped_lock with several mutexes calls std::lock, which avoids deadlock
** by itself: it blocks on one mutex and only try_locks the others, backing off
** and retrying when one is busy. A try_lock cannot wait, so neither order
** creates a blocking dependency: no report, although the argument order is
** inverted.
*/
// EXPECT: none
#include <mutex>
#include <thread>

static std::mutex a, b;
static long shared_value;

static void forward()
{
	std::scoped_lock both(a, b);
	shared_value++;
}

static void backward()
{
	std::scoped_lock both(b, a);
	shared_value++;
}

int main()
{
	std::thread(forward).join();
	std::thread(backward).join();
	return shared_value == 2 ? 0 : 1;
}
