/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state of a prepared evaluation (cost_prepare), for the callers that
 * keep one: it is large, and its layout is the evaluation's business. */
#ifndef MOESCOPE_EVALUATE_PREP_H
#define MOESCOPE_EVALUATE_PREP_H

#include "result.h"
#include "serve_ctx.h"

struct cost_prep {
	struct scenario rs;         /* resolved; its strategy is replaced per call */
	struct param_counts params;
	int bad_model;
	/* A dense FFN written as one expert is computed as dense layers only
	 * under ep 1 and etp = tp (scenario_resolve): the model of each form,
	 * [0] as written and [1] as dense layers, and which one rs holds. */
	bool one_expert;
	struct model forms[2];
	struct param_counts form_params[2];
	int form_bad[2];
	int form;
	/* The last dp, tp, pp, overlap and microbatches evaluated, and what
	 * they alone determine. */
	bool have_fixed;
	struct strategy key;
	long key_microbatches;
	struct result head;         /* all but the phases and devices */
	struct serve_ctx ctx;       /* all but the fields of ep and etp */
	struct pass_part parts[2];
};

#endif
