/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Held-out error: leave one GPU, model or engine out, fit on the rest,
 * predict it (calibrate.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "evaluate.h"
#include "numfmt.h"
#include "report.h"

static const char *const dim_names[HOLD_COUNT] = { "gpu", "model", "engine", "campaign" };

int holdout_dim_find(const char *name)
{
	for (int d = 0; d < HOLD_COUNT; d++)
		if (strcmp(name, dim_names[d]) == 0)
			return d;
	return -1;
}

static const char *run_key(const struct run *r, int dim)
{
	return dim == HOLD_GPU ? r->hardware : dim == HOLD_MODEL ? r->model : dim == HOLD_ENGINE ? r->framework : r->campaign;
}

/* A run takes part when it was evaluated and says which group it is of: a
 * run without a campaign could be of the one held out, so it is neither
 * fitted to nor predicted. */
static bool takes_part(const struct run *r, int dim)
{
	return r->ok && run_key(r, dim)[0] != '\0';
}


/* Medians over the runs that `pick` selects, of predictions p. */
struct errs {
	int n;
	double tpot_abs, tpot_signed, ttft_abs, ttft_signed;
	int n_tput;                         /* throughput rows */
	double tput_abs, tput_signed;
};

static struct errs errors(const struct run_set *rs, const double (*p)[2], const bool *pick, double *scratch)
{
	struct errs e = { 0 };
	double *v = scratch;
	int n = 0;
	for (int pass = 0; pass < 4; pass++) {
		n = 0;
		for (int i = 0; i < rs->n; i++) {
			const struct run *r = &rs->runs[i];
			if (!pick[i] || isnan(p[i][0]) || r->throughput)
				continue;
			double tp = 100.0 * (p[i][1] - r->tpot_ms) / r->tpot_ms;
			double tf = 100.0 * (p[i][0] - r->ttft_ms) / r->ttft_ms;
			if (!isfinite(tf))
				tf = 1e9;
			v[n++] = pass == 0 ? fabs(tp) : pass == 1 ? tp : pass == 2 ? fabs(tf) : tf;
		}
		double m = runs_median(v, n);
		if (pass == 0)
			e.tpot_abs = m;
		else if (pass == 1)
			e.tpot_signed = m;
		else if (pass == 2)
			e.ttft_abs = m;
		else
			e.ttft_signed = m;
	}
	e.n = n;
	/* throughput rows: the best tokens/s per GPU */
	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (int i = 0; i < rs->n; i++) {
			const struct run *r = &rs->runs[i];
			if (!pick[i] || isnan(p[i][0]) || !r->throughput)
				continue;
			double t = 100.0 * (p[i][0] - r->tok_s_gpu) / r->tok_s_gpu;
			v[n++] = pass == 0 ? fabs(t) : t;
		}
		double m = runs_median(v, n);
		if (pass == 0)
			e.tput_abs = m;
		else
			e.tput_signed = m;
	}
	e.n_tput = n;
	return e;
}

static void predict(struct run_set *rs, const bool *which, double (*p)[2])
{
	static struct result r;
	for (int i = 0; i < rs->n; i++) {
		if (!which[i] || !rs->runs[i].ok)
			continue;
		if (!runs_predict(&rs->runs[i], &r, p[i]))
			p[i][0] = p[i][1] = NAN;
	}
}

static void errs_json(const struct sink *k, const struct errs *e)
{
	sink_printf(k, "\"runs\": %d, \"tpot_median_pct\": ", e->n);
	json_number(k, e->tpot_abs);
	sink_puts(k, ", \"tpot_signed_pct\": ");
	json_number(k, e->tpot_signed);
	sink_puts(k, ", \"ttft_median_pct\": ");
	json_number(k, e->ttft_abs);
	sink_puts(k, ", \"ttft_signed_pct\": ");
	json_number(k, e->ttft_signed);
	if (e->n_tput) {
		sink_printf(k, ", \"throughput_runs\": %d, \"tok_s_gpu_median_pct\": ", e->n_tput);
		json_number(k, e->tput_abs);
		sink_puts(k, ", \"tok_s_gpu_signed_pct\": ");
		json_number(k, e->tput_signed);
	}
}

