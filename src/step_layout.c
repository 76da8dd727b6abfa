/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step model's validity, layout and context (step_ctx.h): what a
 * model and a strategy are, checked, laid out on GPUs and nodes, and
 * turned into the quantities every op of a pass reads. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "numfmt.h"
#include "step_ctx.h"

/* Checks on the model alone; the first problem found is reported. */
int step_check_model(const struct model *m)
{
	bool moe = m->layers > m->dense_layers;

	if (m->layers < 1 || m->heads < 1 || m->hidden < 1 || m->experts < 1 || m->top_k < 1 || m->vocab < 1)
		return BM_HEAD_DIM;

	if (m->dense_layers > m->layers)
		return BM_DENSE_LAYERS;
	if (m->dense_layers > 0 && m->dense_ffn <= 0)
		return BM_DENSE_FFN;
	if (m->top_k > m->experts)
		return BM_TOP_K;
	if (moe && m->expert_ffn <= 0)
		return BM_EXPERT_FFN;
	if (moe && m->shared_experts > 0 && m->shared_ffn <= 0)
		return BM_SHARED_FFN;
	if (m->window_layers + m->chunk_layers + m->linear_layers + m->sparse_layers > m->layers ||
	    (m->window_layers > 0 && m->sliding_window <= 0) || (m->chunk_layers > 0 && m->attention_chunk_size <= 0))
		return BM_ATTN_KINDS;
	if (m->linear_layers > 0 && (m->linear_key_heads <= 0 || m->linear_value_heads <= 0 || m->linear_key_dim <= 0 ||
				     m->linear_value_dim <= 0))
		return BM_LINEAR_DIMS;
	if (m->sparse_layers > 0 && (m->sparse_topk <= 0 || m->index_heads <= 0 || m->index_head_dim <= 0))
		return BM_SPARSE_DIMS;
	if (m->attention == ATTN_MLA) {
		if (m->kv_lora_rank <= 0 || m->qk_nope_dim + m->qk_rope_dim <= 0 || m->v_head_dim <= 0)
			return BM_MLA_DIMS;
		return BM_NONE;
	}
	if (m->head_dim <= 0)
		return BM_HEAD_DIM;
	if (m->kv_heads > m->heads || m->heads % m->kv_heads != 0)
		return BM_KV_HEADS;
	return BM_NONE;
}

/* What does not depend on ep and etp. */
static void check_strategy(const struct scenario *rs, struct result *r)
{
	const struct strategy *st = &rs->strat;
	const struct model *m = &rs->model;

	/* degrees below 1 never come through the key table; refuse them anyway
	 * rather than divide by zero */
	if (st->dp < 1 || st->tp < 1 || st->pp < 1) {
		r->errors |= CE_FOLD | CE_PP_LAYERS;
		return;
	}
	if (m->heads % st->tp != 0)
		r->errors |= CE_TP_HEADS;
	/* also what the stage table can hold, whatever set the field */
	if (st->pp > m->layers || st->pp > COST_MAX_STAGES)
		r->errors |= CE_PP_LAYERS;
}

static void check_experts(const struct scenario *rs, struct result *r)
{
	const struct strategy *st = &rs->strat;

	if (st->ep < 1 || st->etp < 0) {
		r->errors |= CE_FOLD | CE_PP_LAYERS;
		return;
	}
	if (st->ep > rs->model.experts)
		r->errors |= CE_EP_EXPERTS;
	long G = st->dp * st->tp;
	if (st->etp <= 0 || G % (st->ep * st->etp) != 0)
		r->errors |= CE_FOLD;
}

/* A group of n consecutive GPUs stays in one node when it tiles the node. */
static bool group_intra(long n, long gpn)
{
	return n <= gpn && gpn % n == 0;
}

static void layout(const struct scenario *rs, struct result *r)
{
	const struct strategy *st = &rs->strat;
	long gpn = rs->hw.gpus_per_node;

	r->G = st->dp * st->tp;
	r->gpus = (double)r->G * (double)st->pp;
	r->nodes = ceil(r->gpus / (double)gpn);
	r->tp_intra = group_intra(st->tp, gpn);
	r->pp_inter_boundaries = (int)cost_inter_node_sends(r->G, gpn, 0, st->pp - 1);
}

