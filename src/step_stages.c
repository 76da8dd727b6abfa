/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pipeline stages, grouped into classes of identical stages, so that the
 * cost of an evaluation does not grow with pp. */
#include "config.h"

#include "step_ctx.h"
#include "numfmt.h"

void cost_stage_span(long L, long pp, long s, long *first, long *count)
{
	long base = L / pp, extra = L % pp;
	*first = s * base + (s < extra ? s : extra);
	*count = base + (s < extra ? 1 : 0);
}

void cost_expert_span(long E, long ep, long r, long *first, long *count)
{
	long rich = E % ep, hi = E / ep + 1, lo = E / ep;
	if (r < rich) {
		*first = r * hi;
		*count = hi;
		return;
	}
	*first = rich * hi + (r - rich) * lo;
	*count = lo;
}

/* Every q-th stage ends a node: the send after stage s crosses when
 * (s + 1) * G is a multiple of gpn, that is when s + 1 is one of q. */
static long node_period(long G, long gpn)
{
	return gpn / gcd_long(G, gpn);
}

long cost_inter_node_sends(long G, long gpn, long from, long to)
{
	if (G < 1 || gpn < 1)
		return 0;
	long q = node_period(G, gpn);
	return to <= from ? 0 : to / q - from / q;
}

void step_stage_classes(struct step_ctx *c)
{
	long L = (long)c->L, pp = (long)c->pp, Ld = (long)c->Ld;
	long base = L / pp, extra = L % pp, big = extra * (base + 1);
	/* the stage holding layer Ld: those before it are wholly dense */
	long dense_end = Ld >= L ? pp : Ld < big ? Ld / (base + 1) : extra + (Ld - big) / base;
	/* Stages change kind at most at these: the first (embedding), the
	 * first stage of base layers, the stage where the dense layers end and
	 * the one after it, and the last (LM head). */
	const long cut[5] = { 1, extra, dense_end, dense_end + 1, pp - 1 };
	long q = node_period((long)c->G, (long)c->gpn);
	long ends_before = 0;   /* multiples of q up to the class's first stage */

	c->n_cls = 0;
	for (long a = 0; a < pp;) {
		long b = pp;   /* the next cut after a: no sort, these are few */
		for (int i = 0; i < 5; i++)
			if (cut[i] > a && cut[i] < b)
				b = cut[i];
		struct stage_class *sc = &c->cls[c->n_cls++];
		long count = base + (a < extra), first = a * base + (a < extra ? a : extra);
		long dense = Ld - first;
		dense = dense < 0 ? 0 : dense > count ? count : dense;
		sc->first = a;
		sc->n = (double)(b - a);
		sc->n_att = (double)count;
		sc->n_d = (double)dense;
		sc->n_m = (double)(count - dense);
		sc->last = b == pp;   /* pp - 1 is a cut: the last class is the last stage */
		/* the sends after stages a .. b-1 (none after the last) that
		 * cross a node edge: the multiples of q in a+1 .. b */
		long ends_upto = sc->last ? ends_before : q == 1 ? b : b / q;
		sc->sends_inter = (double)(ends_upto - ends_before);
		ends_before = ends_upto;
		a = b;
	}
	c->sends_inter = (double)ends_before;
}

double step_stage_sends(const struct step_ctx *c, double p2p_intra, double p2p_inter,
			double worst[COST_STAGE_CLASSES])
{
	for (int k = 0; k < c->n_cls; k++) {
		const struct stage_class *sc = &c->cls[k];
		double w = 0;
		if (!sc->last && sc->n > sc->sends_inter)
			w = p2p_intra;
		if (!sc->last && sc->sends_inter > 0)
			w = maxd(w, p2p_inter);
		worst[k] = w;
	}
	return c->sends_inter * p2p_inter + (c->pp - 1.0 - c->sends_inter) * p2p_intra;
}
