#include <alloca.h>
#include <string.h>

#include "calc.h"

struct parser {
	const struct token *t;
	int pos;
};

static long expr(struct parser *p);

/* Recursive descent: recursion shows up as repeated frames on the stack. */
static long primary(struct parser *p)
{
	const struct token *t = &p->t[p->pos++];
	if (t->kind == T_NUM)
		return t->value;
	if (t->kind == T_LPAREN) {
		long v = expr(p);
		p->pos++; /* ')' */
		return v;
	}
	if (t->kind == T_MINUS)
		return -primary(p);
	return 0;
}

static long term(struct parser *p)
{
	long v = primary(p);
	while (p->t[p->pos].kind == T_MUL || p->t[p->pos].kind == T_DIV) {
		enum tok_kind k = p->t[p->pos++].kind;
		long r = primary(p);
		v = k == T_MUL ? v * r : (r ? v / r : 0);
	}
	return v;
}

static long expr(struct parser *p)
{
	long v = term(p);
	while (p->t[p->pos].kind == T_PLUS || p->t[p->pos].kind == T_MINUS) {
		enum tok_kind k = p->t[p->pos++].kind;
		long r = term(p);
		v = k == T_PLUS ? v + r : v - r;
	}
	return v;
}

long evaluate(const struct token *t, int n)
{
	/* a variable-length copy: alloca moves the stack pointer by a run-time amount */
	struct token *copy = alloca(sizeof(*t) * (size_t)(n + 1));
	memcpy(copy, t, sizeof(*t) * (size_t)(n + 1));
	struct parser p = { copy, 0 };
	return expr(&p);
}

void format_number(long v, char *buf, size_t len)
{
	char tmp[24];
	int i = 0, neg = v < 0;
	unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
	do
		tmp[i++] = (char)('0' + u % 10);
	while ((u /= 10) && i < 23);
	size_t o = 0;
	if (neg && o + 1 < len)
		buf[o++] = '-';
	while (i && o + 1 < len)
		buf[o++] = tmp[--i];
	buf[o] = 0;
}
