// prof_cxx.cc - the C++ program the perf suite profiles: templates, std::sort with a lambda,
// virtual calls, and an exception thrown and caught now and then, around the same busy leaf.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <vector>

extern "C" unsigned long leaf_work(unsigned long x);

static volatile unsigned long sink;

struct Shape {
	virtual ~Shape() = default;
	virtual unsigned long area(unsigned long x) const = 0;
};
struct Square : Shape {
	unsigned long area(unsigned long x) const override { return leaf_work(x) * 2; }
};

template <int N> __attribute__((noinline)) unsigned long deep(const Shape &s, unsigned long x)
{
	unsigned long r = deep<N - 1>(s, x + N);
	sink += r;
	return r;
}
template <> __attribute__((noinline)) unsigned long deep<0>(const Shape &s, unsigned long x)
{
	return s.area(x);
}

__attribute__((noinline)) static void sort_work(std::vector<int> &v)
{
	std::sort(v.begin(), v.end(), [](int a, int b) { return (a ^ 0x55) < (b ^ 0x55); });
}

__attribute__((noinline)) static void thrower(unsigned long i)
{
	if (i % 16 == 0)
		throw std::runtime_error("odd");
}

static double cpu_ms()
{
	timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 300;
	Square sq;
	std::vector<int> v(2000);
	unsigned long i = 0;
	while (cpu_ms() < ms) {
		sink += deep<12>(sq, i);
		if (i % 16 == 0) {
			for (size_t k = 0; k < v.size(); k++)
				v[k] = (int)(k * 7919 + i);
			sort_work(v);
		}
		try {
			thrower(i);
		} catch (const std::exception &) {
			sink++;
		}
		i++;
	}
	return 0; /* perf record exits with the program's status */
}
