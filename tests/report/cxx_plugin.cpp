/*
** cxx_plugin.cpp: a C++ plugin for the C host dl_main.c, which has no C++
** runtime of its own and loads this with dlopen(RTLD_LOCAL): two std::mutex
** of namespace plug taken in opposite orders, through std::lock_guard, by
** plug::forward and plug::backward. Every name in it is mangled.
*/
#include <mutex>

namespace plug {

std::mutex ma;
std::mutex mb;

void forward()
{
	std::lock_guard<std::mutex> a(ma);
	std::lock_guard<std::mutex> b(mb);
}

void backward()
{
	std::lock_guard<std::mutex> b(mb);
	std::lock_guard<std::mutex> a(ma); /* MARK:bwd_a */
}

} // namespace plug

extern "C" void dl_forward()
{
	plug::forward();
}

extern "C" void dl_backward()
{
	plug::backward();
}
