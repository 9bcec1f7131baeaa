/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Structs and enums shared by the XDP program (the .bpf.c files) and userspace
 * (ctl/, afxdp/, tests/). This is the only definition: never keep a copy.
 *
 * Every struct has explicit padding and a size assert so the BPF and the
 * userspace compilers agree on the layout byte for byte.
 */
#ifndef XS_SHARED_H
#define XS_SHARED_H

#include <linux/types.h>

/* _Static_assert is C11 itself: no <assert.h>, which would pull glibc into BPF */
#define XS_STATIC_ASSERT(c, m) _Static_assert(c, m)

/* Map names as the kernel sees them (15 characters at most) and pinned. */
#define XS_MAP_FLOWS	 "xs_flows"
#define XS_MAP_STEER	 "xs_steer"
#define XS_MAP_XSKS	 "xs_xsks"
#define XS_MAP_TX_PORTS	 "xs_tx_ports"
#define XS_MAP_STATS	 "xs_stats"
#define XS_MAP_CONFIG	 "xs_config"
#define XS_MAP_EVENTS	 "xs_events"
#define XS_MAP_XSK_BEAT	 "xs_xsk_beat"
#define XS_MAP_SKETCH	 "xs_sketch"
#define XS_MAP_FILL	 "xs_fill"
/* the program's read-only data (the sketch's seed): libbpf's "xsteer_b.rodata" */
#define XS_MAP_RODATA	 "xsteer_b_rodata"

#define XS_PROG_NAME	 "xs_xdp"

/* Defaults for the load-time table sizes. */
#define XS_FLOW_TABLE_DEFAULT	65536
#define XS_STEER_TABLE_DEFAULT	4096
#define XS_XSKS_MAX		64	/* RX queues with an AF_XDP socket */
#define XS_TX_PORTS_MAX		64
#define XS_EVENTS_BYTES		(256 * 1024)	/* ring buffer size */

/*
 * Fail-open on a stalled datapath. Each datapath thread writes the time
 * (CLOCK_MONOTONIC ns, the clock of bpf_ktime_get_ns) into xs_xsk_beat[its
 * RX queue] on every loop iteration, and waits in poll() at most
 * XS_XSK_BEAT_MS, so an idle thread beats too. The XDP program redirects to
 * a queue's socket only while that beat is younger than xs_config.
 * xsk_stale_ns (0: XS_XSK_STALE_NS_DEFAULT); older, the frame goes to the
 * kernel path (pass_xsk_stale). The default stays below TCP's minimum RTO
 * (200 ms), so a sender's first retransmission already takes the kernel
 * path.
 */
#define XS_XSK_BEAT_MS			20
#define XS_XSK_STALE_NS_DEFAULT		(150ULL * 1000 * 1000)

/*
 * Heavy-hitter detection that a flood cannot blind (docs/DETECTION.md).
 *
 * A flow not in the exact table xs_flows is counted in a per-CPU count-min
 * sketch (conservative update) of XS_SKETCH_ROWS rows of XS_SKETCH_WIDTH
 * cells: 4 x 16384 = 64K counters, 16 B each (struct xs_sketch_cell), so
 * 1 MiB per possible CPU. A cell holds the bytes of the current window and
 * of the one before, so an estimate covers the last one to two windows
 * (xs_config.sketch_window_ns, default 1 s): mice that keep sending never
 * add up. Cells are reset lazily, on their first touch in a new window.
 *
 * Admission into xs_flows: free while the table holds fewer than
 * max_entries - reserve entries (reserve: xs_config.flow_reserve, default
 * max_entries / 4); above that only for candidates, flows whose estimate
 * reaches xs_config.sketch_admit_bytes (0: heavy_bytes / 8; the daemon
 * writes the smaller of that and half a window of heavy-rate). A flow
 * whose estimate crosses heavy_bytes raises XS_EV_HEAVY at that packet and
 * is admitted at once. Nothing is ever evicted.
 */
#define XS_SKETCH_ROWS			4
#define XS_SKETCH_WIDTH_SHIFT		14
#define XS_SKETCH_WIDTH			(1U << XS_SKETCH_WIDTH_SHIFT)
#define XS_SKETCH_WINDOW_NS_DEFAULT	(1000ULL * 1000 * 1000)
#define XS_SKETCH_ADMIT_SHIFT		3	/* candidates: heavy_bytes >> 3 */
#define XS_FLOW_RESERVE_SHIFT		2	/* reserve: max_entries >> 2 */