static void layout_experts(const struct scenario *rs, struct result *r)
{
	const struct strategy *st = &rs->strat;
	long gpn = rs->hw.gpus_per_node;

	r->etp = st->etp;
	if (st->ep >= 1) {
		long E = rs->model.experts;
		r->experts_max = (E + st->ep - 1) / st->ep;
		r->experts_min = E / st->ep;
	}
	if (r->errors & CE_FOLD)
		return;

	r->edp = r->G / (st->ep * st->etp);
	r->etp_intra = group_intra(st->etp, gpn);
	long per_node = gpn / st->etp;
	if (per_node < 1)
		per_node = 1;
	r->ep_per_node = st->ep < per_node ? st->ep : per_node;
	r->ep_intra = r->ep_per_node >= st->ep;
	/* A GPU's weights are (stage, tp rank, ep rank, etp rank); over a stage
	 * (tp rank, j mod ep*etp) takes lcm(tp, ep*etp) distinct values. */
	long a = st->tp, b = st->ep * st->etp;
	r->shards = (double)st->pp * (double)(a / gcd_long(a, b) * b);
	r->replication = r->gpus / r->shards;
	r->layout_ok = true;
}

/* An all-reduce over a TP or expert-TP group: switched inside a node, a
 * ring across nodes. */
static struct comm_cost group_allreduce(const struct step_ctx *c, double n, bool intra)
{
	if (intra)
		return comm_allreduce_switched_cost(n, c->intra_bw, c->intra_lat);
	return comm_allreduce_cost(n, c->inter_bw, c->inter_lat);
}

/* Causal query-key pairs of a prompt of S tokens relative to S^2, over the
 * kinds: a band of W for a window (and for a sparse layer's K picks), a
 * chunk's blocks, nothing for a linear layer. */
static double banded(double S, double W)
{
	return S > W ? 2.0 * S * W - W * W : S * S;
}

static double prompt_pairs(const struct step_ctx *c, double S)
{
	double chunk = S * S;
	if (c->f_chunk > 0) {
		double whole = floor(S / c->C), rest = S - whole * c->C;
		chunk = whole * c->C * c->C + rest * rest;
	}
	double win = c->f_win > 0 ? banded(S, c->W) : S * S, sparse = c->f_sparse > 0 ? banded(S, c->K) : S * S;
	return c->f_full * S * S + c->f_win * win + c->f_chunk * chunk + c->f_sparse * sparse;
}

/* A linear layer's state on one GPU (its heads split by tp): a key_dim x
 * value_dim matrix per value head, and the convolution's last width-1
 * inputs of queries, keys and values, in the activations' type unless an
 * engine keeps the matrix wider (step_set_linear_state).  Each token
 * updates and reads the matrix: a decay, a multiply-add with its key, one
 * with the update, one with its query, about 8 FLOPs per element.  A sparse layer's indexer keeps one FP8 key
 * of index_head_dim per token with an FP32 scale per 128 values, on every
 * TP rank (its weights are replicated), and scores each pair of query and
 * key over its heads: 2 FLOPs per head and dim, as attention's QK^T. */
static void linear_and_indexer(struct step_ctx *c, const struct model *m)
{
	c->lin_state = c->lin_flops = c->idx_bytes = c->idx_flops = 0;
	c->lin_ssm_vals = c->lin_conv_vals = 0;
	if (m->linear_layers > 0) {
		double hk = (double)m->linear_key_heads / c->tp, hv = (double)m->linear_value_heads / c->tp;
		double dk = (double)m->linear_key_dim, dv = (double)m->linear_value_dim;
		c->lin_ssm_vals = hv * dk * dv;
		c->lin_conv_vals = (2.0 * hk * dk + hv * dv) * maxd((double)m->linear_conv_kernel - 1.0, 0);
		c->lin_flops = 8.0 * hv * dk * dv;
	}
	step_set_linear_state(c, 0, 0);
	if (m->sparse_layers > 0) {
		double di = (double)m->index_head_dim;
		c->idx_bytes = di + 4.0 * ceil(di / 128.0);
		c->idx_flops = (double)m->index_heads * di;
	}
}

