/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPUs side by side (compare.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "deploy_pack.h"
#include "name_text.h"
#include "numfmt.h"
#include "preset.h"
#include "report.h"
#include "serve.h"
#include "strategy_parse.h"

static void one_gpu(const struct scenario *base, const char *hw, double rate, long max_gpus, struct search_stop *stop,
		    struct compare_row *row, struct frontier_result *fr)
{
	static struct scenario s;   /* large: not on the stack */
	memset(row, 0, sizeof *row);
	snprintf(row->hardware, sizeof row->hardware, "%s", hw);
	row->best.per_gpu = NAN;
	s = *base;
	if (preset_load(&s, hw, row->error, sizeof row->error) != 0)
		return;
	if (s.work.mode != MODE_SERVING)
		s.work.mode = MODE_SERVING;
	row->usd_per_gpu_hour = s.hw.usd_per_gpu_hour;
	row->watts = s.hw.watts;
	snprintf(row->price_source, sizeof row->price_source, "%s", s.hw.price_source);
	struct frontier_opts o = { .max_gpus = max_gpus, .batch_from = 1, .batch_to = 4096, .mode = FR_AGG, .stop = stop };
	frontier_run(&s, &o, fr);
	/* the front is by tokens/s per user ascending: the first point makes
	 * the most per GPU */
	if (fr->n > 0) {
		row->found = true;
		row->best = fr->pts[0];
		struct packing pk;
		deploy_pack(1, (long)row->best.gpus, s.hw.gpus_per_node, scenario_gpus_per_host(&s.hw), &pk);
		row->hosts = pk.hosts;
		row->tokens_per_s_per_mw = row->watts > 0 ? row->best.per_gpu / row->watts * 1e6 : NAN;
	}
	if (rate > 0) {
		struct recommend_opts ro = { .rate = rate, .max_gpus = max_gpus, .batch_from = 1, .batch_to = 4096,
					     .stop = stop };
		recommend_run(&s, &ro, &row->rec);
	}
}

int compare_run(const struct scenario *s, const char *const *hw, int n, double rate, long max_gpus,
		struct search_stop *stop, struct compare_result *out)
{
	memset(out, 0, sizeof *out);
	out->rate = rate > 0 ? rate : NAN;
	out->max_gpus = max_gpus;
	if (n > COMPARE_MAX)
		n = COMPARE_MAX;
	for (int i = 0; i < n; i++) {
		out->fronts[i] = malloc(sizeof *out->fronts[i]);
		if (!out->fronts[i]) {
			compare_free(out);
			return -1;
		}
		one_gpu(s, hw[i], rate, max_gpus, stop, &out->rows[i], out->fronts[i]);
		out->n++;
		if (stop && stop->stopped) {
			out->stopped = true;
			break;
		}
	}
	return 0;
}

void compare_free(struct compare_result *c)
{
	for (int i = 0; i < COMPARE_MAX; i++) {
		free(c->fronts[i]);
		c->fronts[i] = NULL;
	}
}

/* The row's strategy as the field writes it (TEP8) and as moescope does. */
static void names(const struct compare_row *r, char *label, size_t ll, char *strat, size_t sl)
{
	struct strategy st = { .dp = r->best.dp, .tp = r->best.tp, .pp = r->best.pp, .ep = r->best.ep,
			       .etp = r->best.etp };
	frontier_label(&r->best, label, ll);
	strategy_format(&st, strat, sl);
}

void compare_report_text(const struct sink *k, const struct scenario *s, const struct compare_result *c)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	sink_printf(k, "compare: %s, %ld + %ld tokens, %s, up to %ld GPU%s a GPU type; the best point of each front that meets the requirements\n",
		    s->model.name, s->work.prompt_len, s->work.output_len,
		    s->work.engine ? serve_engine_name(s->work.engine) : "no engine",
		    c->max_gpus, c->max_gpus == 1 ? "" : "s");
	sink_printf(k, "%-14s %-10s %-24s %6s %5s %5s %10s %10s %8s %8s %10s\n", "hardware", "label", "strategy", "batch",
		    "GPUs", "hosts", "tok/s/GPU", "tok/s/user", "$/Mtok", "J/tok", "tok/s/MW");
	for (int i = 0; i < c->n; i++) {
		const struct compare_row *r = &c->rows[i];
		if (r->error[0]) {
			sink_printf(k, "%-14s %s\n", r->hardware, r->error);
			continue;
		}
		if (!r->found) {
			sink_printf(k, "%-14s no strategy fits and meets the requirements\n", r->hardware);
			continue;
		}
		names(r, label, sizeof label, strat, sizeof strat);
		sink_printf(k, "%-14s %-10s %-24s %6ld %5s %5ld %10s %10s %8s %8s %10s\n", r->hardware, label, strat,
			    r->best.batch, NUM(r->best.gpus), r->hosts, NUM(r->best.per_gpu), NUM(r->best.per_user),
			    NUM(r->best.usd_per_mtok), NUM(r->best.joules_per_token), NUM(r->tokens_per_s_per_mw));
	}
	if (!isnan(c->rate)) {
		sink_printf(k, "for %s requests/s:\n", NUM(c->rate));
		for (int i = 0; i < c->n; i++) {
			const struct compare_row *r = &c->rows[i];
			if (r->error[0])
				continue;
			if (!r->rec.found) {
				sink_printf(k, "  %-14s no replicas of up to %ld GPUs serve it within the requirements\n",
					    r->hardware, c->max_gpus);
				continue;
			}
			struct strategy st = { .dp = r->rec.dp, .tp = r->rec.tp, .pp = r->rec.pp, .ep = r->rec.ep,
					       .etp = r->rec.etp };
			strategy_format(&st, strat, sizeof strat);
			sink_printf(k, "  %-14s %s GPU%s on %ld host%s: %ld x %s at concurrency %ld", r->hardware,
				    NUM(r->rec.gpus), r->rec.gpus == 1 ? "" : "s", r->rec.hosts, r->rec.hosts == 1 ? "" : "s",
				    r->rec.replicas, strat, r->rec.batch);
			if (!isnan(r->usd_per_gpu_hour))
				sink_printf(k, ", $%s an hour", NUM(r->rec.gpus * r->usd_per_gpu_hour));
			sink_puts(k, "\n");
		}
	}
	sink_puts(k, "prices:");
	for (int i = 0; i < c->n; i++) {
		const struct compare_row *r = &c->rows[i];
		if (r->error[0])
			continue;
		char src[4 * NAME_MAX_LEN];
		name_visible(r->price_source, src, sizeof src);
		if (isnan(r->usd_per_gpu_hour))
			sink_printf(k, "%s %s none (hardware.usd_per_gpu_hour)", i ? ";" : "", r->hardware);
		else
			sink_printf(k, "%s %s $%s/h (%s)", i ? ";" : "", r->hardware, NUM(r->usd_per_gpu_hour),
				    src[0] ? src : "set by hand");
	}
	sink_puts(k, "\n");
	if (c->stopped)
		sink_puts(k, "stopped before the end: the GPUs after the last row were not looked at\n");
}

