/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hugging Face config.json into the model section.  Field names are the
 * transformers configuration classes' own (LlamaConfig, MixtralConfig,
 * Qwen3MoeConfig, DeepseekV3Config, GptOssConfig, Glm4MoeConfig, ...). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_read.h"
#include "import_hf.h"
#include "name_text.h"
#include "scenario_resolve.h"

#define CONFIG_MAX_BYTES (1 << 20)
#define USED_MAX 64

struct reader {
	const char *label;
	json_object *root;
	json_object *text;   /* a multimodal config's text_config, read first */
	const char *family;
	const char *used[USED_MAX];
	int n_used;
	char *err;
	size_t errlen;
};

static void use(struct reader *r, const char *name)
{
	for (int i = 0; i < r->n_used; i++)
		if (strcmp(r->used[i], name) == 0)
			return;
	if (r->n_used < USED_MAX)
		r->used[r->n_used++] = name;
}

static json_object *field(struct reader *r, const char *name)
{
	json_object *v = NULL;
	use(r, name);
	if (r->text && json_object_object_get_ex(r->text, name, &v) && json_object_get_type(v) != json_type_null)
		return v;
	if (!json_object_object_get_ex(r->root, name, &v) || json_object_get_type(v) == json_type_null)
		return NULL;
	return v;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct reader *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s: %s", r->label, msg);
	return -1;
}

/* A whole number field: required, or def when absent. */
static int get_long(struct reader *r, const char *name, bool required, long def, long lo, long hi, long *out)
{
	json_object *v = field(r, name);
	if (!v) {
		if (required)
			return fail(r, "'%s' is missing: a %s config needs it", name, r->family);
		*out = def;
		return 0;
	}
	if (json_object_get_type(v) != json_type_int)
		return fail(r, "'%s' must be a whole number, not %s", name, json_type_to_name(json_object_get_type(v)));
	int64_t x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return fail(r, "'%s' is %lld: expected %ld to %ld", name, (long long)x, lo, hi);
	*out = (long)x;
	return 0;
}

