/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The launch command of a serving engine for a scenario: vLLM's `vllm
 * serve`, SGLang's launch_server, TensorRT-LLM's trtllm-serve with its
 * extra options YAML.  The flags say what moescope assumed (strategy,
 * weight and KV formats, memory fraction, running sequences, prefill
 * budget), so the engine runs what was modelled.  Pure: no I/O. */
#ifndef MOESCOPE_EXPORT_ENGINE_H
#define MOESCOPE_EXPORT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

#define ENGINE_ARGS_MAX 48
#define ENGINE_ARG_LEN 160
#define ENGINE_NOTES_MAX 6
/* The line that ends the here document of an options file in a script. */
#define ENGINE_HEREDOC_END "EOF"

struct engine_command {
	int engine;
	int argc;
	char argv[ENGINE_ARGS_MAX][ENGINE_ARG_LEN];
	/* a word the shell is to expand: one of moescope's own variables of
	 * the prelude ("$NODE_RANK"), never a value from the scenario */
	bool raw[ENGINE_ARGS_MAX];
	/* A plan over several machines: hosts of per_host GPUs, and the shell
	 * lines before the command that set its per-host variables from
	 * NODE_RANK and HEAD_ADDR (moescope's own text; "" on one host). */
	long hosts, per_host;
	char prelude[640];
	char options_file[64];   /* the options file the command names, or "" */
	char options[1024];      /* its YAML */
	int n_notes;
	char notes[ENGINE_NOTES_MAX][320];   /* what the command cannot say */
};

/* The engine's command for the scenario (unresolved, as the user holds
 * it), or -1 with the engine's reason when it cannot run the strategy. */
int engine_export(int engine, const struct scenario *s, struct engine_command *out, char *err, size_t errlen);

/* Disaggregated serving (workload.mode disagg): the launch of a prefill
 * instance, of a decode instance, and of the router that sends each
 * request to both, as each stack documents it (SGLang's PD disaggregation
 * and sglang_router; vLLM's NixlConnector and its proxy; TensorRT-LLM's
 * trtllm-serve disaggregated).  The router reads the instances' addresses
 * from PREFILL_ADDRS and DECODE_ADDRS; -1 with the reason when a pool's
 * strategy is one the engine cannot run. */
struct engine_disagg {
	struct engine_command prefill, decode, router;
	long prefill_instances, decode_instances;
};
int engine_export_disagg(int engine, const struct scenario *s, struct engine_disagg *out, char *err, size_t errlen);

/* The command as shell text: one line, or (pretty) one flag per line
 * joined by backslash-newlines.  Words the shell would split are quoted. */
void engine_command_text(const struct engine_command *c, int pretty, char *buf, size_t len);

#endif
