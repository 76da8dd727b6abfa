/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Collective times.  bytes in B, bw in B/s, lat in s. */
#include "config.h"

#include <math.h>

#include "cost_ctx.h"

/* Ring all-reduce: reduce-scatter then all-gather, n-1 steps each. */
double comm_allreduce(double n, double bytes, double bw, double lat)
{
	if (n <= 1)
		return 0;
	return 2.0 * (n - 1.0) / n * bytes / bw + 2.0 * (n - 1.0) * lat;
}

/* Inside a switched node (NVSwitch) every GPU reaches every other at once:
 * reduce-scatter and all-gather take one latency step each, whatever n
 * (TensorRT-LLM's two-shot all-reduce, NCCL's NVLS).  The bytes moved are
 * those of the ring. */
double comm_allreduce_switched(double n, double bytes, double bw, double lat)
{
	if (n <= 1)
		return 0;
	return 2.0 * (n - 1.0) / n * bytes / bw + 2.0 * lat;
}

/* All-to-all over n members, g of them in this GPU's node: the share sent
 * inside the node and the share sent out of it move in parallel. */
double comm_alltoall(double n, double g, double bytes, double bw_intra, double bw_inter,
		     double lat_intra, double lat_inter)
{
	if (n <= 1)
		return 0;
	double t_in = bytes * (g - 1.0) / n / bw_intra;
	double t_out = bytes * (n - g) / n / bw_inter;
	double lat = n > g ? lat_inter : lat_intra;
	return maxd(t_in, t_out) + lat;
}

double comm_p2p(double bytes, double bw, double lat)
{
	return bytes / bw + lat;
}
