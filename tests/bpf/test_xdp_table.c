// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Packet table for the XDP program, run on the real kernel through
 * BPF_PROG_TEST_RUN: each row is a packet, the verdict it must get, the
 * bytes that must come out, the counters that must move and the flow entry
 * that must (or must not) appear.
 *
 * Criterion forks a process per test; its init unshares a fresh network
 * namespace and builds this inside it, so the FIB lookups of the program
 * see a known world and nothing touches the root namespace:
 *
 *   test_run(ingress = xin0)
 *        │
 *   ┌─ xin0 ─────────── xin1     192.0.2.1/24        fd00:1::1/64
 *   │
 *   ├─ xout0 ────────── xout1    198.51.100.1/25     fd00:2::1/64
 *   │    neigh 198.51.100.2 / fd00:2::2 = MAC_GW (permanent)
 *   │    203.0.113.0/26,  fd00:d0::/64  via .2 / ::2     fast path
 *   │    203.0.113.64/26, fd00:d1::/64  via .3 / ::3     no neighbour
 *   │    203.0.113.128/26, fd00:d2::/64 unreachable
 *   │
 *   └─ xmtu0 ────────── xmtu1    198.51.100.129/25   fd00:3::1/64  (MTU 1280)
 *        neigh 198.51.100.130 / fd00:3::2 (permanent)
 *        203.0.113.192/26, fd00:d3::/64 via them          too big / no tx port
 *
 * xs_tx_ports holds xout0 only. Forwarding on, DAD off.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <xdp/xsk.h>
#include "afxdp/datapath.h"
#include "daemon/daemon.h"
#include "lib/config.h"
#include "lib/loader.h"
#include "lib/pin.h"
#include "pkt.h"
#include "xdp/xs_shared.h"
#include "xsteer.skel.h"

/* The topology and its MACs (xmtu0's side never forwards, so no MACs there). */
#include "../lib/xdp_world.h"

static const uint8_t MAC_IN1[6]	 = { 0x02, 0, 0, 0, 0x01, 0x01 };

#define SRC4		"192.0.2.10"
#define DST4		"203.0.113.10"		/* fast path via xout0 */
#define DST4_NONEIGH	"203.0.113.70"
#define DST4_LOCAL	"192.0.2.1"		/* xin0's own address */
#define DST4_UNREACH	"203.0.113.130"
#define DST4_MTU	"203.0.113.200"		/* via xmtu0, MTU 1280 */
#define SRC6		"fd00:1::10"
#define DST6		"fd00:d0::10"
#define DST6_NONEIGH	"fd00:d1::10"
#define DST6_LOCAL	"fd00:1::1"
#define DST6_UNREACH	"fd00:d2::10"
#define DST6_MTU	"fd00:d3::10"


static const char *const stat_names[] = {
#define XS_STAT_NAME(n, s) s,
	XS_STATS(XS_STAT_NAME)
#undef XS_STAT_NAME
};

/* the sketch's hash seed: known, so every run hashes flows to the same cells */
#define TEST_SEED	0x5eed7e57c0ffee11ULL

/* One test per process (Criterion forks), so plain globals are per test. */
static struct xsteer_bpf *skel;
static int ifi_in, ifi_out, ifi_mtu;

/* ---- namespace and program setup ------------------------------------- */

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	cr_assert(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	n = write(fd, val, strlen(val));
	close(fd);
	cr_assert(n == (ssize_t)strlen(val), "cannot write '%s' to %s", val, path);
}

static void ns_up(void)
{
	FILE *ip;
	int rc;

	cr_assert(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s",
		  strerror(errno));
	/* Before the links exist, so every new device inherits them. */
	write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
	write_file("/proc/sys/net/ipv6/conf/default/forwarding", "1");
	write_file("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	write_file("/proc/sys/net/ipv4/ip_forward", "1");

	ip = popen("ip -batch -", "w");
	cr_assert(ip, "cannot run ip: %s", strerror(errno));
	fputs(xs_xdp_world, ip);
	rc = pclose(ip);
	cr_assert(rc == 0, "ip -batch failed building the topology (status %d)", rc);

	ifi_in = (int)if_nametoindex("xin0");
	ifi_out = (int)if_nametoindex("xout0");
	ifi_mtu = (int)if_nametoindex("xmtu0");
	cr_assert(ifi_in && ifi_out && ifi_mtu, "veth devices missing");
}

static void set_redirect(bool on)
{
	struct xs_config cfg = { .flags = on ? XS_CFG_F_REDIRECT : 0 };
	__u32 zero = 0;

	memcpy(cfg.dev_mac, MAC_IN0, 6);	/* frames to xin0 are ours */
	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero,
				      &cfg, BPF_ANY) == 0,
		  "cannot write xs_config: %s", strerror(errno));
}

static void skel_up(__u32 flow_entries)
{
	__u32 ifi = (__u32)ifi_out;
	int err;

	skel = xsteer_bpf__open();
	cr_assert(skel, "cannot open the skeleton: %s", strerror(errno));
	skel->rodata->xs_sketch_seed = TEST_SEED;	/* the loader draws one per load */
	if (flow_entries)
		cr_assert(bpf_map__set_max_entries(skel->maps.xs_flows, flow_entries) == 0);
	err = xsteer_bpf__load(skel);
	cr_assert(err == 0, "cannot load xsteer.bpf.o: %s", strerror(-err));

	set_redirect(true);
	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_tx_ports), &ifi,
				      &ifi, BPF_ANY) == 0,
		  "cannot add xout0 to xs_tx_ports: %s", strerror(errno));
}

static void setup(void)
{
	ns_up();
	skel_up(0);
}

static void setup_tiny_table(void)
{
	ns_up();
	skel_up(1);
}

static void teardown(void)
{
	xsteer_bpf__destroy(skel);	/* the namespace goes with the process */
	skel = NULL;
}

/* ---- running a packet ------------------------------------------------- */

struct run {
	int err;			/* bpf_prog_test_run_opts() */
	__u32 act;
	__u8 out[PKT_MAX];
	__u32 out_len;
	long long delta[XS_STAT__MAX];	/* xs_stats after - before, all CPUs */
};

static void read_stats(long long sum[XS_STAT__MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.xs_stats);
	__u64 *v;
	__u32 k;
	int c;

	cr_assert(ncpu > 0);
	v = calloc((size_t)ncpu, sizeof(*v));
	cr_assert(v);
	for (k = 0; k < XS_STAT__MAX; k++) {
		cr_assert(bpf_map_lookup_elem(fd, &k, v) == 0,
			  "cannot read xs_stats[%u]: %s", k, strerror(errno));
		sum[k] = 0;
		for (c = 0; c < ncpu; c++)
			sum[k] += (long long)v[c];
	}
	free(v);
}

static void run_pkt(const void *data, size_t len, struct run *r)
{
	long long before[XS_STAT__MAX], after[XS_STAT__MAX];
	struct xdp_md ctx = {
		.data_end = (__u32)len,	/* the kernel wants data_end == size */
		.ingress_ifindex = (__u32)ifi_in,
		.rx_queue_index = 0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data,
		.data_size_in = (__u32)len,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	int k;

	read_stats(before);
	r->err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xs_xdp), &opts);
	r->act = opts.retval;
	r->out_len = opts.data_size_out;
	read_stats(after);
	for (k = 0; k < XS_STAT__MAX; k++)
		r->delta[k] = after[k] - before[k];
}

/* ---- expectations ----------------------------------------------------- */

/*
 * What a packet does to the fast path's next-hop cache counters. A row that
 * says nothing (NH_DERIVED) gets exactly one of them when its verdict says
 * the packet reached the next hop (the fast path, or a reason only the
 * FIB's answer gives), and a hit never with a FIB reason; rows about the
 * cache say which one.
 */
enum nh_want { NH_DERIVED, NH_NONE, NH_HIT, NH_MISS };

struct expect {
	int err;			/* 0, or the -errno test_run must refuse with */
	__u32 act;			/* XDP_* */
	bool rewrite;			/* fast path: MACs and TTL rewritten */
	bool meta;			/* steered: xs_xsk_meta precedes the frame */
	__u32 path_id;
	const uint8_t *dmac, *smac;
	int stats[8];			/* counters that move by one, besides rx */
	int n_stats;
	bool flow;			/* key is in xs_flows afterwards */
	struct xs_flow_key key;
	__u64 packets, bytes;
	bool tcp;
	__u8 tcp_flags;
	__u32 seq_max;
	enum nh_want nh;		/* the next-hop cache's counters */
};

static const char *act_name(__u32 act)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
					 "XDP_TX", "XDP_REDIRECT" };

	return act < 5 ? n[act] : "XDP_?";
}

static void expect_stat(struct expect *e, int stat)
{
	cr_assert(e->n_stats < 8);
	e->stats[e->n_stats++] = stat;
}

static void expect_fwd(struct expect *e, const uint8_t *dmac, const uint8_t *smac)
{
	e->act = XDP_REDIRECT;
	e->rewrite = true;
	e->dmac = dmac;
	e->smac = smac;
	expect_stat(e, XS_STAT_V_FASTPATH);
}

static void expect_pass(struct expect *e, int why)
{
	e->act = XDP_PASS;
	expect_stat(e, XS_STAT_V_PASS);
	expect_stat(e, why);
}

static void expect_drop(struct expect *e, int why)
{
	e->act = XDP_DROP;
	expect_stat(e, XS_STAT_V_DROP);
	expect_stat(e, why);
}

/* The key, built from what the test put in the packet, not from its bytes. */
static struct xs_flow_key key4(const char *src, const char *dst, __u8 proto,
			       __u16 sport, __u16 dport)
{
	struct xs_flow_key k;
	struct in_addr s = pkt_a4(src), d = pkt_a4(dst);

	memset(&k, 0, sizeof(k));
	k.saddr[2] = k.daddr[2] = htonl(0xffff);	/* ::ffff:a.b.c.d */
	k.saddr[3] = s.s_addr;
	k.daddr[3] = d.s_addr;
	k.sport = htons(sport);
	k.dport = htons(dport);
	k.proto = proto;
	k.flags = XS_KEY_F_IPV4;
	return k;
}

static struct xs_flow_key key6(const char *src, const char *dst, __u8 proto,
			       __u16 sport, __u16 dport)
{
	struct xs_flow_key k;
	struct in6_addr s = pkt_a6(src), d = pkt_a6(dst);

	memset(&k, 0, sizeof(k));
	memcpy(k.saddr, &s, 16);
	memcpy(k.daddr, &d, 16);
	k.sport = htons(sport);
	k.dport = htons(dport);
	k.proto = proto;
	return k;
}

/* A new flow entry with one packet of bytes (IP total length). */
static void expect_flow(struct expect *e, struct xs_flow_key key, __u64 bytes)
{
	e->flow = true;
	e->key = key;
	e->packets = 1;
	e->bytes = bytes;
	expect_stat(e, XS_STAT_FLOW_NEW);
}

static void expect_tcp(struct expect *e, __u8 flags, __u32 seq_max)
{
	e->tcp = true;
	e->tcp_flags = flags;
	e->seq_max = seq_max;
}

/* ---- checks ----------------------------------------------------------- */

static void check_output(const struct pkt *p, const struct expect *e,
			 const struct run *r)
{
	struct xs_xsk_meta meta = { .path_id = e->path_id, .magic = XS_META_MAGIC };
	uint8_t want[PKT_MAX + sizeof(meta)];
	size_t i, len = p->len;

	/* test_run hands back data_meta..data_end: the metadata comes first */
	if (e->meta) {
		memcpy(want, &meta, sizeof(meta));
		memcpy(want + sizeof(meta), p->buf, p->len);
		len += sizeof(meta);
	} else {
		memcpy(want, p->buf, p->len);
	}
	if (e->rewrite) {
		const uint8_t *l3 = r->out + p->l3;

		cr_assert(p->l3 != PKT_NONE && r->out_len == p->len);
		memcpy(want, e->dmac, 6);
		memcpy(want + 6, e->smac, 6);
		if (p->family == AF_INET) {
			uint16_t c;

			want[p->l3 + 8]--;		/* TTL */
			c = pkt_ipv4_hdr_csum(want + p->l3);
			want[p->l3 + 10] = c >> 8;
			want[p->l3 + 11] = c & 0xff;
			cr_expect_eq(l3[10] << 8 | l3[11], pkt_ipv4_hdr_csum(l3),
				     "IPv4 checksum after the TTL decrement is 0x%04x, "
				     "recomputed from scratch 0x%04x",
				     l3[10] << 8 | l3[11], pkt_ipv4_hdr_csum(l3));
		} else {
			want[p->l3 + 7]--;		/* hop limit */
		}
	}
	cr_expect_eq(r->out_len, len, "output is %u bytes, expected %zu",
		     r->out_len, len);
	if (r->out_len != len)
		return;
	for (i = 0; i < len; i++)
		if (r->out[i] != want[i])
			break;
	cr_expect_eq(i, len, "output byte %zu is 0x%02x, expected 0x%02x (%s)",
		     i, i < len ? r->out[i] : 0, i < len ? want[i] : 0,
		     e->rewrite ? "rewritten frame" : e->meta ? "metadata + unchanged frame" :
		     "frame must be unchanged");
}

static bool nh_reason(int stat)
{
	switch (stat) {
	case XS_STAT_V_FASTPATH:
	case XS_STAT_PASS_FIB_NO_NEIGH:
	case XS_STAT_PASS_FIB_LOCAL:
	case XS_STAT_PASS_FIB_UNREACH:
	case XS_STAT_PASS_FIB_FRAG:
	case XS_STAT_PASS_FIB_OTHER:
	case XS_STAT_PASS_NO_TX_PORT:
	case XS_STAT_PASS_RPF:
		return true;
	}
	return false;
}

static void check_nh_stats(const struct expect *e, const struct run *r)
{
	long long hit = r->delta[XS_STAT_NH_CACHE_HIT], miss = r->delta[XS_STAT_NH_CACHE_MISS];
	bool reached = false, fib = false;
	int k;

	switch (e->err ? NH_NONE : e->nh) {
	case NH_NONE:
		cr_expect(hit == 0 && miss == 0, "next-hop cache hit %lld, miss %lld: expected "
			  "neither", hit, miss);
		return;
	case NH_HIT:
		cr_expect(hit == 1 && miss == 0, "next-hop cache hit %lld, miss %lld: expected "
			  "a hit", hit, miss);
		return;
	case NH_MISS:
		cr_expect(hit == 0 && miss == 1, "next-hop cache hit %lld, miss %lld: expected "
			  "a miss", hit, miss);
		return;
	case NH_DERIVED:
		break;
	}
	for (k = 0; k < e->n_stats; k++) {
		reached |= nh_reason(e->stats[k]);
		fib |= nh_reason(e->stats[k]) && e->stats[k] != XS_STAT_V_FASTPATH &&
		       e->stats[k] != XS_STAT_PASS_NO_TX_PORT;
	}
	cr_expect_eq(hit + miss, reached ? 1 : 0, "next-hop cache hit %lld, miss %lld for a "
		     "packet that %s the next hop", hit, miss, reached ? "reached" : "never reached");
	if (fib)
		cr_expect_eq(hit, 0, "a next-hop cache hit, yet a reason only a FIB lookup gives");
}