static int get_bool(struct reader *r, const char *name, bool def, bool *out)
{
	json_object *v = field(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	if (json_object_get_type(v) != json_type_boolean)
		return fail(r, "'%s' must be true or false", name);
	*out = json_object_get_boolean(v);
	return 0;
}

static const char *get_string(struct reader *r, const char *name)
{
	json_object *v = field(r, name);
	return v && json_object_get_type(v) == json_type_string ? json_object_get_string(v) : NULL;
}

/* What every family shares: the attention shape, the vocabulary, the
 * 16-bit type the weights are stored in. */
static int common(struct reader *r, struct model *m)
{
	if (get_long(r, "num_hidden_layers", true, 0, 1, 1024, &m->layers) ||
	    get_long(r, "hidden_size", true, 0, 1, 1000000, &m->hidden) ||
	    get_long(r, "num_attention_heads", true, 0, 1, 4096, &m->heads) ||
	    get_long(r, "num_key_value_heads", false, m->heads, 1, 4096, &m->kv_heads) ||
	    get_long(r, "head_dim", false, m->hidden / m->heads, 1, 65536, &m->head_dim) ||
	    get_long(r, "vocab_size", true, 0, 1, 100000000, &m->vocab) ||
	    get_bool(r, "tie_word_embeddings", false, &m->tied_embeddings))
		return -1;
	m->attention = ATTN_GQA;
	m->gated = true;
	const char *dtype = get_string(r, "torch_dtype");
	const char *dtype2 = get_string(r, "dtype");
	if (!dtype)
		dtype = dtype2;
	double b = dtype && strcmp(dtype, "float32") == 0 ? 4 : 2;
	m->weight_bytes = m->expert_weight_bytes = m->kv_bytes = m->act_bytes = b;
	return 0;
}

/* Llama 4's iRoPE: a layer with rotary positions (no_rope_layers[i] 1)
 * attends within chunks of attention_chunk_size, a layer without (0,
 * every no_rope_layer_interval-th, 4 by default) attends to everything.
 * transformers' Llama4TextConfig fills the list so when it is empty. */
static int llama4_chunked_layers(struct reader *r, const struct model *m, long *chunked)
{
	long interval;
	if (get_long(r, "no_rope_layer_interval", false, 4, 1, 1024, &interval))
		return -1;
	json_object *list = field(r, "no_rope_layers");
	size_t n = list && json_object_get_type(list) == json_type_array ? json_object_array_length(list) : 0;
	if (list && json_object_get_type(list) != json_type_array)
		return fail(r, "'no_rope_layers' must be a list of 0 and 1, one a layer");
	if (n > 0 && (long)n != m->layers)
		return fail(r, "'no_rope_layers' lists %zu layers, num_hidden_layers is %ld", n, m->layers);
	long rope = 0;
	for (long i = 0; i < m->layers; i++) {
		if (n == 0) {
			rope += (i + 1) % interval != 0;
			continue;
		}
		json_object *v = json_object_array_get_idx(list, (size_t)i);
		int64_t x = v && json_object_get_type(v) == json_type_int ? json_object_get_int64(v) : -1;
		if (x != 0 && x != 1)
			return fail(r, "'no_rope_layers' [%ld] must be 0 (no rotary, full attention) or 1", i);
		rope += x;
	}
	/* without a chunk size every layer attends to everything */
	*chunked = field(r, "attention_chunk_size") ? rope : 0;
	return 0;
}

/* A whole number inside an object field: DBRX keeps its shape in
 * attn_config and ffn_config, Kimi Linear its linear layers in
 * linear_attn_config. */
static int nested_long(struct reader *r, const char *parent, const char *name, long *out)
{
	json_object *p = field(r, parent), *v = NULL;
	if (!p || json_object_get_type(p) != json_type_object || !json_object_object_get_ex(p, name, &v) ||
	    json_object_get_type(v) != json_type_int || json_object_get_int64(v) < 1 ||
	    json_object_get_int64(v) > 100000000)
		return fail(r, "'%s.%s' is missing or not a whole number above 0: a %s config needs it", parent, name,
			    r->family);
	*out = (long)json_object_get_int64(v);
	return 0;
}

/* Gated DeltaNet layers (Qwen3-Next's linear_attention): their heads,
 * head dims and convolution width. */
static int linear_shape(struct reader *r, struct model *m, long linear)
{
	m->linear_layers = linear;
	m->linear_key_heads = m->linear_value_heads = m->linear_key_dim = m->linear_value_dim = 0;
	m->linear_conv_kernel = 0;
	if (linear == 0)
		return 0;
	if (!strcmp(r->family, "kimi_linear")) {
		/* Kimi Delta Attention: as many key as value heads, of one dim */
		const char *c = "linear_attn_config";
		if (nested_long(r, c, "num_heads", &m->linear_key_heads) ||
		    nested_long(r, c, "head_dim", &m->linear_key_dim) ||
		    nested_long(r, c, "short_conv_kernel_size", &m->linear_conv_kernel))
			return -1;
		m->linear_value_heads = m->linear_key_heads;
		m->linear_value_dim = m->linear_key_dim;
		return 0;
	}
	return get_long(r, "linear_num_key_heads", true, 0, 1, 4096, &m->linear_key_heads) ||
	       get_long(r, "linear_num_value_heads", true, 0, 1, 4096, &m->linear_value_heads) ||
	       get_long(r, "linear_key_head_dim", true, 0, 1, 65536, &m->linear_key_dim) ||
	       get_long(r, "linear_value_head_dim", true, 0, 1, 65536, &m->linear_value_dim) ||
	       get_long(r, "linear_conv_kernel_dim", false, 4, 1, 1024, &m->linear_conv_kernel);
}

/* The attention kind of each layer.  `layer_types` names it per layer
 * (transformers writes it for gpt-oss, Gemma, Qwen2 and others):
 * full_attention, sliding_attention over the last `sliding_window` tokens,
 * chunked_attention within chunks of `attention_chunk_size`.  Without it,
 * Mistral's `sliding_window` applies to every layer, and Qwen's
 * `use_sliding_window` to the layers from `max_window_layers` on.  A kind
 * moescope does not model is an error naming it, never full attention. */
static int attention_kinds(struct reader *r, const char *family, struct model *m)
{
	json_object *types = field(r, "layer_types");
	long window = 0, chunk = 0, linear = 0;
	if (types) {
		if (json_object_get_type(types) != json_type_array)
			return fail(r, "'layer_types' must be a list of attention kinds");
		size_t n = json_object_array_length(types);
		if ((long)n != m->layers)
			return fail(r, "'layer_types' lists %zu layers, num_hidden_layers is %ld", n, m->layers);
		for (size_t i = 0; i < n; i++) {
			json_object *t = json_object_array_get_idx(types, i);
			const char *kind = t && json_object_get_type(t) == json_type_string ? json_object_get_string(t) : "";
			if (!strcmp(kind, "sliding_attention"))
				window++;
			else if (!strcmp(kind, "chunked_attention"))
				chunk++;
			else if (!strcmp(kind, "linear_attention"))
				linear++;
			else if (strcmp(kind, "full_attention") != 0)
				return fail(r, "'layer_types' [%zu] is '%.40s': an attention kind moescope does not model "
					       "(known: full_attention, sliding_attention, chunked_attention, linear_attention)",
					    i, kind);
		}
	} else if (!strcmp(family, "kimi_linear")) {
		/* linear_attn_config lists the KDA layers (and the full MLA ones) */
		json_object *cfg = field(r, "linear_attn_config"), *kda = NULL;
		if (!cfg || json_object_get_type(cfg) != json_type_object ||
		    !json_object_object_get_ex(cfg, "kda_layers", &kda) || json_object_get_type(kda) != json_type_array)
			return fail(r, "'linear_attn_config.kda_layers' is missing or not a list: a kimi_linear config "
				       "needs it");
		linear = (long)json_object_array_length(kda);
		if (linear > m->layers)
			return fail(r, "'linear_attn_config.kda_layers' lists %ld layers, the model has %ld", linear,
				    m->layers);
	} else if (!strcmp(family, "qwen3_next")) {
		/* every full_attention_interval-th layer is full, the rest linear */
		long every;
		if (get_long(r, "full_attention_interval", true, 0, 1, 1024, &every))
			return -1;
		linear = m->layers - m->layers / every;
	} else if (!strncmp(family, "llama4", 6)) {
		if (llama4_chunked_layers(r, m, &chunk))
			return -1;
	} else if (!strcmp(family, "mistral") && field(r, "sliding_window")) {
		window = m->layers;
	} else if (!strncmp(family, "qwen", 4)) {
		bool swa = false;
		long from = 0;
		if (get_bool(r, "use_sliding_window", false, &swa) ||
		    get_long(r, "max_window_layers", false, m->layers, 0, 1024, &from))
			return -1;
		if (swa)
			window = from < m->layers ? m->layers - from : 0;
	}
	use(r, "use_sliding_window");
	use(r, "max_window_layers");
	m->window_layers = window;
	m->chunk_layers = chunk;
	m->sliding_window = m->attention_chunk_size = 0;
	if (window > 0 && get_long(r, "sliding_window", true, 0, 1, 100000000, &m->sliding_window))
		return -1;
	if (chunk > 0 && get_long(r, "attention_chunk_size", true, 0, 1, 100000000, &m->attention_chunk_size))
		return -1;
	/* read, and of no effect when no layer uses them */
	use(r, "sliding_window");
	use(r, "attention_chunk_size");
	use(r, "full_attention_interval");
	return linear_shape(r, m, linear);
}

/* A field that says a layer is not full attention, left unread by the
 * family's reader: the figures would be those of full attention, so it is
 * an error naming the field. */
static int kinds_read(struct reader *r)
{
	static const char *const kinds[] = { "index_topk", "index_n_heads", "linear_num_value_heads",
					     "linear_key_head_dim", "linear_attn_config", "full_attention_interval", "layer_types",
					     "attention_chunk_size", "sliding_window" };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		bool used = false;
		for (int j = 0; j < r->n_used && !used; j++)
			used = !strcmp(r->used[j], kinds[i]);
		json_object *v = NULL;
		bool present = (r->text && json_object_object_get_ex(r->text, kinds[i], &v) &&
				json_object_get_type(v) != json_type_null) ||
			       (json_object_object_get_ex(r->root, kinds[i], &v) && json_object_get_type(v) != json_type_null);
		if (present && !used)
			return fail(r, "'%s' describes an attention kind the %s reader does not map: moescope would "
				       "compute full attention", kinds[i], r->family);
	}
	return 0;
}