/* One sketch counter: bytes of window `epoch` and of the window before. */
struct xs_sketch_cell {
	__u32 cur;
	__u32 prev;
	__u32 epoch;
	__u32 pad0;
};
XS_STATIC_ASSERT(sizeof(struct xs_sketch_cell) == 16, "xs_sketch_cell layout");

/*
 * The fill level's cache, per CPU (xs_fill): the number of entries in
 * xs_flows as last summed (the kernel's own count, bpf_map_sum_elem_count),
 * the coarse time it was summed at, and this CPU's inserts since.
 */
struct xs_fill {
	__u64 tick;
	__u32 count;
	__u32 local;
};
XS_STATIC_ASSERT(sizeof(struct xs_fill) == 16, "xs_fill layout");

/*
 * A tracked flow looks the steer table up only when it may have an entry:
 * when it has one (XS_FLOW_F_STEERED), on its first packet, on its first
 * packet in a new slot of 2^XS_STEER_SLOT_SHIFT ns of the coarse clock
 * (4.2 ms), and when xs_config.steer_gen changed. A new steer entry is
 * therefore seen within one slot, at the next packet when its writer bumps
 * steer_gen.
 */
#define XS_STEER_SLOT_SHIFT	22
/*
 * bpf_ktime_get_coarse_ns() lags the precise clock by up to one tick
 * (10 ms at HZ=100, the slowest): a gap measured from a coarse timestamp
 * counts only past this slack.
 */
#define XS_COARSE_SLACK_NS	(10ULL * 1000 * 1000)

/* IPv6 extension headers walked before giving up (counted as too many). */
#define XS_MAX_EXTHDRS		8

/*
 * Flow key. Addresses are IPv6; IPv4 addresses are stored IPv4-mapped
 * (::ffff:a.b.c.d) so one table holds both families. Ports are in network
 * byte order as on the wire. ICMP echo: sport holds the identifier.
 * Non-first fragments and unknown protocols: ports are zero (addresses and
 * protocol only) and XS_KEY_F_NOPORTS is set.
 */
struct xs_flow_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 flags;		/* XS_KEY_F_* */
	__u16 vlan;		/* VLAN ID (host order) or 0 */
};
XS_STATIC_ASSERT(sizeof(struct xs_flow_key) == 40, "xs_flow_key layout");

enum xs_key_flags {
	XS_KEY_F_IPV4	 = 1 << 0,	/* addresses are IPv4-mapped */
	XS_KEY_F_NOPORTS = 1 << 1,	/* non-first fragment / unknown L4 */
};

/* Per-flow counters, updated by the XDP program for every packet. */
struct xs_flow_stats {
	__u64 packets;
	__u64 bytes;		/* L3 bytes: IP header + payload */
	/*
	 * CLOCK_MONOTONIC; the coarse clock (bpf_ktime_get_coarse_ns, one tick
	 * of resolution) unless XS_FLOW_F_PRECISE, which steered flows have
	 * (their flowlet gaps need the precise clock).
	 */
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u32 tcp_seq_max;	/* highest end sequence sent (seq + len) */
	__u8 tcp_flags;		/* OR of every TCP flag byte seen */
	__u8 flags;		/* XS_FLOW_F_* */
	__u16 steer_gen;	/* xs_config.steer_gen at the last steer lookup */
	__u32 tcp_retrans;	/* data segments below tcp_seq_max */
	__u32 tcp_cwr;		/* segments with CWR: the sender saw ECN marks */
	__u32 tcp_rto;		/* retransmissions after an idle gap (rto_gap_ns) */
	__u32 sig_count;	/* retransmissions + CWR in the current period */
	__u64 sig_period_ns;	/* start of that period */
	/*
	 * The fast path's next hop for this flow (see XS_NH_MAX_AGE_NS):
	 * what bpf_fib_lookup() answered for the flow's packets, and what
	 * that answer depended on beyond the flow key. Written only by the
	 * XDP program, after a lookup that returned SUCCESS and a redirect
	 * the program would make; nh_stamp 0: nothing cached.
	 */
	__u64 nh_stamp;		/* coarse clock at the lookup; 0: none */
	__u32 nh_flowinfo;	/* IPv6 traffic class + flow label / IPv4 TOS looked up */
	__u32 nh_check;		/* xs_nh_check() of the flow key: the entry is this flow's */
	__u16 nh_oif;		/* egress ifindex */
	__u16 nh_iif;		/* ingress ifindex looked up from */
	__u16 nh_len;		/* largest L3 length the lookup's MTU check passed */
	__u16 nh_gen;		/* xs_config.fib_gen at the lookup */
	__u8 nh_dmac[6];
	__u8 nh_smac[6];
};
XS_STATIC_ASSERT(sizeof(struct xs_flow_stats) == 104, "xs_flow_stats layout");