/*
 * Every counter moved by exactly what e lists (plus rx), all others not at
 * all; the next-hop cache's by check_nh_stats().
 */
static void check_stats(const struct expect *e, const struct run *r)
{
	long long want[XS_STAT__MAX] = { 0 };
	long long verdicts;
	int k;

	if (e->err == 0) {
		want[XS_STAT_RX] = 1;
		for (k = 0; k < e->n_stats; k++)
			want[e->stats[k]]++;
	}
	for (k = 0; k < XS_STAT__MAX; k++)
		if (k != XS_STAT_NH_CACHE_HIT && k != XS_STAT_NH_CACHE_MISS)
			cr_expect_eq(r->delta[k], want[k], "counter %s moved by %lld, expected %lld",
				     stat_names[k], r->delta[k], want[k]);
	check_nh_stats(e, r);
	verdicts = r->delta[XS_STAT_V_FASTPATH] + r->delta[XS_STAT_V_XSK] +
		   r->delta[XS_STAT_V_PASS] + r->delta[XS_STAT_V_DROP];
	cr_expect_eq(verdicts, e->err == 0 ? 1 : 0,
		     "%lld verdict counters moved for one packet", verdicts);
}

static int count_flows(void)
{
	int fd = bpf_map__fd(skel->maps.xs_flows);
	struct xs_flow_key k, next;
	int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

static void check_flow(const struct expect *e)
{
	struct xs_flow_stats fs;
	int n = count_flows();
	int err;

	if (!e->flow) {
		cr_expect_eq(n, 0, "%d flow entries, expected none", n);
		return;
	}
	cr_expect_eq(n, 1, "%d flow entries, expected one", n);
	err = bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_flows), &e->key, &fs);
	cr_assert_eq(err, 0, "no xs_flows entry for the expected key "
		     "(proto %u, sport %u, dport %u, flags 0x%x, vlan %u)",
		     e->key.proto, ntohs(e->key.sport), ntohs(e->key.dport),
		     e->key.flags, e->key.vlan);
	cr_expect_eq(fs.packets, e->packets, "flow packets %llu, expected %llu",
		     (unsigned long long)fs.packets, (unsigned long long)e->packets);
	cr_expect_eq(fs.bytes, e->bytes, "flow bytes %llu, expected %llu",
		     (unsigned long long)fs.bytes, (unsigned long long)e->bytes);
	cr_expect(fs.first_seen_ns != 0 && fs.last_seen_ns >= fs.first_seen_ns,
		  "first_seen %llu / last_seen %llu", (unsigned long long)fs.first_seen_ns,
		  (unsigned long long)fs.last_seen_ns);
	cr_expect_eq(!!(fs.flags & XS_FLOW_F_SEQ_VALID), e->tcp,
		     "SEQ_VALID is %s", e->tcp ? "clear on a TCP flow" : "set on a non-TCP flow");
	cr_expect_eq(fs.tcp_flags, e->tcp_flags, "tcp_flags 0x%02x, expected 0x%02x",
		     fs.tcp_flags, e->tcp_flags);
	if (e->tcp)
		cr_expect_eq(fs.tcp_seq_max, e->seq_max, "tcp_seq_max 0x%08x, expected 0x%08x",
			     fs.tcp_seq_max, e->seq_max);
	{
		struct xs_steer_entry st;
		bool steered = !bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_steer), &e->key, &st);

		cr_expect_eq(!!(fs.flags & XS_FLOW_F_STEERED), steered, "flow %s steered",
			     steered ? "not marked" : "marked");
	}
}

static void check_run(const struct pkt *p, const struct expect *e, const struct run *r)
{
	cr_assert_eq(r->err, e->err, "bpf_prog_test_run returned %d (%s), expected %d",
		     r->err, strerror(-r->err), e->err);
	check_stats(e, r);
	if (e->err)
		return;
	cr_expect_eq(r->act, e->act, "verdict %s, expected %s", act_name(r->act),
		     act_name(e->act));
	check_output(p, e, r);
	check_flow(e);
}

static struct pkt pk;	/* 4 KiB: not on the stack */

static void run_row(void (*row)(struct pkt *, struct expect *))
{
	struct expect e;
	static struct run r;

	memset(&e, 0, sizeof(e));
	pkt_init(&pk);
	row(&pk, &e);
	cr_assert(!pk.overflow, "the row's packet does not fit");
	run_pkt(pk.buf, pk.len, &r);
	check_run(&pk, &e, &r);
}

TestSuite(xdp_table, .init = setup, .fini = teardown);

/* A row: a test named after it, running the body to build packet + expectations. */
#define ROW(name, desc)							\
	static void row_##name(struct pkt *p, struct expect *e);	\
	Test(xdp_table, name, .description = desc)			\
	{								\
		run_row(row_##name);					\
	}								\
	static void row_##name(struct pkt *p, struct expect *e)

/* ---- packet helpers ---------------------------------------------------- */

static void eth_in(struct pkt *p)
{
	pkt_eth(p, MAC_IN0, MAC_IN1);	/* from xin1 to xin0 */
}

static void ip4(struct pkt *p, const char *src, const char *dst, __u8 ttl)
{
	pkt_ipv4(p, &(struct pkt_ip4){ .src = pkt_a4(src), .dst = pkt_a4(dst),
				       .ttl = ttl, .id = 0x1234, .frag = 0x4000 });
}

static void ip6(struct pkt *p, const char *src, const char *dst, __u8 hop_limit)
{
	pkt_ipv6(p, &(struct pkt_ip6){ .src = pkt_a6(src), .dst = pkt_a6(dst),
				       .hop_limit = hop_limit, .flowlabel = 0x12345 });
}

static void tcp(struct pkt *p, __u16 sport, __u16 dport, __u32 seq, __u8 flags)
{
	pkt_tcp(p, &(struct pkt_tcp){ .sport = sport, .dport = dport, .seq = seq,
				      .ack = 1, .flags = flags });
}

/* IPv4 / IPv6 TCP with len bytes of payload, ACK|PSH. */
static void tcp4(struct pkt *p, const char *dst, __u8 ttl, size_t len)
{
	pkt_init(p);
	eth_in(p);
	ip4(p, SRC4, dst, ttl);
	tcp(p, 40000, 443, 1000, PKT_TCP_ACK | PKT_TCP_PSH);
	pkt_payload(p, NULL, len);
	pkt_finish(p);
}

static void tcp6(struct pkt *p, const char *dst, __u8 hop_limit, size_t len)
{
	pkt_init(p);
	eth_in(p);
	ip6(p, SRC6, dst, hop_limit);
	tcp(p, 40000, 443, 1000, PKT_TCP_ACK | PKT_TCP_PSH);
	pkt_payload(p, NULL, len);
	pkt_finish(p);
}

#define TCP_AP	(PKT_TCP_ACK | PKT_TCP_PSH)

/* ---- good packets: the fast path ---------------------------------------- */

ROW(ipv4_tcp_fastpath, "IPv4 TCP via a permanent neighbour: redirected, MACs/TTL/checksum rewritten, accounted")
{
	tcp4(p, DST4, 64, 100);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 140);
	expect_tcp(e, TCP_AP, 1100);
}

ROW(ipv4_udp_fastpath, "IPv4 UDP via a permanent neighbour: redirected and accounted with ports")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 32);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 5353, 53), 60);
}

ROW(ipv4_icmp_echo_fastpath, "IPv4 ICMP echo request: redirected, key sport = echo identifier")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_icmp(p, 8, 0, 0xbeef, 1);
	pkt_payload(p, NULL, 56);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_ICMP, 0xbeef, 0), 84);
}

ROW(ipv4_icmp_unreach_fastpath, "IPv4 ICMP destination unreachable: no identifier, ports zero, NOPORTS clear")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_icmp(p, 3, 1, 0, 0);
	pkt_payload(p, NULL, 28);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_ICMP, 0, 0), 56);
}

ROW(ipv6_tcp_fastpath, "IPv6 TCP via a permanent neighbour: redirected, MACs/hop limit rewritten, accounted")
{
	tcp6(p, DST6, 64, 100);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_TCP, 40000, 443), 160);
	expect_tcp(e, TCP_AP, 1100);
}

ROW(ipv6_udp_fastpath, "IPv6 UDP via a permanent neighbour: redirected and accounted with ports")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 32);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 80);
}

ROW(ipv6_icmpv6_echo_fastpath, "IPv6 ICMPv6 echo request: redirected, key sport = echo identifier")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_icmp(p, 128, 0, 0xbeef, 1);
	pkt_payload(p, NULL, 56);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_ICMPV6, 0xbeef, 0), 104);
}

ROW(ipv4_tcp_syn_fin_seq, "IPv4 TCP SYN|FIN with payload: each flag takes one sequence number")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	tcp(p, 40000, 443, 5000, PKT_TCP_SYN | PKT_TCP_FIN);
	pkt_payload(p, NULL, 10);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, PKT_TCP_SYN | PKT_TCP_FIN, 5012);
}

ROW(ipv4_tcp_options_cwr_ece, "IPv4 TCP with options (doff 8) and CWR|ECE: options are not payload, every flag bit kept")
{
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_tcp(p, &(struct pkt_tcp){ .sport = 40000, .dport = 443, .seq = 7000,
				      .ack = 1, .flags = PKT_TCP_CWR | PKT_TCP_ECE | PKT_TCP_ACK,
				      .opts = opts, .opts_len = sizeof(opts) });
	pkt_payload(p, NULL, 20);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 72);
	expect_tcp(e, PKT_TCP_CWR | PKT_TCP_ECE | PKT_TCP_ACK, 7020);
}

/* The IP ID that makes the header checksum satisfy want(); every value is reachable. */
static void tcp4_with_csum(struct pkt *p, bool (*want)(uint16_t))
{
	uint32_t id;

	for (id = 0; id < 0x10000; id++) {
		pkt_init(p);
		eth_in(p);
		pkt_ipv4(p, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4),
					       .id = (uint16_t)id });
		tcp(p, 40000, 443, 1000, TCP_AP);
		pkt_finish(p);
		if (want((uint16_t)(p->buf[p->l3 + 10] << 8 | p->buf[p->l3 + 11])))
			return;
	}
	cr_assert_fail("no IP ID gives the wanted checksum");
}

static bool csum_carry(uint16_t c) { return c >= 0xff00; }
static bool csum_to_zero(uint16_t c) { return c == 0xfeff; }

ROW(ipv4_ttl_csum_carry, "IPv4 checksum 0xffxx: the TTL decrement's end-around carry matches a recomputation")
{
	tcp4_with_csum(p, csum_carry);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 40);
	expect_tcp(e, TCP_AP, 1000);
}

ROW(ipv4_ttl_csum_to_zero, "IPv4 checksum 0xfeff: after the TTL decrement it is 0x0000, as recomputed")
{
	tcp4_with_csum(p, csum_to_zero);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 40);
	expect_tcp(e, TCP_AP, 1000);
}

ROW(ipv4_tcp_ack_eth_padded, "IPv4 TCP pure ACK padded to the 60-byte Ethernet minimum: bytes and seq use the IP length")
{
	tcp4(p, DST4, 64, 0);
	pkt_pad(p, 60);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 40);
	expect_tcp(e, TCP_AP, 1000);
}

ROW(ipv4_udp_eth_padded, "IPv4 UDP, no payload, padded to 60 bytes: accepted, bytes = IP length 28")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_udp(p, 5353, 53);
	pkt_finish(p);
	pkt_pad(p, 60);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 5353, 53), 28);
}

/* ---- VLAN, options, extension headers ------------------------------------ */

ROW(vlan_ipv4_tcp_pass, "802.1Q VID 100 IPv4 TCP: accounted with key.vlan, passed to the kernel (pass_vlan)")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021Q, 0x2000 | 100);
	ip4(p, SRC4, DST4, 64);
	tcp(p, 40000, 443, 1000, TCP_AP);
	pkt_payload(p, NULL, 100);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_VLAN);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 140);
	e->key.vlan = 100;
	expect_tcp(e, TCP_AP, 1100);
}

ROW(vlan_ipv6_udp_pass, "802.1Q VID 4094 IPv6 UDP: accounted with key.vlan, passed to the kernel (pass_vlan)")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021Q, 4094);
	ip6(p, SRC6, DST6, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 32);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_VLAN);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 80);
	e->key.vlan = 4094;
}

ROW(vlan_prio_tag_ipv4_pass, "802.1Q priority tag (VID 0) IPv4 TCP: still a tagged frame, passed (pass_vlan), vlan 0")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021Q, 0xa000);	/* PCP 5, VID 0 */
	ip4(p, SRC4, DST4, 64);
	tcp(p, 40000, 443, 1000, TCP_AP);
	pkt_payload(p, NULL, 100);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_VLAN);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 140);
	expect_tcp(e, TCP_AP, 1100);
}

ROW(qinq_ipv4_not_ip, "802.1ad outer + 802.1Q inner tag: one tag is parsed, the rest is not IP (pass_not_ip)")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021AD, 10);
	pkt_vlan(p, ETH_P_8021Q, 20);
	ip4(p, SRC4, DST4, 64);
	pkt_udp(p, 5353, 53);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_NOT_IP);
}

ROW(ipv4_options_pass, "IPv4 with a Router Alert option: accounted, passed to the kernel (pass_ip_options)")
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };

	eth_in(p);
	pkt_ipv4(p, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4),
				       .opts = ra, .opts_len = sizeof(ra) });
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_IP_OPTIONS);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 5353, 53), 40);
}

ROW(ipv6_hopopts_pass, "IPv6 with a hop-by-hop header: accounted with ports, passed to the kernel (pass_ip_options)")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_ipv6_ext(p, PKT_IPV6_HOPOPTS, 8);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_IP_OPTIONS);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 64);
}

ROW(ipv6_dstopts_routing_udp_fastpath, "IPv6 dest options + routing header + UDP: ports found behind them, fast path")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_ipv6_ext(p, PKT_IPV6_DSTOPTS, 16);
	pkt_ipv6_ext(p, PKT_IPV6_ROUTING, 24);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 96);
}

static void dstopts_chain(struct pkt *p, int n)
{
	int i;

	pkt_init(p);
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	for (i = 0; i < n; i++)
		pkt_ipv6_ext(p, PKT_IPV6_DSTOPTS, 8);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
}

ROW(ipv6_8_dstopts_fastpath, "IPv6 with 8 chained dest options headers (XS_MAX_EXTHDRS): walked to UDP, fast path")
{
	cr_assert_eq(XS_MAX_EXTHDRS, 8);
	dstopts_chain(p, XS_MAX_EXTHDRS);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 40 + 8 * 8 + 16);
}

ROW(ipv6_9_dstopts_limit, "IPv6 with 9 chained dest options headers: one past the limit (pass_exthdr_limit), NOPORTS")
{
	dstopts_chain(p, XS_MAX_EXTHDRS + 1);
	expect_pass(e, XS_STAT_PASS_EXTHDR_LIMIT);
	expect_flow(e, key6(SRC6, DST6, PKT_IPV6_DSTOPTS, 0, 0), 40 + 9 * 8 + 16);
	e->key.flags = XS_KEY_F_NOPORTS;
}