/* What a prompt prefills: with the cache, all but its cached prefix (a
 * session's earlier turns, a prefix hit's share of its new tokens); the
 * pairs of those tokens: the whole prompt's less the prefix's own (each
 * new token attends to all before it). */
void step_set_prefix_cache(struct step_ctx *c, bool on)
{
	const struct workload *w = &c->s->work;
	c->cached = 0;
	if (on && (w->turns > 1 || w->prefix_hit > 0))
		c->cached = (double)(w->turns > 1 ? w->turns - 1 : 0) / 2.0 * (double)(w->prompt_len + w->output_len) +
			    w->prefix_hit * (double)w->prompt_len;
	c->S_new = c->S - c->cached;
	/* lengths spread about their mean: the quadratic pairs take E[S^2] =
	 * S^2 (1 + r^2 / 3) of a uniform spread; every linear term the mean */
	double r = w->range_ratio, spread = 1.0 + r * r / 3.0;
	c->pre_pairs = c->S * c->S * spread - c->cached * c->cached;
	if (c->kinds)
		c->pre_pairs = prompt_pairs(c, c->S) + (spread - 1.0) * c->f_full * c->S * c->S -
			       (c->cached > 0 ? prompt_pairs(c, c->cached) : 0);
}

void step_set_linear_state(struct step_ctx *c, double ssm_bytes, double pool_ratio)
{
	c->b_ssm = ssm_bytes > 0 ? ssm_bytes : c->b_a;
	c->lin_pool_ratio = pool_ratio;
	c->lin_state = c->lin_ssm_vals * c->b_ssm + c->lin_conv_vals * c->b_a;
}