static int dense_ffn_as_one_expert(struct reader *r, struct model *m)
{
	/* the dense presets' form: one expert every token takes */
	m->experts = m->top_k = 1;
	m->dense_layers = 0;
	return get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->expert_ffn);
}

static int map_dense(struct reader *r, struct model *m)
{
	return common(r, m) || dense_ffn_as_one_expert(r, m);
}

static int map_mixtral(struct reader *r, struct model *m)
{
	return common(r, m) || get_long(r, "num_local_experts", true, 0, 1, 65536, &m->experts) ||
	       get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	       get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->expert_ffn);
}

/* Qwen2-MoE and Qwen3-MoE: a layer is dense when it is listed in
 * mlp_only_layers or falls between decoder_sparse_step's MoE layers.
 * moescope puts dense layers first, as DeepSeek has them. */
static int map_qwen_moe(struct reader *r, struct model *m)
{
	long step, shared = 0;
	if (common(r, m) || get_long(r, "num_experts", true, 0, 1, 65536, &m->experts) ||
	    get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	    get_long(r, "moe_intermediate_size", true, 0, 1, 10000000, &m->expert_ffn) ||
	    get_long(r, "decoder_sparse_step", false, 1, 1, 1024, &step) ||
	    get_long(r, "intermediate_size", false, 0, 0, 10000000, &m->dense_ffn) ||
	    get_long(r, "shared_expert_intermediate_size", false, 0, 0, 10000000, &shared))
		return -1;
	json_object *only = field(r, "mlp_only_layers");
	/* the layers listed, marked in one pass: a list is at most the model's
	 * layers long (1024 at most), each a layer it has */
	bool listed[1024] = { false };
	if (only && json_object_get_type(only) == json_type_array) {
		size_t n = json_object_array_length(only);
		if ((long)n > m->layers)
			return fail(r, "'mlp_only_layers' lists %zu layers, the model has %ld", n, m->layers);
		for (size_t j = 0; j < n; j++) {
			int64_t i = json_object_get_int64(json_object_array_get_idx(only, j));
			if (i < 0 || i >= m->layers)
				return fail(r, "'mlp_only_layers' [%zu] is %lld: not a layer of the %ld", j, (long long)i, m->layers);
			listed[i] = true;
		}
	}
	long dense = 0;
	for (long i = 0; i < m->layers; i++)
		if (listed[i] || (i + 1) % step != 0)
			dense++;
	m->dense_layers = dense;
	if (dense > 0 && m->dense_ffn <= 0)
		return fail(r, "'intermediate_size' is missing: the %ld dense layers need it", dense);
	if (dense == 0)
		m->dense_ffn = 0;   /* the dense width of a model with no dense layer */
	if (shared > 0) {
		m->shared_experts = 1;
		m->shared_ffn = shared;
	}
	return 0;
}