ROW(ipv6_20_dstopts_limit, "IPv6 with 20 chained dest options headers: pass_exthdr_limit, accounted by addresses")
{
	dstopts_chain(p, 20);
	expect_pass(e, XS_STAT_PASS_EXTHDR_LIMIT);
	expect_flow(e, key6(SRC6, DST6, PKT_IPV6_DSTOPTS, 0, 0), 40 + 20 * 8 + 16);
	e->key.flags = XS_KEY_F_NOPORTS;
}

/* ---- fragments --------------------------------------------------------- */

static void udp4_whole(struct pkt *w)
{
	pkt_init(w);
	eth_in(w);
	pkt_ipv4(w, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4) });
	pkt_udp(w, 5353, 53);
	pkt_payload(w, NULL, 200);
	pkt_finish(w);
}

static void udp6_whole(struct pkt *w)
{
	pkt_init(w);
	eth_in(w);
	ip6(w, SRC6, DST6, 64);
	pkt_udp(w, 5353, 53);
	pkt_payload(w, NULL, 200);
	pkt_finish(w);
}

static struct pkt whole;

ROW(ipv4_first_fragment, "IPv4 first fragment (MF, offset 0): ports read and accounted, fast path")
{
	udp4_whole(&whole);
	cr_assert(pkt_fragment(&whole, 0, 104, 0x4242, p));
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 5353, 53), 20 + 104);
}

ROW(ipv4_nonfirst_fragment, "IPv4 non-first fragment: frag_nonfirst, NOPORTS key, forwarded by the fast path")
{
	udp4_whole(&whole);
	cr_assert(pkt_fragment(&whole, 104, 104, 0x4242, p));
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_stat(e, XS_STAT_FRAG_NONFIRST);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 0, 0), 20 + 104);
	e->key.flags |= XS_KEY_F_NOPORTS;
}

ROW(ipv6_first_fragment, "IPv6 first fragment (fragment header, offset 0): ports read and accounted, fast path")
{
	udp6_whole(&whole);
	cr_assert(pkt_fragment(&whole, 0, 104, 0x42424242, p));
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 5353, 53), 40 + 8 + 104);
}

ROW(ipv6_nonfirst_fragment, "IPv6 non-first fragment: frag_nonfirst, NOPORTS key, forwarded by the fast path")
{
	udp6_whole(&whole);
	cr_assert(pkt_fragment(&whole, 104, 104, 0x42424242, p));
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_stat(e, XS_STAT_FRAG_NONFIRST);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_UDP, 0, 0), 40 + 8 + 104);
	e->key.flags = XS_KEY_F_NOPORTS;
}

/* ---- unknown protocols, not IP ------------------------------------------- */

ROW(ipv4_gre_l4_unknown, "IPv4 GRE: l4_unknown, accounted by addresses (NOPORTS), fast path")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_proto(p, 47);
	pkt_payload(p, NULL, 24);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_stat(e, XS_STAT_L4_UNKNOWN);
	expect_flow(e, key4(SRC4, DST4, 47, 0, 0), 44);
	e->key.flags |= XS_KEY_F_NOPORTS;
}

ROW(ipv6_sctp_l4_unknown, "IPv6 SCTP: l4_unknown, accounted by addresses (NOPORTS), fast path")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_proto(p, IPPROTO_SCTP);
	pkt_payload(p, NULL, 28);
	pkt_finish(p);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_stat(e, XS_STAT_L4_UNKNOWN);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_SCTP, 0, 0), 68);
	e->key.flags = XS_KEY_F_NOPORTS;
}

ROW(arp_not_ip, "ARP request: pass_not_ip, not accounted")
{
	eth_in(p);
	pkt_arp_request(p, MAC_IN1, pkt_a4(SRC4), pkt_a4(DST4_LOCAL));
	pkt_pad(p, 60);
	expect_pass(e, XS_STAT_PASS_NOT_IP);
}

/* ---- TTL and FIB outcomes -------------------------------------------------- */

ROW(ipv4_ttl_1_pass, "IPv4 TTL 1: accounted, passed for the kernel's time exceeded (pass_ttl_exceeded)")
{
	tcp4(p, DST4, 1, 10);
	expect_pass(e, XS_STAT_PASS_TTL);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv6_hop_limit_1_pass, "IPv6 hop limit 1: accounted, passed (pass_ttl_exceeded)")
{
	tcp6(p, DST6, 1, 10);
	expect_pass(e, XS_STAT_PASS_TTL);
	expect_flow(e, key6(SRC6, DST6, IPPROTO_TCP, 40000, 443), 70);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_ttl_2_fastpath, "IPv4 TTL 2: forwarded with TTL 1")
{
	tcp4(p, DST4, 2, 10);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_fib_no_neigh, "IPv4 via a gateway with no neighbour entry: pass_fib_no_neigh")
{
	tcp4(p, DST4_NONEIGH, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_NO_NEIGH);
	expect_flow(e, key4(SRC4, DST4_NONEIGH, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv6_fib_no_neigh, "IPv6 via a gateway with no neighbour entry: pass_fib_no_neigh")
{
	tcp6(p, DST6_NONEIGH, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_NO_NEIGH);
	expect_flow(e, key6(SRC6, DST6_NONEIGH, IPPROTO_TCP, 40000, 443), 70);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_fib_local, "IPv4 to the namespace's own address: pass_fib_not_forwarded")
{
	tcp4(p, DST4_LOCAL, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_LOCAL);
	expect_flow(e, key4(SRC4, DST4_LOCAL, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv6_fib_local, "IPv6 to the namespace's own address: pass_fib_not_forwarded")
{
	tcp6(p, DST6_LOCAL, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_LOCAL);
	expect_flow(e, key6(SRC6, DST6_LOCAL, IPPROTO_TCP, 40000, 443), 70);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_fib_unreachable, "IPv4 to an unreachable route: pass_fib_unreachable")
{
	tcp4(p, DST4_UNREACH, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_UNREACH);
	expect_flow(e, key4(SRC4, DST4_UNREACH, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv6_fib_unreachable, "IPv6 to an unreachable route: pass_fib_unreachable")
{
	tcp6(p, DST6_UNREACH, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_UNREACH);
	expect_flow(e, key6(SRC6, DST6_UNREACH, IPPROTO_TCP, 40000, 443), 70);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_fib_frag_needed, "IPv4 of 1300 bytes to an MTU-1280 egress: pass_fib_frag_needed")
{
	tcp4(p, DST4_MTU, 64, 1260);
	expect_pass(e, XS_STAT_PASS_FIB_FRAG);
	expect_flow(e, key4(SRC4, DST4_MTU, IPPROTO_TCP, 40000, 443), 1300);
	expect_tcp(e, TCP_AP, 1000 + 1260);
}

ROW(ipv6_fib_frag_needed, "IPv6 of 1300 bytes to an MTU-1280 egress: pass_fib_frag_needed")
{
	tcp6(p, DST6_MTU, 64, 1240);
	expect_pass(e, XS_STAT_PASS_FIB_FRAG);
	expect_flow(e, key6(SRC6, DST6_MTU, IPPROTO_TCP, 40000, 443), 1300);
	expect_tcp(e, TCP_AP, 1000 + 1240);
}

ROW(ipv4_mtu_exact_no_tx_port, "IPv4 of exactly 1280 bytes to the MTU-1280 egress: fits; not in xs_tx_ports (pass_no_tx_port)")
{
	tcp4(p, DST4_MTU, 64, 1240);
	expect_pass(e, XS_STAT_PASS_NO_TX_PORT);
	expect_flow(e, key4(SRC4, DST4_MTU, IPPROTO_TCP, 40000, 443), 1280);
	expect_tcp(e, TCP_AP, 1000 + 1240);
}

ROW(ipv6_no_tx_port, "IPv6 routed out of a device missing from xs_tx_ports: pass_no_tx_port, frame untouched")
{
	tcp6(p, DST6_MTU, 64, 10);
	expect_pass(e, XS_STAT_PASS_NO_TX_PORT);
	expect_flow(e, key6(SRC6, DST6_MTU, IPPROTO_TCP, 40000, 443), 70);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_fib_forwarding_off, "IPv4 with forwarding off on the ingress device: pass_fib_other")
{
	write_file("/proc/sys/net/ipv4/conf/xin0/forwarding", "0");
	tcp4(p, DST4, 64, 10);
	expect_pass(e, XS_STAT_PASS_FIB_OTHER);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(redirect_off, "Redirect disabled in xs_config: good IPv4 TCP is passed (pass_redirect_off), accounted")
{
	set_redirect(false);
	tcp4(p, DST4, 64, 10);
	expect_pass(e, XS_STAT_PASS_REDIRECT_OFF);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(ipv4_no_tx_port_removed, "xout0 removed from xs_tx_ports: good IPv4 TCP is passed (pass_no_tx_port)")
{
	__u32 ifi = (__u32)ifi_out;

	cr_assert(bpf_map_delete_elem(bpf_map__fd(skel->maps.xs_tx_ports), &ifi) == 0);
	tcp4(p, DST4, 64, 10);
	expect_pass(e, XS_STAT_PASS_NO_TX_PORT);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 50);
	expect_tcp(e, TCP_AP, 1010);
}

static void steer(struct xs_flow_key k, __u32 path_id)
{
	struct xs_steer_entry st = { .path_id = path_id };

	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_steer), &k, &st,
				      BPF_NOEXIST) == 0);
}

ROW(steered_no_xsk, "Flow in xs_steer, no AF_XDP socket on the queue: fails open to the kernel (pass_no_xsk), path in metadata")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);

	steer(k, 7);
	tcp4(p, DST4, 64, 10);
	expect_pass(e, XS_STAT_PASS_NO_XSK);
	e->meta = true;
	e->path_id = 7;
	expect_flow(e, k, 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(steered_ipv6_no_xsk, "IPv6 flow in xs_steer, no AF_XDP socket: pass_no_xsk, path in metadata")
{
	struct xs_flow_key k = key6(SRC6, DST6, IPPROTO_UDP, 5353, 53);

	steer(k, 255);
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 32);
	pkt_finish(p);
	expect_pass(e, XS_STAT_PASS_NO_XSK);
	e->meta = true;
	e->path_id = 255;
	expect_flow(e, k, 80);
}

ROW(steered_ttl_1, "Steered flow with TTL 1: left to the fast path, which passes it (pass_ttl_exceeded)")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);

	steer(k, 7);
	tcp4(p, DST4, 1, 10);
	expect_pass(e, XS_STAT_PASS_TTL);
	expect_flow(e, k, 50);
	expect_tcp(e, TCP_AP, 1010);
}

ROW(steered_too_big_for_xsk, "Steered flow, frame larger than xsk_frame_max: passed to the kernel (pass_xsk_too_big)")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .xsk_frame_max = 64 };
	__u32 zero = 0;

	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero,
				      &cfg, BPF_ANY) == 0);
	steer(k, 7);
	tcp4(p, DST4, 64, 11);		/* 14 + 40 + 11 = 65 bytes */
	expect_pass(e, XS_STAT_PASS_XSK_TOO_BIG);
	expect_flow(e, k, 51);
	expect_tcp(e, TCP_AP, 1011);
}

/* ---- malformed ------------------------------------------------------------ */

/* Keeps the first len bytes of the finished packet (IP lengths unchanged). */
static void cut(struct pkt *p, size_t len)
{
	cr_assert(len <= p->len);
	p->len = len;
}

ROW(empty_frame_refused, "Zero-length frame: BPF_PROG_TEST_RUN refuses it with -EINVAL, nothing counted")
{
	(void)p;
	e->err = -EINVAL;
}

ROW(eth_truncated_refused, "13-byte frame (truncated Ethernet): test_run refuses < ETH_HLEN with -EINVAL")
{
	tcp4(p, DST4, 64, 0);
	cut(p, 13);
	e->err = -EINVAL;
}

ROW(vlan_truncated, "Frame ends inside the 802.1Q tag: drop_truncated")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021Q, 100);
	ip4(p, SRC4, DST4, 64);
	pkt_finish(p);
	cut(p, 16);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(vlan_no_payload, "Frame ends right after the 802.1Q tag (EtherType IPv4): drop_truncated")
{
	eth_in(p);
	pkt_vlan(p, ETH_P_8021Q, 100);
	ip4(p, SRC4, DST4, 64);
	pkt_finish(p);
	cut(p, 18);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_fixed_header_truncated, "Frame ends inside the IPv4 fixed header (19 of 20 bytes): drop_truncated")
{
	tcp4(p, DST4, 64, 0);
	cut(p, 14 + 19);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_no_header, "Ethernet header only, EtherType IPv4: drop_truncated")
{
	tcp4(p, DST4, 64, 0);
	cut(p, 14);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_options_truncated, "Frame ends inside the IPv4 options (IHL 8, 24 of 32 bytes): drop_truncated")
{
	static const uint8_t nops[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };

	eth_in(p);
	pkt_ipv4(p, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4),
				       .opts = nops, .opts_len = sizeof(nops) });
	pkt_udp(p, 5353, 53);
	pkt_finish(p);
	cut(p, 14 + 24);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_cut_at_l4, "IPv4 frame cut after the IP header, total length still counting TCP: drop_bad_length")
{
	tcp4(p, DST4, 64, 0);
	cut(p, 14 + 20);
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

ROW(ipv4_cut_in_tcp, "IPv4 frame cut inside the TCP header, total length unchanged: drop_bad_length")
{
	tcp4(p, DST4, 64, 0);
	cut(p, 14 + 20 + 10);
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

/* IPv4 whose total length ends n bytes into an L4 header of proto (consistent). */
static void ip4_short_l4(struct pkt *p, __u8 proto, size_t n)
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	pkt_proto(p, proto);
	pkt_payload(p, NULL, n);
	pkt_finish(p);
}

static void ip6_short_l4(struct pkt *p, __u8 proto, size_t n)
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_proto(p, proto);
	pkt_payload(p, NULL, n);
	pkt_finish(p);
}

