/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "numfmt.h"
#include "report.h"

static const char *const claim_names[CL_COUNT] = {
	"valid", "gpus", "shards", "mem_per_gpu_gib", "ttft_s", "tpot_ms", "tokens_per_ms_per_gpu",
};

const char *claim_name(int id) { return id >= 0 && id < CL_COUNT ? claim_names[id] : "?"; }

const char *verdict_name(int v)
{
	return v == V_HOLDS ? "holds" : v == V_CONTRADICTED ? "contradicted" : "not checkable";
}

const char *claim_rel_name(int rel)
{
	return rel == REL_AT_MOST ? "at_most" : rel == REL_AT_LEAST ? "at_least" : "about";
}

static int claimed_rel(const struct scenario *s, int id)
{
	const struct claims *c = &s->claims;
	const int v[CL_COUNT] = { REL_ABOUT, c->gpus_rel, c->shards_rel, c->mem_per_gpu_gib_rel, c->ttft_s_rel,
				  c->tpot_ms_rel, c->tokens_per_ms_per_gpu_rel };
	return v[id];
}

static double claimed_value(const struct scenario *s, int id)
{
	const struct claims *c = &s->claims;
	const double v[CL_COUNT] = { c->valid == CLAIM_VALID_NONE ? NAN : c->valid == CLAIM_VALID_TRUE,
				     c->gpus, c->shards, c->mem_per_gpu_gib, c->ttft_s, c->tpot_ms,
				     c->tokens_per_ms_per_gpu };
	return v[id];
}

static bool structural(int code)
{
	return code == E_TP_HEADS || code == E_EP_EXPERTS || code == E_FOLD || code == E_PP_LAYERS ||
	       code == E_BAD_VALUE;
}

/* The reason figures are missing: the first structural error. */
static const struct diag *first_error(const struct diag_list *d)
{
	for (int i = 0; i < d->n; i++)
		if (structural(d->items[i].code))
			return &d->items[i];
	return NULL;
}

/* "valid: true" is contradicted by any structural error, with its fix. */
static void check_valid(const struct result *r, const struct diag_list *d, struct claim_result *c)
{
	const struct diag *e = first_error(d);

	c->computed = r->ok ? 1 : 0;
	c->ratio = NAN;
	c->verdict = (c->claimed != 0) == r->ok ? V_HOLDS : V_CONTRADICTED;
	if (!e)
		snprintf(c->note, sizeof c->note, "the strategy and model are consistent");
	else
		snprintf(c->note, sizeof c->note, "%s %s%s%s", diag_code_name(e->code), e->message,
			 e->fix[0] ? "; fix: " : "", e->fix);
}

static void explain(const struct scenario *s, const struct result *r, struct claim_result *c)
{
	const struct strategy *st = &s->strat;
	char sentence[200];

	switch (c->id) {
	case CL_GPUS: {
		int n = snprintf(c->note, sizeof c->note, "dp %ld x tp %ld x pp %ld = %s GPU%s", st->dp, st->tp,
				 st->pp, NUM(r->gpus), r->gpus == 1 ? "" : "s");
		double modules = (double)st->ep * (double)st->tp * (double)st->pp;
		if (c->verdict == V_CONTRADICTED && c->claimed == modules && n > 0)
			snprintf(c->note + n, sizeof c->note - (size_t)n,
				 "; the claim is ep x tp x pp, but the experts fold onto the dp x tp GPUs of each stage");
		break;
	}
	case CL_SHARDS:
		snprintf(c->note, sizeof c->note, "pp %ld x lcm(tp %ld, ep %ld x etp %ld) distinct weight sets on %s GPU%s",
			 st->pp, st->tp, st->ep, r->etp, NUM(r->gpus), r->gpus == 1 ? "" : "s");
		break;
	case CL_MEM: {
		const struct device_mem *w = &r->dev[r->worst_device];
		snprintf(c->note, sizeof c->note,
			 "fullest GPU (stage %d, %ld expert%s/layer): weights %s + KV %s + activations %s + reserved %s GiB",
			 w->stage, w->experts, w->experts == 1 ? "" : "s", NUM(w->weights_gib), NUM(w->kv_gib), NUM(w->act_gib), NUM(w->reserved_gib));
		break;
	}
	case CL_TTFT:
		diag_bound_sentence(s, r, false, sentence, sizeof sentence);
		snprintf(c->note, sizeof c->note, "%s", sentence);
		break;
	case CL_TPOT:
		diag_bound_sentence(s, r, true, sentence, sizeof sentence);
		snprintf(c->note, sizeof c->note, "%s", sentence);
		break;
	default:
		snprintf(c->note, sizeof c->note, "batch %ld / TPOT %s ms / %s GPUs; the compute ceiling is %s",
			 s->work.batch, NUM(r->tpot_ms), NUM(r->gpus), NUM(r->ceiling_tokens_per_ms_per_gpu));
		break;
	}
}