/* DeepSeek's MoE block, which GLM-4.5 MoE writes the same way: routed and
 * shared experts of one width, the first layers dense, multi-token
 * prediction layers. */
static int deepseek_moe(struct reader *r, struct model *m)
{
	if (common(r, m) || get_long(r, "n_routed_experts", true, 0, 1, 65536, &m->experts) ||
	    get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	    get_long(r, "n_shared_experts", false, 0, 0, 1024, &m->shared_experts) ||
	    get_long(r, "moe_intermediate_size", true, 0, 1, 10000000, &m->expert_ffn) ||
	    get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->dense_ffn) ||
	    get_long(r, "first_k_dense_replace", false, 0, 0, 1024, &m->dense_layers) ||
	    get_long(r, "num_nextn_predict_layers", false, 0, 0, 64, &m->mtp_layers))
		return -1;
	m->shared_ffn = m->expert_ffn;
	return 0;
}

/* DeepSeek-V3 (and R1, Kimi-K2): that block with MLA attention. */
static int map_deepseek(struct reader *r, struct model *m)
{
	if (deepseek_moe(r, m) || get_long(r, "q_lora_rank", false, 0, 0, 1000000, &m->q_lora_rank) ||
	    get_long(r, "kv_lora_rank", true, 0, 1, 1000000, &m->kv_lora_rank) ||
	    get_long(r, "qk_rope_head_dim", true, 0, 1, 65536, &m->qk_rope_dim) ||
	    get_long(r, "qk_nope_head_dim", true, 0, 1, 65536, &m->qk_nope_dim) ||
	    get_long(r, "v_head_dim", true, 0, 1, 65536, &m->v_head_dim))
		return -1;
	m->attention = ATTN_MLA;
	m->kv_heads = m->heads;
	m->head_dim = 0;
	return 0;
}

