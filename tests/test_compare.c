/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPUs side by side, and charts as SVG: by hand. */
#include "helpers.h"

#include <math.h>

#include "compare.h"
#include "plot.h"
#include "preset.h"

/* Each row is its GPU's own frontier's best point; tokens/s per MW and
 * the price are the preset's. */
Test(compare, each_row_is_its_frontier_best)
{
	static struct scenario s, t;
	static struct compare_result c;
	static struct frontier_result fr;
	char err[600];
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "qwen3-30b-a3b", err, sizeof err), 0, "%s", err);
	s.work.engine = ENGINE_VLLM;
	s.req.tokens_per_ms_per_gpu = NAN;
	const char *hw[] = { "h100-sxm", "b200", "no-such-gpu" };
	cr_assert_eq(compare_run(&s, hw, 3, 5, 8, NULL, &c), 0);
	cr_assert_eq(c.n, 3);
	for (int i = 0; i < 2; i++) {
		const struct compare_row *r = &c.rows[i];
		cr_assert(r->found, "%s", r->hardware);
		t = s;
		cr_assert_eq(preset_load(&t, hw[i], err, sizeof err), 0, "%s", err);
		t.work.mode = MODE_SERVING;
		struct frontier_opts o = { .max_gpus = 8, .batch_from = 1, .batch_to = 4096 };
		frontier_run(&t, &o, &fr);
		cr_assert_gt(fr.n, 0);
		cr_expect_eq(r->best.per_gpu, fr.pts[0].per_gpu, "%s", r->hardware);
		cr_expect_eq(r->best.batch, fr.pts[0].batch);
		expect_rel(r->tokens_per_s_per_mw, r->best.per_gpu / t.hw.watts * 1e6, 1e-12);
		cr_expect_eq(r->usd_per_gpu_hour, t.hw.usd_per_gpu_hour);
		cr_expect_str_eq(r->price_source, t.hw.price_source);
		/* $/Mtok: the price over an hour's output of a GPU */
		expect_rel(r->best.usd_per_mtok, t.hw.usd_per_gpu_hour / (3600.0 * r->best.per_gpu) * 1e6, 1e-9);
		cr_expect(r->rec.found);
	}
	cr_expect(strstr(c.rows[2].error, "no-such-gpu") != NULL, "%s", c.rows[2].error);
	compare_free(&c);
}

/* A chart: the series, the legend and the requirement as written, names
 * escaped as XML. */
Test(compare, svg_by_hand)
{
	static struct sink_buffer b;
	struct sink k;
	const double x[3] = { 10, 50, 100 }, y[3] = { 900, 400, 100 };
	const char *labels[3] = { "DEP8@64", "TEP8@8", "TP8@1" };
	struct plot p = { .title = "R1 & friends <on> H200", .xlabel = "tokens/s per user", .ylabel = "tokens/s per GPU",
			  .logx = false, .logy = false, .n_series = 2, .x_min_req = 40, .x_req_label = ">= 40" };
	p.series[0] = (struct plot_series){ .name = "h200", .n = 3, .x = x, .y = y, .labels = labels };
	const double y2[3] = { 1200, 500, 150 };
	p.series[1] = (struct plot_series){ .name = "b\"200'", .n = 3, .x = x, .y = y2, .labels = NULL };
	sink_buffer_init(&b, &k);
	plot_svg(&k, &p);
	const char *svg = b.out;
	cr_expect(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"600\"", 97) == 0, "%s", svg);
	cr_expect(strstr(svg, "<title>R1 &amp; friends &lt;on&gt; H200</title>") != NULL);
	cr_expect(strstr(svg, ">b&quot;200&apos;</text>") != NULL);
	cr_expect(strstr(svg, "<g class=\"series\" id=\"series-1\">") != NULL);
	cr_expect(strstr(svg, "class=\"requirement\"") != NULL);
	cr_expect(strstr(svg, ">&gt;= 40</text>") != NULL);
	cr_expect(strstr(svg, ">DEP8@64</text>") != NULL);
	/* x from 10 to 100 on a linear axis of 90..740 padded 6% each side:
	 * 10 sits at 90 + 0.06 / 1.12 x 650 = 124.8 */
	cr_expect(strstr(svg, "<circle cx=\"124.8\"") != NULL, "%s", svg);
	cr_expect(strstr(svg, "</svg>\n") != NULL);
	cr_expect(strstr(svg, "nan") == NULL && strstr(svg, "inf") == NULL);
	sink_buffer_free(&b);
}
