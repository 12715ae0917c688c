#ifndef CALC_H
#define CALC_H
#include <stddef.h>

enum tok_kind { T_NUM, T_PLUS, T_MINUS, T_MUL, T_DIV, T_LPAREN, T_RPAREN, T_END };
struct token {
	enum tok_kind kind;
	long value;
};

int tokenize(const char *s, struct token *out, int max);
long evaluate(const struct token *t, int n);
void format_number(long v, char *buf, size_t len);
unsigned fast_checksum(const char *p, size_t n); /* hand-written assembly */
#endif