/* DeepSeek-V3.2: V3's shape, and in every layer a lightning indexer that
 * picks the index_topk tokens each query attends to. */
static int map_deepseek_sparse(struct reader *r, struct model *m)
{
	if (map_deepseek(r, m) || get_long(r, "index_topk", true, 0, 1, 100000000, &m->sparse_topk) ||
	    get_long(r, "index_n_heads", true, 0, 1, 4096, &m->index_heads) ||
	    get_long(r, "index_head_dim", true, 0, 1, 65536, &m->index_head_dim))
		return -1;
	m->sparse_layers = m->layers;
	return 0;
}

/* Kimi Linear: DeepSeek's MLA in its full layers (without a query
 * latent), and MoE named its own way. */
static int map_kimi_linear(struct reader *r, struct model *m)
{
	if (common(r, m) || get_long(r, "num_experts", true, 0, 1, 65536, &m->experts) ||
	    get_long(r, "num_experts_per_token", true, 0, 1, 65536, &m->top_k) ||
	    get_long(r, "num_shared_experts", false, 0, 0, 1024, &m->shared_experts) ||
	    get_long(r, "moe_intermediate_size", true, 0, 1, 10000000, &m->expert_ffn) ||
	    get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->dense_ffn) ||
	    get_long(r, "first_k_dense_replace", false, 0, 0, 1024, &m->dense_layers) ||
	    get_long(r, "q_lora_rank", false, 0, 0, 1000000, &m->q_lora_rank) ||
	    get_long(r, "kv_lora_rank", true, 0, 1, 1000000, &m->kv_lora_rank) ||
	    get_long(r, "qk_rope_head_dim", true, 0, 1, 65536, &m->qk_rope_dim) ||
	    get_long(r, "qk_nope_head_dim", true, 0, 1, 65536, &m->qk_nope_dim) ||
	    get_long(r, "v_head_dim", true, 0, 1, 65536, &m->v_head_dim))
		return -1;
	m->shared_ffn = m->shared_experts > 0 ? m->expert_ffn : 0;
	m->attention = ATTN_MLA;
	m->kv_heads = m->heads;
	m->head_dim = 0;
	return 0;
}

static int map_gpt_oss(struct reader *r, struct model *m)
{
	return common(r, m) || get_long(r, "num_local_experts", true, 0, 1, 65536, &m->experts) ||
	       get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	       get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->expert_ffn);
}


static int map_minimax(struct reader *r, struct model *m)
{
	return common(r, m) || get_long(r, "num_local_experts", true, 0, 1, 65536, &m->experts) ||
	       get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	       get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->expert_ffn) ||
	       get_long(r, "num_mtp_modules", false, 0, 0, 64, &m->mtp_layers);
}

/* Llama 4: a routed expert top-1 beside one shared expert of the same
 * width in each MoE layer; every interleave_moe_layer_step-th layer is MoE
 * (or the ones moe_layers lists), the rest dense of intermediate_size_mlp. */
