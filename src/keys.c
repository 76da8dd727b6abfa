/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys.h"
#include "spelling.h"
#include "name_text.h"
#include "numfmt.h"

static const char *const attention_choices[] = { "gqa", "mla", NULL };
static const char *const mode_choices[] = { "static", "serving", "disagg", NULL };
static const char *const dtype_choices[] = { "auto", "bf16", "fp8", "fp4", NULL };
static const char *const claim_valid_choices[] = { "none", "true", "false", NULL };
static const char *const engine_choices[] = { "none", "vllm", "sglang", "trtllm", NULL };
static const char *const arrival_choices[] = { "closed", "poisson", NULL };
static const char *const prefill_choices[] = { "auto", "mixed", "separate", NULL };
static const char *const admit_choices[] = { "auto", "whole", "paged", NULL };
static const char *const scheduler_choices[] = { "auto", "sync", "overlap", NULL };
static const char *const prefix_choices[] = { "auto", "on", "off", NULL };

#define AT(field) offsetof(struct scenario, field)

#define INT(nm, al, sec, fl, un, lo, hi, dv, sl, field, hp) \
	{ .name = nm, .alias = al, .section = sec, .type = KT_INT, .flags = fl, \
	  .unit = un, .min = lo, .max = hi, .def = dv, .slider = sl, .step = 1, \
	  .offset = AT(field), .help = hp }
#define DBL(nm, al, sec, fl, un, lo, hi, dv, st, field, hp) \
	{ .name = nm, .alias = al, .section = sec, .type = KT_DOUBLE, .flags = fl, \
	  .unit = un, .min = lo, .max = hi, .def = dv, \
	  .slider = (st) > 0 ? STEP_LINEAR : STEP_NONE, .step = st, \
	  .offset = AT(field), .help = hp }
#define BOOL(nm, sec, dv, field, hp) \
	{ .name = nm, .section = sec, .type = KT_BOOL, .unit = "", .max = 1, \
	  .def = dv, .offset = AT(field), .help = hp }
#define ENUM(nm, sec, ch, dv, field, hp) \
	{ .name = nm, .section = sec, .type = KT_ENUM, .unit = "", .def = dv, \
	  .choices = ch, .offset = AT(field), .help = hp }
#define STR(nm, sec, dv, field, hp) \
	{ .name = nm, .section = sec, .type = KT_STRING, .unit = "", .def_str = dv, \
	  .offset = AT(field), .help = hp }

