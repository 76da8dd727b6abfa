/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replicas packed into hosts and domains (deploy_pack.h). */
#include "config.h"

#include "deploy_pack.h"

static long ceil_div(long a, long b)
{
	return (a + b - 1) / b;
}

void deploy_pack(long n, long g, long domain, long host, struct packing *out)
{
	*out = (struct packing){ 0 };
	if (n <= 0 || g <= 0)
		return;
	if (domain < 1)
		domain = 1;
	if (host < 1 || host > domain)
		host = domain;
	/* within one machine, part of it: clouds rent 1, 2 or 4 GPUs of one */
	if (n * g <= host) {
		*out = (struct packing){ .hosts = 1, .gpus = n * g, .idle = 0, .domains = 1 };
		return;
	}
	if (g > domain) {
		/* each replica on its own domains, its hosts whole */
		out->hosts = n * ceil_div(g, host);
		out->domains = n * ceil_div(g, domain);
	} else {
		long per = domain / g, full = n / per, rest = n % per;
		out->hosts = full * ceil_div(per * g, host) + (rest ? ceil_div(rest * g, host) : 0);
		out->domains = full + (rest ? 1 : 0);
	}
	out->gpus = out->hosts * host;
	out->idle = out->gpus - n * g;
}