static int map_llama4(struct reader *r, struct model *m)
{
	long step;
	if (common(r, m) || get_long(r, "num_local_experts", true, 0, 1, 65536, &m->experts) ||
	    get_long(r, "num_experts_per_tok", true, 0, 1, 65536, &m->top_k) ||
	    get_long(r, "intermediate_size", true, 0, 1, 10000000, &m->expert_ffn) ||
	    get_long(r, "interleave_moe_layer_step", false, 1, 1, 1024, &step) ||
	    get_long(r, "intermediate_size_mlp", false, 0, 0, 10000000, &m->dense_ffn))
		return -1;
	json_object *listed = field(r, "moe_layers");
	long moe = 0;
	if (listed && json_object_get_type(listed) == json_type_array && json_object_array_length(listed) > 0) {
		size_t n = json_object_array_length(listed);
		if ((long)n > m->layers)
			return fail(r, "'moe_layers' lists %zu layers, the model has %ld", n, m->layers);
		moe = (long)n;
	} else {
		moe = m->layers / step;   /* layers step-1, 2*step-1, ... */
	}
	m->dense_layers = m->layers - moe;
	if (m->dense_layers > 0 && m->dense_ffn <= 0)
		return fail(r, "'intermediate_size_mlp' is missing: the %ld dense layers need it", m->dense_layers);
	if (m->dense_layers == 0)
		m->dense_ffn = 0;
	m->shared_experts = 1;
	m->shared_ffn = m->expert_ffn;
	return 0;
}

static int map_dbrx(struct reader *r, struct model *m)
{
	if (get_long(r, "n_layers", true, 0, 1, 1024, &m->layers) ||
	    get_long(r, "d_model", true, 0, 1, 1000000, &m->hidden) ||
	    get_long(r, "n_heads", true, 0, 1, 4096, &m->heads) ||
	    get_long(r, "vocab_size", true, 0, 1, 100000000, &m->vocab) ||
	    get_bool(r, "tie_word_embeddings", false, &m->tied_embeddings) ||
	    nested_long(r, "attn_config", "kv_n_heads", &m->kv_heads) ||
	    nested_long(r, "ffn_config", "moe_num_experts", &m->experts) ||
	    nested_long(r, "ffn_config", "moe_top_k", &m->top_k) ||
	    nested_long(r, "ffn_config", "ffn_hidden_size", &m->expert_ffn))
		return -1;
	m->head_dim = m->hidden / m->heads;
	m->attention = ATTN_GQA;
	m->gated = true;
	m->weight_bytes = m->expert_weight_bytes = m->kv_bytes = m->act_bytes = 2;
	return 0;
}

static const struct family {
	const char *model_type;
	int (*map)(struct reader *, struct model *);
} families[] = {
	{ "llama", map_dense }, { "mistral", map_dense }, { "qwen2", map_dense }, { "qwen3", map_dense },
	{ "mixtral", map_mixtral }, { "qwen2_moe", map_qwen_moe }, { "qwen3_moe", map_qwen_moe },
	{ "deepseek_v3", map_deepseek }, { "kimi_k2", map_deepseek }, { "gpt_oss", map_gpt_oss },
	{ "glm4_moe", deepseek_moe }, { "minimax_m2", map_minimax }, { "dbrx", map_dbrx },
	{ "llama4", map_llama4 }, { "llama4_text", map_llama4 }, { "qwen3_next", map_qwen_moe },
	{ "deepseek_v32", map_deepseek_sparse }, { "kimi_linear", map_kimi_linear },
};

/* The weight format from quantization_config: FP8 (block scales are a
 * byte in 16384), MXFP4 (4 bits and a scale byte per 32: 4.25 bits) on the
 * experts, NVFP4 (4 bits and an FP8 scale per 16: 4.5 bits) on the experts. */
