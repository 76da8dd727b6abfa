/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step layer's helpers for the layers above: how the layers of a
 * model fall on pipeline stages, the experts on EP ranks, and the sends
 * between stages on nodes.  The step model itself (step_ctx.h) says how long
 * one forward pass of T tokens takes on one device class and what memory
 * it holds; it knows no engine, no arrivals and no pools. */
#ifndef MOESCOPE_STEP_H
#define MOESCOPE_STEP_H

#include "result.h"

/* Layers first .. first+count-1 of pipeline stage s: the first L % pp
 * stages hold one more. */
void cost_stage_span(long L, long pp, long s, long *first, long *count);
/* Routed experts of EP rank r: the first E % ep ranks hold one more. */
void cost_expert_span(long E, long ep, long r, long *first, long *count);
/* Sends after stages from .. to-1 that cross a node edge, with G GPUs per
 * stage, placed in order on nodes of gpn. */
long cost_inter_node_sends(long G, long gpn, long from, long to);

#endif