void holdout_report(struct run_set *rs, int dim, const struct sink *k, int format)
{
	int n = rs->n;
	double (*in_p)[2] = malloc((size_t)(n ? n : 1) * sizeof *in_p);
	double (*out_p)[2] = malloc((size_t)(n ? n : 1) * sizeof *out_p);
	bool *train = malloc((size_t)(n ? n : 1) * sizeof *train);
	bool *pick = malloc((size_t)(n ? n : 1) * sizeof *pick);
	double *scratch = malloc((size_t)(n ? n : 1) * sizeof *scratch);
	/* every fit starts from the runs as read: a fold that started where
	 * the one before it ended would depend on the order of the folds */
	struct scenario *as_read = malloc((size_t)(n ? n : 1) * sizeof *as_read);
	const char *values[GROUPS_MAX];
	int n_values = 0;
	struct fit f;
	bool json = format == 1;

	if (!in_p || !out_p || !train || !pick || !scratch || !as_read)
		goto done;
	for (int i = 0; i < n; i++)
		as_read[i] = rs->runs[i].s;
	for (int i = 0; i < n; i++) {
		in_p[i][0] = in_p[i][1] = out_p[i][0] = out_p[i][1] = NAN;
		if (!takes_part(&rs->runs[i], dim))
			continue;
		const char *v = run_key(&rs->runs[i], dim);
		int j = 0;
		while (j < n_values && strcmp(values[j], v) != 0)
			j++;
		if (j == n_values && n_values < GROUPS_MAX)
			values[n_values++] = v;
	}
	/* in-sample: the constants fitted to every run, as calibrate ships them */
	for (int i = 0; i < n; i++)
		pick[i] = takes_part(&rs->runs[i], dim);
	fit_runs(rs, NULL, &f);
	fit_apply(rs, &f);
	predict(rs, pick, in_p);
	for (int j = 0; j < n_values; j++) {
		for (int i = 0; i < n; i++) {
			pick[i] = takes_part(&rs->runs[i], dim) && strcmp(run_key(&rs->runs[i], dim), values[j]) == 0;
			train[i] = takes_part(&rs->runs[i], dim) && !pick[i];
			rs->runs[i].s = as_read[i];
		}
		fit_runs(rs, train, &f);
		/* nothing else to fit to: no held-out prediction */
		if (!f.ok)
			continue;
		fit_apply(rs, &f);
		predict(rs, pick, out_p);
	}

	bool tput = false;
	for (int i = 0; i < n; i++)
		tput = tput || (rs->runs[i].ok && rs->runs[i].throughput && takes_part(&rs->runs[i], dim));
	if (json)
		sink_printf(k, "{\"schema\": \"moescope/1\", \"holdout\": {\"by\": \"%s\", \"folds\": [", dim_names[dim]);
	else
		sink_printf(k, "held out by %s: fitted to the other %ss' runs, predicting these (in-sample: fitted to all)\n"
			       "  %-16s %5s  %-23s %-23s  %s%s\n", dim_names[dim], dim_names[dim], dim_names[dim], "runs",
			    "TPOT median (signed)", "TTFT median (signed)", "in-sample TPOT, TTFT",
			    tput ? "  tok/s/GPU rows median (signed), in-sample" : "");
	for (int j = 0; j <= n_values; j++) {
		for (int i = 0; i < n; i++)
			pick[i] = takes_part(&rs->runs[i], dim) &&
				  (j == n_values || strcmp(run_key(&rs->runs[i], dim), values[j]) == 0);
		struct errs o = errors(rs, (const double (*)[2])out_p, pick, scratch);
		struct errs s = errors(rs, (const double (*)[2])in_p, pick, scratch);
		const char *label = j == n_values ? "all" : values[j];
		if (json) {
			sink_puts(k, j == n_values ? "], \"overall\": {" : j ? ", {" : "{");
			sink_puts(k, "\"held_out\": ");
			json_string(k, label);
			sink_puts(k, ", ");
			errs_json(k, &o);
			sink_puts(k, ", \"in_sample_tpot_median_pct\": ");
			json_number(k, s.tpot_abs);
			sink_puts(k, ", \"in_sample_ttft_median_pct\": ");
			json_number(k, s.ttft_abs);
			sink_puts(k, "}");
			continue;
		}
		if (o.n)
			sink_printf(k, "  %-16.16s %5d  %6s%% (%6s%%)       %6s%% (%7s%%)      %5s%%, %5s%%",
				    label, o.n, PCT(o.tpot_abs, 1), PCTS(o.tpot_signed, 1), PCT(o.ttft_abs, 1),
				    PCTS(o.ttft_signed, 1), PCT(s.tpot_abs, 1), PCT(s.ttft_abs, 1));
		else   /* a fold of throughput rows alone */
			sink_printf(k, "  %-16.16s %5d  %7s %9s       %7s %10s      %6s, %6s", label, 0, "-", "", "-", "", "-",
				    "-");
		if (tput && o.n_tput)
			sink_printf(k, "  %4d %6s%% (%6s%%), %5s%%", o.n_tput, PCT(o.tput_abs, 1), PCTS(o.tput_signed, 1),
				    PCT(s.tput_abs, 1));
		sink_puts(k, "\n");
	}
	/* each (model, GPU, engine) group of the held-out predictions */
	if (json)
		sink_puts(k, ", \"groups\": [");
	else
		sink_puts(k, "  held-out error of each model, GPU and engine\n");
	bool first_group = true;
	for (int g = 0; g < rs->n_groups; g++) {
		const struct run_group *gr = &rs->groups[g];
		for (int i = 0; i < n; i++) {
			const struct run *r = &rs->runs[i];
			pick[i] = r->ok && !strcmp(r->model, gr->model) && !strcmp(r->hardware, gr->hardware) &&
				  !strcmp(r->framework, gr->framework);
		}
		struct errs o = errors(rs, (const double (*)[2])out_p, pick, scratch);
		/* a group none of whose runs was held out (no campaign given) */
		if (o.n == 0 && o.n_tput == 0)
			continue;
		if (json) {
			sink_puts(k, first_group ? "{\"model\": " : ", {\"model\": ");
			first_group = false;
			json_string(k, gr->model);
			sink_puts(k, ", \"hardware\": ");
			json_string(k, gr->hardware);
			sink_puts(k, ", \"framework\": ");
			json_string(k, gr->framework);
			sink_puts(k, ", ");
			errs_json(k, &o);
			sink_puts(k, "}");
			continue;
		}
		if (o.n)
			sink_printf(k, "    %-18s %-9s %-8s %5d  TPOT %5s%% (%6s%%)  TTFT %6s%% (%7s%%)\n", gr->model,
				    gr->hardware, gr->framework, o.n, PCT(o.tpot_abs, 1), PCTS(o.tpot_signed, 1),
				    PCT(o.ttft_abs, 1), PCTS(o.ttft_signed, 1));
		if (o.n_tput)
			sink_printf(k, "    %-18s %-9s %-8s %5d  tok/s/GPU %5s%% (%6s%%)\n", gr->model, gr->hardware,
				    gr->framework, o.n_tput, PCT(o.tput_abs, 1), PCTS(o.tput_signed, 1));
	}
	if (json)
		sink_puts(k, "]}}\n");
	/* the runs keep their held-out predictions */
	for (int i = 0; i < n; i++) {
		struct run *r = &rs->runs[i];
		if (r->throughput) {
			r->pred_tok_s_gpu = out_p[i][0];
			r->pred_batch = isnan(out_p[i][1]) ? 0 : (long)out_p[i][1];
			continue;
		}
		r->pred_ttft_ms = out_p[i][0];
		r->pred_tpot_ms = out_p[i][1];
	}
done:
	if (as_read)
		for (int i = 0; i < n; i++)
			rs->runs[i].s = as_read[i];
	free(as_read);
	free(in_p);
	free(out_p);
	free(train);
	free(pick);
	free(scratch);
}
