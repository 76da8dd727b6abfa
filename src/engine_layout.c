/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategies in each engine's words, and the engines' rules (engine_layout.h).
 *
 * Sources, each engine's own code and documentation:
 * - vLLM: ModelConfig.verify_with_parallel_config ("Total number of
 *   attention heads (H) must be divisible by tensor parallel size (T)");
 *   QKVParallelLinear splits KV heads over TP or replicates them by a whole
 *   factor; FusedMoEParallelConfig lays a MoE layer over dp x tp GPUs, its
 *   experts tensor-parallel over all of them, or with --enable-expert-parallel
 *   one expert group per GPU (ep = dp x tp, no expert TP); Fp8MoEMethod
 *   refuses an expert shard that is not a whole number of 128-wide blocks.
 * - SGLang: ServerArgs and parallel_state: --tp-size is every GPU of an
 *   instance; with --enable-dp-attention (dp > 1, tp % dp == 0) attention
 *   runs on tp/dp GPUs per DP rank; the MoE layer spans the instance with
 *   moe_tp = tp / ep_size / moe_dp_size; without DP attention --dp-size
 *   starts dp copies of a tp-GPU instance; block-quantized FP8 needs
 *   moe_intermediate_size divisible by moe_tp in whole blocks.
 * - TensorRT-LLM: Mapping: tp_size is the GPUs of a pipeline stage,
 *   moe_tp_size x moe_ep_size = tp_size; enable_attention_dp runs attention
 *   with no TP on each of them; one trtllm-serve is one replica. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "engine_layout.h"
#include "serve.h"

__attribute__((format(printf, 4, 5)))
static int refuse(char *err, size_t errlen, int engine, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", serve_engine_display_name(engine), msg);
	return -1;
}

bool engine_model_dense(const struct model *m)
{
	return m->experts <= 1;
}

/* What every engine checks of the attention and of FP8 expert shards. */
static int check_rules(int engine, const struct model *m, const struct strategy *st, char *err, size_t errlen)
{
	long a = st->tp;
	if (m->heads % a) {
		if (engine == ENGINE_VLLM)
			return refuse(err, errlen, engine,
				      "Total number of attention heads (%ld) must be divisible by tensor parallel size (%ld)",
				      m->heads, a);
		return refuse(err, errlen, engine, "attention heads (%ld) must be divisible by the attention TP size (%ld)",
			      m->heads, a);
	}
	long kv = m->kv_heads;
	if (m->attention == ATTN_GQA && kv > 0 && (a >= kv ? a % kv : kv % a))
		return refuse(err, errlen, engine,
			      "%ld KV heads can neither be split evenly over the attention TP size %ld nor copied to it a whole number of times",
			      kv, a);
	/* SGLang's and TensorRT-LLM's MoE layers give every EP rank the same
	 * experts: SGLang's FusedMoE asserts num_experts % moe_ep_size == 0
	 * (python/sglang/srt/layers/moe/fused_moe_triton/layer.py), TensorRT-LLM's
	 * fused MoE without a load balancer num_experts % ep_size == 0
	 * (tensorrt_llm/_torch/modules/fused_moe); vLLM maps the rest of an
	 * uneven split to the first ranks */
	if (engine != ENGINE_VLLM && !engine_model_dense(m) && st->ep > 1 && m->experts % st->ep)
		return refuse(err, errlen, engine, "num_experts (%ld) must be divisible by the expert-parallel size (%ld)",
			      m->experts, st->ep);
	bool fp8_experts = !engine_model_dense(m) && m->expert_weight_bytes == 1.0;
	if (!fp8_experts || engine == ENGINE_TRTLLM || st->etp <= 0)
		return 0;
	long f = m->expert_ffn, t = st->etp;
	if (f % t)
		return refuse(err, errlen, engine, "moe_intermediate_size %ld must be divisible by the expert TP size (%ld)", f,
			      t);
	if ((f / t) % ENGINE_FP8_BLOCK) {
		if (engine == ENGINE_VLLM)
			return refuse(err, errlen, engine,
				      "The output_size of gate's and up's weight = %ld is not divisible by weight quantization block_n = %d (expert TP %ld; use --enable-expert-parallel)",
				      f / t, ENGINE_FP8_BLOCK, t);
		return refuse(err, errlen, engine,
			      "moe_intermediate_size / moe_tp_size = %ld / %ld is not a whole number of %d-wide FP8 blocks (raise --ep-size)",
			      f, t, ENGINE_FP8_BLOCK);
	}
	return 0;
}

static int vllm_from(const struct model *m, const struct strategy *st, struct engine_layout *l, char *err,
		     size_t errlen)
{
	long G = st->dp * st->tp;
	*l = (struct engine_layout){ .tp = st->tp, .dp = st->dp, .pp = st->pp, .ep = 1, .moe_dp = 1 };
	if (engine_model_dense(m)) {
		if (st->ep != 1 || st->etp != st->tp)
			return refuse(err, errlen, ENGINE_VLLM,
				      "a dense model's FFN is split like its attention (ETP = TP = %ld), not ETP %ld", st->tp,
				      st->etp);
		return 0;
	}
	if (st->ep == 1 && st->etp == G)
		return 0;
	if (st->ep == G && st->etp == 1) {
		l->ep = G;
		l->expert_parallel = G > 1;
		return 0;
	}
	return refuse(err, errlen, ENGINE_VLLM,
		      "a MoE layer spans all dp x tp = %ld GPUs of a stage: its experts tensor-parallel over them (EP1 ETP%ld) or, with --enable-expert-parallel, one expert group per GPU (EP%ld ETP1); EP%ld ETP%ld is neither",
		      G, G, G, st->ep, st->etp);
}

static int sglang_from(const struct model *m, const struct strategy *st, struct engine_layout *l, char *err,
		       size_t errlen)
{
	long G = st->dp * st->tp, group = st->ep * st->etp;
	*l = (struct engine_layout){ .tp = st->tp, .dp = st->dp, .pp = st->pp, .ep = 1, .moe_dp = 1 };
	/* one instance of every GPU, attention DP inside, when the experts (or
	 * a dense FFN) span the replicas; else dp copies of a tp-GPU instance */
	l->attn_dp = serve_instance_tp(ENGINE_SGLANG, m, st) != st->tp;
	if (l->attn_dp)
		l->tp = G;
	if (engine_model_dense(m)) {
		if (st->ep == 1 && (st->etp == st->tp || l->attn_dp))
			return 0;
		return refuse(err, errlen, ENGINE_SGLANG,
			      "a dense FFN is split over the attention's TP (%ld) or, with --enable-dp-attention, over the whole instance (%ld), not ETP %ld",
			      st->tp, G, st->etp);
	}
	l->ep = st->ep;
	l->moe_dp = l->tp / group;
	return 0;
}

static int trtllm_from(const struct model *m, const struct strategy *st, struct engine_layout *l, char *err,
		       size_t errlen)
{
	long G = st->dp * st->tp;
	long group = engine_model_dense(m) ? st->etp : st->ep * st->etp;
	*l = (struct engine_layout){ .tp = G, .dp = 1, .pp = st->pp, .ep = st->ep, .moe_dp = 1 };
	if (st->dp > 1 && st->tp > 1)
		return refuse(err, errlen, ENGINE_TRTLLM,
			      "attention DP (enable_attention_dp) runs attention without TP on every GPU of the stage; DP%ld with TP%ld is not one trtllm-serve (serve DP%ld TP1, or %ld servers of TP%ld)",
			      st->dp, st->tp, G, st->dp, st->tp);
	if (group != G)
		return refuse(err, errlen, ENGINE_TRTLLM,
			      "a MoE layer spans all tp_size = %ld GPUs (moe_tp_size x moe_ep_size = tp_size); EP%ld ETP%ld covers %ld of them",
			      G, st->ep, st->etp, group);
	l->attn_dp = st->dp > 1;
	return 0;
}

int engine_layout_from_strategy(int engine, const struct scenario *resolved, struct engine_layout *out, char *err,
				size_t errlen)
{
	const struct strategy *st = &resolved->strat;
	const struct model *m = &resolved->model;
	int rc;
	if (st->etp <= 0 || st->ep <= 0 || (st->dp * st->tp) % (st->ep * st->etp))
		return refuse(err, errlen, engine, "EP%ld ETP%ld does not fold into DP%ld x TP%ld", st->ep, st->etp, st->dp,
			      st->tp);
	switch (engine) {
	case ENGINE_VLLM: rc = vllm_from(m, st, out, err, errlen); break;
	case ENGINE_SGLANG: rc = sglang_from(m, st, out, err, errlen); break;
	case ENGINE_TRTLLM: rc = trtllm_from(m, st, out, err, errlen); break;
	default: return refuse(err, errlen, engine, "no engine is named; use vllm, sglang or trtllm");
	}
	if (rc != 0)
		return rc;
	return check_rules(engine, m, st, err, errlen);
}

int engine_layout_to_strategy(int engine, const struct model *m, const struct engine_layout *l, struct strategy *st,
			      char *err, size_t errlen)
{
	bool dense = engine_model_dense(m);
	long T = l->tp;   /* the GPUs a MoE layer spans, per stage */
	if (l->tp < 1 || l->dp < 1 || l->pp < 1 || l->ep < 1 || l->moe_dp < 1)
		return refuse(err, errlen, engine, "parallel sizes must be whole numbers of at least 1");
	st->pp = l->pp;
	switch (engine) {
	case ENGINE_VLLM:
		st->dp = l->dp;
		st->tp = l->tp;
		T = l->dp * l->tp;
		st->ep = !dense && l->expert_parallel ? T : 1;
		st->etp = dense ? st->tp : T / st->ep;
		break;
	case ENGINE_SGLANG:
		st->dp = l->dp;
		st->tp = l->tp;
		if (l->attn_dp && l->dp > 1) {
			if (l->tp % l->dp)
				return refuse(err, errlen, engine,
					      "with --enable-dp-attention, tp_size (%ld) must be divisible by dp_size (%ld)",
					      l->tp, l->dp);
			st->tp = l->tp / l->dp;
		}
		if (dense) {
			st->ep = 1;
			st->etp = l->attn_dp && l->dp > 1 ? T : st->tp;
			break;
		}
		if (T % (l->ep * l->moe_dp))
			return refuse(err, errlen, engine, "tp_size (%ld) must be divisible by ep_size x moe_dp_size (%ld x %ld)",
				      T, l->ep, l->moe_dp);
		st->ep = l->ep;
		st->etp = T / (l->ep * l->moe_dp);
		break;
	case ENGINE_TRTLLM:
		if (l->dp != 1)
			return refuse(err, errlen, engine, "one trtllm-serve is one replica; it has no data-parallel size");
		st->dp = l->attn_dp ? l->tp : 1;
		st->tp = l->attn_dp ? 1 : l->tp;
		if (dense) {
			st->ep = 1;
			st->etp = l->attn_dp ? T : st->tp;
			break;
		}
		if (T % l->ep)
			return refuse(err, errlen, engine, "tp_size (%ld) must be divisible by moe_ep_size (%ld)", T, l->ep);
		st->ep = l->ep;
		st->etp = T / l->ep;
		break;
	default:
		return refuse(err, errlen, engine, "no engine is named; use vllm, sglang or trtllm");
	}
	return check_rules(engine, m, st, err, errlen);
}
