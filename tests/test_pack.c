/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replicas packed into hosts and domains, by hand; recommend pays for
 * whole hosts. */
#include "helpers.h"

#include "deploy_pack.h"
#include "preset.h"
#include "recommend.h"

static void expect_pack(long n, long g, long domain, long host, long hosts, long gpus, long idle, long domains)
{
	struct packing p;
	deploy_pack(n, g, domain, host, &p);
	cr_expect_eq(p.hosts, hosts, "%ld x %ld on %ld/%ld: hosts %ld, want %ld", n, g, domain, host, p.hosts, hosts);
	cr_expect_eq(p.gpus, gpus, "%ld x %ld: gpus %ld, want %ld", n, g, p.gpus, gpus);
	cr_expect_eq(p.idle, idle, "%ld x %ld: idle %ld, want %ld", n, g, p.idle, idle);
	cr_expect_eq(p.domains, domains, "%ld x %ld: domains %ld, want %ld", n, g, p.domains, domains);
}

Test(pack, by_hand)
{
	/* 8-GPU hosts, each its own domain: a replica of 5 takes a host */
	expect_pack(3, 5, 8, 8, 3, 24, 9, 3);
	expect_pack(4, 2, 8, 8, 1, 8, 0, 1);
	expect_pack(5, 2, 8, 8, 2, 16, 6, 2);
	/* within one host, part of it */
	expect_pack(1, 5, 8, 8, 1, 5, 0, 1);
	expect_pack(3, 2, 8, 8, 1, 6, 0, 1);
	expect_pack(2, 16, 8, 8, 4, 32, 0, 4);
	/* GB200 NVL72: domains of 72 made of hosts of 4 */
	expect_pack(4, 16, 72, 4, 16, 64, 0, 1);
	expect_pack(5, 16, 72, 4, 20, 80, 0, 2);
	expect_pack(3, 43, 72, 4, 33, 132, 3, 3);
	expect_pack(2, 96, 72, 4, 48, 192, 0, 4);
	/* a host of 0 is the domain */
	expect_pack(3, 3, 8, 0, 2, 16, 7, 2);
	expect_pack(0, 8, 8, 8, 0, 0, 0, 0);
}

/* On 8-GPU hosts a replica of 5 GPUs costs a whole host: recommend says
 * the hosts and the idle GPUs, and never prefers it to a layout that
 * fills them for the same GPUs. */
Test(pack, recommend_pays_for_whole_hosts)
{
	static struct scenario s;
	static struct recommendation rc;
	char err[600];
	scenario_default(&s);
	cr_assert_eq(preset_load(&s, "h200", err, sizeof err), 0, "%s", err);
	cr_assert_eq(preset_load(&s, "qwen3-235b-a22b", err, sizeof err), 0, "%s", err);
	s.work.engine = ENGINE_VLLM;
	s.work.mode = MODE_SERVING;
	struct recommend_opts o = { .rate = 20, .max_gpus = 16 };
	recommend_run(&s, &o, &rc);
	cr_assert(rc.found);
	long per_host = 8;
	cr_expect_eq((long)rc.gpus, rc.hosts * per_host);
	cr_expect_eq(rc.idle, rc.hosts * per_host - rc.replicas * (long)rc.replica_gpus);
	cr_expect_geq(rc.gpus, rc.replicas * rc.replica_gpus);
}