ROW(ipv4_tcp_header_missing, "IPv4 whose total length ends where TCP starts: drop_truncated")
{
	ip4_short_l4(p, IPPROTO_TCP, 0);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_tcp_header_short, "IPv4 holding 19 bytes of a TCP header: drop_truncated")
{
	ip4_short_l4(p, IPPROTO_TCP, 19);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_tcp_options_short, "IPv4 TCP with doff 8 but only 20 header bytes in the packet: drop_truncated")
{
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	tcp(p, 40000, 443, 1000, TCP_AP);
	pkt_finish(p);
	p->buf[p->l4 + 12] = 8 << 4;
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_udp_header_short, "IPv4 holding 7 bytes of a UDP header: drop_truncated")
{
	ip4_short_l4(p, IPPROTO_UDP, 7);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_icmp_header_short, "IPv4 holding 4 bytes of an ICMP header: drop_truncated")
{
	ip4_short_l4(p, IPPROTO_ICMP, 4);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_header_truncated, "Frame ends inside the IPv6 header (39 of 40 bytes): drop_truncated")
{
	tcp6(p, DST6, 64, 0);
	cut(p, 14 + 39);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_cut_at_l4, "IPv6 frame cut after the IPv6 header, payload length still counting TCP: drop_bad_length")
{
	tcp6(p, DST6, 64, 0);
	cut(p, 14 + 40);
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

ROW(ipv6_tcp_header_short, "IPv6 holding 19 bytes of a TCP header: drop_truncated")
{
	ip6_short_l4(p, IPPROTO_TCP, 19);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_udp_header_short, "IPv6 holding 7 bytes of a UDP header: drop_truncated")
{
	ip6_short_l4(p, IPPROTO_UDP, 7);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_icmpv6_header_short, "IPv6 holding 4 bytes of an ICMPv6 header: drop_truncated")
{
	ip6_short_l4(p, IPPROTO_ICMPV6, 4);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

/* IPv6 whose payload ends n bytes into an extension header of type t. */
static void ip6_short_ext(struct pkt *p, __u8 t, size_t n)
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	if (t == PKT_IPV6_FRAGMENT)
		pkt_ipv6_frag(p, 0, true, 7);
	else
		pkt_ipv6_ext(p, t, 16);
	pkt_udp(p, 5353, 53);
	pkt_finish(p);
	/* shorten the IPv6 payload length to n and the frame with it */
	p->buf[p->l3 + 4] = 0;
	p->buf[p->l3 + 5] = (uint8_t)n;
	cut(p, p->l3 + 40 + n);
}

ROW(ipv6_hopopts_truncated, "IPv6 payload ends inside the hop-by-hop header (1 byte): drop_truncated")
{
	ip6_short_ext(p, PKT_IPV6_HOPOPTS, 1);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_dstopts_truncated, "IPv6 payload ends inside a 16-byte dest options header (8 bytes): drop_truncated")
{
	ip6_short_ext(p, PKT_IPV6_DSTOPTS, 8);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_routing_truncated, "IPv6 payload ends inside a 16-byte routing header (12 bytes): drop_truncated")
{
	ip6_short_ext(p, PKT_IPV6_ROUTING, 12);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_fragment_hdr_truncated, "IPv6 payload ends inside the fragment header (4 of 8 bytes): drop_truncated")
{
	ip6_short_ext(p, PKT_IPV6_FRAGMENT, 4);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv6_udp_after_ext_truncated, "IPv6 payload ends inside the UDP header after a dest options header: drop_truncated")
{
	ip6_short_ext(p, PKT_IPV6_DSTOPTS, 16 + 4);
	expect_drop(e, XS_STAT_DROP_TRUNCATED);
}

ROW(ipv4_ihl_4, "IPv4 IHL 4 (< 5): drop_bad_header")
{
	tcp4(p, DST4, 64, 0);
	p->buf[p->l3] = 0x44;
	pkt_ipv4_fix_csum(p);
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv4_version_6, "EtherType IPv4 with IP version 6: drop_bad_header")
{
	tcp4(p, DST4, 64, 0);
	p->buf[p->l3] = 0x65;
	pkt_ipv4_fix_csum(p);
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv6_version_4, "EtherType IPv6 with IP version 4: drop_bad_header")
{
	tcp6(p, DST6, 64, 0);
	p->buf[p->l3] = 0x46;
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv4_tcp_doff_4, "IPv4 TCP data offset 4 (< 5): drop_bad_header")
{
	tcp4(p, DST4, 64, 10);
	p->buf[p->l4 + 12] = 4 << 4;
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv6_tcp_doff_0, "IPv6 TCP data offset 0: drop_bad_header")
{
	tcp6(p, DST6, 64, 10);
	p->buf[p->l4 + 12] = 0;
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv6_hopopts_not_first, "IPv6 hop-by-hop after a dest options header (RFC 8200 violation): drop_bad_header")
{
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_ipv6_ext(p, PKT_IPV6_DSTOPTS, 8);
	pkt_ipv6_ext(p, PKT_IPV6_HOPOPTS, 8);
	pkt_udp(p, 5353, 53);
	pkt_finish(p);
	expect_drop(e, XS_STAT_DROP_BAD_HDR);
}

ROW(ipv4_tot_len_over_frame, "IPv4 total length one byte more than the frame holds: drop_bad_length")
{
	tcp4(p, DST4, 64, 10);
	p->buf[p->l3 + 3]++;
	pkt_ipv4_fix_csum(p);
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

ROW(ipv4_tot_len_under_ihl, "IPv4 total length 16, below the 20-byte header: drop_bad_length")
{
	tcp4(p, DST4, 64, 10);
	p->buf[p->l3 + 2] = 0;
	p->buf[p->l3 + 3] = 16;
	pkt_ipv4_fix_csum(p);
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

ROW(ipv6_payload_len_over_frame, "IPv6 payload length one byte more than the frame holds: drop_bad_length")
{
	tcp6(p, DST6, 64, 10);
	p->buf[p->l3 + 5]++;
	expect_drop(e, XS_STAT_DROP_BAD_LEN);
}

/* ---- several packets of one flow ----------------------------------------- */

static void run_expect(struct pkt *p, struct expect *e)
{
	static struct run r;

	run_pkt(p->buf, p->len, &r);
	cr_assert_eq(r.err, 0, "bpf_prog_test_run: %s", strerror(-r.err));
	cr_expect_eq(r.act, e->act, "verdict %s, expected %s", act_name(r.act),
		     act_name(e->act));
	check_stats(e, &r);
	check_output(p, e, &r);
}

static void tcp4_seg(struct pkt *p, __u32 seq, __u8 flags, size_t len)
{
	pkt_init(p);
	eth_in(p);
	ip4(p, SRC4, DST4, 64);
	tcp(p, 40000, 443, seq, flags);
	pkt_payload(p, NULL, len);
	pkt_finish(p);
}

Test(xdp_table, tcp_flow_two_packets,
     .description = "Two packets of one TCP flow: one entry, packets 2, bytes summed, flags ORed, seq max advanced")
{
	struct expect e;

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1000, PKT_TCP_SYN, 0);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_flow(&e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 40);
	run_expect(&pk, &e);

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1001, TCP_AP, 100);
	expect_fwd(&e, MAC_GW, MAC_OUT0);	/* no flow_new this time */
	run_expect(&pk, &e);

	e.flow = true;
	e.key = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	e.packets = 2;
	e.bytes = 40 + 140;
	expect_tcp(&e, PKT_TCP_SYN | TCP_AP, 1101);
	check_flow(&e);
}

Test(xdp_table, tcp_seq_wraparound,
     .description = "TCP sequence wrapping past 2^32 raises seq max to the wrapped value; an older segment does not lower it")
{
	struct expect e;

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 0xffffff00u, TCP_AP, 200);	/* ends at 0xffffffc8 */
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_flow(&e, key4(SRC4, DST4, IPPROTO_TCP, 40000, 443), 240);
	run_expect(&pk, &e);
	expect_tcp(&e, TCP_AP, 0xffffffc8u);
	check_flow(&e);

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 0xffffffc8u, PKT_TCP_ACK, 100);	/* ends at 0x2c: wrapped */
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	run_expect(&pk, &e);
	e.flow = true;
	e.key = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	e.packets = 2;
	e.bytes = 240 + 140;
	expect_tcp(&e, TCP_AP, 0x2c);
	check_flow(&e);

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 0xffffff00u, PKT_TCP_ACK | PKT_TCP_FIN, 200);	/* retransmission */
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_stat(&e, XS_STAT_TCP_RETRANS);	/* below seq max across the wrap */
	run_expect(&pk, &e);
	e.flow = true;
	e.key = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	e.packets = 3;
	e.bytes = 240 + 140 + 240;
	expect_tcp(&e, TCP_AP | PKT_TCP_FIN, 0x2c);
	check_flow(&e);
}

Test(xdp_table, vlan_and_untagged_are_two_flows,
     .description = "The same 5-tuple with and without a VLAN tag makes two entries")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_flow_stats fs;
	int fd = bpf_map__fd(skel->maps.xs_flows);
	struct expect e;

	memset(&e, 0, sizeof(e));
	tcp4(&pk, DST4, 64, 10);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_stat(&e, XS_STAT_FLOW_NEW);
	run_expect(&pk, &e);

	memset(&e, 0, sizeof(e));
	pkt_init(&pk);
	eth_in(&pk);
	pkt_vlan(&pk, ETH_P_8021Q, 7);
	ip4(&pk, SRC4, DST4, 64);
	tcp(&pk, 40000, 443, 1000, TCP_AP);
	pkt_payload(&pk, NULL, 10);
	pkt_finish(&pk);
	expect_pass(&e, XS_STAT_PASS_VLAN);
	expect_stat(&e, XS_STAT_FLOW_NEW);
	run_expect(&pk, &e);

	cr_expect_eq(count_flows(), 2);
	cr_expect_eq(bpf_map_lookup_elem(fd, &k, &fs), 0, "untagged entry missing");
	k.vlan = 7;
	cr_expect_eq(bpf_map_lookup_elem(fd, &k, &fs), 0, "VLAN 7 entry missing");
}

/* ---- a full flow table ------------------------------------------------------ */

Test(xdp_flow_table, full_table_counts_untracked,
     .init = setup_tiny_table, .fini = teardown,
     .description = "xs_flows with room for one entry (no reserve): a second flow is only in the sketch (flow_sketch_only), still forwarded")
{
	struct expect e;

	memset(&e, 0, sizeof(e));
	tcp4(&pk, DST4, 64, 10);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_stat(&e, XS_STAT_FLOW_NEW);
	run_expect(&pk, &e);

	memset(&e, 0, sizeof(e));
	tcp6(&pk, DST6, 64, 10);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_stat(&e, XS_STAT_FLOW_SKETCH_ONLY);
	run_expect(&pk, &e);

	e.flow = true;
	e.key = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	e.packets = 1;
	e.bytes = 50;
	expect_tcp(&e, TCP_AP, 1010);
	check_flow(&e);
}

/* ---- the packet builder itself ---------------------------------------------- */

Test(pkt_builder, ipv4_header_checksum_known_vector,
     .description = "pkt_ipv4_hdr_csum() on a published IPv4 header gives its published checksum 0xb861")
{
	static const uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
				       0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
				       0xc0, 0xa8, 0x00, 0xc7 };

	cr_expect_eq(pkt_ipv4_hdr_csum(h), 0xb861);
}

/* A finished packet's L4 checksum verifies: the sum over pseudo-header + L4 folds to 0. */
static void verify_l4(const struct pkt *p)
{
	size_t len = p->len - p->l4;
	uint32_t sum = 0;
	uint8_t w[4];

	if (p->l4_proto != IPPROTO_ICMP) {
		if (p->family == AF_INET) {
			sum = pkt_csum_add(0, p->buf + p->l3 + 12, 8);
			sum += p->l4_proto + (uint32_t)len;
		} else {
			sum = pkt_csum_add(0, p->buf + p->l3 + 8, 32);
			w[0] = 0; w[1] = 0; w[2] = (uint8_t)(len >> 8); w[3] = (uint8_t)len;
			sum = pkt_csum_add(sum, w, 4) + p->l4_proto;
		}
	}
	cr_expect_eq(pkt_csum_fold(pkt_csum_add(sum, p->buf + p->l4, len)), 0,
		     "L4 checksum of proto %u does not verify", p->l4_proto);
}

Test(pkt_builder, l4_checksums_verify,
     .description = "TCP/UDP/ICMP/ICMPv6 checksums (odd lengths, extension headers) verify to zero")
{
	size_t n;

	for (n = 0; n < 4; n++) {
		tcp4(&pk, DST4, 64, 99 + n);
		verify_l4(&pk);
		cr_expect_eq(pkt_ipv4_hdr_csum(pk.buf + pk.l3),
			     pk.buf[pk.l3 + 10] << 8 | pk.buf[pk.l3 + 11]);
		pkt_init(&pk);
		tcp6(&pk, DST6, 64, 99 + n);
		verify_l4(&pk);
		pkt_init(&pk);
		dstopts_chain(&pk, 3);
		verify_l4(&pk);
		pkt_init(&pk);
		eth_in(&pk);
		ip4(&pk, SRC4, DST4, 64);
		pkt_icmp(&pk, 8, 0, 1, 2);
		pkt_payload(&pk, NULL, 7 + n);
		pkt_finish(&pk);
		verify_l4(&pk);
		pkt_init(&pk);
		eth_in(&pk);
		ip6(&pk, SRC6, DST6, 64);
		pkt_icmp(&pk, 128, 0, 1, 2);
		pkt_payload(&pk, NULL, 7 + n);
		pkt_finish(&pk);
		verify_l4(&pk);
		pkt_init(&pk);
	}
}

Test(pkt_builder, ipv6_fragments_reassemble,
     .description = "pkt_fragment(): IPv6 fragments carry the whole datagram's bytes and the right offsets")
{
	static struct pkt f1, f2;
	size_t unfrag;

	udp6_whole(&whole);
	cr_assert(pkt_fragment(&whole, 0, 104, 9, &f1));
	cr_assert(pkt_fragment(&whole, 104, 1000, 9, &f2));
	unfrag = whole.l3 + 40;
	cr_expect_eq(f1.len, unfrag + 8 + 104);
	cr_expect_eq(f2.len, unfrag + 8 + 104);	/* 208 bytes of UDP in all */
	cr_expect_eq(f1.buf[unfrag + 2] << 8 | f1.buf[unfrag + 3], 1);	/* offset 0, M */
	cr_expect_eq(f2.buf[unfrag + 2] << 8 | f2.buf[unfrag + 3], 104);	/* offset 104, last */
	cr_expect_eq(f1.buf[f1.l3 + 6], PKT_IPV6_FRAGMENT);
	cr_expect_eq(f1.buf[unfrag], IPPROTO_UDP);
	cr_expect(memcmp(f1.buf + unfrag + 8, whole.buf + unfrag, 104) == 0);
	cr_expect(memcmp(f2.buf + unfrag + 8, whole.buf + unfrag + 104, 104) == 0);
	cr_expect_eq(f1.l4, unfrag + 8);
	cr_expect_eq(f2.l4, PKT_NONE);
}

struct heavy_events {
	int n;
	struct xs_event ev;
};

static int on_heavy_event(void *ctx, void *data, size_t len)
{
	struct heavy_events *h = ctx;

	cr_assert_eq(len, sizeof(struct xs_event));
	memcpy(&h->ev, data, sizeof(h->ev));
	h->n++;
	return 0;
}

/* The program's config set to cfg, and a reader of its events into h. */
static struct ring_buffer *events_with(const struct xs_config *cfg, struct heavy_events *h)
{
	struct ring_buffer *rb;
	__u32 zero = 0;

	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero, cfg,
				      BPF_ANY) == 0);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_events), on_heavy_event, h, NULL);
	cr_assert_not_null(rb);
	return rb;
}