/* A claimed figure: a number, or a bound on it ("<= 0.1", ">= 100"). */
#define CLAIM(nm, un, field, hp) \
	{ .name = nm, .section = SEC_CLAIMS, .type = KT_DOUBLE, .flags = KF_OPTIONAL | KF_BOUND, \
	  .unit = un, .min = 0, .max = 1e9, .def = NAN, .offset = AT(claims.field), \
	  .rel_offset = AT(claims.field##_rel), .help = hp }

#define OPT KF_OPTIONAL
#define BIG 1e9

const struct key key_table[] = {
	STR("name", SEC_TOP, "seed-10b-moe", name, "name of the scenario"),

	STR("hardware.name", SEC_HARDWARE, "seed-gpu-64g", hw.name, "name of the GPU"),
	DBL("hardware.mem_gib", "mem", SEC_HARDWARE, KF_MIN_OPEN, "GiB", 0, 1e6, 64, 8, hw.mem_gib,
	    "HBM capacity per GPU"),
	DBL("hardware.tflops_bf16", NULL, SEC_HARDWARE, KF_MIN_OPEN, "TFLOP/s", 0, 1e6, 400, 0, hw.tflops_bf16,
	    "dense bf16/fp16 peak"),
	DBL("hardware.tflops_fp8", NULL, SEC_HARDWARE, 0, "TFLOP/s", 0, 1e6, 0, 0, hw.tflops_fp8,
	    "dense fp8 peak (0 = not supported: bf16 is used)"),
	DBL("hardware.tflops_fp4", NULL, SEC_HARDWARE, 0, "TFLOP/s", 0, 1e6, 0, 0, hw.tflops_fp4,
	    "dense fp4 peak (0 = not supported: fp8 or bf16 is used)"),
	DBL("hardware.mfu", "mfu", SEC_HARDWARE, KF_MIN_OPEN, "", 0, 1, 0.6, 0.05, hw.mfu,
	    "achievable fraction of peak for matmuls"),
	DBL("hardware.hbm_tbps", NULL, SEC_HARDWARE, KF_MIN_OPEN, "TB/s", 0, 1000, 1.8, 0, hw.hbm_tbps,
	    "HBM bandwidth"),
	DBL("hardware.hbm_util", NULL, SEC_HARDWARE, KF_MIN_OPEN, "", 0, 1, 0.8, 0.05, hw.hbm_util,
	    "achievable fraction of HBM bandwidth"),
	INT("hardware.gpus_per_node", "gpn", SEC_HARDWARE, 0, "", 1, 4096, 8, STEP_POW2, hw.gpus_per_node,
	    "GPUs in one scale-up (NVLink) domain"),
	INT("hardware.gpus_per_host", NULL, SEC_HARDWARE, KF_DEFAULT, "", 0, 4096, 0, STEP_NONE, hw.gpus_per_host,
	    "GPUs of one machine, which a launch command runs on (GB200 NVL72: 4 of the domain's 72; 0: gpus_per_node)"),
	DBL("hardware.intra_gbps", NULL, SEC_HARDWARE, KF_MIN_OPEN, "GB/s", 0, 1e5, 400, 0, hw.intra_gbps,
	    "per-GPU bandwidth inside a node, one direction"),
	DBL("hardware.inter_gbps", NULL, SEC_HARDWARE, KF_MIN_OPEN, "GB/s", 0, 1e5, 50, 0, hw.inter_gbps,
	    "per-GPU bandwidth between nodes, one direction"),
	DBL("hardware.intra_lat_us", NULL, SEC_HARDWARE, 0, "us", 0, 1e6, 5, 0, hw.intra_lat_us,
	    "per-step latency of a collective inside a node"),
	DBL("hardware.inter_lat_us", NULL, SEC_HARDWARE, 0, "us", 0, 1e6, 10, 0, hw.inter_lat_us,
	    "per-step latency of a collective between nodes"),
	DBL("hardware.kernel_us", NULL, SEC_HARDWARE, 0, "us", 0, 1e6, 3, 0, hw.kernel_us,
	    "fixed cost of every op (launch, tail)"),
	DBL("hardware.expert_us", NULL, SEC_HARDWARE, 0, "us", 0, 1e6, 0, 0, hw.expert_us,
	    "fixed cost of each expert an MoE layer touches (grouped-GEMM set-up and tail)"),
	DBL("hardware.usd_per_gpu_hour", NULL, SEC_HARDWARE, OPT, "$/h", 0, 1e6, NAN, 0, hw.usd_per_gpu_hour,
	    "what one GPU costs an hour (for $ per million output tokens); none: not known"),
	STR("hardware.price_source", SEC_HARDWARE, "", hw.price_source,
	    "where hardware.usd_per_gpu_hour comes from, with its date (a price list, a published TCO figure)"),
	DBL("hardware.watts", NULL, SEC_HARDWARE, OPT, "W", 0, 1e6, NAN, 0, hw.watts,
	    "board power of one GPU under load (datasheet TDP), for joules per token; none: not known"),
	DBL("hardware.reserved_gib", NULL, SEC_HARDWARE, 0, "GiB", 0, 1e6, 1.5, 0, hw.reserved_gib,
	    "runtime overhead per GPU (context, workspaces, buffers)"),

	STR("model.name", SEC_MODEL, "seed-10b-moe", model.name, "name of the model"),
	INT("model.layers", "layers", SEC_MODEL, 0, "", 1, 1024, 16, STEP_NONE, model.layers,
	    "transformer layers"),
	INT("model.dense_layers", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.dense_layers,
	    "how many of the first layers have a dense FFN instead of MoE"),
	INT("model.hidden", NULL, SEC_MODEL, 0, "", 1, 1000000, 512, STEP_NONE, model.hidden,
	    "model width d"),
	INT("model.heads", NULL, SEC_MODEL, 0, "", 1, 4096, 16, STEP_NONE, model.heads,
	    "attention heads"),
	INT("model.kv_heads", NULL, SEC_MODEL, KF_DEFAULT, "", 0, 4096, 0, STEP_NONE, model.kv_heads,
	    "key/value heads (default: heads)"),
	INT("model.head_dim", NULL, SEC_MODEL, KF_DEFAULT, "", 0, 65536, 0, STEP_NONE, model.head_dim,
	    "dimension of one head (default: hidden/heads)"),
	ENUM("model.attention", SEC_MODEL, attention_choices, ATTN_GQA, model.attention,
	     "gqa (covers MHA) or mla"),
	INT("model.q_lora_rank", NULL, SEC_MODEL, 0, "", 0, 1000000, 0, STEP_NONE, model.q_lora_rank,
	    "MLA query compression rank (0 = none)"),
	INT("model.kv_lora_rank", NULL, SEC_MODEL, 0, "", 0, 1000000, 0, STEP_NONE, model.kv_lora_rank,
	    "MLA key/value latent rank"),
	INT("model.qk_rope_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.qk_rope_dim,
	    "MLA rotary part of a query/key head"),
	INT("model.qk_nope_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.qk_nope_dim,
	    "MLA non-rotary part of a query/key head"),
	INT("model.v_head_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.v_head_dim,
	    "MLA value head dimension"),
	INT("model.experts", "experts", SEC_MODEL, 0, "", 1, 65536, 16, STEP_NONE, model.experts,
	    "routed experts per MoE layer (1 with top_k 1: a dense model)"),
	INT("model.top_k", "topk", SEC_MODEL, 0, "", 1, 65536, 2, STEP_NONE, model.top_k,
	    "experts each token is routed to"),
	INT("model.shared_experts", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.shared_experts,
	    "always-active shared experts per MoE layer"),
	INT("model.expert_ffn", NULL, SEC_MODEL, KF_AUTO, "", 0, 10000000, 0, STEP_NONE, model.expert_ffn,
	    "FFN width of one routed expert (auto: solved from params_b)"),
	INT("model.shared_ffn", NULL, SEC_MODEL, KF_DEFAULT, "", 0, 10000000, 0, STEP_NONE, model.shared_ffn,
	    "FFN width of a shared expert (default: expert_ffn)"),
	INT("model.dense_ffn", NULL, SEC_MODEL, 0, "", 0, 10000000, 0, STEP_NONE, model.dense_ffn,
	    "FFN width of the dense layers"),
	BOOL("model.gated", SEC_MODEL, 1, model.gated,
	     "true: 3 matrices per FFN (SwiGLU); false: 2"),
	INT("model.vocab", NULL, SEC_MODEL, 0, "", 1, 100000000, 32000, STEP_NONE, model.vocab,
	    "vocabulary size"),
	BOOL("model.tied_embeddings", SEC_MODEL, 0, model.tied_embeddings,
	     "the LM head shares the embedding matrix"),
	{ .name = "model.dtype", .alias = "dtype", .section = SEC_MODEL, .type = KT_DTYPE,
	  .flags = KF_NOSAVE, .unit = "", .help =
	  "fp32, fp16, bf16, fp8 or fp4: sets weight, expert weight, kv and activation bytes at once" },
	DBL("model.weight_bytes", NULL, SEC_MODEL, KF_BYTES | KF_MIN_OPEN, "B", 0, 8, 2, 0, model.weight_bytes,
	    "bytes per weight (fp4 with block scales: 0.5625)"),
	DBL("model.expert_weight_bytes", NULL, SEC_MODEL, KF_BYTES | KF_DEFAULT, "B", 0, 8, 0, 0,
	    model.expert_weight_bytes, "bytes per routed-expert weight (default: weight_bytes)"),
	DBL("model.head_bytes", NULL, SEC_MODEL, KF_BYTES | KF_DEFAULT, "B", 0, 8, 0, 0, model.head_bytes,
	    "bytes per embedding and LM-head weight (default: weight_bytes, at least 2: quantized checkpoints keep both bf16)"),
	DBL("model.kv_bytes", NULL, SEC_MODEL, KF_BYTES | KF_MIN_OPEN, "B", 0, 8, 2, 0, model.kv_bytes,
	    "bytes per KV-cache value"),
	DBL("model.act_bytes", NULL, SEC_MODEL, KF_BYTES | KF_MIN_OPEN, "B", 0, 8, 2, 0, model.act_bytes,
	    "bytes per activation value"),
	ENUM("model.compute_dtype", SEC_MODEL, dtype_choices, DTYPE_AUTO, model.compute_dtype,
	     "which peak the matmuls run at (auto: from weight_bytes)"),
	STR("model.hf_id", SEC_MODEL, "", model.hf_id, "the model's Hugging Face id (for engine commands); empty: not known"),
	INT("model.window_layers", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.window_layers,
	    "layers with sliding-window attention (of model.sliding_window tokens); the rest full, or chunked"),
	INT("model.sliding_window", NULL, SEC_MODEL, 0, "tokens", 0, 100000000, 0, STEP_NONE, model.sliding_window,
	    "the tokens a sliding-window layer attends to and caches (0: none)"),
	INT("model.chunk_layers", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.chunk_layers,
	    "layers with chunked local attention (within chunks of model.attention_chunk_size tokens)"),
	INT("model.attention_chunk_size", NULL, SEC_MODEL, 0, "tokens", 0, 100000000, 0, STEP_NONE,
	    model.attention_chunk_size, "the chunk of a chunked-attention layer (0: none)"),
	INT("model.linear_layers", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.linear_layers,
	    "layers with linear attention: a fixed recurrent state per sequence, no KV cache (Qwen3-Next: 36 of 48)"),
	INT("model.linear_key_heads", NULL, SEC_MODEL, 0, "", 0, 4096, 0, STEP_NONE, model.linear_key_heads,
	    "query and key heads of a linear-attention layer"),
	INT("model.linear_value_heads", NULL, SEC_MODEL, 0, "", 0, 4096, 0, STEP_NONE, model.linear_value_heads,
	    "value heads of a linear-attention layer (each holds a key_dim x value_dim state)"),
	INT("model.linear_key_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.linear_key_dim,
	    "dimension of a linear-attention query and key head"),
	INT("model.linear_value_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.linear_value_dim,
	    "dimension of a linear-attention value head"),
	INT("model.linear_conv_kernel", NULL, SEC_MODEL, 0, "tokens", 0, 1024, 0, STEP_NONE, model.linear_conv_kernel,
	    "width of a linear-attention layer's short convolution (its state keeps the last width-1 tokens)"),
	INT("model.sparse_layers", NULL, SEC_MODEL, 0, "", 0, 1024, 0, STEP_NONE, model.sparse_layers,
	    "layers with sparse attention: an indexer picks model.sparse_topk tokens a query attends to (DeepSeek-V3.2)"),
	INT("model.sparse_topk", NULL, SEC_MODEL, 0, "tokens", 0, 100000000, 0, STEP_NONE, model.sparse_topk,
	    "the tokens a sparse-attention query attends to (config.json index_topk)"),
	INT("model.index_heads", NULL, SEC_MODEL, 0, "", 0, 4096, 0, STEP_NONE, model.index_heads,
	    "heads of the sparse-attention indexer"),
	INT("model.index_head_dim", NULL, SEC_MODEL, 0, "", 0, 65536, 0, STEP_NONE, model.index_head_dim,
	    "dimension of an indexer head; the indexer caches one FP8 key of it per token and layer"),
	INT("model.mtp_layers", NULL, SEC_MODEL, 0, "", 0, 64, 0, STEP_NONE, model.mtp_layers,
	    "multi-token prediction layers the checkpoint carries (DeepSeek-V3/R1: 1), for speculative decoding"),
	DBL("model.params_b", NULL, SEC_MODEL, 0, "B", 0, 1e6, 10, 0, model.params_b,
	    "declared total parameters in billions (0 = not declared)"),

	ENUM("workload.mode", SEC_WORKLOAD, mode_choices, MODE_STATIC, work.mode,
	     "static: one batch prefilled then decoded; serving: continuous batching"),
	INT("workload.batch", "batch", SEC_WORKLOAD, 0, "", 1, 10000000, 128, STEP_POW2, work.batch,
	    "concurrent sequences"),
	INT("workload.prompt_len", "seq", SEC_WORKLOAD, 0, "tokens", 1, 100000000, 2048, STEP_POW2,
	    work.prompt_len, "prompt length"),
	INT("workload.output_len", "out", SEC_WORKLOAD, 0, "tokens", 1, 100000000, 256, STEP_POW2,
	    work.output_len, "generated tokens per sequence"),
	DBL("workload.prefix_hit", NULL, SEC_WORKLOAD, 0, "", 0, 0.99, 0, 0.05, work.prefix_hit,
	    "share of each prompt the engine finds in its prefix cache (a shared system prompt, tools): only the rest is prefilled"),
	DBL("workload.range_ratio", NULL, SEC_WORKLOAD, 0, "", 0, 1, 0, 0.05, work.range_ratio,
	    "prompt and output lengths spread uniformly over their mean x (1 - r) to (1 + r) (vllm bench --random-range-ratio)"),
	INT("workload.turns", NULL, SEC_WORKLOAD, 0, "", 1, 1000, 1, STEP_NONE, work.turns,
	    "turns of a session: each turn's prompt is the conversation so far (cached) and prompt_len new tokens"),
	INT("workload.microbatches", "mb", SEC_WORKLOAD, 0, "", 1, 1000000, 1, STEP_LINEAR,
	    work.microbatches, "microbatches per batch (static mode)"),
	DBL("workload.ttft_overhead_ms", NULL, SEC_WORKLOAD, 0, "ms", 0, 1e9, 0, 0, work.ttft_overhead_ms,
	    "serving front-end cost added to TTFT"),

	ENUM("workload.engine", SEC_WORKLOAD, engine_choices, ENGINE_NONE, work.engine,
	     "serving engine whose memory rule and limits apply (engine section); none: the plain model"),
	ENUM("workload.arrival", SEC_WORKLOAD, arrival_choices, ARRIVAL_CLOSED, work.arrival,
	     "closed: batch requests always in flight (benchmarks); poisson: open stream at workload.rate"),
	INT("workload.spec_tokens", NULL, SEC_WORKLOAD, 0, "", 0, 16, 0, STEP_NONE, work.spec_tokens,
	    "speculative decoding: draft tokens each step proposes and verifies (0: none); the draft is model.mtp_layers layers"),
	DBL("workload.spec_accepted", NULL, SEC_WORKLOAD, 0, "", 0, 16, 0, 0, work.spec_accepted,
	    "mean draft tokens accepted a step (what engines report); a step then emits 1 + this many tokens"),
	INT("workload.requests", NULL, SEC_WORKLOAD, 0, "", 1, 1000000000, 1000, STEP_NONE, work.requests,
	    "requests a closed-loop benchmark sends in all: its first wave, all at once, weighs batch/requests of the mean TTFT"),
	DBL("workload.rate", "rate", SEC_WORKLOAD, 0, "req/s", 0, 1e9, 1, 0, work.rate,
	    "requests per second of the whole deployment, with arrival poisson"),

	DBL("engine.mem_fraction", NULL, SEC_ENGINE, KF_AUTO, "", 0, 1, 0, 0, engine.mem_fraction,
	    "the engine's memory setting in its own meaning (vllm: of all memory; sglang: weights and KV of all; trtllm: KV of what is free); auto: the engine's default"),
	INT("engine.max_seqs", NULL, SEC_ENGINE, KF_AUTO, "", 0, 10000000, 0, STEP_NONE, engine.max_seqs,
	    "most sequences running at once per replica; auto: the engine's default"),
	INT("engine.max_batched_tokens", NULL, SEC_ENGINE, KF_AUTO, "tokens", 0, 100000000, 0, STEP_NONE,
	    engine.max_batched_tokens, "tokens one step carries (chunked-prefill budget); auto: the engine's default"),
	INT("engine.graph_max_seqs", NULL, SEC_ENGINE, KF_AUTO, "", 0, 10000000, 0, STEP_NONE, engine.graph_max_seqs,
	    "decode steps of up to this many sequences per replica replay a captured CUDA graph (the figures assume they all do); auto: the engine's default"),
	ENUM("engine.prefill", SEC_ENGINE, prefill_choices, PREFILL_AUTO, engine.prefill,
	     "mixed: prefill chunks ride in the decode steps; separate: prefill batches of every waiting request while decode waits; auto: the engine's"),
	ENUM("engine.admit", SEC_ENGINE, admit_choices, ADMIT_RULE_AUTO, engine.admit,
	     "whole: a sequence is admitted when its prompt and whole output fit; paged: it holds what it has generated, prompt + output/2 on average; auto: the engine's"),
	ENUM("engine.scheduler", SEC_ENGINE, scheduler_choices, SCHED_AUTO, engine.scheduler,
	     "overlap: the next step is scheduled while this one runs, so a request that comes in waits one step more; sync: after it ends; auto: the engine's"),
	ENUM("engine.prefix_cache", SEC_ENGINE, prefix_choices, PREFIX_AUTO, engine.prefix_cache,
	     "on: prompts' cached prefixes (workload.prefix_hit, a session's earlier turns) are not prefilled again; off: every prompt whole; auto: the engine's (on in vLLM, SGLang and TensorRT-LLM)"),
	DBL("engine.step_us", NULL, SEC_ENGINE, OPT, "us", 0, 1e9, NAN, 0, engine.step_us,
	    "host-side cost of every step (scheduling, sampling, launch); none: the engine's default"),
	DBL("engine.seq_us", NULL, SEC_ENGINE, OPT, "us", 0, 1e9, NAN, 0, engine.seq_us,
	    "host-side cost of each running sequence in every step (sampling, detokenising, streaming); none: the engine's default"),
	DBL("engine.frontend_ms", NULL, SEC_ENGINE, OPT, "ms", 0, 1e9, NAN, 0, engine.frontend_ms,
	    "request path outside the GPU (HTTP, tokenizer, first chunk) added to TTFT; none: the engine's default"),

	INT("strategy.dp", "dp", SEC_STRATEGY, 0, "", 1, 1000000, 16, STEP_POW2, strat.dp,
	    "data-parallel replicas (of attention)"),
	INT("strategy.tp", "tp", SEC_STRATEGY, 0, "", 1, 4096, 4, STEP_DIV_HEADS, strat.tp,
	    "tensor-parallel degree"),
	INT("strategy.pp", "pp", SEC_STRATEGY, 0, "", 1, 128, 1, STEP_TO_LAYERS, strat.pp,
	    "pipeline stages"),
	INT("strategy.ep", "ep", SEC_STRATEGY, 0, "", 1, 65536, 16, STEP_DIV_EXPERTS, strat.ep,
	    "expert-parallel degree"),
	INT("strategy.etp", "etp", SEC_STRATEGY, KF_AUTO, "", 0, 4096, 0, STEP_NONE, strat.etp,
	    "expert tensor-parallel degree (auto: tp, or dp*tp/ep)"),
	DBL("strategy.overlap", "overlap", SEC_STRATEGY, 0, "", 0, 1, 0, 0.1, strat.overlap,
	    "fraction of collective time hidden behind compute"),
	DBL("strategy.imbalance", NULL, SEC_STRATEGY, KF_AUTO, "", 1, 1000, 0, 0, strat.imbalance,
	    "expert load imbalance factor (auto: from the token count)"),

	INT("prefill.dp", NULL, SEC_PREFILL, KF_DEFAULT, "", 0, 1000000, 0, STEP_NONE, disagg.dp,
	    "disaggregated serving: the prefill pool's data parallelism (default: strategy.dp)"),
	INT("prefill.tp", NULL, SEC_PREFILL, KF_DEFAULT, "", 0, 4096, 0, STEP_NONE, disagg.tp,
	    "the prefill pool's tensor parallelism (default: strategy.tp)"),
	INT("prefill.pp", NULL, SEC_PREFILL, KF_DEFAULT, "", 0, 128, 0, STEP_NONE, disagg.pp,
	    "the prefill pool's pipeline parallelism (default: strategy.pp)"),
	INT("prefill.ep", NULL, SEC_PREFILL, KF_DEFAULT, "", 0, 65536, 0, STEP_NONE, disagg.ep,
	    "the prefill pool's expert parallelism (default: strategy.ep)"),
	INT("prefill.etp", NULL, SEC_PREFILL, KF_DEFAULT, "", 0, 4096, 0, STEP_NONE, disagg.etp,
	    "the prefill pool's expert tensor parallelism (default: strategy.etp, auto: the fold)"),
	STR("prefill.hardware", SEC_PREFILL, "", disagg.hw_name,
	    "the prefill pool's GPU, a hardware preset (empty: the decode pool's); its KV cache then crosses the network"),
	INT("disagg.prefill_workers", NULL, SEC_DISAGG, 0, "", 1, 100000, 1, STEP_NONE, disagg.prefill_workers,
	    "instances of the prefill pool (each dp x tp x pp GPUs of prefill.*)"),
	INT("disagg.decode_workers", NULL, SEC_DISAGG, 0, "", 1, 100000, 1, STEP_NONE, disagg.decode_workers,
	    "instances of the decode pool (each dp x tp x pp GPUs of strategy.*)"),

	DBL("requirements.ttft_s", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "s", 0, BIG, 10, 0, req.ttft_s,
	    "bound on time to first token"),
	DBL("requirements.tpot_ms", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "ms", 0, BIG, NAN, 0,
	    req.tpot_ms, "bound on time per output token"),
	DBL("requirements.ttft_p90_s", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "s", 0, BIG, NAN, 0, req.ttft_p90_s,
	    "bound on the 90th percentile of time to first token (a closed loop served by an engine; else the mean)"),
	DBL("requirements.ttft_p99_s", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "s", 0, BIG, NAN, 0, req.ttft_p99_s,
	    "bound on the 99th percentile of time to first token (likewise)"),
	DBL("requirements.tpot_p90_ms", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "ms", 0, BIG, NAN, 0, req.tpot_p90_ms,
	    "bound on the 90th percentile of time per output token (likewise)"),
	DBL("requirements.tpot_p99_ms", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "ms", 0, BIG, NAN, 0, req.tpot_p99_ms,
	    "bound on the 99th percentile of time per output token (likewise)"),
	DBL("requirements.tokens_per_ms_per_gpu", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "tok/ms/GPU",
	    0, BIG, 100, 0, req.tokens_per_ms_per_gpu, "decode throughput target"),
	DBL("requirements.tokens_per_s_per_user", NULL, SEC_REQUIREMENTS, OPT | KF_MIN_OPEN, "tok/s/user", 0, BIG, NAN, 0,
	    req.tokens_per_s_per_user, "interactivity: each user sees at least this many tokens per second (1000/TPOT)"),

	ENUM("claims.valid", SEC_CLAIMS, claim_valid_choices, CLAIM_VALID_NONE, claims.valid,
	     "whether a report says its strategy is valid (true, false or none)"),
	CLAIM("claims.gpus", "", gpus, "GPUs a report claims (a number, or a bound: \"<= 64\", \">= 64\")"),
	CLAIM("claims.shards", "", shards, "distinct model parts a report claims"),
	CLAIM("claims.mem_per_gpu_gib", "GiB", mem_per_gpu_gib, "memory per GPU a report claims (\"<= 28.9\": at most)"),
	CLAIM("claims.ttft_s", "s", ttft_s, "TTFT a report claims (\"<= 0.1\": under 0.1 s)"),
	CLAIM("claims.tpot_ms", "ms", tpot_ms, "TPOT a report claims"),
	CLAIM("claims.tokens_per_ms_per_gpu", "tok/ms/GPU", tokens_per_ms_per_gpu,
	      "decode throughput a report claims (\">= 100\": at least)"),
	DBL("claims.tolerance", NULL, SEC_CLAIMS, 0, "", 0, 10, 0.10, 0, claims.tolerance,
	    "relative tolerance within which a claim holds"),
};

const size_t key_count = sizeof key_table / sizeof key_table[0];

static const char *const section_names[SEC_COUNT] = {
	"", "hardware", "model", "workload", "engine", "strategy", "prefill", "disagg", "requirements", "claims",
};

const char *key_section_name(int section)
{
	return section >= 0 && section < SEC_COUNT ? section_names[section] : "";
}

int key_section_find(const char *name)
{
	for (int s = 1; s < SEC_COUNT; s++)
		if (strcmp(section_names[s], name) == 0)
			return s;
	return -1;
}

const char *key_leaf(const struct key *k)
{
	const char *dot = strchr(k->name, '.');
	return dot ? dot + 1 : k->name;
}

const struct key *key_find(const char *name)
{
	const struct key *leaf_match = NULL;
	int leaf_matches = 0;

	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (strcmp(k->name, name) == 0 || (k->alias && strcmp(k->alias, name) == 0))
			return k;
		if (strcmp(key_leaf(k), name) == 0) {
			leaf_match = k;
			leaf_matches++;
		}
	}
	return leaf_matches == 1 ? leaf_match : NULL;
}

const struct key *key_find_in(int section, const char *leaf)
{
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->section == section && strcmp(key_leaf(k), leaf) == 0)
			return k;
	}
	/* an alias works too, in its own section ("workload: {seq: 4096}") */
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->section == section && k->alias && strcmp(k->alias, leaf) == 0)
			return k;
	}
	return NULL;
}

