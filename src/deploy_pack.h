/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replicas packed into machines: a deployment takes whole hosts, and a
 * replica that fits in a scale-up domain is never split across two (its
 * figures assume it talks over the domain's links alone).  Pure. */
#ifndef MOESCOPE_DEPLOY_PACK_H
#define MOESCOPE_DEPLOY_PACK_H

struct packing {
	long hosts;        /* machines taken */
	long gpus;         /* their GPUs: what is paid for */
	long idle;         /* of them, running no replica */
	long domains;      /* scale-up domains touched */
};

/* n replicas of g GPUs each on domains of `domain` GPUs made of hosts of
 * `host` GPUs (host divides domain, or is the domain).  What fits in one
 * host takes only its GPUs (a cloud rents part of a machine).  Past that
 * every host is whole: a replica of at most a domain stays inside one,
 * floor(domain / g) a domain, laid out from the first host of the domain;
 * a wider one takes ceil(g / domain) domains of its own. */
void deploy_pack(long n, long g, long domain, long host, struct packing *out);

#endif
