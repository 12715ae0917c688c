#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "calc.h"

static void die(const char *why)
{
	fprintf(stderr, "lexer: %s\n", why);
	exit(2);
}

/* A switch on the character: compilers turn this into a jump table. */
int tokenize(const char *s, struct token *out, int max)
{
	int n = 0;
	for (; *s; s++) {
		if (n >= max - 1)
			die("expression too long");
		switch (*s) {
		case ' ': case '\t': continue;
		case '+': out[n++].kind = T_PLUS; break;
		case '-': out[n++].kind = T_MINUS; break;
		case '*': out[n++].kind = T_MUL; break;
		case '/': out[n++].kind = T_DIV; break;
		case '(': out[n++].kind = T_LPAREN; break;
		case ')': out[n++].kind = T_RPAREN; break;
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9': {
			char *end;
			out[n].kind = T_NUM;
			out[n++].value = strtol(s, &end, 10);
			s = end - 1;
			break;
		}
		default:
			return -1;
		}
	}
	out[n].kind = T_END;
	return n;
}
