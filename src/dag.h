/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The deployment as a Graphviz graph: machines, pipeline stages and GPUs as
 * nested clusters, collectives as edges labelled with bytes per layer. */
#ifndef MOESCOPE_DAG_H
#define MOESCOPE_DAG_H

#include "scenario.h"
#include "sink.h"

/* GPUs drawn one box each up to this many; beyond, one box per machine
 * and stage. */
#define DAG_DETAIL_MAX 64
/* Beyond this many GPUs no picture is readable (or quick to write). */
#define DAG_GPUS_MAX 65536

/* -1 with a message when the strategy has no layout to draw. */
int dag_write(const struct sink *k, const struct scenario *s, char *err, size_t errlen);

#endif