void compare_report_json(const struct sink *k, const struct compare_result *c)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	sink_puts(k, "{\"schema\": \"moescope/1\", \"compare\": {\"rate\": ");
	json_number(k, c->rate);
	sink_printf(k, ", \"max_gpus\": %ld, \"stopped\": %s, \"rows\": [", c->max_gpus, c->stopped ? "true" : "false");
	for (int i = 0; i < c->n; i++) {
		const struct compare_row *r = &c->rows[i];
		sink_puts(k, i ? ", {\"hardware\": " : "{\"hardware\": ");
		json_string(k, r->hardware);
		if (r->error[0] || !r->found) {
			sink_puts(k, ", \"error\": ");
			json_string(k, r->error[0] ? r->error : "no strategy fits and meets the requirements");
			sink_puts(k, "}");
			continue;
		}
		names(r, label, sizeof label, strat, sizeof strat);
		sink_puts(k, ", \"strategy\": ");
		json_string(k, strat);
		sink_puts(k, ", \"label\": ");
		json_string(k, label);
		sink_printf(k, ", \"batch\": %ld, \"gpus\": ", r->best.batch);
		json_number(k, r->best.gpus);
		sink_printf(k, ", \"hosts\": %ld", r->hosts);
		const char *names_[] = { "tokens_per_s_per_gpu", "tokens_per_s_per_user", "usd_per_mtok", "usd_per_gpu_hour" };
		const double v[] = { r->best.per_gpu, r->best.per_user, r->best.usd_per_mtok, r->usd_per_gpu_hour };
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
			sink_printf(k, ", \"%s\": ", names_[j]);
			json_number(k, v[j]);
		}
		sink_puts(k, ", \"price_source\": ");
		if (r->price_source[0])
			json_string(k, r->price_source);
		else
			sink_puts(k, "null");
		sink_puts(k, ", \"joules_per_token\": ");
		json_number(k, r->best.joules_per_token);
		sink_puts(k, ", \"tokens_per_s_per_mw\": ");
		json_number(k, r->tokens_per_s_per_mw);
		if (!isnan(c->rate)) {
			sink_puts(k, ", \"rate\": ");
			if (r->rec.found) {
				struct strategy st = { .dp = r->rec.dp, .tp = r->rec.tp, .pp = r->rec.pp, .ep = r->rec.ep,
						       .etp = r->rec.etp };
				strategy_format(&st, strat, sizeof strat);
				sink_puts(k, "{\"strategy\": ");
				json_string(k, strat);
				sink_printf(k, ", \"batch\": %ld, \"replicas\": %ld, \"gpus\": ", r->rec.batch, r->rec.replicas);
				json_number(k, r->rec.gpus);
				sink_printf(k, ", \"hosts\": %ld}", r->rec.hosts);
			} else {
				sink_puts(k, "null");
			}
		}
		sink_puts(k, "}");
	}
	sink_puts(k, "]}}\n");
}

