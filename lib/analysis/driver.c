/*
 * driver.c - analyse every function of an image, on worker threads (see driver.h).
 *
 * Two rounds. The first analyses every standalone function; each unit takes in the FDE fragments
 * its jumps reach (walk.c), and the driver notes which fragments were taken in. The second
 * analyses, each as a unit of its own, the fragments no function reached that carry an entry
 * hint from their CFI (fragments.c): code entered some way a jump does not show, such as ld.so's
 * lazy-binding trampolines. A fragment some function reaches is never analysed from its hint:
 * the state the jumps carry is better evidence than the CFI.
 *
 * The result does not depend on -j or on thread timing, by design: a unit's analysis reads only
 * the image and answers that are functions of the image. Workers share three memos of the image:
 * which functions never return (noreturn.c), which registers a call changes (clobbers.c) and
 * the addresses a function loads (walk.c, func_leas). Each answer there is computed from the
 * code alone, never from what another worker is doing: no "being computed" marker is read as an
 * answer (one was: a worker that met it took the callee for one that returns, and a call to a
 * local function that never returns fell through now and then), and an inference that follows
 * calls is a function of the callee and of its depth in the chain, so the order questions come
 * in changes only how much is computed twice, never an answer. Two workers asking the same
 * question at once both compute it and store the same value. The rest is per unit (struct
 * ts_unit, one per worker) or written in the first round and read only after it (reached[]),
 * and consumers order what they collect (check.c sorts by address). tests/seeded/
 * suite_determinism.sh checks it at -j 1..8; `make check-tsan` runs the suites under TSAN.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "analysis/driver.h"

bool ts_standalone(const struct ts_image *img, size_t f)
{
	return !(img->funcs[f].flags & TS_FUNC_FRAGMENT) && img->funcs[f].size;
}

bool ts_hinted_fragment(const struct ts_image *img, size_t f)
{
	const struct ts_func *fn = &img->funcs[f];
	return (fn->flags & TS_FUNC_FRAGMENT) && fn->parent == -1 && fn->size && ts_image_entry_hint(img, fn->addr);
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
	_Atomic uint8_t *reached; /* per function: a fragment some unit took in (NULL: no hints) */
	const size_t *todo;       /* the second round's fragments, when set */
	size_t ntodo;
};

/* Note the fragments unit u took in (its ranges after the first, other than borrowed code). */
static void note_reached(struct drive *d, const struct ts_unit *u)
{
	for (size_t k = 1; k < u->nranges; k++) {
		if (u->ranges[k].borrowed)
			continue;
		int g = ts_image_func_at(d->img, u->ranges[k].start);
		if (g >= 0)
			atomic_store_explicit(&d->reached[g], 1, memory_order_relaxed);
	}
}

static void *worker(void *arg)
{
	struct drive *d = arg;
	unsigned slot = atomic_fetch_add(&d->slots, 1);
	struct ts_unit u = { 0 };
	for (;;) {
		size_t k = atomic_fetch_add(&d->next, 1), f;
		if (d->todo) {
			if (k >= d->ntodo || atomic_load(&d->err))
				break;
			f = d->todo[k];
		} else {
			if (k >= d->img->nfuncs || atomic_load(&d->err))
				break;
			f = k;
			if (!ts_standalone(d->img, f))
				continue;
		}
		int rc = ts_unit_analyse(&u, d->img, (int)f, d->rules);
		if (!rc && d->reached && !d->todo)
			note_reached(d, &u);
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

static void run_round(struct drive *d, unsigned n)
{
	atomic_store(&d->next, 0);
	atomic_store(&d->slots, 0);
	if (n == 1) {
		worker(d);
		return;
	}
	pthread_t tid[TS_MAX_THREADS];
	unsigned started = 0;
	for (; started < n; started++)
		if (pthread_create(&tid[started], NULL, worker, d))
			break;
	if (!started)
		worker(d);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

int ts_analyse_all(const struct ts_image *img, enum trustack_rules rules, unsigned threads, ts_unit_fn fn,
		   void *ctx)
{
	struct drive d = { .img = img, .rules = rules, .fn = fn, .ctx = ctx };
	unsigned n = ts_driver_threads(threads);
	if (n > img->nfuncs)
		n = img->nfuncs ? (unsigned)img->nfuncs : 1; /* no idle threads for small files */
	if (img->nhints) {
		d.reached = calloc(img->nfuncs, sizeof(*d.reached));
		if (!d.reached)
			return -TRUSTACK_E_NOMEM;
	}
	run_round(&d, n);
	if (d.reached && !atomic_load(&d.err)) {
		size_t *todo = malloc(img->nhints * sizeof(*todo)), nt = 0;
		if (!todo) {
			free((void *)d.reached);
			return -TRUSTACK_E_NOMEM;
		}
		for (size_t f = 0; f < img->nfuncs; f++)
			if (!d.reached[f] && ts_hinted_fragment(img, f) && nt < img->nhints)
				todo[nt++] = f;
		if (nt) {
			d.todo = todo;
			d.ntodo = nt;
			run_round(&d, n < nt ? n : (unsigned)nt);
		}
		free(todo);
	}
	free((void *)d.reached);
	return atomic_load(&d.err);
}