const char *key_suggest(const char *name, int section)
{
	const char *best = NULL;
	int best_score = 3 * 2;

	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (section >= 0 && k->section != section)
			continue;
		const char *cands[3] = { k->name, k->alias, key_leaf(k) };
		for (int c = 0; c < 3; c++) {
			if (!cands[c])
				continue;
			/* ties go to the name that starts like the typed one */
			int score = 2 * spelling_distance(name, cands[c], best_score / 2) -
				    (name[0] == cands[c][0]);
			if (score < best_score) {
				best_score = score;
				best = section >= 0 ? key_leaf(k) : cands[c];
			}
		}
	}
	return best;
}

static void *field(struct scenario *s, const struct key *k)
{
	return (char *)s + k->offset;
}

static const void *cfield(const struct scenario *s, const struct key *k)
{
	return (const char *)s + k->offset;
}

static bool word_is(const char *text, const char *word)
{
	return strcasecmp(text, word) == 0;
}

/* Bytes per value of a named dtype, or a negative number. */
static double dtype_bytes(const char *text)
{
	if (word_is(text, "fp32"))
		return 4;
	if (word_is(text, "fp16") || word_is(text, "bf16"))
		return 2;
	if (word_is(text, "fp8"))
		return 1;
	if (word_is(text, "fp4") || word_is(text, "nvfp4") || word_is(text, "mxfp4"))
		return 0.5625;
	return -1;
}