static int quantization(struct reader *r, struct model *m)
{
	json_object *q = field(r, "quantization_config"), *v = NULL;
	if (!q)
		return 0;
	if (json_object_get_type(q) != json_type_object)
		return fail(r, "'quantization_config' must be an object");
	const char *method = json_object_object_get_ex(q, "quant_method", &v) ? json_object_get_string(v) : NULL;
	const char *algo = json_object_object_get_ex(q, "quant_algo", &v) ? json_object_get_string(v) : "";
	const char *format = json_object_object_get_ex(q, "format", &v) ? json_object_get_string(v) : "";
	if (!method)
		return fail(r, "'quantization_config' has no quant_method");
	if (!strcmp(method, "fp8") || !strcmp(method, "fbgemm_fp8") ||
	    (!strcmp(method, "compressed-tensors") && strstr(format, "float-quantized")) ||
	    (!strcmp(method, "modelopt") && strstr(algo, "FP8"))) {
		m->weight_bytes = m->expert_weight_bytes = 1;
		return 0;
	}
	if (!strcmp(method, "mxfp4")) {
		m->expert_weight_bytes = 0.53125;
		return 0;
	}
	if ((!strcmp(method, "modelopt") && strstr(algo, "NVFP4")) ||
	    (!strcmp(method, "compressed-tensors") && strstr(format, "nvfp4"))) {
		m->expert_weight_bytes = 0.5625;
		return 0;
	}
	return fail(r, "quantization '%s%s%s' is not one moescope maps; known: fp8, fbgemm_fp8, mxfp4, modelopt (FP8, NVFP4), compressed-tensors (float-quantized, nvfp4-pack-quantized)",
		    method, *algo ? " " : "", algo);
}

/* A name for the model: the last part of its id, in lower case. */
static void model_name(const char *id, const char *label, char *out, size_t len)
{
	const char *base = id && *id ? id : label;
	const char *slash = strrchr(base, '/');
	if (slash && slash[1])
		base = slash + 1;
	/* a checkpoint's config.json: the directory names the model */
	char dir[256] = "";
	if (!(id && *id) && slash && !strncmp(base, "config.", 7)) {
		const char *start = label;
		for (const char *p = label; p < slash; p++)
			if (*p == '/')
				start = p + 1;
		size_t n = (size_t)(slash - start);
		if (n > 0 && n < sizeof dir) {
			memcpy(dir, start, n);
			dir[n] = '\0';
			base = dir;
		}
	}
	while (*base == '-')
		base++;   /* a name never starts an option */
	/* an id's last part, or a directory's name, is the name whole
	 * (Mixtral-8x7B-v0.1); a file's name stops before its extension */
	bool from_id = (id && *id) || base == dir;
	size_t i = 0;
	for (; base[i] && i + 1 < len && (from_id || base[i] != '.'); i++) {
		char c = base[i];
		/* lower case; what a name may not hold (line breaks, controls,
		 * any byte past ASCII of a path) becomes '-' */
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c > ' ' && c < 0x7F ? c : '-';
	}
	out[i] = '\0';
	if (!strcmp(out, "config") || !out[0])
		snprintf(out, len, "hf-model");
}

