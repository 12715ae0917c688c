/* leaf.c - the busy leaf of the perf suite's programs (prof_c.c, prof_cxx.cc): built with or
 * without a frame pointer on its own. */
unsigned long leaf_work(unsigned long x);

unsigned long leaf_work(unsigned long x)
{
	for (int i = 0; i < 2000; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	return x;
}
