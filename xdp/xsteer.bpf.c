// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer's XDP program, on the host-facing interface of the tenant
 * namespace: parse, account the flow, then steer (AF_XDP) or fast path.
 */
#include <linux/bpf.h>
#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include "xs_shared.h"
#include "xs_maps.bpf.h"
#include "xs_parse.bpf.h"
#include "xs_fastpath.bpf.h"
#include "xs_admit.bpf.h"
#include "xs_sketch.bpf.h"

static __always_inline int xs_seq_after(__u32 a, __u32 b)
{
	return (__s32)(a - b) > 0;	/* wrap-around safe, as TCP's after() */
}

static __always_inline void xs_event(struct xs_pkt *p, __u32 type, __u64 value,
				     enum xs_stat counted)
{
	struct xs_event *ev;

	ev = bpf_ringbuf_reserve(&xs_events, sizeof(*ev), 0);
	if (!ev) {
		xs_count(XS_STAT_EVENT_LOST);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	/* precise: the controller measures delays from it (events are rare) */
	ev->ts_ns = p->now_precise ? p->now : bpf_ktime_get_ns();
	ev->key = p->key;
	ev->type = type;
	ev->value = value;
	bpf_ringbuf_submit(ev, 0);
	xs_count(counted);
}

/*
 * The flow's bytes went from old to old + len: tell the controller the
 * moment it crosses the heavy-hitter threshold, so steering does not wait
 * for the next scan. The fetch-add's old value makes this fire once even
 * with two CPUs on one flow.
 */
static __always_inline void xs_heavy_event(struct xs_pkt *p, __u64 old)
{
	const struct xs_config *cfg = p->cfg;

	if (!cfg || !cfg->heavy_bytes || old >= cfg->heavy_bytes ||
	    old + p->l3_len < cfg->heavy_bytes)
		return;
	xs_event(p, XS_EV_HEAVY, old + p->l3_len, XS_STAT_EVENT_HEAVY);
}

/*
 * A flow without a steer entry crossed a multiple of cand_bytes: from here
 * the controller tracks it. Every multiple, not only the first: the
 * controller lets a candidate that stays slow go, and it comes back with
 * its next cand_bytes (a steered flow is tracked anyway: none). These
 * events are the only ones the controller's ageing walk also finds, so
 * they give way first: none while the ring is half full, which keeps room
 * for the heavy-hitter and congestion events a flood of candidates would
 * otherwise crowd out.
 */
static __always_inline void xs_cand_event(struct xs_pkt *p, __u64 old)
{
	const struct xs_config *cfg = p->cfg;
	__u64 cand = cfg ? cfg->cand_bytes : 0;

	/* a mouse below the threshold (most packets) pays a compare, no division */
	if (!cand || old + p->l3_len < cand || (p->key.flags & XS_KEY_F_NOPORTS) ||
	    (p->fs && (p->fs->flags & XS_FLOW_F_STEERED)) ||
	    old / cand == (old + p->l3_len) / cand)
		return;
	if (bpf_ringbuf_query(&xs_events, BPF_RB_AVAIL_DATA) > XS_EVENTS_BYTES / 2) {
		xs_count(XS_STAT_EVENT_CANDIDATE_SKIPPED);
		return;
	}
	xs_event(p, XS_EV_CANDIDATE, old + p->l3_len, XS_STAT_EVENT_CANDIDATE);
}

/*
 * Congestion as the sender shows it, on the egress path only: a segment
 * that carries sequence space below the highest already sent is a
 * retransmission (wrap-around safe), after an idle gap it is an RTO's; CWR
 * is the sender's answer to ECN marks. Runs before tcp_seq_max and
 * last_seen move.
 */
static __always_inline void xs_tcp_signals(struct xs_pkt *p, struct xs_flow_stats *fs)
{
	const struct xs_config *cfg = p->cfg;
	__u32 cnt, type = 0;

	if (!(fs->flags & XS_FLOW_F_SEQ_VALID) || !cfg)
		return;
	/* a keep-alive probe (seq = highest - 1, at most one byte) is no loss */
	if (p->tcp_len && xs_seq_after(fs->tcp_seq_max, p->tcp_seq) &&
	    !(p->tcp_len <= 1 && p->tcp_seq + 1 == fs->tcp_seq_max)) {
		__sync_fetch_and_add(&fs->tcp_retrans, 1);
		xs_count(XS_STAT_TCP_RETRANS);
		type = XS_EV_RETRANS;
		/*
		 * Signed: right after a flow loses its steer entry, last_seen is
		 * precise and now coarse, up to a tick behind it.
		 */
		if (cfg->rto_gap_ns &&
		    (__s64)(p->now - fs->last_seen_ns) >= (__s64)cfg->rto_gap_ns) {
			__sync_fetch_and_add(&fs->tcp_rto, 1);
			xs_count(XS_STAT_TCP_RTO);
			xs_event(p, XS_EV_RTO, p->now - fs->last_seen_ns,
				 XS_STAT_EVENT_CONG);
		}
	}
	if (p->tcp_flags & 0x80) {	/* CWR */
		__sync_fetch_and_add(&fs->tcp_cwr, 1);
		xs_count(XS_STAT_TCP_CWR);
		type = XS_EV_CWR;
	}
	if (!type || !cfg->sig_threshold)
		return;
	/* plain stores: two CPUs racing here at most restart a period */
	if ((__s64)(p->now - fs->sig_period_ns) > (__s64)cfg->sig_period_ns) {
		fs->sig_period_ns = p->now;
		fs->sig_count = 0;
	}
	cnt = __sync_fetch_and_add(&fs->sig_count, 1) + 1;
	if (cnt == cfg->sig_threshold)
		xs_event(p, type, cnt, XS_STAT_EVENT_CONG);
}

/* A new entry for the packet's flow: bytes (and packets) from seed. */
static __always_inline int xs_flow_insert(struct xs_pkt *p, __u64 bytes, __u64 packets,
					  __u8 flags, struct xs_fill *fill)
{
	struct xs_flow_stats init = {
		.packets = packets,
		.bytes = bytes,
		.first_seen_ns = p->now,
		.last_seen_ns = p->now,
		.flags = flags,
		.steer_gen = p->cfg ? (__u16)p->cfg->steer_gen : 0,
	};
	int err;

	if (p->is_tcp) {
		init.tcp_flags = p->tcp_flags;
		init.tcp_seq_max = p->tcp_seq + p->tcp_len;
		init.flags |= XS_FLOW_F_SEQ_VALID;
	}
	err = bpf_map_update_elem(&xs_flows, &p->key, &init, BPF_NOEXIST);
	if (!err) {
		xs_count(XS_STAT_FLOW_NEW);
		xs_fill_inserted(fill);
		p->new_flow = 1;
	} else if (err != -EEXIST) {	/* -E2BIG: the table is full */
		xs_count(XS_STAT_FLOW_TABLE_FULL);
	}
	return err;
}

/*
 * A packet of a flow not in xs_flows. Below the fill level the flow gets
 * an entry (every flow visible, as before). Above it the packet only
 * updates the sketch, and the flow is admitted when its estimate makes it
 * a candidate, at once (with the event) when the estimate crosses
 * heavy_bytes: a flood of mice holds the table's free part, never the
 * reserve, and never hides an elephant from the detector.
 * Returns -EEXIST when another CPU created the entry meanwhile.
 */
static __always_inline int xs_untracked(struct xs_pkt *p)
{
	const struct xs_config *cfg = p->cfg;
	__u64 before, est, admit, heavy = cfg ? cfg->heavy_bytes : 0;
	struct xs_fill *fill;

	if (!xs_table_above_fill(p, &fill)) {
		int err = xs_flow_insert(p, p->l3_len, 1, 0, fill);

		if (!err)	/* a first packet as large as the threshold */
			xs_cand_event(p, 0);
		return err;
	}

	est = xs_sketch_add(p, &before);
	admit = cfg && cfg->sketch_admit_bytes ? cfg->sketch_admit_bytes
					       : heavy >> XS_SKETCH_ADMIT_SHIFT;
	if (heavy && before < heavy && est >= heavy &&
	    !(p->key.flags & XS_KEY_F_NOPORTS)) {
		/* the detection itself does not wait for a slot */
		xs_count(XS_STAT_FLOW_HEAVY_SKETCH);
		xs_event(p, XS_EV_HEAVY, est, XS_STAT_EVENT_HEAVY);
	} else if (!admit || est < admit) {
		xs_count(XS_STAT_FLOW_SKETCH_ONLY);
		return 0;
	}
	/*
	 * Counted from its estimate (bytes of its last one to two windows on
	 * this CPU), so its event comes at the packet that crosses
	 * heavy_bytes, not heavy_bytes later.
	 */
	if (xs_flow_insert(p, est, 1, XS_FLOW_F_SKETCH, fill))
		return 0;
	xs_count(XS_STAT_FLOW_ADMIT_SKETCH);
	/* admitted from its estimate: as if its bytes went from 0 to it */
	if (est >= p->l3_len)
		xs_cand_event(p, est - p->l3_len);
	return 0;
}

static __always_inline void xs_account(struct xs_pkt *p)
{
	struct xs_flow_stats *fs;
	__u64 now, old;
	__u32 seq_end = p->tcp_seq + p->tcp_len;

	fs = bpf_map_lookup_elem(&xs_flows, &p->key);
	if (!fs) {
		p->now = bpf_ktime_get_coarse_ns();
		if (xs_untracked(p) != -EEXIST)
			return;
		/* another CPU created it between our lookup and update */
		fs = bpf_map_lookup_elem(&xs_flows, &p->key);
		if (!fs)
			return;
	}
	p->fs = fs;
	/*
	 * The precise clock (23 ns) only for a flow with a steer entry: its
	 * flowlet gaps (500 us) decide when a move happens. Everything else
	 * (last seen, RTO gaps of 100 ms and more, signal periods) takes the
	 * coarse clock (3 ns, one tick of resolution).
	 */
	if (fs->flags & XS_FLOW_F_STEERED) {
		now = bpf_ktime_get_ns();
		p->now_precise = 1;
	} else {
		now = bpf_ktime_get_coarse_ns();
	}
	p->now = now;
	p->prev_seen_ns = fs->last_seen_ns;
	p->prev_precise = !!(fs->flags & XS_FLOW_F_PRECISE);
	if (p->is_tcp)
		xs_tcp_signals(p, fs);
	__sync_fetch_and_add(&fs->packets, 1);
	old = __sync_fetch_and_add(&fs->bytes, p->l3_len);
	if (!(p->key.flags & XS_KEY_F_NOPORTS)) {
		/* heavy first: a packet that crosses both is promoted by its event */
		xs_heavy_event(p, old);
		xs_cand_event(p, old);
	}
	/*
	 * Plain stores below: BPF atomics need 32/64-bit operands, and a lost
	 * race between two CPUs on one flow costs a nanosecond of last_seen
	 * or one flag bit that the next packet sets again.
	 */
	fs->last_seen_ns = now;
	if (p->is_tcp) {
		fs->tcp_flags |= p->tcp_flags;
		if (!(fs->flags & XS_FLOW_F_SEQ_VALID) ||
		    xs_seq_after(seq_end, fs->tcp_seq_max)) {
			fs->tcp_seq_max = seq_end;
			fs->flags |= XS_FLOW_F_SEQ_VALID;
		}
	}
}

/*
 * The flow's steer entry, looked up only when it may have one (see
 * XS_STEER_SLOT_SHIFT in xs_shared.h): a known mouse skips the lookup.
 * A flow found to have one is flagged (its packets then read the precise
 * clock and look up every time), and unflagged when its entry is gone.
 */
static __always_inline struct xs_steer_entry *xs_steer_of(struct xs_pkt *p)
{
	struct xs_flow_stats *fs = p->fs;
	const struct xs_config *cfg = p->cfg;
	__u16 gen = cfg ? (__u16)cfg->steer_gen : 0;
	struct xs_steer_entry *steer;

	if (fs && !p->new_flow && !(fs->flags & XS_FLOW_F_STEERED) && fs->steer_gen == gen &&
	    (p->now >> XS_STEER_SLOT_SHIFT) == (p->prev_seen_ns >> XS_STEER_SLOT_SHIFT))
		return NULL;
	steer = bpf_map_lookup_elem(&xs_steer, &p->key);
	if (steer && !p->now_precise) {
		/* first sight (or no entry of its own): from now on precisely */
		p->now = bpf_ktime_get_ns();
		p->now_precise = 1;
	}
	if (!fs && steer && p->new_flow)	/* created by this very packet */
		fs = p->fs = bpf_map_lookup_elem(&xs_flows, &p->key);
	if (!fs)
		return steer;
	if (fs->steer_gen != gen)
		fs->steer_gen = gen;
	if (steer && !(fs->flags & XS_FLOW_F_STEERED)) {
		fs->last_seen_ns = p->now;
		fs->flags |= XS_FLOW_F_STEERED | XS_FLOW_F_PRECISE;
	} else if (!steer && (fs->flags & XS_FLOW_F_STEERED)) {
		fs->flags &= ~(XS_FLOW_F_STEERED | XS_FLOW_F_PRECISE);
	}
	return steer;
}

static __always_inline int xs_verdict(int act, enum xs_stat why)
{
	switch (act) {
	case XDP_PASS:
		xs_count(XS_STAT_V_PASS);
		xs_count(why);
		break;
	case XDP_DROP:
		xs_count(XS_STAT_V_DROP);
		xs_count(why);
		break;
	case XDP_REDIRECT:
		xs_count(why);	/* V_FASTPATH or V_XSK */
		break;
	}
	return act;
}

/* A reason from the admission checks: malformed goes, the rest goes up. */
static __always_inline int xs_refuse(int why)
{
	return xs_verdict(why == XS_STAT_DROP_TRUNCATED ? XDP_DROP : XDP_PASS, why);
}

static __always_inline int xs_ttl(struct xs_pkt *p, struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;

	if (p->l3_proto == ETH_P_IP) {
		struct iphdr *iph = p->l3;

		return (void *)(iph + 1) <= data_end ? iph->ttl : 0;
	} else {
		struct ipv6hdr *ip6h = p->l3;

		return (void *)(ip6h + 1) <= data_end ? ip6h->hop_limit : 0;
	}
}

/*
 * Is this queue's datapath thread alive? It writes xs_xsk_beat[queue] every
 * loop iteration (at least every XS_XSK_BEAT_MS when idle). A socket whose
 * thread stopped (SIGSTOP, a debugger, a page-fault storm) is still in the
 * XSKMAP but nobody drains it: redirecting there would black-hole the flow.
 * The clock is the one xs_account() already read for this packet.
 */
static __always_inline int xs_xsk_stale(struct xs_pkt *p, __u32 queue)
{
	const struct xs_config *cfg = p->cfg;
	__u64 bound = cfg && cfg->xsk_stale_ns ? cfg->xsk_stale_ns : XS_XSK_STALE_NS_DEFAULT;
	__u64 *beat = bpf_map_lookup_elem(&xs_xsk_beat, &queue);

	/* signed: the thread may have beaten after p->now was read */
	return !beat || (__s64)(p->now - *(volatile __u64 *)beat) > (__s64)bound;
}

/* Hand the frame to this queue's AF_XDP socket, with the path in metadata. */
static __always_inline int xs_to_xsk(struct xdp_md *ctx, struct xs_pkt *p,
				     struct xs_steer_entry *steer)
{
	const struct xs_config *cfg = p->cfg;
	struct xs_xsk_meta *meta;
	__u32 path_id = steer->path_id, queue = ctx->rx_queue_index;
	void *data;
	int act;