Test(xdp_table, heavy_event_once_on_crossing,
     .description = "A flow crossing xs_config.heavy_bytes emits exactly one XS_EV_HEAVY ring-buffer event, at the crossing packet")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .heavy_bytes = 300 };
	struct heavy_events h = { 0 };
	struct ring_buffer *rb = events_with(&cfg, &h);
	struct expect e;
	int i;

	/* 140 bytes each: 140, 280 (below 300), 420 (crosses), 560 (above) */
	for (i = 0; i < 4; i++) {
		memset(&e, 0, sizeof(e));
		tcp4_seg(&pk, 1000 + 100 * i, TCP_AP, 100);
		expect_fwd(&e, MAC_GW, MAC_OUT0);
		if (i == 0)
			expect_flow(&e, k, 140);
		if (i == 2)
			expect_stat(&e, XS_STAT_EVENT_HEAVY);
		run_expect(&pk, &e);
		ring_buffer__consume(rb);
		cr_assert_eq(h.n, i >= 2 ? 1 : 0, "after packet %d: %d events", i + 1, h.n);
	}
	cr_assert_eq(h.ev.type, XS_EV_HEAVY);
	cr_assert_eq(h.ev.value, 420);
	cr_assert_eq(memcmp(&h.ev.key, &k, sizeof(k)), 0, "event key differs from the flow's");
	cr_assert_neq(h.ev.ts_ns, 0);
	ring_buffer__free(rb);
}

Test(xdp_table, candidate_event_every_multiple,
     .description = "XS_EV_CANDIDATE at each multiple of xs_config.cand_bytes a flow crosses (the controller lets slow candidates go; the next multiple brings them back), and at a first packet that reaches it")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .cand_bytes = 300 };
	struct heavy_events h = { 0 };
	struct ring_buffer *rb = events_with(&cfg, &h);
	struct expect e;
	__u32 zero = 0;
	int i, want = 0;

	/* 140 bytes each: 140 280 | 420 560 | 700 840 | 980: crossings at 3, 5, 7 */
	for (i = 0; i < 7; i++) {
		bool cross = i == 2 || i == 4 || i == 6;

		memset(&e, 0, sizeof(e));
		tcp4_seg(&pk, 1000 + 100 * i, TCP_AP, 100);
		expect_fwd(&e, MAC_GW, MAC_OUT0);
		if (i == 0)
			expect_flow(&e, k, 140);
		if (cross)
			expect_stat(&e, XS_STAT_EVENT_CANDIDATE);
		run_expect(&pk, &e);
		ring_buffer__consume(rb);
		want += cross;
		cr_assert_eq(h.n, want, "after packet %d: %d events, want %d", i + 1, h.n, want);
		if (cross) {
			cr_assert_eq(h.ev.type, XS_EV_CANDIDATE);
			cr_assert_eq(h.ev.value, 140 * (__u64)(i + 1));
			cr_assert_eq(memcmp(&h.ev.key, &k, sizeof(k)), 0);
		}
	}
	/* a new flow whose first packet is past the threshold */
	cfg.cand_bytes = 100;
	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero, &cfg,
				      BPF_ANY) == 0);
	k = key4(SRC4, DST4, IPPROTO_TCP, 40001, 443);
	memset(&e, 0, sizeof(e));
	pkt_init(&pk);
	eth_in(&pk);
	ip4(&pk, SRC4, DST4, 64);
	tcp(&pk, 40001, 443, 1000, TCP_AP);
	pkt_payload(&pk, NULL, 100);
	pkt_finish(&pk);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	expect_flow(&e, k, 140);
	expect_stat(&e, XS_STAT_EVENT_CANDIDATE);
	run_expect(&pk, &e);
	ring_buffer__consume(rb);
	cr_assert_eq(h.n, want + 1);
	cr_assert_eq(h.ev.type, XS_EV_CANDIDATE);
	cr_assert_eq(memcmp(&h.ev.key, &k, sizeof(k)), 0);
	ring_buffer__free(rb);
}

/* ---- congestion signals and moves ---------------------------------------- */

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void set_config(const struct xs_config *cfg)
{
	__u32 zero = 0;

	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_config), &zero, cfg,
				      BPF_ANY) == 0);
}

static struct xs_flow_stats flow_of(struct xs_flow_key k)
{
	struct xs_flow_stats fs;

	cr_assert(bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_flows), &k, &fs) == 0,
		  "flow not in the table");
	return fs;
}

struct cong_events {
	int n;
	struct xs_event ev[8];
};

static int on_cong_event(void *ctx, void *data, size_t len)
{
	struct cong_events *c = ctx;

	cr_assert_eq(len, sizeof(struct xs_event));
	if (c->n < 8)
		memcpy(&c->ev[c->n], data, sizeof(struct xs_event));
	c->n++;
	return 0;
}

/* One segment of the test flow; `stats` are the counters it must move. */
static void seg(__u32 seq, __u8 flags, size_t len, const int *stats, int nstats, bool first)
{
	struct expect e;
	int i;

	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, seq, flags, len);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	if (first)
		expect_stat(&e, XS_STAT_FLOW_NEW);
	for (i = 0; i < nstats; i++)
		expect_stat(&e, stats[i]);
	run_expect(&pk, &e);
}

Test(xdp_table, tcp_congestion_signals,
     .description = "In order, retransmitted, CWR, retransmission after an idle gap (RTO), keep-alive: per-flow counters and events")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	/* no RTO gap at first, however long the test process waits between packets */
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .rto_gap_ns = 100000000000ULL,
				 .sig_period_ns = 100000000000ULL, .sig_threshold = 2 };
	static const int retrans[] = { XS_STAT_TCP_RETRANS };
	static const int cwr_event[] = { XS_STAT_TCP_CWR, XS_STAT_EVENT_CONG };
	static const int rto[] = { XS_STAT_TCP_RETRANS, XS_STAT_TCP_RTO, XS_STAT_EVENT_CONG };
	struct cong_events c = { 0 };
	struct xs_flow_stats fs;
	struct ring_buffer *rb;

	set_config(&cfg);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_events), on_cong_event, &c, NULL);
	cr_assert_not_null(rb);

	seg(1000, TCP_AP, 100, NULL, 0, true);		/* seq max 1100 */
	seg(1100, TCP_AP, 100, NULL, 0, false);		/* in order: 1200 */
	seg(1000, TCP_AP, 100, retrans, 1, false);	/* below 1200: retransmission */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 0, "one signal of a threshold of 2: no event yet");
	seg(1200, TCP_AP | PKT_TCP_CWR, 100, cwr_event, 2, false);	/* 2nd signal */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 1);
	cr_assert_eq(c.ev[0].type, XS_EV_CWR);
	cr_assert_eq(c.ev[0].value, 2);
	cr_assert_eq(memcmp(&c.ev[0].key, &k, sizeof(k)), 0);

	cfg.rto_gap_ns = 40000000;			/* then one of 40 ms */
	set_config(&cfg);
	usleep(60000);					/* idle longer than rto_gap */
	seg(1100, TCP_AP, 100, rto, 3, false);		/* retransmission after a gap */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 2, "the RTO is reported at once (3rd signal: no threshold event)");
	cr_assert_eq(c.ev[1].type, XS_EV_RTO);
	cr_assert_geq(c.ev[1].value, 40000000, "gap %llu ns", (unsigned long long)c.ev[1].value);

	seg(1299, PKT_TCP_ACK, 1, NULL, 0, false);	/* keep-alive probe: no loss */
	seg(1300, PKT_TCP_ACK, 0, NULL, 0, false);	/* pure ACK at seq max */

	fs = flow_of(k);
	cr_assert_eq(fs.tcp_retrans, 2);
	cr_assert_eq(fs.tcp_cwr, 1);
	cr_assert_eq(fs.tcp_rto, 1);
	cr_assert_eq(fs.tcp_seq_max, 1300);
	cr_assert_eq(fs.sig_count, 3);
	ring_buffer__free(rb);
}

Test(xdp_table, tcp_retrans_across_wrap,
     .description = "Sequence numbers wrapping past 2^32: an old segment before the wrap is a retransmission, the next in-order one is not")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT };
	static const int retrans[] = { XS_STAT_TCP_RETRANS };

	set_config(&cfg);
	seg(0xffffff00u, TCP_AP, 0x100, NULL, 0, true);	/* ends at 0: wrapped */
	seg(0xffffff80u, TCP_AP, 0x40, retrans, 1, false);	/* before 0: old */
	seg(0x00000000u, TCP_AP, 100, NULL, 0, false);		/* in order */
	seg(0x00000064u, TCP_AP, 100, NULL, 0, false);
	cr_assert_eq(flow_of(k).tcp_retrans, 1);
	cr_assert_eq(flow_of(k).tcp_seq_max, 200);
}

/*
 * A known flow looks the steer table up again within a 4 ms slot, or at
 * its next packet once steer_gen changed: what a writer does that wants
 * its entry seen at once (and what keeps these rows free of timing).
 */
static void steer_gen_bump(void)
{
	int fd = bpf_map__fd(skel->maps.xs_config);
	struct xs_config cfg;
	__u32 zero = 0;

	cr_assert(bpf_map_lookup_elem(fd, &zero, &cfg) == 0);
	cfg.steer_gen++;
	cr_assert(bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY) == 0);
}

static void steer_pending(struct xs_flow_key k, __u32 from, __u32 to, __u64 deadline)
{
	struct xs_steer_entry st = { .path_id = from, .flags = XS_STEER_F_PENDING,
				     .next_path_id = to, .deadline_ns = deadline };

	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_steer), &k, &st, BPF_ANY) == 0);
	steer_gen_bump();
}

static struct xs_steer_entry steer_of(struct xs_flow_key k)
{
	struct xs_steer_entry st;

	cr_assert(bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_steer), &k, &st) == 0);
	return st;
}

Test(xdp_table, move_waits_for_flowlet_gap,
     .description = "A pending move waits while packets come back to back, and happens at the first idle gap (move_at_gap)")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	/* back to back: no gap of 10 s, however long the test process waits */
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .flowlet_gap_ns = 10000000000ULL };
	struct xs_steer_entry st;
	struct expect e;
	__u64 t0;

	set_config(&cfg);
	seg(1000, TCP_AP, 100, NULL, 0, true);
	steer_pending(k, XS_PATH_NONE, 7, mono_ns() + 100000000000ULL);
	seg(1100, TCP_AP, 100, NULL, 0, false);		/* no gap: fast path still */
	st = steer_of(k);
	cr_assert(st.flags & XS_STEER_F_PENDING);
	cr_assert_eq(st.path_id, XS_PATH_NONE);

	cfg.flowlet_gap_ns = 30000000;			/* then a gap of 30 ms */
	set_config(&cfg);
	usleep(50000);
	t0 = mono_ns();
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1200, TCP_AP, 100);
	expect_stat(&e, XS_STAT_MOVE_GAP);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);		/* now on path 7 (no socket here) */
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	st = steer_of(k);
	cr_assert_not(st.flags & XS_STEER_F_PENDING);
	cr_assert_eq(st.path_id, 7);
	cr_assert_geq(st.since_ns, t0);
}

Test(xdp_table, move_forced_at_deadline,
     .description = "A pending move whose deadline passed happens even without a gap (move_forced)")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .flowlet_gap_ns = 10000000000ULL };
	struct expect e;

	set_config(&cfg);
	seg(1000, TCP_AP, 100, NULL, 0, true);
	steer_pending(k, 3, 7, 1);			/* from path 3, deadline long past */
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1100, TCP_AP, 100);
	expect_stat(&e, XS_STAT_MOVE_FORCED);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	cr_assert_eq(steer_of(k).path_id, 7);
	cr_assert_not(steer_of(k).flags & XS_STEER_F_PENDING);
}

/* ---- fail-open on a stalled datapath (xs_xsk_beat) ------------------------- */

static struct xsk_umem *xumem;
static struct xsk_socket *xsock;
static void *xarea;

/* An AF_XDP socket on xin0 queue 0, in xs_xsks: a redirect there succeeds. */
static void xsk_up(void)
{
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	struct xsk_socket_config scfg = {
		.rx_size = 64, .tx_size = 64,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	size_t size = 64 * 4096;
	int err;

	xarea = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(xarea != MAP_FAILED);
	err = xsk_umem__create(&xumem, xarea, size, &fq, &cq, NULL);
	cr_assert_eq(err, 0, "xsk_umem__create: %s", strerror(-err));
	err = xsk_socket__create(&xsock, "xin0", 0, xumem, &rx, &tx, &scfg);
	cr_assert_eq(err, 0, "xsk_socket__create on xin0: %s", strerror(-err));
	err = xsk_socket__update_xskmap(xsock, bpf_map__fd(skel->maps.xs_xsks));
	cr_assert_eq(err, 0, "cannot put the socket in xs_xsks: %s", strerror(-err));
}

static void set_beat(__u32 queue, __u64 ns)
{
	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_xsk_beat), &queue, &ns,
				      BPF_ANY) == 0);
}

static __u64 get_beat(__u32 queue)
{
	__u64 ns;

	cr_assert(bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_xsk_beat), &queue, &ns) == 0);
	return ns;
}

/* A steered TCP segment on queue 0; beat: xs_xsk_beat[0] before it. */
/*
 * A steered flow with a socket on the queue, whose datapath beat at now +
 * ahead_ns (taken once the socket is up, which may take a while on a loaded
 * machine), or never (never: true).
 */
static void steered_row(bool never, __s64 ahead_ns, struct expect *e)
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);

	xsk_up();
	steer(k, 7);
	set_beat(0, never ? 0 : (__u64)((__s64)mono_ns() + ahead_ns));
	tcp4(&pk, DST4, 64, 10);
	expect_flow(e, k, 50);
	expect_tcp(e, TCP_AP, 1010);
}

Test(xdp_table, steered_live_xsk,
     .description = "Steered flow, socket on the queue, its datapath beat just now: redirected to AF_XDP (verdict_xsk), path in metadata")
{
	/* "just now": alive under any bound a stalled test process could exceed */
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .xsk_stale_ns = 60000000000ULL };
	struct expect e = { 0 };

	set_config(&cfg);
	steered_row(false, 0, &e);
	e.act = XDP_REDIRECT;
	expect_stat(&e, XS_STAT_V_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
}

Test(xdp_table, steered_stale_beat,
     .description = "Steered flow, socket on the queue, but its datapath last beat 1 s ago (stalled): kernel path, untouched (pass_xsk_stale)")
{
	struct expect e = { 0 };

	steered_row(false, -1000000000LL, &e);
	expect_pass(&e, XS_STAT_PASS_XSK_STALE);
	run_expect(&pk, &e);
}

Test(xdp_table, steered_never_beat,
     .description = "Steered flow, socket on the queue, no beat ever written: pass_xsk_stale, untouched")
{
	struct expect e = { 0 };

	steered_row(true, 0, &e);
	expect_pass(&e, XS_STAT_PASS_XSK_STALE);
	run_expect(&pk, &e);
}

Test(xdp_table, steered_stale_bound_from_config,
     .description = "xsk_stale_ns in xs_config sets the bound: a 400 ms old beat is stale at 300 ms, alive at 2 s")
{
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .xsk_stale_ns = 300000000ULL };
	struct expect e = { 0 };

	set_config(&cfg);
	steered_row(false, -400000000LL, &e);
	expect_pass(&e, XS_STAT_PASS_XSK_STALE);
	run_expect(&pk, &e);

	cfg.xsk_stale_ns = 2000000000ULL;
	set_config(&cfg);
	memset(&e, 0, sizeof(e));
	e.act = XDP_REDIRECT;
	expect_stat(&e, XS_STAT_V_XSK);
	e.meta = true;
	e.path_id = 7;
	tcp4_seg(&pk, 1010, TCP_AP, 10);	/* the flow's next segment */
	run_expect(&pk, &e);
}