static void line_col(const char *buf, size_t off, long *line, long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int import_hf_buffer(const char *label, const char *buf, size_t len, struct model *out, char *ignored,
		     size_t ignored_len, char *err, size_t errlen)
{
	struct reader r = { .label = label, .err = err, .errlen = errlen };
	struct scenario defaults;
	struct model m;

	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: a NUL byte: not a JSON config", label);
		return -1;
	}
	json_tokener *tok = json_tokener_new_ex(32);
	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", label);
		return -1;
	}
	r.root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t at = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	/* what follows a complete object must be blank */
	bool trailing = false;
	for (size_t i = at; r.root && jerr == json_tokener_success && i < len && !trailing; i++)
		trailing = !strchr(" \t\r\n", buf[i]);
	if (!r.root || jerr != json_tokener_success || trailing) {
		long line, col;
		line_col(buf, at < len ? at : len, &line, &col);
		const char *why = trailing ? "text after the object"
				  : jerr == json_tokener_continue ? "it ends too early" : json_tokener_error_desc(jerr);
		snprintf(err, errlen, "%s:%ld:%ld: not a JSON config: %s", label, line, col, why);
		json_object_put(r.root);
		return -1;
	}
	int rc = -1;
	if (json_object_get_type(r.root) != json_type_object) {
		fail(&r, "expected a JSON object of the model's configuration");
		goto done;
	}
	const char *type = get_string(&r, "model_type");
	if (!type) {
		fail(&r, "'model_type' is missing: it names the architecture");
		goto done;
	}
	const struct family *f = NULL;
	for (size_t i = 0; i < sizeof families / sizeof families[0] && !f; i++)
		if (!strcmp(families[i].model_type, type))
			f = &families[i];
	if (!f) {
		char known[400] = "";
		for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
			strncat(known, " ", sizeof known - strlen(known) - 1);
			strncat(known, families[i].model_type, sizeof known - strlen(known) - 1);
		}
		fail(&r, "model_type '%.64s' is not an architecture moescope maps; known:%s", type, known);
		goto done;
	}
	r.family = f->model_type;
	if (!strcmp(type, "llama4")) {
		/* the language model's shape is in text_config (vision_config
		 * describes the image encoder, which the figures leave out) */
		r.text = field(&r, "text_config");
		if (!r.text || json_object_get_type(r.text) != json_type_object) {
			fail(&r, "'text_config' is missing or not an object: a llama4 config keeps the model's shape in it");
			goto done;
		}
	}
	scenario_default(&defaults);
	m = defaults.model;
	m.dense_layers = m.shared_experts = m.shared_ffn = m.dense_ffn = 0;
	m.q_lora_rank = m.kv_lora_rank = m.qk_rope_dim = m.qk_nope_dim = m.v_head_dim = 0;
	m.mtp_layers = 0;
	m.params_b = 0;
	m.compute_dtype = DTYPE_AUTO;
	m.hf_id[0] = '\0';
	if (f->map(&r, &m) || attention_kinds(&r, f->model_type, &m) || quantization(&r, &m) || kinds_read(&r))
		goto done;
	const char *id = get_string(&r, "_name_or_path");
	char why[300];
	if (id && name_check("'_name_or_path'", id, why, sizeof why) != 0) {
		fail(&r, "%s", why);
		goto done;
	}
	if (id && id[0] == '-') {
		fail(&r, "'_name_or_path': an id may not start with '-' (an engine would read it as an option)");
		goto done;
	}
	if (id && strlen(id) < sizeof m.hf_id)
		snprintf(m.hf_id, sizeof m.hf_id, "%s", id);
	model_name(id, label, m.name, sizeof m.name);
	/* the fields it read nothing from */
	for (const char *boring[] = { "architectures", "transformers_version", NULL }, **b = boring; *b; b++)
		use(&r, *b);
	ignored[0] = '\0';
	json_object_object_foreach(r.root, key, val) {
		(void)val;
		bool used = false;
		for (int i = 0; i < r.n_used && !used; i++)
			used = !strcmp(r.used[i], key);
		if (used || strlen(ignored) + strlen(key) + 3 >= ignored_len)
			continue;
		if (ignored[0])
			strcat(ignored, ", ");
		strcat(ignored, key);
	}
	*out = m;
	rc = 0;
done:
	json_object_put(r.root);
	return rc;
}

bool import_hf_wants(const char *path)
{
	size_t n = strlen(path);
	struct stat st;
	if (n > 5 && !strcmp(path + n - 5, ".json"))
		return true;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int import_hf_config(const char *path, struct model *out, char *ignored, size_t ignored_len, char *err,
		     size_t errlen)
{
	char file[4096];
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(file, sizeof file, "%s/config.json", path);
	else
		snprintf(file, sizeof file, "%s", path);
	/* a regular file of at most CONFIG_MAX_BYTES: a FIFO or a device would block or never end */
	char *buf;
	size_t n;
	if (file_read_regular(file, CONFIG_MAX_BYTES, "not a model config", &buf, &n, err, errlen) != 0)
		return -1;
	int rc = import_hf_buffer(file, buf, n, out, ignored, ignored_len, err, errlen);
	free(buf);
	/* a checkpoint on disk whose config names no id: its directory is what
	 * an engine is launched with */
	if (rc == 0 && !out->hf_id[0]) {
		char dir[sizeof file];
		snprintf(dir, sizeof dir, "%s", file);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		if (strlen(dir) < sizeof out->hf_id && name_bad_byte(dir) < 0 && dir[0] != '-')
			snprintf(out->hf_id, sizeof out->hf_id, "%s", dir);
	}
	return rc;
}