void key_describe_range(const struct key *k, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t n = 0;

	switch (k->type) {
	case KT_BOOL:
		snprintf(buf, len, "true or false");
		return;
	case KT_STRING:
		snprintf(buf, len, "a name of at most %d characters", NAME_MAX_LEN - 1);
		return;
	case KT_DTYPE:
		snprintf(buf, len, "one of fp32 fp16 bf16 fp8 fp4");
		return;
	case KT_ENUM:
		n += (size_t)snprintf(buf, len, "one of");
		for (const char *const *c = k->choices; *c && n < len; c++)
			n += (size_t)snprintf(buf + n, len - n, " %s", *c);
		return;
	default:
		break;
	}
	fmt_exact(k->min, lo, sizeof lo);
	fmt_exact(k->max, hi, sizeof hi);
	const char *kind = k->type == KT_INT ? "an integer" : "a number";
	if (k->flags & KF_MIN_OPEN)
		n = (size_t)snprintf(buf, len, "%s above %s up to %s", kind, lo, hi);
	else
		n = (size_t)snprintf(buf, len, "%s from %s to %s", kind, lo, hi);
	if (n >= len)
		return;
	if (k->flags & KF_BOUND) {
		snprintf(buf + n, len - n, ", a bound (<= X, >= X), or none");
		return;
	}
	if (k->flags & KF_AUTO)
		snprintf(buf + n, len - n, ", or auto");
	else if (k->flags & KF_DEFAULT)
		snprintf(buf + n, len - n, ", or default");
	else if (k->flags & KF_OPTIONAL)
		snprintf(buf + n, len - n, ", or none");
	if (k->flags & KF_BYTES) {
		size_t m = strlen(buf);
		snprintf(buf + m, len - m, ", or a dtype (fp32 fp16 bf16 fp8 fp4)");
	}
}

