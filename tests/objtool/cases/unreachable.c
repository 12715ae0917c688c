/* An instruction no path reaches. (objtool only reports unreachable instructions in an object
 * where it found no other problem, so this case has an object of its own.) */
#include "asmfn.h"

ASM_FUNC(ur_after_ret, "mov $1, %eax\n"
                       "ret\n"
                       "mov $2, %eax\n"
                       "ret");

int ur_c_ok(int x) { return x * 3; }
