/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Undo and redo of what changes the scenario (sliders, set, fixes, loads,
 * applied search or frontier points), and the list of fixes. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "keys.h"

static void push(struct undo_step *stack, int *n, const struct scenario *s, const char *what)
{
	if (*n == UNDO_MAX) {
		memmove(&stack[0], &stack[1], sizeof stack[0] * (UNDO_MAX - 1));
		(*n)--;
	}
	stack[*n].scn = *s;
	snprintf(stack[*n].what, sizeof stack[*n].what, "%s", what);
	(*n)++;
}

void app_remember(struct app *a, const struct scenario *before, const char *what)
{
	if (!memcmp(before, &a->ss.scn, sizeof *before))
		return;
	push(a->undo, &a->n_undo, before, what);
	a->n_redo = 0;   /* a new change: what was undone stays undone */
}

/* Move the current scenario onto one stack and the top of the other in. */
static void swap_in(struct app *a, struct undo_step *from, int *n_from, struct undo_step *to, int *n_to,
		    const char *verb)
{
	if (*n_from == 0) {
		snprintf(a->status, sizeof a->status, "nothing to %s", verb);
		a->status_error = false;
		return;
	}
	struct undo_step *top = &from[*n_from - 1];
	push(to, n_to, &a->ss.scn, top->what);
	a->ss.scn = top->scn;
	(*n_from)--;
	snprintf(a->status, sizeof a->status, "%s: %s  (u undo, U redo; %d more to undo)", verb,
		 from == a->undo ? top->what : to[*n_to - 1].what, a->n_undo);
	a->status_error = false;
	a->view = VIEW_DIAG;
	a->scroll = 0;
	app_recompute(a);
}

void app_undo(struct app *a)
{
	swap_in(a, a->undo, &a->n_undo, a->redo, &a->n_redo, "undo");
}

void app_redo(struct app *a)
{
	swap_in(a, a->redo, &a->n_redo, a->undo, &a->n_undo, "redo");
}

/* ---- the list of fixes ---- */

int app_fix_count(const struct app *a)
{
	int n = 0;
	for (int i = 0; i < a->d.n; i++)
		if (a->d.items[i].fix[0] && a->d.items[i].severity != SEV_INFO)
			n++;
	return n;
}

const struct diag *app_fix_at(const struct app *a, int n)
{
	for (int i = 0; i < a->d.n; i++)
		if (a->d.items[i].fix[0] && a->d.items[i].severity != SEV_INFO && n-- == 0)
			return &a->d.items[i];
	return NULL;
}

const char *app_fix_cost(const char *fix)
{
	bool relaxes = false, workload = false;
	char buf[sizeof ((struct diag *)0)->fix];
	snprintf(buf, sizeof buf, "%s", fix);
	/* "set KEY VALUE [KEY VALUE...]; ...": the section of every key */
	bool in_set = false;
	int word = 0;
	for (char *w = strtok(buf, " ;"); w; w = strtok(NULL, " ;")) {
		if (!strcmp(w, "set") || !strcmp(w, "strategy") || !strcmp(w, "load")) {
			in_set = !strcmp(w, "set");
			word = 0;
			continue;
		}
		if (!in_set || word++ % 2)
			continue;
		const struct key *k = key_find(w);
		if (k && k->section == SEC_REQUIREMENTS)
			relaxes = true;
		if (k && k->section == SEC_WORKLOAD)
			workload = true;
	}
	return relaxes ? "relaxes a requirement" : workload ? "changes the workload" : "";
}

void app_fixes_key(struct app *a, int action)
{
	int n = app_fix_count(a);
	switch (action) {
	case ACT_UP:
		if (a->fix_pick > 0)
			a->fix_pick--;
		break;
	case ACT_DOWN:
		if (a->fix_pick + 1 < n)
			a->fix_pick++;
		break;
	case ACT_ENTER: {
		const struct diag *g = app_fix_at(a, a->fix_pick);
		a->mode = MODE_SLIDERS;
		if (!g)
			break;
		char fix[sizeof g->fix], code[32], cost[40];
		snprintf(fix, sizeof fix, "%s", g->fix);
		snprintf(code, sizeof code, "%s", diag_code_name(g->code));
		snprintf(cost, sizeof cost, "%s", app_fix_cost(fix));
		app_run_command(a, fix);
		if (!a->status_error)
			snprintf(a->status, sizeof a->status, "%s: applied '%s'%s%s", code, fix, cost[0] ? ": it " : "",
				 cost);
		break;
	}
	case ACT_ESCAPE:
	case ACT_QUIT:
	case ACT_FIX:
		a->mode = MODE_SLIDERS;
		break;
	default:
		break;
	}
}
