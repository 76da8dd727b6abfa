/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Derived quantities shared by the parts of the cost model.  Everything is
 * a double so that the formulas read like their written form. */
#ifndef MOESCOPE_COST_CTX_H
#define MOESCOPE_COST_CTX_H

#include "cost.h"

struct stage_layers {
	double n_att, n_d, n_m;   /* layers, dense layers, MoE layers */
};

struct cost_ctx {
	const struct scenario *s;
	bool detail;                /* keep the per-op split */
	/* model */
	double d, H, Hkv, h, L, Ld, Lm, E, k, Es, V;
	bool mla, tied;
	double rq, rkv, dr, dn, dv;
	double P_e, P_s, P_r, P_d;
	double b_w, b_we, b_kv, b_a;
	/* workload */
	double B, S, O, m, b_rep;   /* b_rep = ceil(B/dp) */
	bool serving;
	/* strategy */
	double dp, tp, pp, ep, etp, edp, G;
	double kvh;                 /* KV heads held per GPU */
	double attn_gpu;            /* attention weights of one layer on one GPU */
	double kv_tok;              /* KV values per token per layer on one GPU */
	double experts_max;
	double overlap, imb_user;   /* imb_user 0 = auto */
	double imb_coef;            /* sqrt(2 ln ep), for the imbalance */
	double log_miss;            /* ln(1 - k/E): a token missing a given expert */
	/* hardware */
	double flop_rate, byte_rate, kernel_s, expert_s, gpn;
	double tp_bw, tp_lat, etp_bw, etp_lat;
	bool tp_intra, etp_intra;
	double ep_g, intra_bw, inter_bw, intra_lat, inter_lat;
	/* per pipeline stage, filled by cost_stage_table */
	struct stage_layers stage[COST_MAX_STAGES];
};

/* max and min for finite doubles: fmax is a library call without
 * fast-math, and these run millions of times in a search. */
static inline double maxd(double a, double b) { return a > b ? a : b; }
static inline double mind(double a, double b) { return a < b ? a : b; }

/* One pass through the layers. */
struct pass {
	double T;     /* tokens through the linear ops, per replica */
	double dec;   /* decode tokens among them */
	double c;     /* their context */
	double pre;   /* prompts prefilled in this pass */
	double lm;    /* tokens through the LM head */
};

/* Constants of the imbalance and touched-expert formulas, from ep, k, E. */
void cost_ctx_constants(struct cost_ctx *c);

double cost_imbalance(const struct cost_ctx *c, double T);
double cost_touched(const struct cost_ctx *c, double T);

/* Fill c->stage (layers, dense and MoE layers of each stage) from L, L_d and pp. */
void cost_stage_table(struct cost_ctx *c);
void cost_memory(const struct cost_ctx *c, struct result *r);
/* Times the pass and fills the per-pass fields of ph (not the split);
 * stage_t, when not NULL, gets each stage's time. */
void cost_pass(const struct cost_ctx *c, const struct pass *p, struct phase *ph,
	       struct layer_comm *lc, double *stage_t);
void cost_phases(const struct cost_ctx *c, struct result *r);

/* Collectives (section 6). */
double comm_allreduce(double n, double bytes, double bw, double lat);
double comm_allreduce_switched(double n, double bytes, double bw, double lat);
double comm_alltoall(double n, double g, double bytes, double bw_intra, double bw_inter,
		     double lat_intra, double lat_inter);
double comm_p2p(double bytes, double bw, double lat);

#endif
