/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An engine's launch command back into a scenario: `vllm serve`, SGLang's
 * launch_server (or `sglang serve`), `trtllm-serve` and its extra options
 * YAML.  The command is split as a POSIX shell splits it; the flags that
 * change the figures are read, the others listed as ignored.  No I/O: the
 * caller reads the options file and finds the model. */
#ifndef MOESCOPE_IMPORT_ENGINE_H
#define MOESCOPE_IMPORT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine_layout.h"
#include "scenario.h"

/* The longest command read (a launch command is a few hundred bytes). */
#define IMPORT_COMMAND_MAX 16384
#define IMPORT_WORDS_MAX 256

struct engine_import {
	int engine;
	char model[512];           /* the model argument, or "" */
	struct engine_layout l;
	bool ep_moe;               /* SGLang's old --enable-ep-moe: ep = tp */
	double mem_fraction;       /* 0: not given (the engine's default) */
	long max_seqs;             /* 0: not given; as the flag says (SGLang DP attention: the instance) */
	long max_batched_tokens;   /* 0: not given; likewise */
	long graph_max;            /* 0: not given; the CUDA graphs' largest decode step (vLLM: tokens) */
	int scheduler;             /* enum sched_kind; SCHED_AUTO: not given */
	int admit;                 /* enum admit_kind; ADMIT_RULE_AUTO: not given */
	int prefill;               /* enum prefill_kind; PREFILL_AUTO: not given */
	int prefix_cache;          /* enum prefix_kind; PREFIX_AUTO: not given */
	double kv_bytes;           /* 0: not given (the model's own) */
	double weight_bytes, expert_weight_bytes;   /* 0: not given (the checkpoint's) */
	long spec_tokens;          /* draft tokens verified a step; -1: not given */
	long spec_steps, spec_draft;   /* SGLang's --speculative-num-steps and -num-draft-tokens; 0: not given */
	char options_file[512];    /* TensorRT-LLM --extra_llm_api_options, or "" */
	char ignored[1024];        /* flags read and left, as written */
};

/* Parse a launch command.  -1 with "col N: ..." and *out undefined when it
 * is not one, or a flag moescope reads has a bad value. */
int engine_import_parse(const char *text, struct engine_import *out, char *err, size_t errlen);
/* The same; lenient: a flag within two edits of one moescope reads is
 * passed over as not read, where the strict parse refuses it as the engine
 * would, with the flag it probably meant. */
int engine_import_parse_as(const char *text, bool lenient, struct engine_import *out, char *err, size_t errlen);

/* Merge TensorRT-LLM's extra options YAML (label names it in messages:
 * "FILE:LINE:COL: ..."); what it sets overrides the command's flags, as
 * trtllm-serve does. */
int engine_import_options(struct engine_import *imp, const char *label, const char *yaml, size_t len, char *err,
			  size_t errlen);

/* Apply to a scenario whose model is already the command's: weight and KV
 * formats, the strategy, workload.engine and the engine section.  -1 with
 * the engine's reason and *s untouched when the engine would refuse it. */
int engine_import_apply(const struct engine_import *imp, struct scenario *s, char *err, size_t errlen);

#endif
