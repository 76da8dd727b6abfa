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
	/* the requirement misses left of 40: grey from the left edge (90) to
	 * 40's place, 90 + (40 - 4.6) / 100.8 x 650 = 318.3 */
	cr_expect(strstr(svg, "<rect class=\"missed\" x=\"90\" y=\"70\" width=\"228.3\"") != NULL, "%s", svg);
	sink_buffer_free(&b);
}

/* The best point ringed and named, its figures in the legend; labels that
 * would overlap are left out, never drawn over each other. */
Test(compare, svg_labels_never_overlap)
{
	static struct sink_buffer b;
	struct sink k;
	enum { N = 60 };
	static double x[N], y[N];
	static char store[N][16];
	static const char *labels[N];
	for (int i = 0; i < N; i++) {
		/* a dense front: sixty points in a corner of the chart */
		x[i] = 10 + i * 0.2;
		y[i] = 1000 - i * 3;
		snprintf(store[i], sizeof store[i], "DEP%d@%d", 8 + i % 3 * 8, 1 << (i % 10));
		labels[i] = store[i];
	}
	double far_x[2] = { 10, 100 }, far_y[2] = { 50, 10 };
	struct plot p = { .title = "t", .xlabel = "x", .ylabel = "y", .n_series = 2, .x_min_req = NAN };
	p.series[0] = (struct plot_series){ .name = "a", .n = N, .x = x, .y = y, .labels = labels, .marked = true,
					    .best = 0, .detail = "DEP8@1\n1000 tok/s/GPU" };
	p.series[1] = (struct plot_series){ .name = "b", .n = 2, .x = far_x, .y = far_y, .labels = labels };
	sink_buffer_init(&b, &k);
	plot_svg(&k, &p);
	const char *svg = b.out;
	cr_expect(strstr(svg, "<circle class=\"best\"") != NULL);
	cr_expect(strstr(svg, "font-weight=\"bold\"") != NULL && strstr(svg, ">DEP8@1</text>") != NULL);
	cr_expect(strstr(svg, ">1000 tok/s/GPU</text>") != NULL, "%s", svg);
	/* every label of the labels group as a box, by the width rule of the
	 * chart; no two meet */
	const char *g = strstr(svg, "<g class=\"labels\">");
	cr_assert(g);
	double bx0[256], by0[256], bx1[256], by1[256];
	int n = 0;
	for (const char *at = g; (at = strstr(at, "<text x=\"")) && n < 256; at++) {
		double tx, ty, size;
		if (sscanf(at, "<text x=\"%lf\" y=\"%lf\" font-size=\"%lf\"", &tx, &ty, &size) != 3)
			break;
		bool end = strstr(at, "text-anchor=\"end\"") && strstr(at, "text-anchor=\"end\"") < strchr(at, '>');
		const char *s = strchr(at, '>') + 1;
		double w = 0;
		for (; *s != '<'; s++)
			w += (*s == '@' ? 1.0 : 0.68) * size;
		bx0[n] = end ? tx - w : tx;
		bx1[n] = bx0[n] + w;
		by0[n] = ty - size;
		by1[n] = ty + 0.15 * size;
		n++;
	}
	cr_expect(n >= 3 && n < N, "%d labels", n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			cr_expect(!(bx0[i] < bx1[j] && bx0[j] < bx1[i] && by0[i] < by1[j] && by0[j] < by1[i]),
				  "labels %d and %d overlap", i, j);
	sink_buffer_free(&b);
}