void compare_report_csv(const struct sink *k, const struct compare_result *c)
{
	char label[FRONTIER_LABEL_MAX], strat[64];
	sink_puts(k, "hardware,label,strategy,batch,gpus,hosts,tokens_per_s_per_gpu,tokens_per_s_per_user,usd_per_mtok,"
		     "usd_per_gpu_hour,price_source,joules_per_token,tokens_per_s_per_mw,rate_gpus,rate_hosts,error\n");
	for (int i = 0; i < c->n; i++) {
		const struct compare_row *r = &c->rows[i];
		csv_field(k, r->hardware);
		if (r->error[0] || !r->found) {
			sink_puts(k, ",,,,,,,,,,,,,,,");
			csv_field(k, r->error[0] ? r->error : "no strategy fits and meets the requirements");
			sink_puts(k, "\n");
			continue;
		}
		names(r, label, sizeof label, strat, sizeof strat);
		sink_puts(k, ",");
		csv_field(k, label);
		sink_printf(k, ",%s,%ld", strat, r->best.batch);
		const double v[] = { r->best.gpus, (double)r->hosts, r->best.per_gpu, r->best.per_user, r->best.usd_per_mtok,
				     r->usd_per_gpu_hour };
		csv_numbers(k, v, sizeof v / sizeof v[0]);
		sink_puts(k, ",");
		csv_field(k, r->price_source);
		const double w[] = { r->best.joules_per_token, r->tokens_per_s_per_mw,
				     !isnan(c->rate) && r->rec.found ? r->rec.gpus : NAN,
				     !isnan(c->rate) && r->rec.found ? (double)r->rec.hosts : NAN };
		csv_numbers(k, w, sizeof w / sizeof w[0]);
		sink_puts(k, ",\n");
	}
}
