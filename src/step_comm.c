/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Collective times (step_comm.h).
 * Over a given group and link every collective is linear in the bytes it
 * moves, so the model works out each one's two coefficients once per
 * evaluation and a layer pays a multiply-add for it. */
#include "config.h"

#include <math.h>

#include "step_comm.h"

static const struct comm_cost none = { 0, 0 };

/* Ring all-reduce: reduce-scatter then all-gather, n-1 steps each. */
struct comm_cost comm_allreduce_cost(double n, double bw, double lat)
{
	if (n <= 1)
		return none;
	return (struct comm_cost){ .per_byte = 2.0 * (n - 1.0) / n / bw, .fixed = 2.0 * (n - 1.0) * lat };
}

/* Inside a switched node (NVSwitch) every GPU reaches every other at once:
 * reduce-scatter and all-gather take one latency step each, whatever n
 * (TensorRT-LLM's two-shot all-reduce, NCCL's NVLS).  The bytes moved are
 * those of the ring. */
struct comm_cost comm_allreduce_switched_cost(double n, double bw, double lat)
{
	if (n <= 1)
		return none;
	return (struct comm_cost){ .per_byte = 2.0 * (n - 1.0) / n / bw, .fixed = 2.0 * lat };
}

/* All-to-all over n members, g of them in this GPU's node: the share sent
 * inside the node and the share sent out of it move in parallel.  Both
 * grow with the bytes, so the slower share is the same for any size. */
struct comm_cost comm_alltoall_cost(double n, double g, double bw_intra, double bw_inter, double lat_intra,
				    double lat_inter)
{
	if (n <= 1)
		return none;
	double in = (g - 1.0) / n / bw_intra, out = (n - g) / n / bw_inter;
	return (struct comm_cost){ .per_byte = maxd(in, out), .fixed = n > g ? lat_inter : lat_intra };
}

struct comm_cost comm_p2p_cost(double bw, double lat)
{
	return (struct comm_cost){ .per_byte = 1.0 / bw, .fixed = lat };
}