static double computed_value(const struct result *r, int id)
{
	switch (id) {
	case CL_GPUS: return r->gpus;
	case CL_SHARDS: return r->layout_ok ? r->shards : NAN;
	case CL_MEM: return r->ok ? r->max_total_gib : NAN;
	case CL_TTFT: return r->ttft_s;
	case CL_TPOT: return r->tpot_ms;
	default: return r->tokens_per_ms_per_gpu;
	}
}

/* A bound holds up to the tolerance (the model's own uncertainty): "at
 * most 0.1" is not contradicted by 0.105 at 10%. */
static bool claim_holds(int rel, double claimed, double computed, double tol)
{
	switch (rel) {
	case REL_AT_MOST: return computed <= claimed * (1 + tol);
	case REL_AT_LEAST: return computed >= claimed * (1 - tol);
	default: return fabs(claimed - computed) <= tol * fabs(computed);
	}
}

/* How far off, in words: "66x too high", "2.1x over the bound". */
static void verdict_words(struct claim_result *c)
{
	char f[32];
	double x = c->rel == REL_AT_MOST ? c->computed / c->claimed : c->claimed / c->computed;
	if (c->verdict == V_UNCHECKABLE) {
		snprintf(c->words, sizeof c->words, "not checkable");
		return;
	}
	if (c->verdict == V_HOLDS) {
		snprintf(c->words, sizeof c->words, "holds");
		return;
	}
	if (c->rel == REL_ABOUT && x < 1)
		x = 1 / x;
	if (!isfinite(x))
		snprintf(f, sizeof f, "far");
	else if (x >= 100)
		snprintf(f, sizeof f, "%.0fx", x);
	else
		snprintf(f, sizeof f, "%sx", NUM(x));
	if (c->rel == REL_AT_MOST)
		snprintf(c->words, sizeof c->words, "%s over the bound", f);
	else if (c->rel == REL_AT_LEAST)
		snprintf(c->words, sizeof c->words, "%s under the bound", f);
	else
		snprintf(c->words, sizeof c->words, "%s too %s", f, c->claimed > c->computed ? "high" : "low");
}

void check_claims(const struct scenario *s, const struct result *r, const struct diag_list *d,
		  struct check_report *out)
{
	memset(out, 0, sizeof *out);
	out->tolerance = s->claims.tolerance;
	for (int id = 0; id < CL_COUNT; id++) {
		double claimed = claimed_value(s, id);
		if (isnan(claimed))
			continue;
		struct claim_result *c = &out->items[out->n++];
		c->id = id;
		c->claimed = claimed;
		c->rel = claimed_rel(s, id);
		c->computed = computed_value(r, id);
		double ceiling = r->ceiling_tokens_per_ms_per_gpu;

		if (id == CL_VALID) {
			check_valid(r, d, c);
			snprintf(c->words, sizeof c->words, "%s", verdict_name(c->verdict));
			if (c->verdict == V_HOLDS)
				out->holds++;
			else
				out->contradicted++;
			continue;
		}
		if (isnan(c->computed)) {
			/* No strategy beats the compute ceiling: a throughput above it
			 * is wrong whatever the strategy, by any margin. */
			if (id == CL_TOKENS && !isnan(ceiling) && claimed > ceiling && c->rel != REL_AT_MOST) {
				c->verdict = V_CONTRADICTED;
				c->ratio = claimed / ceiling;
				snprintf(c->words, sizeof c->words, "%sx above the ceiling", NUM(c->ratio));
				snprintf(c->note, sizeof c->note,
					 "the compute ceiling is %s tok/ms/GPU: no strategy reaches the claim on this GPU",
					 NUM(ceiling));
				out->contradicted++;
				continue;
			}
			c->verdict = V_UNCHECKABLE;
			c->ratio = NAN;
			verdict_words(c);
			const struct diag *e = first_error(d);
			snprintf(c->note, sizeof c->note, "needs a valid strategy: %s",
				 e ? e->message : "the strategy is invalid");
			out->uncheckable++;
			continue;
		}
		c->ratio = c->computed != 0 ? claimed / c->computed : (claimed == 0 ? 1 : INFINITY);
		c->verdict = claim_holds(c->rel, claimed, c->computed, out->tolerance) ? V_HOLDS : V_CONTRADICTED;
		explain(s, r, c);
		verdict_words(c);
		if (id == CL_TOKENS && claimed > ceiling && c->rel != REL_AT_MOST) {
			c->verdict = V_CONTRADICTED;
			size_t n = strlen(c->note);
			snprintf(c->note + n, sizeof c->note - n, ": the claim is above it");
		}
		if (c->verdict == V_HOLDS)
			out->holds++;
		else
			out->contradicted++;
	}
}

