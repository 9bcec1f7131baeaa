// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-hot: the XDP program's cost per packet with hot caches, through
 * BPF_PROG_TEST_RUN (repeat N, the kernel's own per-run time), against a
 * bare XDP_PASS program. Cases, one 64-byte UDP/IPv6 frame each:
 *
 *   known mouse   its flow already in xs_flows, no steer entry, redirect
 *                 off (no FIB lookup: the accounting path alone)
 *   known mouse, FIB   the same with redirect on; the namespace has no
 *                 route, so bpf_fib_lookup answers "not forwarded"
 *   untracked mouse    the table at its fill level (flow_reserve =
 *                 max_entries): every packet goes through the sketch
 *
 * Best of 7 rounds of N runs. Runs in a network namespace of its own.
 * Prints figures; asserts nothing.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt.h"
#include "xdp/xs_shared.h"
#include "xsteer.skel.h"

static double run_ns(int prog_fd, const struct pkt *p, unsigned repeat)
{
	double best = 1e18;
	int round;

	for (round = 0; round < 7; round++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->buf, .data_size_in = p->len,
			    .repeat = repeat);

		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			fprintf(stderr, "bench-hot: test run: %s\n", strerror(errno));
			exit(EXIT_FAILURE);
		}
		if (o.duration < best)
			best = o.duration;
	}
	return best;
}

static void frame(struct pkt *p)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };

	pkt_init(p);
	pkt_eth(p, dmac, smac);
	pkt_ipv6(p, &(struct pkt_ip6){ .src = pkt_a6("fd00:1::1"), .dst = pkt_a6("fd00:2::1") });
	pkt_udp(p, 1024, 80);
	pkt_payload(p, NULL, 2);
	pkt_finish(p);
}

int main(int argc, char **argv)
{
	unsigned repeat = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 1000000;
	const char *pass_obj = argc > 1 ? argv[1] : "build/tests/xdp-pass.bpf.o";
	struct xs_config cfg = { .heavy_bytes = 10000000 };
	struct bpf_object *obj;
	struct xsteer_bpf *skel;
	struct bpf_program *prog;
	double bare, known, fib, untracked;
	struct pkt p;
	__u32 zero = 0;
	int cfd;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "bench-hot: unshare: %s (needs root)\n", strerror(errno));
		return EXIT_FAILURE;
	}
	libbpf_set_print(NULL);
	frame(&p);

	obj = bpf_object__open_file(pass_obj, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "bench-hot: cannot load %s\n", pass_obj);
		return EXIT_FAILURE;
	}
	prog = bpf_object__next_program(obj, NULL);
	bare = run_ns(bpf_program__fd(prog), &p, repeat);

	skel = xsteer_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench-hot: cannot load xsteer.bpf.o\n");
		return EXIT_FAILURE;
	}
	cfd = bpf_map__fd(skel->maps.xs_config);
	bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY);
	known = run_ns(bpf_program__fd(skel->progs.xs_xdp), &p, repeat);
	cfg.flags = XS_CFG_F_REDIRECT;
	bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY);
	fib = run_ns(bpf_program__fd(skel->progs.xs_xdp), &p, repeat);
	xsteer_bpf__destroy(skel);
	untracked = 0;
#ifdef XS_SKETCH_ROWS	/* (builds against an older xs_shared.h too) */
	skel = xsteer_bpf__open_and_load();
	if (!skel)
		return EXIT_FAILURE;
	cfd = bpf_map__fd(skel->maps.xs_config);
	cfg.flags = 0;
	cfg.flow_reserve = ~0U;		/* clamped to max_entries: fill level 0 */
	bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY);
	untracked = run_ns(bpf_program__fd(skel->progs.xs_xdp), &p, repeat);
	xsteer_bpf__destroy(skel);
#endif

	printf("| case | ns/pkt | over bare XDP_PASS |\n| --- | --- | --- |\n");
	printf("| bare XDP_PASS | %.1f | |\n", bare);
	printf("| known mouse (accounting, redirect off) | %.1f | +%.1f |\n", known, known - bare);
	printf("| known mouse, FIB lookup (no route) | %.1f | +%.1f |\n", fib, fib - bare);
	if (untracked)
		printf("| untracked mouse, table at its fill level (sketch) | %.1f | +%.1f |\n",
		       untracked, untracked - bare);
	return 0;
}