	if (cfg && cfg->xsk_frame_max &&
	    ctx->data_end - ctx->data > cfg->xsk_frame_max)
		return xs_verdict(XDP_PASS, XS_STAT_PASS_XSK_TOO_BIG);
	/*
	 * Stalled: the kernel path, frame untouched. With no socket at all the
	 * redirect below fails open by itself (pass_no_xsk), so the XSKMAP is
	 * looked at only here, off the common path.
	 */
	if (xs_xsk_stale(p, queue) && bpf_map_lookup_elem(&xs_xsks, &queue))
		return xs_verdict(XDP_PASS, XS_STAT_PASS_XSK_STALE);

	/* adjust_meta invalidates every packet pointer: reload after it */
	if (!bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta))) {
		meta = (void *)(long)ctx->data_meta;
		data = (void *)(long)ctx->data;
		if ((void *)(meta + 1) <= data) {
			meta->path_id = path_id;
			meta->magic = XS_META_MAGIC;
		}
	}

	/* No socket on this queue (daemon gone): the kernel path. */
	act = bpf_redirect_map(&xs_xsks, queue, XDP_PASS);
	return xs_verdict(act, act == XDP_REDIRECT ? XS_STAT_V_XSK : XS_STAT_PASS_NO_XSK);
}

/*
 * A move the controller asked for: done at the first flowlet gap, so the
 * packets on the new path cannot overtake those still on the old one; at
 * the deadline at the latest.
 */
