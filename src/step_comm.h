/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Collective times (cost model, section 6): over a given group and link
 * every collective is linear in the bytes it moves, so the model works out
 * each one's two coefficients once per evaluation and a layer pays a
 * multiply-add for it.  bytes in B, bw in B/s, lat in s. */
#ifndef MOESCOPE_STEP_COMM_H
#define MOESCOPE_STEP_COMM_H

/* max and min for finite doubles: fmax is a library call without
 * fast-math, and these run millions of times in a search. */
static inline double maxd(double a, double b) { return a > b ? a : b; }
static inline double mind(double a, double b) { return a < b ? a : b; }

/* The time of a collective: fixed + per_byte times the bytes it moves. */
struct comm_cost {
	double per_byte, fixed;
};

static inline double comm_time(struct comm_cost k, double bytes)
{
	return k.fixed + k.per_byte * bytes;
}

/* Collectives over n members; g of the all-to-all's in one node. */
struct comm_cost comm_allreduce_cost(double n, double bw, double lat);
struct comm_cost comm_allreduce_switched_cost(double n, double bw, double lat);
struct comm_cost comm_alltoall_cost(double n, double g, double bw_intra, double bw_inter, double lat_intra,
				    double lat_inter);
struct comm_cost comm_p2p_cost(double bw, double lat);

#endif