/*
 * The fast path caches each flow's next hop in its flow entry instead of
 * asking the FIB for every packet. A packet uses the cached answer only
 * when all of these hold, otherwise it makes the real lookup (and caches
 * that answer if it is SUCCESS and the packet is redirected):
 *
 *  - the entry is younger than XS_NH_MAX_AGE_NS by the coarse clock: a
 *    route or neighbour change is seen within that bound even when no
 *    daemon runs (xsteer attach alone) or it is stopped or stalled;
 *  - nh_gen equals xs_config.fib_gen, which the daemon bumps as soon as
 *    its netlink watch sees a neighbour, route, rule, address, link or
 *    netconf change (and attach bumps): with a daemon, the next packet
 *    after a change is looked up again;
 *  - the packet's IPv6 traffic class and flow label (IPv4: TOS) and its
 *    ingress interface are those the lookup was made with, and its L3
 *    length is at most nh_len (the lookup's MTU check is per length);
 *  - nh_check matches the flow's key (the entry was not reused for
 *    another flow between a delete and the write).
 *
 * Per flow, not per destination: bpf_fib_lookup() answers from exactly
 * the flow key (addresses, protocol, ports), the fields above and the
 * kernel's state, so a cached answer is the one the lookup would give
 * now, ECMP hashing (L3, L4 or flow label) and rules that select by port,
 * protocol or TOS included. IPv4's reverse-path check (rp_filter) depends
 * on the same inputs and is covered by the same entry.
 */
#define XS_NH_MAX_AGE_NS	(100ULL * 1000 * 1000)

enum xs_flow_flags {
	XS_FLOW_F_SEQ_VALID = 1 << 0,	/* tcp_seq_max holds a value */
	XS_FLOW_F_STEERED   = 1 << 1,	/* has a steer entry: look it up per packet */
	XS_FLOW_F_PRECISE   = 1 << 2,	/* last_seen_ns is from the precise clock */
	/* admitted by its sketch estimate: bytes and packets start from it */
	XS_FLOW_F_SKETCH    = 1 << 3,
};

/* Steer table value: the controller writes it, the datapath reads it. */
struct xs_steer_entry {
	__u32 path_id;		/* XS_PATH_NONE: the fast path (until a move) */
	__u32 flags;		/* XS_STEER_F_* */
	__u64 since_ns;		/* when the flow got this path */
	/*
	 * A pending move (XS_STEER_F_PENDING): the XDP program switches the
	 * flow to next_path_id at the first flowlet gap (no packet for
	 * xs_config.flowlet_gap_ns), or at deadline_ns at the latest.
	 */
	__u32 next_path_id;
	__u32 pad0;
	__u64 deadline_ns;
};
XS_STATIC_ASSERT(sizeof(struct xs_steer_entry) == 32, "xs_steer_entry layout");

#define XS_PATH_NONE	0xffffffffU

enum xs_steer_flags {
	/* put there by an operator (xsteer steer add): the controller keeps it */
	XS_STEER_F_MANUAL  = 1 << 0,
	XS_STEER_F_PENDING = 1 << 1,	/* a move waits for a flowlet gap */
};

