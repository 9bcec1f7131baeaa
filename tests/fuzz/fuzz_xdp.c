// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the real XDP program (build/xdp/xsteer.bpf.o, through
 * its skeleton) on the real kernel. Each input is one frame, run through
 * BPF_PROG_TEST_RUN; this harness (ASan/UBSan) parses the frame itself, by
 * RFC and kernel rules written here independently of the BPF code, and
 * checks what the program did:
 *
 *   - the verdict is DROP, PASS or REDIRECT, never XDP_ABORTED (or other);
 *   - DROP exactly when the frame is malformed;
 *   - PASS leaves the frame untouched, byte for byte;
 *   - REDIRECT only of a frame the kernel would forward: to our MAC,
 *     unicast, a sane IPv4 (checksum, IHL 5 on the fast path) or IPv6
 *     header, no martian address, TTL / hop limit above 1. The fast path's
 *     output must re-parse: the next hop's MACs, TTL or hop limit one less,
 *     IPv4 checksum still valid, lengths consistent, every other byte as
 *     sent. A steered frame goes to AF_XDP as sent, behind the metadata
 *     (magic, path id);
 *   - the flow entry the program made (the table is emptied before each
 *     run) has the key this harness derives from the headers (addresses,
 *     protocol, ports from the L4 header, never from IPv4 options or
 *     extension headers, NOPORTS for fragments and unknown L4, VLAN id),
 *     one packet and the IP length as bytes; and there is one exactly when
 *     the frame was admitted.
 *
 * It builds its own world first (needs root): a private network namespace
 * with the topology of tests/lib/xdp_world.h (xin0 -> fast path via xout0 to a
 * permanent neighbour; a no-neighbour, an unreachable and an MTU-1280
 * route), an AF_XDP socket on xin0 queue 0 in xs_xsks.
 *
 * Input: [0] control byte, then the frame (14 to 1514 bytes).
 *   bit 0    redirect on (xs_config)          bits 1-2  rp_filter off/strict/loose/off
 *   bit 3    dev_mac set to xin0's            bit 4     steer this frame's flow (path 7)
 *   bit 5    datapath beat fresh (else stale) bit 6     xsk_frame_max 128
 *
 *   make build/tests/fuzz-xdp && mkdir -p build/fuzz-corpus/xdp
 *   sudo build/tests/fuzz-xdp -max_total_time=600 -rss_limit_mb=2048 \
 *       -artifact_prefix=build/fuzz-xdp- build/fuzz-corpus/xdp tests/fuzz/seeds-xdp
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include "xs_shared.h"
#include "xsteer.skel.h"

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "fuzz-xdp: %s:%d: %s\n", __FILE__,    \
				__LINE__, #c);                                \
			abort();                                              \
		}                                                             \
	} while (0)

#include "../lib/xdp_world.h"
#define PATH_ID 7


static struct xsteer_bpf *skel;
static int prog_fd, flows_fd, steer_fd, config_fd, beat_fd;
static int ifi_in;
static struct xsk_socket *xsock;

/* ---- world ------------------------------------------------------------- */

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	CHECK(fd >= 0);
	CHECK(write(fd, val, strlen(val)) == (ssize_t)strlen(val));
	close(fd);
}

static void world_up(void)
{
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_socket_config scfg = {
		.rx_size = 64, .tx_size = 64,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct xsk_umem *umem;
	__u32 ifi_out, zero = 0;
	size_t size = 64 * 4096;
	void *area;
	FILE *ip;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "fuzz-xdp: unshare(CLONE_NEWNET): %s (run as root)\n",
			strerror(errno));
		exit(1);
	}
	write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/default/forwarding", "1");
	write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	write_file("/proc/sys/net/ipv4/ip_forward", "1");
	ip = popen("ip -batch -", "w");
	CHECK(ip);
	fputs(xs_xdp_world, ip);
	CHECK(pclose(ip) == 0);
	ifi_in = (int)if_nametoindex("xin0");
	ifi_out = if_nametoindex("xout0");
	CHECK(ifi_in && ifi_out);

	libbpf_set_print(NULL);
	skel = xsteer_bpf__open();
	CHECK(skel);
	/* room for one flow per run: the table is emptied before each */
	CHECK(bpf_map__set_max_entries(skel->maps.xs_flows, 16) == 0);
	CHECK(xsteer_bpf__load(skel) == 0);
	prog_fd = bpf_program__fd(skel->progs.xs_xdp);
	flows_fd = bpf_map__fd(skel->maps.xs_flows);
	steer_fd = bpf_map__fd(skel->maps.xs_steer);
	config_fd = bpf_map__fd(skel->maps.xs_config);
	beat_fd = bpf_map__fd(skel->maps.xs_xsk_beat);
	CHECK(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_tx_ports), &ifi_out, &ifi_out, 0) == 0);

	area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED);
	CHECK(xsk_umem__create(&umem, area, size, &fq, &cq, NULL) == 0);
	CHECK(xsk_socket__create(&xsock, "xin0", 0, umem, &rx, &tx, &scfg) == 0);
	CHECK(xsk_socket__update_xskmap(xsock, bpf_map__fd(skel->maps.xs_xsks)) == 0);
	(void)zero;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	world_up();
	return 0;
}