Test(xdp_table, steered_beat_in_future,
     .description = "A beat written after the packet's clock read (a few ms ahead) is alive, not a wrapped-around age")
{
	struct expect e = { 0 };

	steered_row(false, 5000000LL, &e);
	e.act = XDP_REDIRECT;
	expect_stat(&e, XS_STAT_V_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
}

Test(xdp_table, datapath_beats_while_idle,
     .description = "The AF_XDP datapath on xin0/xout0 writes xs_xsk_beat[0] at start and keeps beating with no traffic; 0 after destroy")
{
	struct xs_dp_config dcfg = {
		.host_if = "xin0", .uplink_if = "xout0", .queues = 1,
		.xsks_map_fd = bpf_map__fd(skel->maps.xs_xsks),
		.beat_map_fd = bpf_map__fd(skel->maps.xs_xsk_beat),
		.frames = 256, .ring_size = 64,
	};
	struct xs_dp *dp;
	__u64 b0, b;
	int err, i;

	err = xs_dp__create(&dp, &dcfg);
	cr_assert_eq(err, 0, "xs_dp__create: %s", strerror(-err));
	err = xs_dp_start(dp);
	cr_assert_eq(err, 0, "xs_dp_start: %s", strerror(-err));
	b0 = get_beat(0);
	cr_assert_neq(b0, 0, "no beat written at start");
	/* wait for a later beat (no deadline asserted: only that one comes) */
	for (i = 0, b = b0; b == b0 && i < 500; i++) {
		usleep(10000);
		b = get_beat(0);
	}
	cr_assert_gt(b, b0, "the idle datapath thread never beat again");
	xs_dp__destroy(dp);
	cr_assert_eq(get_beat(0), 0, "beat left behind after destroy");
}

Test(xdp_table, datapath_refuses_without_beat_map,
     .description = "xs_dp__create without the beat map: -EBADF (the XDP program would see a stalled datapath)")
{
	struct xs_dp_config dcfg = {
		.host_if = "xin0", .uplink_if = "xout0", .queues = 1,
		.xsks_map_fd = bpf_map__fd(skel->maps.xs_xsks), .beat_map_fd = -1,
	};
	struct xs_dp *dp = NULL;

	cr_assert_eq(xs_dp__create(&dp, &dcfg), -EBADF);
}

/* ---- admission: only what the kernel would forward is redirected ------------
 * Each row: verdict XDP_PASS, its counter, the frame untouched, no flow entry
 * (a frame the kernel's forwarding refuses is not the tenant's traffic).
 */

static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_MCAST4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
static const uint8_t MAC_MCAST6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_OTHER[6] = { 0x02, 0, 0, 0, 0x09, 0x09 };	/* another host */

static void udp4_frame(struct pkt *p, const uint8_t *dmac, const char *src, const char *dst)
{
	pkt_init(p);
	pkt_eth(p, dmac, MAC_IN1);
	ip4(p, src, dst, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
}

static void udp6_frame(struct pkt *p, const uint8_t *dmac, const char *src, const char *dst)
{
	pkt_init(p);
	pkt_eth(p, dmac, MAC_IN1);
	ip6(p, src, dst, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
}

#define ADMIT_ROW4(name, desc, dmac, src, dst, why)			\
	ROW(name, desc) { udp4_frame(p, dmac, src, dst); expect_pass(e, why); }
#define ADMIT_ROW6(name, desc, dmac, src, dst, why)			\
	ROW(name, desc) { udp6_frame(p, dmac, src, dst); expect_pass(e, why); }

ADMIT_ROW4(l2_broadcast_ipv4, "IPv4 to a routed destination in a broadcast frame: not forwarded (pass_l2_multicast)",
	   MAC_BCAST, SRC4, DST4, XS_STAT_PASS_L2_MCAST)
ADMIT_ROW4(l2_multicast_ipv4, "IPv4 to a routed destination in a multicast frame (01:00:5e): pass_l2_multicast",
	   MAC_MCAST4, SRC4, DST4, XS_STAT_PASS_L2_MCAST)
ADMIT_ROW6(l2_multicast_ipv6, "IPv6 to a routed destination in a multicast frame (33:33): pass_l2_multicast",
	   MAC_MCAST6, SRC6, DST6, XS_STAT_PASS_L2_MCAST)
ADMIT_ROW4(l2_other_host_ipv4, "IPv4 in a frame addressed to another host's MAC: pass_l2_not_ours",
	   MAC_OTHER, SRC4, DST4, XS_STAT_PASS_L2_NOT_OURS)
ADMIT_ROW6(l2_other_host_ipv6, "IPv6 in a frame addressed to another host's MAC: pass_l2_not_ours",
	   MAC_OTHER, SRC6, DST6, XS_STAT_PASS_L2_NOT_OURS)

ADMIT_ROW4(ipv4_src_loopback, "IPv4 from 127.0.0.1: martian source (pass_martian_src)",
	   MAC_IN0, "127.0.0.1", DST4, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_src_zero, "IPv4 from 0.0.0.0: martian source", MAC_IN0, "0.0.0.0", DST4,
	   XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_src_zeronet, "IPv4 from 0.1.2.3 (0/8): martian source", MAC_IN0, "0.1.2.3", DST4,
	   XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_src_multicast, "IPv4 from 224.0.0.5 (multicast): martian source", MAC_IN0,
	   "224.0.0.5", DST4, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_src_broadcast, "IPv4 from 255.255.255.255: martian source", MAC_IN0,
	   "255.255.255.255", DST4, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_src_class_e, "IPv4 from 240.0.0.1 (class E): martian source", MAC_IN0,
	   "240.0.0.1", DST4, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW4(ipv4_dst_zero, "IPv4 to 0.0.0.0: martian destination (pass_martian_dst)", MAC_IN0,
	   SRC4, "0.0.0.0", XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW4(ipv4_dst_zeronet, "IPv4 to 0.1.2.3 (0/8): martian destination", MAC_IN0, SRC4,
	   "0.1.2.3", XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW4(ipv4_dst_loopback, "IPv4 to 127.0.0.1: martian destination", MAC_IN0, SRC4,
	   "127.0.0.1", XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW4(ipv4_dst_multicast, "IPv4 to 239.1.2.3 (multicast) in a unicast frame: martian destination",
	   MAC_IN0, SRC4, "239.1.2.3", XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW4(ipv4_dst_broadcast, "IPv4 to 255.255.255.255 in a unicast frame: martian destination",
	   MAC_IN0, SRC4, "255.255.255.255", XS_STAT_PASS_MARTIAN_DST)

ADMIT_ROW6(ipv6_src_unspecified, "IPv6 from :: : martian source", MAC_IN0, "::", DST6,
	   XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW6(ipv6_src_multicast, "IPv6 from ff02::1 (multicast): martian source", MAC_IN0,
	   "ff02::1", DST6, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW6(ipv6_src_loopback, "IPv6 from ::1: martian source", MAC_IN0, "::1", DST6,
	   XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW6(ipv6_src_link_local, "IPv6 from fe80::1 (link-local, never forwarded): martian source",
	   MAC_IN0, "fe80::1", DST6, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW6(ipv6_src_v4mapped, "IPv6 from ::ffff:192.0.2.10 (IPv4-mapped, RFC 4291 2.5.5.2): martian source",
	   MAC_IN0, "::ffff:192.0.2.10", DST6, XS_STAT_PASS_MARTIAN_SRC)
ADMIT_ROW6(ipv6_dst_unspecified, "IPv6 to :: : martian destination", MAC_IN0, SRC6, "::",
	   XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW6(ipv6_dst_multicast, "IPv6 to ff0e::1 (multicast) in a unicast frame: martian destination",
	   MAC_IN0, SRC6, "ff0e::1", XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW6(ipv6_dst_loopback, "IPv6 to ::1: martian destination", MAC_IN0, SRC6, "::1",
	   XS_STAT_PASS_MARTIAN_DST)
ADMIT_ROW6(ipv6_dst_link_local, "IPv6 to fe80::1 (link-local): martian destination", MAC_IN0,
	   SRC6, "fe80::1", XS_STAT_PASS_MARTIAN_DST)

ROW(ipv4_bad_checksum, "IPv4 with a bad header checksum: pass_ipv4_bad_checksum, not accounted")
{
	tcp4(p, DST4, 64, 10);
	p->buf[p->l3 + 10] ^= 0x5a;
	expect_pass(e, XS_STAT_PASS_IP_CSUM);
}

ROW(ipv4_options_bad_checksum, "IPv4 with options (IHL 7) and a bad header checksum: pass_ipv4_bad_checksum")
{
	static const uint8_t nops[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };

	eth_in(p);
	pkt_ipv4(p, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4),
				       .opts = nops, .opts_len = sizeof(nops) });
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, 8);
	pkt_finish(p);
	p->buf[p->l3 + 26] ^= 0x01;	/* an option byte: the checksum covers it */
	expect_pass(e, XS_STAT_PASS_IP_CSUM);
}

ROW(ipv4_checksum_zero_is_checked, "IPv4 header checksum field 0 on a header that sums otherwise: bad (no 'checksum off' in IPv4)")
{
	tcp4(p, DST4, 64, 10);
	p->buf[p->l3 + 10] = 0;
	p->buf[p->l3 + 11] = 0;
	expect_pass(e, XS_STAT_PASS_IP_CSUM);
}

Test(xdp_table, ipv4_options_ports_from_l4,
     .description = "IPv4 with options, IHL 6 to 15: the key's ports come from the TCP/UDP header after the options, never from option bytes")
{
	uint8_t opts[40];
	int ihl;

	/* option bytes that look like ports if read at offset 20 */
	memset(opts, 0x01, sizeof(opts));
	opts[0] = 0x99; opts[1] = 0x99; opts[2] = 0x88; opts[3] = 0x88;
	for (ihl = 6; ihl <= 15; ihl++) {
		struct expect e = { 0 };
		__u16 sport = (__u16)(6000 + ihl);

		pkt_init(&pk);
		eth_in(&pk);
		pkt_ipv4(&pk, &(struct pkt_ip4){ .src = pkt_a4(SRC4), .dst = pkt_a4(DST4),
						  .opts = opts, .opts_len = (size_t)(ihl - 5) * 4 });
		if (ihl & 1)
			pkt_udp(&pk, sport, 53);
		else
			tcp(&pk, sport, 443, 1000, TCP_AP);
		pkt_payload(&pk, NULL, 8);
		pkt_finish(&pk);
		expect_pass(&e, XS_STAT_PASS_IP_OPTIONS);
		expect_stat(&e, XS_STAT_FLOW_NEW);
		run_expect(&pk, &e);
		flow_of(key4(SRC4, DST4, (ihl & 1) ? IPPROTO_UDP : IPPROTO_TCP, sport,
			     (ihl & 1) ? 53 : 443));
	}
	cr_assert_eq(count_flows(), 10, "%d flows for 10 packets of 10 flows", count_flows());
}

/* rp_filter: the reverse path of the source, as fib_validate_source() */

static void set_rpf(__u32 flag)
{
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT | flag };

	memcpy(cfg.dev_mac, MAC_IN0, 6);
	set_config(&cfg);
}

#define SRC4_VIA_OUT	"198.51.100.77"	/* its route back leaves by xout0, not xin0 */
#define SRC4_NO_ROUTE	"10.1.2.3"	/* no route back at all (no default route) */

ROW(rpf_strict_wrong_iface, "rp_filter strict, source routed back via another interface: pass_reverse_path, accounted")
{
	set_rpf(XS_CFG_F_RPF_STRICT);
	udp4_frame(p, MAC_IN0, SRC4_VIA_OUT, DST4);
	expect_pass(e, XS_STAT_PASS_RPF);
	expect_flow(e, key4(SRC4_VIA_OUT, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_strict_good, "rp_filter strict, source routed back via the ingress: fast path")
{
	set_rpf(XS_CFG_F_RPF_STRICT);
	udp4_frame(p, MAC_IN0, SRC4, DST4);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_loose_wrong_iface, "rp_filter loose, source routed back via another interface: forwarded (loose accepts any route)")
{
	set_rpf(XS_CFG_F_RPF_LOOSE);
	udp4_frame(p, MAC_IN0, SRC4_VIA_OUT, DST4);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(SRC4_VIA_OUT, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_loose_no_route, "rp_filter loose, no route back to the source: pass_reverse_path")
{
	set_rpf(XS_CFG_F_RPF_LOOSE);
	udp4_frame(p, MAC_IN0, SRC4_NO_ROUTE, DST4);
	expect_pass(e, XS_STAT_PASS_RPF);
	expect_flow(e, key4(SRC4_NO_ROUTE, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_off_unreachable_src, "rp_filter off, the source's route is unreachable: forwarded, as the kernel does")
{
	udp4_frame(p, MAC_IN0, DST4_UNREACH, DST4);
	expect_fwd(e, MAC_GW, MAC_OUT0);
	expect_flow(e, key4(DST4_UNREACH, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_loose_unreachable_src, "rp_filter loose, the source's route is unreachable: pass_reverse_path")
{
	set_rpf(XS_CFG_F_RPF_LOOSE);
	udp4_frame(p, MAC_IN0, DST4_UNREACH, DST4);
	expect_pass(e, XS_STAT_PASS_RPF);
	expect_flow(e, key4(DST4_UNREACH, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(rpf_off_no_route, "rp_filter off, no route at all back to the source: the helper cannot tell it from a local one, the kernel decides (pass_reverse_path)")
{
	udp4_frame(p, MAC_IN0, SRC4_NO_ROUTE, DST4);
	expect_pass(e, XS_STAT_PASS_RPF);
	expect_flow(e, key4(SRC4_NO_ROUTE, DST4, IPPROTO_UDP, 5353, 53), 36);
}

ROW(ipv4_src_own_address, "IPv4 from the router's own address (198.51.100.1 on xout0), rp_filter off: found on the reverse path (pass_reverse_path)")
{
	udp4_frame(p, MAC_IN0, "198.51.100.1", DST4);
	expect_pass(e, XS_STAT_PASS_RPF);
	expect_flow(e, key4("198.51.100.1", DST4, IPPROTO_UDP, 5353, 53), 36);
}

Test(xdp_table, rpf_strict_steered,
     .description = "rp_filter strict: a steered flow from a source routed back elsewhere is not handed to AF_XDP either (pass_reverse_path)")
{
	struct xs_flow_key k = key4(SRC4_VIA_OUT, DST4, IPPROTO_UDP, 5353, 53);
	struct expect e = { 0 };

	set_rpf(XS_CFG_F_RPF_STRICT);
	xsk_up();
	steer(k, 7);
	set_beat(0, mono_ns());
	udp4_frame(&pk, MAC_IN0, SRC4_VIA_OUT, DST4);
	expect_pass(&e, XS_STAT_PASS_RPF);
	expect_stat(&e, XS_STAT_FLOW_NEW);
	e.nh = NH_NONE;		/* refused on the way to AF_XDP, not the fast path */
	run_expect(&pk, &e);
}

Test(xdp_table, martian_steered,
     .description = "A steered flow's frame to another host's MAC is not handed to AF_XDP (pass_l2_not_ours)")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_UDP, 5353, 53);
	struct expect e = { 0 };

	xsk_up();
	steer(k, 7);
	set_beat(0, mono_ns());
	udp4_frame(&pk, MAC_OTHER, SRC4, DST4);
	expect_pass(&e, XS_STAT_PASS_L2_NOT_OURS);
	run_expect(&pk, &e);
	cr_assert_eq(count_flows(), 0);
}

/* ---- admission into xs_flows: the sketch above the fill level ------------- */

/*
 * An 8-entry table with a reserve of 2: free admission up to 6 entries,
 * candidates only above. Packets of 140 bytes (L3); thresholds in xs_config.
 */
#define ADM_ENTRIES	8
#define ADM_RESERVE	2
#define ADM_L3		140

static void setup_admission(void)
{
	ns_up();
	skel_up(ADM_ENTRIES);
}

static void adm_config(__u64 heavy, __u64 admit)
{
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .heavy_bytes = heavy,
				 .sketch_admit_bytes = admit, .flow_reserve = ADM_RESERVE };

	set_config(&cfg);
}

/* n entries put in by userspace (as any earlier flows would be) */
static void fill_table(int n)
{
	struct xs_flow_stats fs = { .packets = 1, .bytes = 64 };
	int i;

	for (i = 0; i < n; i++) {
		struct xs_flow_key k = key6("fd00:9::1", DST6, IPPROTO_UDP, 1000 + i, 9);

		cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_flows), &k, &fs,
					      BPF_NOEXIST) == 0);
	}
}

/* One 140-byte UDP packet (IPv6) of the flow with source port sport. */
static void udp6_pkt(struct pkt *p, __u16 sport)
{
	pkt_init(p);
	eth_in(p);
	ip6(p, SRC6, DST6, 64);
	pkt_udp(p, sport, 53);
	pkt_payload(p, NULL, ADM_L3 - 48);
	pkt_finish(p);
}

static struct xs_flow_key udp6_key(__u16 sport)
{
	return key6(SRC6, DST6, IPPROTO_UDP, sport, 53);
}

static bool in_table(struct xs_flow_key k)
{
	struct xs_flow_stats fs;

	return !bpf_map_lookup_elem(bpf_map__fd(skel->maps.xs_flows), &k, &fs);
}

/* One packet of flow sport, forwarded, moving `stats` besides the verdict. */
static void adm_pkt(__u16 sport, const int *stats, int n)
{
	struct expect e;
	int i;

	memset(&e, 0, sizeof(e));
	udp6_pkt(&pk, sport);
	expect_fwd(&e, MAC_GW, MAC_OUT0);
	for (i = 0; i < n; i++)
		expect_stat(&e, stats[i]);
	run_expect(&pk, &e);
}

static const int st_new[] = { XS_STAT_FLOW_NEW };
static const int st_sketch[] = { XS_STAT_FLOW_SKETCH_ONLY };
static const int st_admit[] = { XS_STAT_FLOW_NEW, XS_STAT_FLOW_ADMIT_SKETCH };

Test(xdp_admission, below_fill_level_admitted,
     .init = setup_admission, .fini = teardown,
     .description = "Below the fill level (8 entries, reserve 2) every new flow gets an entry at its first packet, thresholds or not")
{
	int i;

	adm_config(1000000, 1000000);
	for (i = 0; i < ADM_ENTRIES - ADM_RESERVE; i++)
		adm_pkt(2000 + i, st_new, 1);
	for (i = 0; i < ADM_ENTRIES - ADM_RESERVE; i++)
		cr_assert(in_table(udp6_key(2000 + i)), "flow %d has no entry", i);
}

Test(xdp_admission, above_fill_mouse_not_admitted,
     .init = setup_admission, .fini = teardown,
     .description = "At the fill level a mouse stays in the sketch: flow_sketch_only per packet, forwarded, no entry; the reserve stays free")
{
	int i;

	adm_config(1000000, 1000);
	fill_table(ADM_ENTRIES - ADM_RESERVE);
	for (i = 0; i < 5; i++)		/* 700 bytes: below 1000 */
		adm_pkt(3000, st_sketch, 1);
	cr_assert_not(in_table(udp6_key(3000)));
	cr_assert_eq(count_flows(), ADM_ENTRIES - ADM_RESERVE);
}

Test(xdp_admission, candidate_admitted_on_estimate,
     .init = setup_admission, .fini = teardown,
     .description = "Above the fill level a flow whose estimate reaches sketch_admit_bytes is admitted at that packet, its entry counting from the estimate")
{
	struct xs_flow_stats fs;
	struct xs_flow_key k = udp6_key(3001);

	adm_config(1000000, 300);
	fill_table(ADM_ENTRIES - ADM_RESERVE);
	adm_pkt(3001, st_sketch, 1);		/* 140 */
	adm_pkt(3001, st_sketch, 1);		/* 280 */
	cr_assert_not(in_table(k));
	adm_pkt(3001, st_admit, 2);		/* 420 >= 300: a candidate */
	fs = flow_of(k);
	cr_assert_eq(fs.bytes, 3 * ADM_L3, "seeded with %llu bytes", (unsigned long long)fs.bytes);
	cr_assert_eq(fs.packets, 1);
	cr_assert(fs.flags & XS_FLOW_F_SKETCH);
	adm_pkt(3001, NULL, 0);			/* from now on exact */
	cr_assert_eq(flow_of(k).bytes, 4 * ADM_L3);
	cr_assert_eq(flow_of(k).packets, 2);
	/* a mouse beside it still stays out */
	adm_pkt(3002, st_sketch, 1);
}

/* Keys as a file gives them, written as the daemon writes them (xs_daemon_xdp_config). */
static void adm_config_file(const char *text)
{
	static struct xs_cfg c;
	struct xs_config x = { .flags = XS_CFG_F_REDIRECT };
	char err[256] = "";

	xs_cfg_defaults(&c, "t");	/* a tenant names the devices the check wants */
	cr_assert_eq(xs_cfg_load_buf(&c, "t.conf", text, strlen(text), err, sizeof(err)), 0,
		     "%s", err);
	xs_daemon_xdp_config(&c, &x);
	set_config(&x);
}

Test(xdp_admission, admit_key_makes_candidates_earlier,
     .init = setup_admission, .fini = teardown,
     .description = "sketch-admit-bytes from a file, as the daemon writes it: a flow that stays in the sketch under the default (heavy-bytes / 8) is admitted at its next packet once the key is lower")
{
	static const char base[] = "[classifier]\nheavy-bytes = 1M\n"
				   "[tables]\nflow-table-size = 8\nflow-reserve = 2\n";
	static const char low[] = "[classifier]\nheavy-bytes = 1M\nsketch-admit-bytes = 1k\n"
				  "[tables]\nflow-table-size = 8\nflow-reserve = 2\n";
	int i;

	adm_config_file(base);			/* candidates from 125k */
	fill_table(ADM_ENTRIES - ADM_RESERVE);
	for (i = 0; i < 10; i++)		/* 1400 bytes */
		adm_pkt(3100, st_sketch, 1);
	cr_assert_not(in_table(udp6_key(3100)));
	adm_config_file(low);			/* candidates from 1000 */
	adm_pkt(3100, st_admit, 2);		/* 1540 */
	cr_assert_eq(flow_of(udp6_key(3100)).bytes, 11 * ADM_L3);
	for (i = 0; i < 7; i++)			/* a new flow: 980 */
		adm_pkt(3101, st_sketch, 1);
	adm_pkt(3101, st_admit, 2);		/* 1120 */
}

Test(xdp_admission, reserve_key_moves_the_fill_level,
     .init = setup_admission, .fini = teardown,
     .description = "flow-reserve from a file, as the daemon writes it: with 4 of 8 entries reserved a new mouse stays in the sketch at 4 entries; with 2 it gets an entry")
{
	adm_config_file("[tables]\nflow-table-size = 8\nflow-reserve = 4\n");
	fill_table(4);
	adm_pkt(3200, st_sketch, 1);
	cr_assert_not(in_table(udp6_key(3200)));
	adm_config_file("[tables]\nflow-table-size = 8\nflow-reserve = 2\n");
	adm_pkt(3200, st_new, 1);
	adm_pkt(3201, st_new, 1);		/* the 6th entry */
	adm_pkt(3202, st_sketch, 1);		/* at the fill level again */
}

Test(xdp_admission, elephant_crossing_in_sketch_admitted_with_event,
     .init = setup_admission, .fini = teardown,
     .description = "A flow that crosses heavy_bytes while only in the sketch raises XS_EV_HEAVY at that very packet and is admitted at once")
{
	static const int st_heavy[] = { XS_STAT_FLOW_HEAVY_SKETCH, XS_STAT_EVENT_HEAVY,
					XS_STAT_FLOW_NEW, XS_STAT_FLOW_ADMIT_SKETCH };
	struct xs_flow_key k = udp6_key(3003);
	struct cong_events c = { 0 };
	struct ring_buffer *rb;

	adm_config(400, 100000);		/* candidates above heavy: the crossing first */
	fill_table(ADM_ENTRIES - ADM_RESERVE);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_events), on_cong_event, &c, NULL);
	cr_assert_not_null(rb);
	adm_pkt(3003, st_sketch, 1);
	adm_pkt(3003, st_sketch, 1);
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 0);
	adm_pkt(3003, st_heavy, 4);		/* 420 >= 400 */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 1);
	cr_assert_eq(c.ev[0].type, XS_EV_HEAVY);
	cr_assert_eq(c.ev[0].value, 3 * ADM_L3);
	cr_assert_eq(memcmp(&c.ev[0].key, &k, sizeof(k)), 0);
	cr_assert_eq(flow_of(k).bytes, 3 * ADM_L3);
	adm_pkt(3003, NULL, 0);			/* tracked: no second event */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 1);
	ring_buffer__free(rb);
}

Test(xdp_admission, elephant_in_full_table_still_detected,
     .init = setup_admission, .fini = teardown,
     .description = "With the table full to the last entry an elephant gets no entry (flow_table_full) but its crossing still raises the event")
{
	static const int st_full[] = { XS_STAT_FLOW_TABLE_FULL };
	static const int st_heavy[] = { XS_STAT_FLOW_HEAVY_SKETCH, XS_STAT_EVENT_HEAVY,
					XS_STAT_FLOW_TABLE_FULL };
	struct cong_events c = { 0 };
	struct ring_buffer *rb;

	adm_config(400, 200);
	fill_table(ADM_ENTRIES);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.xs_events), on_cong_event, &c, NULL);
	cr_assert_not_null(rb);
	adm_pkt(3004, st_sketch, 1);		/* 140 */
	adm_pkt(3004, st_full, 1);		/* 280 >= 200: no room */
	adm_pkt(3004, st_heavy, 3);		/* 420 >= 400: detected anyway */
	ring_buffer__consume(rb);
	cr_assert_eq(c.n, 1);
	cr_assert_eq(c.ev[0].type, XS_EV_HEAVY);
	cr_assert_not(in_table(udp6_key(3004)));
	ring_buffer__free(rb);
}

Test(xdp_admission, sketch_window_forgets,
     .init = setup_admission, .fini = teardown,
     .description = "The estimate covers the current and the previous window: one window later a flow's bytes still count, two windows later they are gone")
{
	struct xs_config cfg = { .flags = XS_CFG_F_REDIRECT, .heavy_bytes = 1000000,
				 .sketch_admit_bytes = 300, .flow_reserve = ADM_RESERVE,
				 /* no window ends by the clock during the test */
				 .sketch_window_ns = ~0ULL };

	fill_table(ADM_ENTRIES - ADM_RESERVE);
	set_config(&cfg);
	adm_pkt(3005, st_sketch, 1);		/* 140 */
	adm_pkt(3005, st_sketch, 1);		/* 280 */
	cfg.sketch_epoch += 2;			/* two windows later */
	set_config(&cfg);
	adm_pkt(3005, st_sketch, 1);		/* 140 again */
	adm_pkt(3005, st_sketch, 1);		/* 280 */
	cfg.sketch_epoch += 1;			/* the next window */
	set_config(&cfg);
	adm_pkt(3005, st_admit, 2);		/* 280 of the last window + 140 */
	cr_assert_eq(flow_of(udp6_key(3005)).bytes, 3 * ADM_L3);
}

Test(xdp_admission, steered_entry_untouched_by_flood,
     .init = setup_admission, .fini = teardown,
     .description = "A steered flow's entry stays while mice flood a full table: its packets are still steered and counted, the mice only sketched")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct expect e;
	int i;

	adm_config(1000000, 1000000);
	steer(k, 7);
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1000, TCP_AP, 10);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);
	expect_stat(&e, XS_STAT_FLOW_NEW);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	cr_assert(flow_of(k).flags & XS_FLOW_F_STEERED);
	fill_table(ADM_ENTRIES - 1);		/* now full to the last entry */
	for (i = 0; i < 20; i++)
		adm_pkt(4000 + i, st_sketch, 1);
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1010, TCP_AP, 10);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	cr_assert_eq(flow_of(k).packets, 2);
	cr_assert_eq(flow_of(k).bytes, 100);
}

Test(xdp_admission, steer_flag_follows_the_entry,
     .init = setup_admission, .fini = teardown,
     .description = "A known flow is flagged steered when its entry appears (seen at once after steer_gen changes) and unflagged when it goes")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct expect e;

	adm_config(0, 0);
	seg(1000, TCP_AP, 10, NULL, 0, true);
	cr_assert_not(flow_of(k).flags & XS_FLOW_F_STEERED);
	steer(k, 7);
	steer_gen_bump();
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1010, TCP_AP, 10);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	cr_assert(flow_of(k).flags & XS_FLOW_F_STEERED);
	cr_assert(flow_of(k).flags & XS_FLOW_F_PRECISE);
	cr_assert(bpf_map_delete_elem(bpf_map__fd(skel->maps.xs_steer), &k) == 0);
	seg(1020, TCP_AP, 10, NULL, 0, false);	/* flagged: looks up, finds none */
	cr_assert_not(flow_of(k).flags & (XS_FLOW_F_STEERED | XS_FLOW_F_PRECISE));
}

Test(xdp_admission, steer_entry_seen_in_next_slot,
     .init = setup_admission, .fini = teardown,
     .description = "A steer entry written for a known flow without touching steer_gen is seen once the flow's next packet falls in a later 4 ms slot of the coarse clock")
{
	struct xs_flow_key k = key4(SRC4, DST4, IPPROTO_TCP, 40000, 443);
	struct expect e;

	adm_config(0, 0);
	seg(1000, TCP_AP, 10, NULL, 0, true);
	steer(k, 7);
	usleep(3 * (1U << XS_STEER_SLOT_SHIFT) / 1000);	/* past the slot, whatever HZ */
	memset(&e, 0, sizeof(e));
	tcp4_seg(&pk, 1010, TCP_AP, 10);
	expect_pass(&e, XS_STAT_PASS_NO_XSK);
	e.meta = true;
	e.path_id = 7;
	run_expect(&pk, &e);
	cr_assert(flow_of(k).flags & XS_FLOW_F_STEERED);
}

/* ---- the sketch's seed, drawn by the loader ------------------------------ */

static char bpffs[64];

/*
 * The namespace, and a bpffs of the test's own in a private mount
 * namespace (libxdp's dispatcher pins go there too): nothing is pinned
 * outside, and it all goes with the process.
 */
static void setup_loader(void)
{
	ns_up();
	cr_assert(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	cr_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "%s", strerror(errno));
	snprintf(bpffs, sizeof(bpffs), "/tmp/xs-bpffs-XXXXXX");
	cr_assert_not_null(mkdtemp(bpffs), "mkdtemp: %s", strerror(errno));
	cr_assert(mount("bpf", bpffs, "bpf", 0, NULL) == 0, "mount bpffs: %s", strerror(errno));
	setenv("LIBXDP_BPFFS", bpffs, 1);
}

static void teardown_loader(void)
{
	teardown();
	umount2(bpffs, MNT_DETACH);
	rmdir(bpffs);
}

/* xs_attach() as the daemon calls it, pins in bpffs/t; the seed it loaded with. */
static uint64_t attach_seed(void)
{
	struct xs_attach_req r = { .dev = "xin0", .uplink = "xout0", .ifindex = ifi_in,
				   .up_ifindex = ifi_out, .mode = XS_XDP_SKB,
				   .fastpath = XS_FASTPATH_REDIRECT, .flow_size = ADM_ENTRIES,
				   .steer_size = XS_STEER_TABLE_DEFAULT };
	uint64_t seed = 0;
	int fd;

	snprintf(r.dir, sizeof(r.dir), "%s/t", bpffs);
	cr_assert_eq(xs_attach(&r), 0, "xs_attach failed (see stderr)");
	fd = xs_pin_open_map(r.dir, XS_MAP_RODATA);
	cr_assert(fd >= 0, "no pinned %s", XS_MAP_RODATA);
	cr_assert_eq(xs_sketch_seed_read(fd, &seed), 0);
	close(fd);
	return seed;
}

Test(xdp_seed, drawn_per_load_kept_with_the_pins,
     .init = setup_loader, .fini = teardown_loader,
     .description = "The loader draws the sketch's seed: loaded again over its pins a program keeps it (the pinned sketch was filled with it), after the pins are removed the next load has another; the sketch admits a candidate with the drawn seed")
{
	char dir[PATH_MAX];
	uint64_t s1, s2, s;

	snprintf(dir, sizeof(dir), "%s/t", bpffs);
	s1 = attach_seed();
	cr_assert_eq(xs_detach("xin0", ifi_in), 0);
	cr_expect_eq(attach_seed(), s1, "loaded over the pins: the pinned seed");
	cr_assert_eq(xs_detach("xin0", ifi_in), 0);
	cr_assert_eq(xs_pin_remove(dir), 0);
	s2 = attach_seed();
	cr_expect_neq(s1, s2, "two loads drew the same seed %#llx", (unsigned long long)s1);
	cr_expect(s1 && s2, "a seed of 0 (odds 2^-64)");

	/* a program over the same pins (the attached one's maps, its seed) */
	skel = xsteer_bpf__open();
	cr_assert_not_null(skel);
	cr_assert_eq(bpf_map__set_max_entries(skel->maps.xs_flows, ADM_ENTRIES), 0);
	cr_assert_eq(xs_loader_pin_paths(skel->obj, dir), 0);
	cr_assert_eq(xsteer_bpf__load(skel), 0);
	cr_assert_eq(xs_sketch_seed_read(bpf_map__fd(skel->maps.rodata), &s), 0);
	cr_assert_eq(s, s2, "the skeleton did not reuse the pinned .rodata");
	adm_config(1000000, 300);
	fill_table(ADM_ENTRIES - ADM_RESERVE);
	adm_pkt(3001, st_sketch, 1);		/* 140 */
	adm_pkt(3001, st_sketch, 1);		/* 280 */
	adm_pkt(3001, st_admit, 2);		/* 420 >= 300 */
	cr_assert_eq(flow_of(udp6_key(3001)).bytes, 3 * ADM_L3);
	cr_assert_eq(xs_detach("xin0", ifi_in), 0);
}

/* htab seeds its hash at random unless a map asks for BPF_F_ZERO_SEED */
Test(xdp_seed, no_map_asks_for_a_zero_seed, .init = setup, .fini = teardown)
{
	struct bpf_map_info info;
	struct bpf_map *m;
	__u32 len;

	bpf_object__for_each_map(m, skel->obj) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		cr_assert_eq(bpf_obj_get_info_by_fd(bpf_map__fd(m), &info, &len), 0);
		cr_expect_not(info.map_flags & BPF_F_ZERO_SEED, "%s has BPF_F_ZERO_SEED",
			      bpf_map__name(m));
	}
}