/* Runtime configuration: the single entry of the xs_config array. */
struct xs_config {
	__u32 flags;		/* XS_CFG_F_* */
	__u32 xsk_frame_max;	/* largest frame an AF_XDP chunk holds; 0: any */
	__u64 heavy_bytes;	/* XS_EV_HEAVY when a flow's bytes cross it; 0: off */
	__u64 rto_gap_ns;	/* retransmission after this idle time: RTO; 0: off */
	__u64 sig_period_ns;	/* congestion signals are counted per period... */
	__u32 sig_threshold;	/* ...and reported when they reach this; 0: off */
	__u32 pad0;
	__u64 flowlet_gap_ns;	/* idle time that lets a pending move happen */
	__u64 xsk_stale_ns;	/* a queue's beat older than this: stalled; 0: default */
	/*
	 * The host-facing interface's own MAC: only frames sent to it are
	 * forwarded, as the kernel's forwarding would (PACKET_HOST). All zero:
	 * not checked (broadcast and multicast are refused either way).
	 */
	__u8 dev_mac[6];
	__u16 pad1;
	/* the sketch's window (0: XS_SKETCH_WINDOW_NS_DEFAULT) */
	__u64 sketch_window_ns;
	/*
	 * Added to the clock's window number: a test or a replay opens
	 * windows on its own time (0 in normal operation).
	 */
	__u32 sketch_epoch;
	/* changed by a steer-table writer that wants its entry seen at once */
	__u32 steer_gen;
	/* a flow's estimate that makes it a candidate (0: heavy_bytes >> 3) */
	__u64 sketch_admit_bytes;
	/* entries kept for candidates (0: max_entries >> 2) */
	__u32 flow_reserve;
	/*
	 * Bumped when the kernel's routes, rules, neighbours, addresses or
	 * links changed: every flow's cached next hop is looked up again
	 * (see XS_NH_MAX_AGE_NS).
	 */
	__u32 fib_gen;
	/*
	 * XS_EV_CANDIDATE when a flow's bytes cross it (0: off). The daemon
	 * sets it below anything that could promote a flow, so it tracks
	 * only the flows above, not every mouse.
	 */
	__u64 cand_bytes;
};
XS_STATIC_ASSERT(sizeof(struct xs_config) == 104, "xs_config layout");

enum xs_config_flags {
	/* fast path: redirect through the devmap; without it, XDP_PASS */
	XS_CFG_F_REDIRECT = 1 << 0,
	/*
	 * The interface's rp_filter (net.ipv4.conf.{all,DEV}.rp_filter, the
	 * larger wins): 1 strict, 2 loose. IPv4 about to be redirected is
	 * checked on the reverse path like the kernel's fib_validate_source().
	 */
	XS_CFG_F_RPF_STRICT = 1 << 1,
	XS_CFG_F_RPF_LOOSE  = 1 << 2,
};

/*
 * What the XDP program writes in the metadata area (just before the frame)
 * of a packet it hands to AF_XDP: the path the controller chose, so the
 * datapath needs no map lookup per packet. Copy-mode AF_XDP copies it too.
 */
struct xs_xsk_meta {
	__u32 path_id;
	__u32 magic;		/* XS_META_MAGIC: the area is ours */
};
XS_STATIC_ASSERT(sizeof(struct xs_xsk_meta) == 8, "xs_xsk_meta layout");
#define XS_META_MAGIC	0x78734d31	/* "xsM1" */
#define XS_PATHS_MAX	256		/* path ids 0..255 */

/* Event from the datapath to the controller (ring buffer). */
struct xs_event {
	__u64 ts_ns;
	struct xs_flow_key key;
	__u32 type;		/* enum xs_event_type */
	__u32 pad0;
	__u64 value;
};
XS_STATIC_ASSERT(sizeof(struct xs_event) == 64, "xs_event layout");

enum xs_event_type {
	XS_EV_NONE = 0,
	XS_EV_HEAVY,		/* a flow crossed the byte threshold */
	XS_EV_RETRANS,		/* congestion signals reached the period's threshold */
	XS_EV_CWR,		/* the same, the last signal being CWR */
	XS_EV_RTO,		/* a retransmission after an idle gap */
	/*
	 * A flow crossed cand_bytes (or was admitted above it): the
	 * controller tracks it from now on; mice below never reach it.
	 */
	XS_EV_CANDIDATE,
};

/*
 * Per-CPU counters: verdicts, then the reasons a packet was not handled
 * by the program itself. One enum, used as index and as metric label
 * (xs_stat_names[] in ctl/ gives the label).
 */
