/* trustack demo: a tiny calculator. Built with frame pointers, as distributions now do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

int main(int argc, char **argv)
{
	const char *expr = argc > 1 ? argv[1] : "1 + 2 * (3 - 4) / 5";
	struct token toks[64];
	int n = tokenize(expr, toks, 64);
	if (n < 0) {
		fprintf(stderr, "bad input\n");
		return 2;
	}
	long v = evaluate(toks, n);
	char buf[32];
	format_number(v, buf, sizeof(buf));
	printf("%s = %s (checksum %08x)\n", expr, buf, fast_checksum(buf, strlen(buf)));
	return 0;
}