/* ---- the harness's own parse ------------------------------------------ */

enum model { M_DROP, M_PASS, M_ADMIT };

struct parsed {
	enum model m;
	bool accounted;		/* admitted, so a flow entry is made */
	bool full;		/* fully parsed: may be steered */
	bool vlan;
	bool opts;		/* IPv4 options or IPv6 hop-by-hop */
	int family;		/* 4, 6, 0 */
	size_t l3;		/* offset of the IP header */
	uint32_t l3_len;
	uint8_t ttl;
	struct xs_flow_key key;
};

static unsigned int g16(const uint8_t *p) { return p[0] << 8 | p[1]; }

static uint16_t csum_fold(const uint8_t *p, size_t len)
{
	uint64_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += g16(p + i);
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static bool v4_martian_src(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

static bool v4_martian_dst(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || (a[0] >= 224 && a[0] < 240) ||
	       (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

static bool v6_unspec_or_loop(const uint8_t *a)
{
	static const uint8_t z[15];

	return !memcmp(a, z, 15) && a[15] <= 1;
}

static bool v6_martian_src(const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return v6_unspec_or_loop(a) || a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       !memcmp(a, mapped, 12);
}

static bool v6_martian_dst(const uint8_t *a)
{
	return v6_unspec_or_loop(a) || a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

/* L4 at off, the packet ending at end (the IP length, within the frame). */
static enum model parse_l4(struct parsed *r, const uint8_t *f, size_t off, size_t end,
			   uint8_t proto)
{
	r->key.proto = proto;
	switch (proto) {
	case 6:
		if (off + 20 > end)
			return M_DROP;
		if ((f[off + 12] >> 4) < 5 || off + (f[off + 12] >> 4) * 4u > end)
			return M_DROP;
		break;
	case 17:
		if (off + 8 > end)
			return M_DROP;
		break;
	case 1:
	case 58:
		if (off + 8 > end)
			return M_DROP;
		if ((proto == 1 && (f[off] == 8 || f[off] == 0)) ||
		    (proto == 58 && (f[off] == 128 || f[off] == 129)))
			memcpy(&r->key.sport, f + off + 4, 2);	/* echo identifier */
		r->full = true;
		return M_ADMIT;
	default:
		r->key.flags |= XS_KEY_F_NOPORTS;
		return M_ADMIT;
	}
	memcpy(&r->key.sport, f + off, 2);
	memcpy(&r->key.dport, f + off + 2, 2);
	r->full = true;
	return M_ADMIT;
}

static enum model parse_ip4(struct parsed *r, const uint8_t *f, size_t len)
{
	size_t o = r->l3, hl, tot;

	if (o + 20 > len)
		return M_DROP;
	if ((f[o] >> 4) != 4 || (f[o] & 0xf) < 5)
		return M_DROP;
	hl = (f[o] & 0xf) * 4u;
	tot = g16(f + o + 2);
	if (o + hl > len || tot < hl || o + tot > len)
		return M_DROP;
	r->family = 4;
	r->l3_len = (uint32_t)tot;
	r->opts = hl > 20;
	r->ttl = f[o + 8];
	r->key.flags |= XS_KEY_F_IPV4;
	r->key.saddr[2] = r->key.daddr[2] = htonl(0xffff);
	memcpy(&r->key.saddr[3], f + o + 12, 4);
	memcpy(&r->key.daddr[3], f + o + 16, 4);
	r->key.proto = f[o + 9];
	if (g16(f + o + 6) & 0x1fff) {
		r->key.flags |= XS_KEY_F_NOPORTS;
		return M_ADMIT;
	}
	return parse_l4(r, f, o + hl, o + tot, f[o + 9]);
}

static enum model parse_ip6(struct parsed *r, const uint8_t *f, size_t len)
{
	size_t o = r->l3, cur, end;
	uint8_t next;
	int i;

	if (o + 40 > len)
		return M_DROP;
	if ((f[o] >> 4) != 6)
		return M_DROP;
	end = o + 40 + g16(f + o + 4);
	if (end > len)
		return M_DROP;
	r->family = 6;
	r->l3_len = (uint32_t)(end - o);
	r->ttl = f[o + 7];
	memcpy(r->key.saddr, f + o + 8, 16);
	memcpy(r->key.daddr, f + o + 24, 16);
	next = f[o + 6];
	cur = o + 40;
	for (i = 0; i < XS_MAX_EXTHDRS; i++) {
		if (next == 0 || next == 43 || next == 60) {
			if (next == 0) {
				if (i)
					return M_DROP;
				r->opts = true;
			}
			if (cur + 2 > end)
				return M_DROP;
			if (cur + (f[cur + 1] + 1u) * 8 > end)
				return M_DROP;
			next = f[cur];
			cur += (f[cur + 1] + 1u) * 8;
		} else if (next == 44) {
			if (cur + 8 > end)
				return M_DROP;
			next = f[cur];
			if (g16(f + cur + 2) & 0xfff8) {
				r->key.proto = next;
				r->key.flags |= XS_KEY_F_NOPORTS;
				return M_ADMIT;
			}
			cur += 8;
		} else {
			return parse_l4(r, f, cur, end, next);
		}
	}
	if (next == 0 || next == 43 || next == 60 || next == 44) {
		r->key.proto = next;
		r->key.flags |= XS_KEY_F_NOPORTS;
		r->m = M_PASS;		/* too many: accounted, passed */
		return M_ADMIT;
	}
	return parse_l4(r, f, cur, end, next);
}

static void parse(struct parsed *r, const uint8_t *f, size_t len, const uint8_t *dev_mac)
{
	unsigned int type = g16(f + 12);
	enum model m;

	memset(r, 0, sizeof(*r));
	r->m = M_ADMIT;
	r->l3 = 14;
	if (type == 0x8100 || type == 0x88a8) {
		if (len < 18) {
			r->m = M_DROP;
			return;
		}
		r->vlan = true;
		r->key.vlan = g16(f + 14) & 0xfff;
		type = g16(f + 16);
		r->l3 = 18;
	}
	if (type == 0x0800)
		m = parse_ip4(r, f, len);
	else if (type == 0x86dd)
		m = parse_ip6(r, f, len);
	else
		m = M_PASS;
	if (m != M_ADMIT) {
		r->m = m;
		return;
	}
	/* admission, as the kernel's receive and forward paths */
	if ((f[0] & 1) || (dev_mac && memcmp(f, dev_mac, 6)))
		m = M_PASS;
	else if (r->family == 4)
		m = csum_fold(f + r->l3, (f[r->l3] & 0xf) * 4u) != 0xffff ||
		    v4_martian_src(f + r->l3 + 12) || v4_martian_dst(f + r->l3 + 16) ?
		    M_PASS : M_ADMIT;
	else
		m = v6_martian_src(f + r->l3 + 8) || v6_martian_dst(f + r->l3 + 24) ?
		    M_PASS : M_ADMIT;
	if (m != M_ADMIT) {
		r->m = M_PASS;
		r->full = false;
		return;
	}
	r->accounted = true;
}

/* ---- one run ------------------------------------------------------------ */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint8_t last_ctl = 0xff;

static void set_config(uint8_t ctl)
{
	struct xs_config cfg = { 0 };
	__u32 zero = 0;
	static const __u32 rpf[4] = { 0, XS_CFG_F_RPF_STRICT, XS_CFG_F_RPF_LOOSE, 0 };

	if ((ctl & 0x4f) == (last_ctl & 0x4f))
		return;
	cfg.flags = (ctl & 1 ? XS_CFG_F_REDIRECT : 0) | rpf[(ctl >> 1) & 3];
	if (ctl & 8)
		memcpy(cfg.dev_mac, MAC_IN0, 6);
	cfg.xsk_frame_max = ctl & 0x40 ? 128 : 0;
	CHECK(bpf_map_update_elem(config_fd, &zero, &cfg, 0) == 0);
	last_ctl = ctl;
}

static uint8_t out[8 + 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_steer_entry st = { .path_id = PATH_ID };
	struct xs_flow_key got;
	struct xs_flow_stats fs;
	struct parsed r;
	const uint8_t *f = data + 1;
	size_t len = size - 1;
	uint8_t ctl;
	__u64 beat;
	__u32 q0 = 0;
	bool steered = false, have;
	int err;

	if (size < 1 + 14 || size > 1 + 1514)
		return -1;
	ctl = data[0];
	set_config(ctl);
	parse(&r, f, len, ctl & 8 ? MAC_IN0 : NULL);

	beat = ctl & 0x20 ? mono_ns() + 1000000000ULL : 1;	/* fresh for a second */
	CHECK(bpf_map_update_elem(beat_fd, &q0, &beat, 0) == 0);
	if ((ctl & 0x10) && r.accounted) {
		CHECK(bpf_map_update_elem(steer_fd, &r.key, &st, 0) == 0);
		steered = true;
	}

	struct xdp_md ctx = {
		.data_end = (__u32)len,
		.ingress_ifindex = (__u32)ifi_in,
		.rx_queue_index = 0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = f,
		.data_size_in = (__u32)len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	CHECK(err == 0);

	/* the flow entry: at most one, and the one the headers say */
	have = bpf_map_get_next_key(flows_fd, NULL, &got) == 0;
	if (have) {
		CHECK(bpf_map_lookup_elem(flows_fd, &got, &fs) == 0);
		CHECK(bpf_map_delete_elem(flows_fd, &got) == 0);
		CHECK(bpf_map_get_next_key(flows_fd, NULL, &got) != 0 || !"two flow entries");
	}
	if (steered)
		CHECK(bpf_map_delete_elem(steer_fd, &r.key) == 0);
	CHECK(have == r.accounted);
	if (have) {
		CHECK(memcmp(&got, &r.key, sizeof(got)) == 0);
		CHECK(fs.packets == 1);
		CHECK(fs.bytes == r.l3_len);
	}

	switch (opts.retval) {
	case XDP_DROP:
		CHECK(r.m == M_DROP);
		break;
	case XDP_PASS:
		CHECK(r.m != M_DROP);
		CHECK(opts.data_size_out == len && !memcmp(out, f, len));
		break;
	case XDP_REDIRECT:
		CHECK(r.m == M_ADMIT && r.accounted);
		CHECK(r.ttl > 1);
		if (opts.data_size_out == len + sizeof(struct xs_xsk_meta)) {
			struct xs_xsk_meta meta;

			/* to AF_XDP: steered, alive, fits, the frame as sent */
			memcpy(&meta, out, sizeof(meta));
			CHECK(steered && r.full && (ctl & 0x20));
			CHECK(meta.magic == XS_META_MAGIC && meta.path_id == PATH_ID);
			CHECK(!(ctl & 0x40) || len <= 128);
			CHECK(!memcmp(out + sizeof(meta), f, len));
			break;
		}
		/* the fast path: re-parse what goes out */
		CHECK(opts.data_size_out == len);
		CHECK((ctl & 1) && !r.vlan && !r.opts);
		CHECK(!memcmp(out, MAC_GW, 6) && !memcmp(out + 6, MAC_OUT0, 6));
		CHECK(!memcmp(out + 12, f + 12, 2));
		if (r.family == 4) {
			const uint8_t *ip = out + 14;

			CHECK(ip[0] == 0x45 && ip[8] == r.ttl - 1);
			CHECK(csum_fold(ip, 20) == 0xffff);
			CHECK(!memcmp(ip, f + 14, 8) && ip[9] == f[14 + 9]);
			CHECK(!memcmp(ip + 12, f + 14 + 12, len - 14 - 12));
		} else {
			const uint8_t *ip = out + 14;

			CHECK(r.family == 6 && (ip[0] >> 4) == 6 && ip[7] == r.ttl - 1);
			CHECK(!memcmp(ip, f + 14, 7) && !memcmp(ip + 8, f + 22, len - 22));
		}
		CHECK(14 + r.l3_len <= len);
		break;
	default:
		fprintf(stderr, "fuzz-xdp: verdict %u\n", opts.retval);
		CHECK(!"verdict is DROP, PASS or REDIRECT");
	}
	return 0;
}
