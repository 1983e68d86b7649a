/*
** annotate_cxx.cpp: the annotation header from C++: a class key, a custom
** lock, a map, might_lock, assertions and off/on, all used correctly.
*/
// EXPECT: none
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <ulockdep.h>

namespace {

ULOCKDEP_DEFINE_KEY(table_key);
ulockdep_map_t flush_map = ULOCKDEP_MAP_INIT("flush", nullptr);

struct Table {
	std::mutex lock;
	int word = 0;	// a custom lock
	Table()
	{
		ulockdep_set_class(&lock, &table_key, "Table::lock");
		ulockdep_lock_init(&word, nullptr, "Table::word", ULOCKDEP_LOCK_SPIN);
	}
};

} // namespace

int main()
{
	Table t;
	{
		std::lock_guard<std::mutex> g(t.lock);
		if (!ulockdep_assert_held(&t.lock))
			return 1;
		ulockdep_acquire(&t.word, ULOCKDEP_EXCLUSIVE);
		ulockdep_contended(&t.word);
		ulockdep_acquired(&t.word);
		ulockdep_release(&t.word);
	}
	ulockdep_map_acquire(&flush_map);
	ulockdep_map_release(&flush_map);
	ulockdep_map_wait(&flush_map);
	ulockdep_might_lock(&t.lock);
	ulockdep_off();
	ulockdep_on();
	return ulockdep_assert_none_held() ? 0 : 1;
}
