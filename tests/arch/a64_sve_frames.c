/*
 * a64_sve_frames.c - functions whose frames hold SVE vectors, so that gcc and clang allocate
 * vector-length-sized stack areas with `addvl sp, sp, #-N` and release them with `addvl sp, sp,
 * #N` (issue 14): vectors whose address escapes, vectors live across calls (the SVE calling
 * convention's callee-saved z8-z23 and p4-p15 saved below the area), a vector next to an array,
 * and a vector in a function that also allocates a variable-length array. tests/arch/
 * suite_a64check.sh compiles it with -march=armv8.2-a+sve and requires 0 warnings, and rows
 * whose CFA is scaled by VG where the compiler's own CFI uses VG.
 */
#include <arm_sve.h>
#include <stddef.h>

void hv(svint32_t *p);
svint32_t sv(svint32_t x);
void use(char *p, size_t n);

int two_vectors(int x)
{
	svint32_t v, w;
	hv(&v);
	hv(&w);
	return x;
}

svint32_t live_across_call(svint32_t a, svint32_t b, int n)
{
	svint32_t s = svadd_s32_x(svptrue_b32(), a, b);
	for (int i = 0; i < n; i++)
		s = svadd_s32_x(svptrue_b32(), sv(s), a);
	return s;
}

int vector_and_array(int x)
{
	svint32_t v;
	char buf[200];
	hv(&v);
	use(buf, sizeof(buf));
	return x + buf[3];
}

int vector_and_vla(size_t n)
{
	svint32_t v;
	char buf[n];
	hv(&v);
	use(buf, n);
	return buf[0];
}
