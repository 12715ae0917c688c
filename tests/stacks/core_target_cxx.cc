// core_target_cxx.cc - a C++ program that dies inside exception handling (tests/stacks/
// suite_core.sh): an exception thrown 6 calls deep leaves a noexcept function, so the unwinder's
// search phase calls std::terminate -> abort while __cxa_throw / _Unwind_RaiseException are on
// the stack. One more thread is parked meanwhile. `core_target_cxx TIDFILE`.
#include <pthread.h>
#include <stdexcept>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int sink;

__attribute__((noinline)) void thrower(int depth)
{
	if (!depth)
		throw std::runtime_error("deep");
	thrower(depth - 1);
	sink++;
}

__attribute__((noinline)) void no_escape() noexcept
{
	thrower(6);
}

static pthread_barrier_t ready;

static void *parked(void *)
{
	pthread_barrier_wait(&ready);
	for (;;)
		pause();
	return nullptr;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	pthread_t t;
	pthread_barrier_init(&ready, nullptr, 2);
	pthread_create(&t, nullptr, parked, nullptr);
	pthread_barrier_wait(&ready);
	usleep(50 * 1000); /* the parked thread is in pause() by now */
	FILE *f = fopen(argv[1], "w");
	if (f) {
		fprintf(f, "%ld\n", (long)syscall(SYS_gettid));
		fclose(f);
	}
	no_escape();
	return 0;
}