/* The claim as written: "<= 0.1", ">= 100", "64". */
static void claimed_text(const struct claim_result *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", c->rel == REL_AT_MOST ? "<= " : c->rel == REL_AT_LEAST ? ">= " : "", NUM(c->claimed));
}

void check_report_text(const struct sink *k, const struct scenario *s, const struct check_report *c)
{
	char claimed[48];

	sink_printf(k, "check %s (tolerance %.0f%%)\n", s->name, 100.0 * c->tolerance);
	if (c->n == 0) {
		sink_puts(k, "  no claims: a claims: section may give gpus, shards, mem_per_gpu_gib, ttft_s, tpot_ms, tokens_per_ms_per_gpu\n");
		return;
	}
	sink_printf(k, "  %-22s %10s %10s  %s\n", "claim", "claimed", "computed", "verdict");
	for (int i = 0; i < c->n; i++) {
		const struct claim_result *it = &c->items[i];
		if (it->id == CL_VALID) {
			sink_printf(k, "  %-22s %10s %10s  %s: %s\n", claim_name(it->id),
				    it->claimed != 0 ? "true" : "false", it->computed != 0 ? "true" : "false",
				    it->words, it->note);
			continue;
		}
		claimed_text(it, claimed, sizeof claimed);
		sink_printf(k, "  %-22s %10s %10s  %s: %s\n", claim_name(it->id), claimed,
			    isnan(it->computed) ? "-" : NUM(it->computed), it->words, it->note);
	}
	sink_printf(k, "contradicted %d, holds %d, not checkable %d\n", c->contradicted, c->holds,
		    c->uncheckable);
}

void check_report_json(const struct sink *k, const struct scenario *s, const struct check_report *c)
{
	sink_puts(k, "{\"schema\": \"moescope/1\", \"check\": {\"name\": ");
	json_string(k, s->name);
	sink_puts(k, ", \"tolerance\": ");
	json_number(k, c->tolerance);
	sink_puts(k, ", \"claims\": [");
	for (int i = 0; i < c->n; i++) {
		const struct claim_result *it = &c->items[i];
		sink_printf(k, "%s{\"claim\": \"%s\", \"claimed\": ", i ? ", " : "", claim_name(it->id));
		json_number(k, it->claimed);
		sink_puts(k, ", \"computed\": ");
		json_number(k, it->computed);
		sink_puts(k, ", \"ratio\": ");
		json_number(k, it->ratio);
		sink_printf(k, ", \"relation\": \"%s\", \"verdict\": \"%s\", \"words\": ", claim_rel_name(it->rel),
			    verdict_name(it->verdict));
		json_string(k, it->words);
		sink_puts(k, ", \"note\": ");
		json_string(k, it->note);
		sink_puts(k, "}");
	}
	sink_printf(k, "], \"holds\": %d, \"contradicted\": %d, \"not_checkable\": %d}}\n", c->holds,
		    c->contradicted, c->uncheckable);
}

void check_report_csv(const struct sink *k, const struct check_report *c)
{
	char a[40], b[40], r[40];

	sink_puts(k, "claim,relation,claimed,computed,ratio,verdict,words,note\n");
	for (int i = 0; i < c->n; i++) {
		const struct claim_result *it = &c->items[i];
		a[0] = b[0] = r[0] = '\0';
		fmt_exact(it->claimed, a, sizeof a);
		if (isfinite(it->computed))
			fmt_exact(it->computed, b, sizeof b);
		if (isfinite(it->ratio))
			fmt_exact(it->ratio, r, sizeof r);
		sink_printf(k, "%s,%s,%s,%s,%s,%s,%s,", claim_name(it->id), claim_rel_name(it->rel), a, b, r,
			    verdict_name(it->verdict), it->words);
		csv_field(k, it->note);
		sink_puts(k, "\n");
	}
}