static int range_error(const struct key *k, const char *text, char *err, size_t errlen)
{
	char range[160];
	key_describe_range(k, range, sizeof range);
	snprintf(err, errlen, "%s: expected %s, got '%s'", k->name, range, text);
	return -1;
}

static bool in_range(const struct key *k, double v)
{
	if (v > k->max)
		return false;
	return (k->flags & KF_MIN_OPEN) ? v > k->min : v >= k->min;
}

static int parse_number(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
		return -1;
	/* -0 is 0: stored (and printed) without its sign */
	*out = v == 0 ? 0.0 : v;
	return 0;
}

/* The special words a flagged key accepts, as the stored value. */
static bool special_word(const struct key *k, const char *text, double *out)
{
	if ((k->flags & KF_AUTO) && word_is(text, "auto")) {
		*out = 0;
		return true;
	}
	if ((k->flags & KF_DEFAULT) && word_is(text, "default")) {
		*out = 0;
		return true;
	}
	if ((k->flags & KF_OPTIONAL) && (word_is(text, "none") || word_is(text, "null") ||
					 word_is(text, "~"))) {
		*out = NAN;
		return true;
	}
	return false;
}

/* A claim's relation, written before its number: "<=", "<", "≤" (at
 * most), ">=", ">", "≥" (at least), "~", "≈" (about); the rest of the text. */