static void build_ctx(const struct scenario *rs, const struct result *r, struct step_ctx *c)
{
	const struct hardware *hw = &rs->hw;
	const struct model *m = &rs->model;
	const struct workload *w = &rs->work;
	const struct strategy *st = &rs->strat;

	/* every field is set here or by build_ctx_experts, which knows from
	 * ep = 0 that the constants of ep are still to be worked out */
	c->ep = 0;
	c->s = rs;
	c->d = (double)m->hidden;
	c->H = (double)m->heads;
	c->Hkv = (double)m->kv_heads;
	c->h = (double)m->head_dim;
	c->L = (double)m->layers;
	c->Ld = (double)m->dense_layers;
	c->Lm = c->L - c->Ld;
	c->E = (double)m->experts;
	c->k = (double)m->top_k;
	c->Es = (double)m->shared_experts;
	c->V = (double)m->vocab;
	c->mla = m->attention == ATTN_MLA;
	c->tied = m->tied_embeddings;
	c->rq = (double)m->q_lora_rank;
	c->rkv = (double)m->kv_lora_rank;
	c->dr = (double)m->qk_rope_dim;
	c->dn = (double)m->qk_nope_dim;
	c->dv = (double)m->v_head_dim;
	c->P_e = r->params.expert;
	c->P_s = r->params.shared;
	c->P_r = r->params.router;
	c->P_d = r->params.dense;
	c->b_w = m->weight_bytes;
	c->b_we = m->expert_weight_bytes;
	c->b_head = m->head_bytes;
	c->b_kv = m->kv_bytes;
	c->b_a = m->act_bytes;

	c->B = (double)w->batch;
	/* a session's mean turn: the conversation so far, (turns - 1) / 2
	 * turns of prompt and output on average, before its new tokens */
	double turns = w->turns > 1 ? (double)w->turns : 1.0;
	c->S = (double)w->prompt_len + (turns - 1.0) / 2.0 * (double)(w->prompt_len + w->output_len);
	c->O = (double)w->output_len;
	c->spec_k = (double)w->spec_tokens;
	c->spec_a = w->spec_accepted < c->spec_k ? w->spec_accepted : c->spec_k;
	c->n_draft = m->mtp_layers > 0 ? (double)m->mtp_layers : 1.0;
	/* the microbatches of a static batch; the serving layer runs one */
	c->m = (double)w->microbatches;
	c->dp = (double)st->dp;
	c->tp = (double)st->tp;
	c->pp = (double)st->pp;
	c->G = (double)r->G;
	c->b_rep = ceil(c->B / c->dp);

	/* attention kinds: shares of the layers, spread alike over stages */
	c->kinds = m->window_layers > 0 || m->chunk_layers > 0 || m->linear_layers > 0 || m->sparse_layers > 0;
	c->kinds_held = c->kinds;
	c->f_win = (double)m->window_layers / c->L;
	c->f_chunk = (double)m->chunk_layers / c->L;
	c->f_lin = (double)m->linear_layers / c->L;
	c->f_sparse = (double)m->sparse_layers / c->L;
	c->f_full = 1.0 - c->f_win - c->f_chunk - c->f_lin - c->f_sparse;
	c->W = (double)m->sliding_window;
	c->C = (double)m->attention_chunk_size;
	c->K = (double)m->sparse_topk;
	step_set_prefix_cache(c, true);
	linear_and_indexer(c, m);
	c->kvh = ceil(c->Hkv / c->tp);
	if (c->mla) {
		double replicated = c->d * c->rq + c->d * (c->rkv + c->dr);
		double split = c->rq > 0 ? c->rq * c->H * (c->dn + c->dr) : c->d * c->H * (c->dn + c->dr);
		split += c->rkv * c->H * (c->dn + c->dv) + c->H * c->dv * c->d;
		c->attn_gpu = replicated + split / c->tp;
		c->kv_tok = c->rkv + c->dr;   /* the latent is not split by tp */
	} else {
		c->attn_gpu = c->d * c->h * (2.0 * c->H / c->tp + 2.0 * c->kvh);
		c->kv_tok = 2.0 * c->kvh * c->h;
	}
	/* the mean over the kinds: a linear layer's weights split by tp in
	 * place of attention's, a sparse layer's indexer on every rank */
	if (c->kinds)
		c->attn_gpu = (1.0 - c->f_lin) * c->attn_gpu + c->f_lin * params_linear_layer(m) / c->tp +
			      c->f_sparse * params_indexer(m);
	c->heads_gpu = c->H / c->tp;
	c->dense_gpu = c->P_d / c->tp;
	c->shared_gpu = c->P_s / c->tp;
	c->lm_gpu = c->V * c->d / c->tp;
	/* QK^T and AV over the head dims: MLA prefills with its full heads
	 * and decodes against the latent */
	double qk_p = c->mla ? c->dn + c->dr : c->h, v_p = c->mla ? c->dv : c->h;
	double qk_d = c->mla ? c->rkv + c->dr : c->h, v_d = c->mla ? c->rkv : c->h;
	c->core_pre = c->heads_gpu * (qk_p + v_p);
	c->core_dec = 2.0 * c->heads_gpu * (qk_d + v_d);
	c->overlap = st->overlap;
	step_ctx_model_constants(c);

	c->s_per_flop = 1.0 / (r->peak_tflops * 1e12 * hw->mfu);
	/* The attention core multiplies queries by the KV cache in the KV
	 * cache's own type: FP8 weights with a 16-bit cache still do their
	 * attention at the 16-bit peak. */
	int core_dtype = m->kv_bytes >= 2 ? DTYPE_BF16 : DTYPE_FP8;
	c->core_scale = r->peak_tflops / scenario_peak_tflops(hw, core_dtype);
	c->s_per_byte = 1.0 / (hw->hbm_tbps * 1e12 * hw->hbm_util);
	c->kernel_s = hw->kernel_us * 1e-6;
	c->expert_s = hw->expert_us * 1e-6;
	c->gpn = (double)hw->gpus_per_node;
	c->intra_bw = hw->intra_gbps * 1e9;
	c->inter_bw = hw->inter_gbps * 1e9;
	c->intra_lat = hw->intra_lat_us * 1e-6;
	c->inter_lat = hw->inter_lat_us * 1e-6;
	c->tp_ar = group_allreduce(c, c->tp, r->tp_intra);
	c->p2p_intra = comm_p2p_cost(c->intra_bw, c->intra_lat);
	c->p2p_inter = comm_p2p_cost(c->inter_bw, c->inter_lat);
	step_stage_classes(c);
	step_set_elementwise(c, false);
}

