// unwind_cxx.cc - C++ exceptions for unwind_test.c: a trace taken in a destructor while an
// exception propagates (the frames of libgcc's unwinder and libstdc++'s personality are live
// on the stack), and one taken in a catch block.
#include <stdexcept>

typedef void (*check_fn)(const char *scen, bool must);
static check_fn check;

struct Guard {
	~Guard() { check("cxx-destructor-during-throw", true); }
};

__attribute__((noinline)) static void thrower(int n)
{
	Guard g;
	if (n == 0)
		throw std::runtime_error("x");
	thrower(n - 1);
}

__attribute__((noinline)) static void catcher()
{
	try {
		thrower(0);
	} catch (const std::exception &) {
		check("cxx-catch", true);
	}
}

extern "C" void cxx_scenarios(check_fn c)
{
	check = c;
	catcher();
}