/* ---- the fast path's next-hop cache (xs_shared.h, XS_NH_MAX_AGE_NS) ---- */

static const uint8_t MAC_GW2[6] = { 0x02, 0, 0, 0, 0x02, 0x04 };

static void ip_batch(const char *cmds)
{
	FILE *ip = popen("ip -batch -", "w");
	int rc;

	cr_assert(ip, "cannot run ip: %s", strerror(errno));
	fputs(cmds, ip);
	rc = pclose(ip);
	cr_assert(rc == 0, "ip -batch failed on:\n%s", cmds);
}

static void fib_gen_bump(void)
{
	int fd = bpf_map__fd(skel->maps.xs_config);
	struct xs_config cfg;
	__u32 zero = 0;

	cr_assert(bpf_map_lookup_elem(fd, &zero, &cfg) == 0);
	cfg.fib_gen++;
	set_config(&cfg);
}

/* A UDP packet of flow (src, dst, 5353 -> 53) with payload bytes and a flow label. */
static void udp6_fl(struct pkt *p, const char *dst, size_t payload, __u32 flowlabel)
{
	pkt_init(p);
	eth_in(p);
	pkt_ipv6(p, &(struct pkt_ip6){ .src = pkt_a6(SRC6), .dst = pkt_a6(dst),
				       .hop_limit = 64, .flowlabel = flowlabel });
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, payload);
	pkt_finish(p);
}