static const char *bound_prefix(const char *text, int *rel)
{
	static const struct {
		const char *word;
		int rel;
	} rels[] = {
		{ "<=", REL_AT_MOST }, { "\u2264", REL_AT_MOST }, { "<", REL_AT_MOST },
		{ ">=", REL_AT_LEAST }, { "\u2265", REL_AT_LEAST }, { ">", REL_AT_LEAST },
		{ "~", REL_ABOUT }, { "\u2248", REL_ABOUT },
	};
	while (*text == ' ')
		text++;
	for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
		size_t n = strlen(rels[i].word);
		if (strncmp(text, rels[i].word, n) == 0 && text[n] != '\0') {
			*rel = rels[i].rel;
			text += n;
			while (*text == ' ')
				text++;
			return text;
		}
	}
	return text;
}

static int set_bool(bool *dst, const struct key *k, const char *text, char *err, size_t errlen)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (word_is(text, yes[i])) {
			*dst = true;
			return 0;
		}
		if (word_is(text, no[i])) {
			*dst = false;
			return 0;
		}
	}
	return range_error(k, text, err, errlen);
}

static int set_enum(int *dst, const struct key *k, const char *text, char *err, size_t errlen)
{
	for (int i = 0; k->choices[i]; i++) {
		if (word_is(text, k->choices[i])) {
			*dst = i;
			return 0;
		}
	}
	return range_error(k, text, err, errlen);
}

