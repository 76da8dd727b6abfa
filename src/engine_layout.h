/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How each serving engine writes a parallel strategy, and the rules it
 * refuses a strategy by.  moescope's strategy (dp, tp, pp, ep, etp) and an
 * engine's flags name the same layout in different words: vLLM's tensor
 * parallelism is per replica and its experts span every GPU of a stage;
 * SGLang's --tp counts every GPU of an instance, inside which attention may
 * run data-parallel; TensorRT-LLM's tp_size is the GPUs of a stage, with
 * attention DP all or nothing.  Pure: no I/O. */
#ifndef MOESCOPE_ENGINE_LAYOUT_H
#define MOESCOPE_ENGINE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* One engine's parallel flags. */
struct engine_layout {
	long tp;               /* vLLM --tensor-parallel-size, SGLang --tp-size, TensorRT-LLM --tp_size */
	long dp;               /* vLLM --data-parallel-size, SGLang --dp-size; 1 in TensorRT-LLM */
	long pp;               /* the pipeline-parallel size */
	long ep;               /* SGLang --ep-size, TensorRT-LLM --ep_size; vLLM: dp x tp or 1 */
	long moe_dp;           /* SGLang --moe-dp-size: copies of the experts inside an instance */
	bool attn_dp;          /* SGLang --enable-dp-attention, TensorRT-LLM enable_attention_dp */
	bool expert_parallel;  /* vLLM --enable-expert-parallel */
};

/* The block of an FP8 checkpoint's weight scales (128 x 128 in
 * DeepSeek-V3/R1, Kimi-K2 and Qwen3's FP8 releases): vLLM and SGLang refuse
 * an expert shard whose width is not a whole number of blocks. */
#define ENGINE_FP8_BLOCK 128

/* A model the engines run as dense: one expert that every token takes. */
bool engine_model_dense(const struct model *m);

/* The engine's flags for a strategy of a resolved scenario (etp resolved),
 * or -1 with the engine's own reason when it cannot run it. */
int engine_layout_from_strategy(int engine, const struct scenario *resolved, struct engine_layout *out, char *err,
				size_t errlen);

/* The strategy an engine's flags describe (overlap and imbalance are left
 * as they were), or -1 with the engine's reason when it would refuse them.
 * m: the resolved model. */
int engine_layout_to_strategy(int engine, const struct model *m, const struct engine_layout *l, struct strategy *st,
			      char *err, size_t errlen);

#endif