static void udp4_len(struct pkt *p, const char *dst, size_t payload)
{
	pkt_init(p);
	eth_in(p);
	ip4(p, SRC4, dst, 64);
	pkt_udp(p, 5353, 53);
	pkt_payload(p, NULL, payload);
	pkt_finish(p);
}

/* One packet through the program: forwarded to dmac, a cache hit or a miss. */
/*
 * Every cached next hop made as of now (coarse clock, as the program
 * stamps it): a hit a test asks for must not turn into a miss because the
 * test process was off the CPU for XS_NH_MAX_AGE_NS between two packets
 * (a loaded CI machine). Expiry itself is tested by moving stamps back.
 */
static void nh_fresh(void)
{
	int fd = bpf_map__fd(skel->maps.xs_flows);
	struct xs_flow_key k[2];
	struct xs_flow_stats fs;
	struct timespec ts;
	__u64 now;
	int i = 0;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, &k[i]); prev = &k[i], i ^= 1) {
		if (bpf_map_lookup_elem(fd, &k[i], &fs) || !fs.nh_stamp)
			continue;
		fs.nh_stamp = now ? now : 1;
		bpf_map_update_elem(fd, &k[i], &fs, BPF_EXIST);
	}
}

static void nh_fwd(struct pkt *p, const uint8_t *dmac, enum nh_want nh, bool new_flow)
{
	struct expect e = { 0 };

	if (nh == NH_HIT)
		nh_fresh();

	expect_fwd(&e, dmac, MAC_OUT0);
	if (new_flow)
		expect_stat(&e, XS_STAT_FLOW_NEW);
	e.nh = nh;
	run_expect(p, &e);
}

static void nh_pass(struct pkt *p, int why, enum nh_want nh)
{
	struct expect e = { 0 };

	if (nh == NH_HIT)
		nh_fresh();

	expect_pass(&e, why);
	e.nh = nh;
	run_expect(p, &e);
}

/*
 * A new flow's first packet creates its entry (nothing cached: the entry
 * did not exist when it was looked up), the second caches, the third hits.
 */
static void nh_warm(struct pkt *p, const uint8_t *dmac)
{
	nh_fwd(p, dmac, NH_MISS, true);
	nh_fwd(p, dmac, NH_MISS, false);
	nh_fwd(p, dmac, NH_HIT, false);
}

/* The IPv6 UDP flow most rows use, warmed: its next hop cached. */
static struct xs_flow_key nh_warm6(void)
{
	udp6_fl(&pk, DST6, 32, 0x12345);
	nh_warm(&pk, MAC_GW);
	return key6(SRC6, DST6, IPPROTO_UDP, 5353, 53);
}

static void flow_put(struct xs_flow_key k, const struct xs_flow_stats *fs)
{
	cr_assert(bpf_map_update_elem(bpf_map__fd(skel->maps.xs_flows), &k, fs, BPF_EXIST) == 0);
}

Test(xdp_table, nh_cache_hit_forwards_as_a_miss,
     .description = "Next-hop cache: a flow's first packet (not yet in the table) and second look the FIB up, the third is a hit; all three leave byte for byte alike, IPv6 and IPv4")
{
	struct xs_flow_key k6 = key6(SRC6, DST6, IPPROTO_UDP, 5353, 53);

	udp6_fl(&pk, DST6, 32, 0x12345);
	nh_fwd(&pk, MAC_GW, NH_MISS, true);
	cr_assert_eq(flow_of(k6).nh_stamp, 0, "a packet that created its entry caches nothing");
	nh_fwd(&pk, MAC_GW, NH_MISS, false);
	cr_assert_neq(flow_of(k6).nh_stamp, 0, "the second packet caches its next hop");
	cr_assert_eq(flow_of(k6).nh_len, 80);
	nh_fwd(&pk, MAC_GW, NH_HIT, false);
	nh_fwd(&pk, MAC_GW, NH_HIT, false);

	udp4_len(&pk, DST4, 32);
	nh_warm(&pk, MAC_GW);
}

Test(xdp_table, nh_cache_gen_bump_follows_neighbour,
     .description = "Next-hop cache: after the gateway's MAC changes and fib_gen is bumped (the daemon's netlink watch), the next packet is looked up and carries the new MAC")
{
	nh_warm6();
	ip_batch("neigh replace fd00:2::2 lladdr 02:00:00:00:02:04 dev xout0 nud permanent\n");
	fib_gen_bump();
	nh_fwd(&pk, MAC_GW2, NH_MISS, false);
	nh_fwd(&pk, MAC_GW2, NH_HIT, false);
}

Test(xdp_table, nh_cache_gen_bump_follows_route,
     .description = "Next-hop cache: after the flow's route moves to another gateway and fib_gen is bumped, the next packet goes to the new gateway (IPv4, reverse path looked up again too)")
{
	udp4_len(&pk, DST4, 32);
	nh_warm(&pk, MAC_GW);
	ip_batch("neigh add 198.51.100.4 lladdr 02:00:00:00:02:04 dev xout0 nud permanent\n"
		 "route replace 203.0.113.0/26 via 198.51.100.4 dev xout0\n");
	fib_gen_bump();
	nh_fwd(&pk, MAC_GW2, NH_MISS, false);
	nh_fwd(&pk, MAC_GW2, NH_HIT, false);
	/* a route gone: the kernel's answer, nothing cached is used */
	ip_batch("route replace unreachable 203.0.113.0/26\n");
	fib_gen_bump();
	nh_pass(&pk, XS_STAT_PASS_FIB_UNREACH, NH_MISS);
	nh_pass(&pk, XS_STAT_PASS_FIB_UNREACH, NH_MISS);
}

Test(xdp_table, nh_cache_longer_packet_looks_up,
     .description = "Next-hop cache: a packet longer than any the cached lookup checked is looked up again; too big for the route's MTU it goes to the kernel untouched (pass_fib_frag_needed) and the cache still serves shorter ones")
{
	ip_batch("route add fd00:d0::50/128 via fd00:2::2 dev xout0 mtu lock 1280\n"
		 "route add 203.0.113.50/32 via 198.51.100.2 dev xout0 mtu lock 1280\n");
	udp6_fl(&pk, "fd00:d0::50", 32, 0);
	nh_warm(&pk, MAC_GW);
	udp6_fl(&pk, "fd00:d0::50", 1000, 0);		/* 1048 B: longer, fits */
	nh_fwd(&pk, MAC_GW, NH_MISS, false);
	udp6_fl(&pk, "fd00:d0::50", 500, 0);		/* covered now */
	nh_fwd(&pk, MAC_GW, NH_HIT, false);
	udp6_fl(&pk, "fd00:d0::50", 1300, 0);		/* 1348 B > 1280 */
	nh_pass(&pk, XS_STAT_PASS_FIB_FRAG, NH_MISS);
	nh_pass(&pk, XS_STAT_PASS_FIB_FRAG, NH_MISS);
	udp6_fl(&pk, "fd00:d0::50", 32, 0);
	nh_fwd(&pk, MAC_GW, NH_HIT, false);

	udp4_len(&pk, "203.0.113.50", 32);
	nh_warm(&pk, MAC_GW);
	udp4_len(&pk, "203.0.113.50", 1300);		/* 1328 B > 1280 */
	nh_pass(&pk, XS_STAT_PASS_FIB_FRAG, NH_MISS);
}

Test(xdp_table, nh_cache_flow_label_change_looks_up,
     .description = "Next-hop cache: an IPv6 packet whose flow label differs from the cached lookup's (the kernel hashes it for ECMP) is looked up again")
{
	udp6_fl(&pk, DST6, 32, 0x11111);
	nh_warm(&pk, MAC_GW);
	udp6_fl(&pk, DST6, 32, 0x22222);
	nh_fwd(&pk, MAC_GW, NH_MISS, false);
	nh_fwd(&pk, MAC_GW, NH_HIT, false);
}

Test(xdp_table, nh_cache_expires,
     .description = "Next-hop cache: without any fib_gen bump (no daemon), an entry older than 100 ms is looked up again and follows a changed neighbour")
{
	struct xs_flow_key k = nh_warm6();
	struct xs_flow_stats fs;

	ip_batch("neigh replace fd00:2::2 lladdr 02:00:00:00:02:04 dev xout0 nud permanent\n");
	/* the entry's lookup made longer ago than the bound (as a stalled daemon would leave it) */
	fs = flow_of(k);
	fs.nh_stamp -= XS_NH_MAX_AGE_NS;
	flow_put(k, &fs);
	nh_fwd(&pk, MAC_GW2, NH_MISS, false);
	nh_fwd(&pk, MAC_GW2, NH_HIT, false);
	/* and by the clock itself */
	ip_batch("neigh replace fd00:2::2 lladdr 02:00:00:00:02:02 dev xout0 nud permanent\n");
	usleep((XS_NH_MAX_AGE_NS + XS_COARSE_SLACK_NS) / 1000 + 20000);
	nh_fwd(&pk, MAC_GW, NH_MISS, false);
}

Test(xdp_table, nh_cache_not_for_another_flow,
     .description = "Next-hop cache: an entry whose key check does not match (reused by another flow while a packet wrote it) is looked up, not used")
{
	struct xs_flow_key k = nh_warm6();
	struct xs_flow_stats fs;

	fs = flow_of(k);
	fs.nh_check ^= 1;
	memcpy(fs.nh_dmac, MAC_OTHER, 6);
	flow_put(k, &fs);
	nh_fwd(&pk, MAC_GW, NH_MISS, false);
	nh_fwd(&pk, MAC_GW, NH_HIT, false);
}