static int set_dtype(struct scenario *s, const struct key *k, const char *text, char *err,
		     size_t errlen)
{
	double b = dtype_bytes(text);
	if (b < 0)
		return range_error(k, text, err, errlen);
	s->model.weight_bytes = s->model.kv_bytes = s->model.act_bytes = b;
	s->model.expert_weight_bytes = s->model.head_bytes = 0;
	return 0;
}

int key_set(struct scenario *s, const struct key *k, const char *text, char *err, size_t errlen)
{
	double v;

	switch (k->type) {
	case KT_STRING:
		if (name_check(k->name, text, err, errlen) != 0)
			return -1;
		if (strlen(text) >= NAME_MAX_LEN)
			return range_error(k, text, err, errlen);
		/* an id is the positional argument of an engine command, where a
		 * leading '-' would make it an option */
		if (text[0] == '-') {
			snprintf(err, errlen, "%s: a name may not start with '-', got '%s'", k->name, text);
			return -1;
		}
		strcpy(field(s, k), text);
		return 0;
	case KT_BOOL:
		return set_bool(field(s, k), k, text, err, errlen);
	case KT_ENUM:
		return set_enum(field(s, k), k, text, err, errlen);
	case KT_DTYPE:
		return set_dtype(s, k, text, err, errlen);
	default:
		break;
	}

	int rel = REL_ABOUT;
	const char *written = text;
	if (k->flags & KF_BOUND)
		text = bound_prefix(text, &rel);
	if (special_word(k, text, &v)) {
		/* stored as is: 0 for auto/default, NaN for none */
		rel = REL_ABOUT;
	} else if ((k->flags & KF_BYTES) && dtype_bytes(text) > 0) {
		v = dtype_bytes(text);
	} else if (parse_number(text, &v) != 0 || !in_range(k, v)) {
		return range_error(k, written, err, errlen);
	} else if (k->type == KT_INT && v != floor(v)) {
		return range_error(k, written, err, errlen);
	}

	if (k->type == KT_INT)
		*(long *)field(s, k) = (long)v;
	else
		*(double *)field(s, k) = v;
	if (k->flags & KF_BOUND)
		*(int *)((char *)s + k->rel_offset) = rel;
	return 0;
}

