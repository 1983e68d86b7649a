/*
** cxx_members.cpp: the two std::mutex members of a heap object taken in
** opposite orders, put() through std::lock_guard and std::unique_lock,
** evict() through std::scoped_lock and std::lock_guard, each in a std::thread
** of its own, one after the other: circular. The classes are named after
** put()'s two lines, the first sites of the program's own code past the C++
** library's lock wrappers, which at -O0 are functions of their own; and the
** title after evict(). cxx_members_o2.cpp is the same at -O2.
*/
// EXPECT: circular
// CHECK: lock(acq:Cache::put@cxx_members.cpp:
// CHECK: possible deadlock in Cache::evict (acq:Cache::put@cxx_members.cpp:
// CHECK-NOT: acq:std::
// CHECK-NOT: acq:__gthread
// CHECK-NOT: deadlock in std::
// CHECK-NOT: deadlock in __gthread
// CHECK-NOT: #2);
#include <mutex>
#include <thread>

struct Cache {
	std::mutex mu_;
	std::mutex lru_;
	int n = 0;

	void put()
	{
		std::lock_guard<std::mutex> g(mu_);
		std::unique_lock<std::mutex> l(lru_);
		n++;
	}

	void evict()
	{
		std::scoped_lock l(lru_);
		std::lock_guard<std::mutex> g(mu_);
		n--;
	}
};

int main()
{
	Cache *c = new Cache;
	std::thread([c] { c->put(); }).join();
	std::thread([c] { c->evict(); }).join();
	delete c;
	return 0;
}
