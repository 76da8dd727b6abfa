/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The key table: one row per input of the scenario.  set, get, the JSON
 * "scenario" object, help, defaults (and later files, completion and the
 * sliders) all read it, so adding an input is one row here. */
#ifndef MOESCOPE_KEYS_H
#define MOESCOPE_KEYS_H

#include <stddef.h>

#include "scenario.h"

enum key_section {
	SEC_TOP, SEC_HARDWARE, SEC_MODEL, SEC_WORKLOAD, SEC_ENGINE, SEC_STRATEGY, SEC_PREFILL, SEC_DISAGG,
	SEC_REQUIREMENTS, SEC_CLAIMS, SEC_COUNT
};

enum key_type {
	KT_INT,     /* long */
	KT_DOUBLE,  /* double */
	KT_BOOL,    /* bool */
	KT_ENUM,    /* int index into choices */
	KT_STRING,  /* char[NAME_MAX_LEN] */
	KT_DTYPE,   /* pseudo key: sets the four byte widths at once */
};

enum key_flag {
	KF_AUTO = 1 << 0,       /* 0 stands for "auto" */
	KF_DEFAULT = 1 << 1,    /* 0 stands for "default" (derived from another key) */
	KF_OPTIONAL = 1 << 2,   /* NaN stands for "none" */
	KF_NOSAVE = 1 << 3,     /* derived view of other keys: not written to files */
	KF_BYTES = 1 << 4,      /* also accepts a dtype name: fp32 bf16 fp16 fp8 fp4 */
	KF_MIN_OPEN = 1 << 5,   /* the minimum itself is not allowed */
	KF_BOUND = 1 << 6,      /* a claim: "<= X", ">= X" or X, the relation at rel_offset */
};

/* How a slider steps through a key's values. */
enum slider_step {
	STEP_NONE,
	STEP_LINEAR,        /* by .step between min and max */
	STEP_POW2,          /* powers of two */
	STEP_DIV_HEADS,     /* divisors of model.heads */
	STEP_DIV_EXPERTS,   /* divisors of model.experts that fold into dp*tp */
	STEP_TO_LAYERS,     /* 1 .. model.layers */
};

struct key {
	const char *name;        /* dotted: "strategy.ep" */
	const char *alias;       /* short name for the command line, or NULL */
	int section;
	int type;
	unsigned flags;
	const char *unit;        /* "" when none */
	double min, max;
	double def;              /* default for numbers, bools and enums */
	const char *def_str;     /* default for strings */
	int slider;
	double step;
	const char *const *choices;  /* KT_ENUM: NULL-terminated names */
	size_t offset;           /* into struct scenario */
	size_t rel_offset;       /* KF_BOUND: the int enum claim_rel beside it */
	const char *help;
};

extern const struct key key_table[];
extern const size_t key_count;

const char *key_section_name(int section);
/* The section called name ("strategy"), or -1; the top level has no name. */
int key_section_find(const char *name);
/* The part of the name after the dot ("ep" for "strategy.ep"). */
const char *key_leaf(const struct key *k);

/* Exact dotted name, alias, or a leaf name that only one key has. */
const struct key *key_find(const char *name);
/* Within one section, by leaf name or alias (what YAML files use). */
const struct key *key_find_in(int section, const char *leaf);
/* The closest known name within edit distance 2, for "did you mean". */
const char *key_suggest(const char *name, int section);

/* A KF_BOUND key's relation (enum claim_rel); REL_ABOUT for other keys. */
int key_bound_rel(const struct scenario *s, const struct key *k);

/* Parse text into the key's field.  On error returns -1, leaves the
 * scenario unchanged and writes what was expected into err. */
int key_set(struct scenario *s, const struct key *k, const char *text,
	    char *err, size_t errlen);
/* The value as text: numbers in shortest round-trip form, "auto"/"none". */
void key_get(const struct scenario *s, const struct key *k, char *buf, size_t len);
/* The valid range or choices in words, for errors and help. */
void key_describe_range(const struct key *k, char *buf, size_t len);
/* 0 when every key of s holds what `set` (and so `load`) would take: each
 * value read back through the key table; else -1 with the first refusal.
 * For what is filled in other than through the table (an import). */
int keys_check_all(const struct scenario *s, char *err, size_t errlen);

/* Reset every key to its default (scenario_default uses this). */
void keys_apply_defaults(struct scenario *s);

#endif