static void get_dtype(const struct scenario *s, char *buf, size_t len)
{
	const struct model *m = &s->model;
	double b = m->weight_bytes;
	bool same = m->kv_bytes == b && m->act_bytes == b &&
		    (m->expert_weight_bytes == 0 || m->expert_weight_bytes == b);
	const char *name = !same ? "mixed" : b == 4 ? "fp32" : b == 2 ? "bf16" : b == 1 ? "fp8" :
			   b == 0.5625 ? "fp4" : "mixed";
	snprintf(buf, len, "%s", name);
}

int key_bound_rel(const struct scenario *s, const struct key *k)
{
	return (k->flags & KF_BOUND) ? *(const int *)((const char *)s + k->rel_offset) : REL_ABOUT;
}

/* The number, after its relation when it is a bound: "<= 0.1". */
static void key_format_bound(const struct key *k, const struct scenario *s, double v, char *buf, size_t len)
{
	int rel = key_bound_rel(s, k);
	const char *pre = rel == REL_AT_MOST ? "<= " : rel == REL_AT_LEAST ? ">= " : "";
	size_t n = (size_t)snprintf(buf, len, "%s", pre);
	if (n < len)
		fmt_exact(v, buf + n, len - n);
}

void key_get(const struct scenario *s, const struct key *k, char *buf, size_t len)
{
	switch (k->type) {
	case KT_STRING:
		snprintf(buf, len, "%s", (const char *)cfield(s, k));
		return;
	case KT_BOOL:
		snprintf(buf, len, "%s", *(const bool *)cfield(s, k) ? "true" : "false");
		return;
	case KT_ENUM:
		snprintf(buf, len, "%s", k->choices[*(const int *)cfield(s, k)]);
		return;
	case KT_DTYPE:
		get_dtype(s, buf, len);
		return;
	case KT_INT: {
		long v = *(const long *)cfield(s, k);
		if (v == 0 && (k->flags & (KF_AUTO | KF_DEFAULT)))
			snprintf(buf, len, "%s", (k->flags & KF_AUTO) ? "auto" : "default");
		else
			snprintf(buf, len, "%ld", v);
		return;
	}
	default: {
		double v = *(const double *)cfield(s, k);
		if (isnan(v))
			snprintf(buf, len, "none");
		else if (v == 0 && (k->flags & (KF_AUTO | KF_DEFAULT)))
			snprintf(buf, len, "%s", (k->flags & KF_AUTO) ? "auto" : "default");
		else
			key_format_bound(k, s, v, buf, len);
		return;
	}
	}
}

void keys_apply_defaults(struct scenario *s)
{
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		switch (k->type) {
		case KT_STRING:
			snprintf(field(s, k), NAME_MAX_LEN, "%s", k->def_str ? k->def_str : "");
			break;
		case KT_BOOL:
			*(bool *)field(s, k) = k->def != 0;
			break;
		case KT_ENUM:
			*(int *)field(s, k) = (int)k->def;
			break;
		case KT_INT:
			*(long *)field(s, k) = (long)k->def;
			break;
		case KT_DOUBLE:
			*(double *)field(s, k) = k->def;
			break;
		default:
			break;
		}
	}
}

int keys_check_all(const struct scenario *s, char *err, size_t errlen)
{
	static struct scenario scratch;   /* large: not on the stack */
	char text[NAME_MAX_LEN + 64];
	scratch = *s;
	for (size_t i = 0; i < key_count; i++) {
		const struct key *k = &key_table[i];
		if (k->flags & KF_NOSAVE)
			continue;
		key_get(s, k, text, sizeof text);
		if (key_set(&scratch, k, text, err, errlen) != 0)
			return -1;
	}
	return 0;
}
