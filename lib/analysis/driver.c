/*
 * driver.c - analyse every function of an image, on worker threads (see driver.h).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "analysis/driver.h"

bool ts_standalone(const struct ts_image *img, size_t f)
{
	return !(img->funcs[f].flags & TS_FUNC_FRAGMENT) && img->funcs[f].size;
}

unsigned ts_driver_threads(unsigned threads)
{
	if (threads < 1)
		return 1;
	return threads > TS_MAX_THREADS ? TS_MAX_THREADS : threads;
}

struct drive {
	const struct ts_image *img;
	enum trustack_rules rules;
	ts_unit_fn fn;
	void *ctx;
	_Atomic size_t next;
	_Atomic unsigned slots;
	_Atomic int err;
};

static void *worker(void *arg)
{
	struct drive *d = arg;
	unsigned slot = atomic_fetch_add(&d->slots, 1);
	struct ts_unit u = { 0 };
	for (;;) {
		size_t f = atomic_fetch_add(&d->next, 1);
		if (f >= d->img->nfuncs || atomic_load(&d->err))
			break;
		if (!ts_standalone(d->img, f))
			continue;
		int rc = ts_unit_analyse(&u, d->img, (int)f, d->rules);
		if (!rc)
			rc = d->fn(&u, slot, d->ctx);
		if (rc) {
			int zero = 0;
			atomic_compare_exchange_strong(&d->err, &zero, rc);
			break;
		}
	}
	ts_unit_free(&u);
	return NULL;
}

int ts_analyse_all(const struct ts_image *img, enum trustack_rules rules, unsigned threads, ts_unit_fn fn,
		   void *ctx)
{
	struct drive d = { .img = img, .rules = rules, .fn = fn, .ctx = ctx };
	unsigned n = ts_driver_threads(threads);
	if (n == 1) {
		worker(&d);
		return atomic_load(&d.err);
	}
	pthread_t tid[TS_MAX_THREADS];
	unsigned started = 0;
	for (; started < n; started++)
		if (pthread_create(&tid[started], NULL, worker, &d))
			break;
	if (!started)
		worker(&d);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return atomic_load(&d.err);
}