static __always_inline void xs_move(struct xs_pkt *p, struct xs_steer_entry *steer)
{
	const struct xs_config *cfg = p->cfg;
	enum xs_stat why;

	__u64 gap = p->now - p->prev_seen_ns;

	/* a coarse previous timestamp may be a tick early: a gap only past that */
	if (!p->prev_precise)
		gap = gap > XS_COARSE_SLACK_NS ? gap - XS_COARSE_SLACK_NS : 0;
	if (!p->prev_seen_ns || (cfg && gap >= cfg->flowlet_gap_ns))
		why = XS_STAT_MOVE_GAP;
	else if (p->now >= steer->deadline_ns)
		why = XS_STAT_MOVE_FORCED;
	else
		return;
	steer->path_id = steer->next_path_id;
	steer->since_ns = p->now;
	__sync_fetch_and_and(&steer->flags, ~(__u32)XS_STEER_F_PENDING);
	xs_count(why);
}

SEC("xdp")
int xs_xdp(struct xdp_md *ctx)
{
	struct xs_steer_entry *steer;
	struct xs_pkt p = {};
	enum xs_stat why = XS_STAT_PASS_FIB_OTHER;
	__u32 zero = 0;
	int rc, act, refused;

	xs_count(XS_STAT_RX);
	p.cfg = bpf_map_lookup_elem(&xs_config, &zero);

	rc = xs_parse(ctx, &p);
	switch (rc) {
	case 0:
	case XS_STAT_FRAG_NONFIRST:
	case XS_STAT_L4_UNKNOWN:
	case XS_STAT_PASS_EXTHDR_LIMIT:
		/* not for forwarding (another host's, martian, corrupt): the
		 * kernel's, untouched and not accounted */
		refused = xs_admit(ctx, &p);
		if (refused)
			return xs_refuse(refused);
		break;
	}
	switch (rc) {
	case 0:
		break;
	case XS_STAT_FRAG_NONFIRST:
	case XS_STAT_L4_UNKNOWN:
		/* accounted by addresses only, never steered */
		xs_count(rc);
		xs_account(&p);
		goto fastpath;
	case XS_STAT_PASS_EXTHDR_LIMIT:
		xs_account(&p);
		return xs_verdict(XDP_PASS, rc);
	case XS_STAT_PASS_NOT_IP:
		return xs_verdict(XDP_PASS, rc);
	default:	/* XS_STAT_DROP_*: malformed */
		return xs_verdict(XDP_DROP, rc);
	}

	xs_account(&p);

	steer = xs_steer_of(&p);
	if (steer && (steer->flags & XS_STEER_F_PENDING))
		xs_move(&p, steer);
	/* TTL about to expire: the fast path hands it to the kernel (ICMP) */
	if (steer && steer->path_id != XS_PATH_NONE && xs_ttl(&p, ctx) > 1) {
		refused = xs_admit_rpf(ctx, &p);
		if (refused)
			return xs_refuse(refused);
		return xs_to_xsk(ctx, &p, steer);
	}

fastpath:
	act = xs_fastpath(ctx, &p, &why);
	return xs_verdict(act, act == XDP_REDIRECT ? XS_STAT_V_FASTPATH : why);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