#define XS_STATS(X)							\
	X(RX,			"rx")					\
	/* verdicts */							\
	X(V_FASTPATH,		"verdict_fastpath")			\
	X(V_XSK,		"verdict_xsk")				\
	X(V_PASS,		"verdict_pass")				\
	X(V_DROP,		"verdict_drop")				\
	/* why XDP_PASS (the kernel handles the packet) */		\
	X(PASS_NOT_IP,		"pass_not_ip")				\
	X(PASS_VLAN,		"pass_vlan")				\
	X(PASS_IP_OPTIONS,	"pass_ip_options")			\
	X(PASS_EXTHDR_LIMIT,	"pass_exthdr_limit")			\
	X(PASS_TTL,		"pass_ttl_exceeded")			\
	X(PASS_FIB_NO_NEIGH,	"pass_fib_no_neigh")			\
	X(PASS_FIB_LOCAL,	"pass_fib_not_forwarded")		\
	X(PASS_FIB_UNREACH,	"pass_fib_unreachable")			\
	X(PASS_FIB_FRAG,	"pass_fib_frag_needed")			\
	X(PASS_FIB_OTHER,	"pass_fib_other")			\
	X(PASS_NO_TX_PORT,	"pass_no_tx_port")			\
	X(PASS_NO_XSK,		"pass_no_xsk")				\
	X(PASS_XSK_TOO_BIG,	"pass_xsk_too_big")			\
	X(PASS_XSK_STALE,	"pass_xsk_stale")			\
	X(PASS_REDIRECT_OFF,	"pass_redirect_off")			\
	/* not for forwarding: the kernel decides (and drops) */	\
	X(PASS_L2_NOT_OURS,	"pass_l2_not_ours")			\
	X(PASS_L2_MCAST,	"pass_l2_multicast")			\
	X(PASS_IP_CSUM,		"pass_ipv4_bad_checksum")		\
	X(PASS_MARTIAN_SRC,	"pass_martian_src")			\
	X(PASS_MARTIAN_DST,	"pass_martian_dst")			\
	X(PASS_RPF,		"pass_reverse_path")			\
	/* why XDP_DROP (malformed) */					\
	X(DROP_TRUNCATED,	"drop_truncated")			\
	X(DROP_BAD_HDR,		"drop_bad_header")			\
	X(DROP_BAD_LEN,		"drop_bad_length")			\
	/* accounting */						\
	X(FLOW_NEW,		"flow_new")				\
	X(FLOW_TABLE_FULL,	"flow_table_full")			\
	/* packets of flows only in the sketch (table above its fill level) */ \
	X(FLOW_SKETCH_ONLY,	"flow_sketch_only")			\
	/* flows admitted above the fill level by their sketch estimate */ \
	X(FLOW_ADMIT_SKETCH,	"flow_admit_sketch")			\
	/* heavy_bytes crossed while only in the sketch (event raised) */ \
	X(FLOW_HEAVY_SKETCH,	"flow_heavy_sketch")			\
	X(EVENT_HEAVY,		"event_heavy")				\
	X(EVENT_LOST,		"event_lost")				\
	X(EVENT_CONG,		"event_congestion")			\
	/* congestion signals on the egress path, and moves */		\
	X(TCP_RETRANS,		"tcp_retrans")				\
	X(TCP_RTO,		"tcp_rto")				\
	X(TCP_CWR,		"tcp_cwr")				\
	X(MOVE_GAP,		"move_at_gap")				\
	X(MOVE_FORCED,		"move_forced")				\
	X(FRAG_NONFIRST,	"frag_nonfirst")			\
	X(L4_UNKNOWN,		"l4_unknown")				\
	/* appended: an older program's indexes stay what they were */	\
	X(EVENT_CANDIDATE,	"event_candidate")			\
	X(EVENT_CANDIDATE_SKIPPED, "event_candidate_skipped")		\
	/* the fast path's next hop: from the flow's cache, or looked up */ \
	X(NH_CACHE_HIT,		"nexthop_cache_hit")			\
	X(NH_CACHE_MISS,	"nexthop_cache_miss")

#define XS_STAT_ENUM(n, s) XS_STAT_##n,
enum xs_stat {
	XS_STATS(XS_STAT_ENUM)
	XS_STAT__MAX
};
#undef XS_STAT_ENUM

#endif /* XS_SHARED_H */
