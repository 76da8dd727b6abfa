/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared test helpers: scenarios of published models and relative checks. */
#ifndef MOESCOPE_TEST_HELPERS_H
#define MOESCOPE_TEST_HELPERS_H

#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "command.h"
#include "evaluate.h"
#include "diag.h"
#include "keys.h"
#include "scenario.h"
#include "scenario_resolve.h"

#define expect_rel(actual, expected, rel)                                              \
	do {                                                                           \
		double a_ = (actual), e_ = (expected);                                 \
		cr_expect(fabs(a_ - e_) <= (rel) * fabs(e_),                           \
			  "%s = %.17g, expected %.17g (within %g)", #actual, a_, e_,   \
			  (double)(rel));                                              \
	} while (0)

/* Mixtral-8x7B from its published config (untied, 32k vocab). */
static inline void mixtral_8x7b(struct scenario *s)
{
	scenario_default(s);
	struct model *m = &s->model;
	m->layers = 32;
	m->hidden = 4096;
	m->heads = 32;
	m->kv_heads = 8;
	m->head_dim = 128;
	m->experts = 8;
	m->top_k = 2;
	m->expert_ffn = 14336;
	m->vocab = 32000;
	m->params_b = 46.7;
	s->strat.dp = 1;
	s->strat.tp = 8;
	s->strat.ep = 8;
	s->strat.pp = 1;
}

/* DeepSeek-V3 without the MTP module. */
static inline void deepseek_v3(struct scenario *s)
{
	scenario_default(s);
	struct model *m = &s->model;
	m->layers = 61;
	m->dense_layers = 3;
	m->hidden = 7168;
	m->heads = 128;
	m->attention = ATTN_MLA;
	m->q_lora_rank = 1536;
	m->kv_lora_rank = 512;
	m->qk_rope_dim = 64;
	m->qk_nope_dim = 128;
	m->v_head_dim = 128;
	m->experts = 256;
	m->top_k = 8;
	m->shared_experts = 1;
	m->expert_ffn = 2048;
	m->dense_ffn = 18432;
	m->vocab = 129280;
	m->params_b = 671;
	m->weight_bytes = 1;
	m->kv_bytes = 2;
	m->act_bytes = 2;
	s->strat.dp = 8;
	s->strat.tp = 1;
	s->strat.ep = 8;
	s->strat.pp = 1;
	s->hw.mem_gib = 141;
}

/* A session of the command language writing into a buffer. */
struct session_fixture {
	struct sink_buffer buf;
	struct sink sink;
	struct session ss;
};

static inline void fixture_open(struct session_fixture *f, int format)
{
	sink_buffer_init(&f->buf, &f->sink);
	session_init(&f->ss, &f->sink);
	f->ss.source = "test";
	f->ss.format = format;
}

static inline void fixture_close(struct session_fixture *f)
{
	session_free(&f->ss);
	sink_buffer_free(&f->buf);
}

/* Row i of the per-stage device list. */
static inline struct device_mem device_row(const struct result *r, int i)
{
	struct device_mem d;
	cost_device_row(r, i, &d);
	return d;
}

static inline bool has_diag(const struct diag_list *d, int code)
{
	for (int i = 0; i < d->n; i++)
		if (d->items[i].code == code)
			return true;
	return false;
}

static inline const struct diag *find_diag(const struct diag_list *d, int code)
{
	for (int i = 0; i < d->n; i++)
		if (d->items[i].code == code)
			return &d->items[i];
	return NULL;
}

#endif