void step_set_elementwise(struct step_ctx *c, bool on)
{
	c->ew = c->ew_attn = c->ew_dense = c->ew_moe = c->ew_logits = 0;
	if (!on)
		return;
	const struct model *m = &c->s->model;
	c->ew = 1;
	/* two RMSNorms of a layer (read and write the hidden state) and two
	 * residual adds (read two, write one), each over the whole hidden
	 * state on every TP rank: 2 x 2d + 2 x 3d, half with each block */
	double block = 5.0 * c->d * c->b_a;
	/* rotary: the query and key heads of the GPU, read and written */
	double rope = 2.0 * (c->heads_gpu + (c->mla ? 1.0 : c->kvh)) * (c->mla ? c->dr : c->h) * c->b_a;
	c->ew_attn = block + rope;
	/* the gated activation: read gate and up, write their product */
	c->ew_dense = block + 3.0 * (double)m->dense_ffn / c->tp * c->b_a;
	c->ew_moe = block + 3.0 * c->Es * (double)m->shared_ffn / c->tp * c->b_a;
	/* the sampler's FP32 logits of the GPU's share of the vocabulary,
	 * written by the LM head and read by the sampler */
	c->ew_logits = 2.0 * 4.0 * c->V / c->tp;
}

/* The fields that depend on ep and etp: all a search over them changes. */
static void build_ctx_experts(const struct scenario *rs, const struct result *r, struct step_ctx *c)
{
	const struct strategy *st = &rs->strat;

	c->s = rs;
	/* a search varies etp fastest: the constants of ep stay (build_ctx
	 * sets ep to 0, so a new context always works them out) */
	if (c->ep != (double)st->ep) {
		c->ep = (double)st->ep;
		step_ctx_ep_constants(c);
	}
	c->etp = (double)st->etp;
	c->expert_gpu = c->P_e / c->etp;
	c->edp = (double)r->edp;
	c->experts_max = (double)r->experts_max;
	c->imb_user = st->imbalance;
	c->etp_ar = group_allreduce(c, c->etp, r->etp_intra);
	c->a2a = comm_alltoall_cost(c->ep, (double)r->ep_per_node, c->intra_bw, c->inter_bw, c->intra_lat,
				    c->inter_lat);
}

static void ceilings(const struct scenario *rs, struct result *r)
{
	r->ceiling_tokens_per_ms_per_gpu = NAN;
	if (!r->params_ok || r->params.active <= 0)
		return;
	double per_gpu_per_s = r->peak_tflops * rs->hw.mfu * 1e12 / (2.0 * r->params.active);
	r->ceiling_tokens_per_ms_per_gpu = per_gpu_per_s / 1000.0;
}

void step_fixed(const struct scenario *rs, const struct param_counts *params, int bad_model, struct result *r,
		struct step_ctx *c)
{
	memset(r, 0, offsetof(struct result, prefill));
	result_clear_figures(r);
	r->expert_ffn = rs->model.expert_ffn;
	r->peak_tflops = scenario_peak_tflops(&rs->hw, rs->model.compute_dtype);
	r->capacity_gib = rs->hw.mem_gib;
	r->bad_model = bad_model;
	if (r->bad_model != BM_NONE)
		r->errors |= CE_BAD_MODEL;
	check_strategy(rs, r);
	layout(rs, r);
	if (!(r->errors & CE_BAD_MODEL)) {
		r->params = *params;
		r->params_ok = true;
	}
	ceilings(rs, r);
	if (!r->errors)
		build_ctx(rs, r, c);
}

bool step_experts(const struct scenario *rs, struct result *r, struct step_ctx *c)
{
	check_experts(rs, r);
	layout_experts(rs, r);
	if (r->errors) {
		/* no figure is computed: the phases stay empty */
		memset(&r->prefill, 0, offsetof(struct result, ttft_s) - offsetof(struct result, prefill));
		return false;
	}
	build_ctx_experts(rs, r, c);
	return true;
}
