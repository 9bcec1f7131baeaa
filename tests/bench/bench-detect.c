// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-detect: how well the XDP program finds heavy hitters, scored
 * against an exact ground truth. Synthetic traces (flows from the web-search
 * and data-mining size CDFs with Poisson arrivals; a flood of one-packet
 * flows; a sustained flood of flows that keep sending, elephants mixed in)
 * are replayed packet by packet through the real program object
 * (build/xdp/xsteer.bpf.o, through its skeleton) with BPF_PROG_TEST_RUN,
 * once per flow-table size. Afterwards the program's own state is read
 * back: the heavy-hitter events of its ring buffer (drained after every
 * test run, so the packet that raised each one is known), its flow map and
 * its counters. Prints figures, asserts nothing.
 *
 * One test run per packet, repeat = 1: a repeat > 1 makes the kernel
 * update the XDP dispatcher (bpf_prog_change_xdp) on every call, which
 * costs milliseconds. The ring buffer is drained after every burst of a
 * flow, and a burst is always cut at the packet that crosses the
 * threshold, so an event read right after it was raised by that packet.
 * Detection delay, in the flow's own packets from the one that crossed the
 * threshold: to its event, and to its presence in the flow map (looked up
 * after every burst of a heavy hitter until found; a detector that admits
 * flows into the map late shows it there).
 * The program runs in a fresh network namespace (unshare), where its FIB
 * lookup finds no route: every packet ends as XDP_PASS after accounting.
 *
 * Flow sizes and the threshold are both divided by --scale (default 1024):
 * 1M flows of the data-mining CDF are 12.7 TB, 8.5e9 full-size packets at
 * scale 1. Dividing both keeps which flows are heavy hitters and every
 * ratio of flow size to threshold; packets keep realistic sizes (1500 B
 * L3, the last one smaller), so a flow has 1/scale of its packets.
 *
 * Every flow has its own source address (fd00:1::/64 + flow id in the last
 * 32 bits), so an event or a map entry names its flow.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt.h"
#include "xdp/xs_shared.h"
#include "xsteer.skel.h"

#define MTU_L3		1500	/* full-size packet, IP header + payload */
#define MIN_L3		64	/* smallest packet we send (IPv6 + UDP + 16) */
#define HDR_L3		48	/* IPv6 + UDP */
#define ETH_LEN		14
#define NO_PKT		UINT32_MAX
/* the sketch's hash seed (the loader draws one at random per load) */
#define BENCH_SEED	0x5eedb0a7c0ffee11ULL

/* ---- options ----------------------------------------------------------- */

static struct {
	uint64_t flows;		/* flows of a CDF workload / one-packet flood */
	uint64_t scale;
	uint64_t threshold;	/* bytes, before scaling (xs_config.heavy_bytes) */
	uint32_t sizes[8];	/* flow-table sizes (max_entries) */
	int nsizes;
	uint32_t topk;
	uint32_t elephants;	/* mixed into each flood */
	uint64_t seed;
	const char *cdf_dir;
	const char *workloads;
} opt = {
	.flows = 1000000,
	.scale = 1024,
	.threshold = 10000000,	/* the daemon's default heavy-bytes (10M) */
	.sizes = { 16384, 65536, 262144 },
	.nsizes = 3,
	.topk = 100,
	.elephants = 1000,
	.seed = 12,
	.cdf_dir = "data/workloads",
	.workloads = "websearch,datamining,flood-1pkt,flood-sustained",
};

/* ---- random numbers (deterministic: same trace for every table size) --- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)	/* (0, 1) */
{
	return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_exp(double mean)
{
	return -mean * log(rng_unit());
}

/* ---- size CDFs ----------------------------------------------------------- */

struct cdf {
	double x[64], p[64];
	int n;
};

static int cdf_load(const char *path, struct cdf *c)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "bench-detect: cannot open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	c->n = 0;
	while (fgets(line, sizeof(line), f) && c->n < 64) {
		double x, p;

		if (line[0] == '#' || sscanf(line, "%lf %lf", &x, &p) != 2)
			continue;
		c->x[c->n] = x;
		c->p[c->n] = p;
		c->n++;
	}
	fclose(f);
	if (c->n < 2) {
		fprintf(stderr, "bench-detect: %s: no CDF points\n", path);
		return -EINVAL;
	}
	return 0;
}

/* Inverse CDF, linear between the points (as data/workloads/README.md says). */
static double cdf_draw(const struct cdf *c)
{
	double u = rng_unit();
	int i;

	for (i = 1; i < c->n; i++) {
		if (u <= c->p[i]) {
			double dp = c->p[i] - c->p[i - 1];

			return dp > 0 ? c->x[i - 1] + (u - c->p[i - 1]) / dp * (c->x[i] - c->x[i - 1])
				      : c->x[i];
		}
	}
	return c->x[c->n - 1];
}

static double cdf_mean(const struct cdf *c)
{
	double m = 0;
	int i;

	for (i = 1; i < c->n; i++)
		m += (c->p[i] - c->p[i - 1]) * (c->x[i] + c->x[i - 1]) / 2;
	return m;
}

/* ---- the trace --------------------------------------------------------- */

/*
 * A flow sends `bytes` as packets of pkt_l3 bytes (the last one smaller,
 * at least MIN_L3), in bursts of `burst` packets every `gap_ns`, from
 * start_ns on. Ground truth: the exact L3 bytes of the packets it sends.
 */
struct flow {
	uint64_t start_ns;
	uint64_t bytes;		/* ground truth: what its packets add up to */
	uint32_t gap_ns;
	uint16_t pkt_l3;
	uint16_t burst;
	/* replay state */
	uint64_t sent;		/* bytes sent so far */
	uint32_t pkts;		/* packets sent so far */
	uint32_t cross_pkt;	/* packet that took it to the threshold (1-based) */
	uint32_t event_pkt;	/* packets it had sent when its event was read */
	uint32_t map_pkt;	/* ... when it was first seen in the flow map at or
				 * after the crossing */
	uint32_t nevents;
};

struct trace {
	const char *name;
	struct flow *f;
	uint32_t n;
	uint64_t packets, bytes;	/* totals, ground truth */
};

/* Bytes a flow of size s really sends when cut into packets of at most m. */
static uint64_t packetized(uint64_t s, uint32_t m, uint32_t *npkts)
{
	uint64_t full = s / m, rem = s % m;

	if (!s) {
		*npkts = 1;
		return MIN_L3;
	}
	*npkts = (uint32_t)(full + (rem ? 1 : 0));
	return full * m + (rem ? (rem < MIN_L3 ? MIN_L3 : rem) : 0);
}

static void flow_set(struct trace *t, uint32_t i, uint64_t start, uint64_t size, uint32_t l3,
		     uint32_t burst, uint64_t rate_bps)
{
	struct flow *f = &t->f[i];
	uint32_t np;

	memset(f, 0, sizeof(*f));
	f->start_ns = start;
	f->pkt_l3 = (uint16_t)l3;
	f->burst = (uint16_t)burst;
	f->gap_ns = (uint32_t)((uint64_t)burst * l3 * 8 * 1000000000ULL / rate_bps);
	f->bytes = packetized(size, l3, &np);
	f->cross_pkt = f->event_pkt = f->map_pkt = NO_PKT;
	t->packets += np;
	t->bytes += f->bytes;
}

/*
 * A CDF workload: n flows, Poisson arrivals at the rate that loads a
 * 10 Gbit/s host link to 60%, each flow paced at 100 Mbit/s in bursts of
 * 16 packets (so about 60 flows are active at a time and interleave).
 */
static int trace_cdf(struct trace *t, const char *file)
{
	char path[512];
	struct cdf c = { .n = 0 };
	double mean, ia_ns, now = 0;
	uint32_t i;
	int err;

	snprintf(path, sizeof(path), "%s/%s", opt.cdf_dir, file);
	err = cdf_load(path, &c);
	if (err)
		return err;
	mean = cdf_mean(&c) / (double)opt.scale;
	ia_ns = mean * 8 / (0.6 * 10e9) * 1e9;
	t->n = (uint32_t)opt.flows;
	t->f = calloc(t->n, sizeof(*t->f));
	if (!t->f)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		now += rng_exp(ia_ns);
		flow_set(t, i, (uint64_t)now, (uint64_t)(cdf_draw(&c) / (double)opt.scale),
			 MTU_L3, 16, 100000000ULL);
	}
	return 0;
}

/*
 * Elephants mixed into a flood: each sends 4x the threshold at 1 Gbit/s,
 * starting at a uniformly random time of the flood's span.
 */
static void add_elephants(struct trace *t, uint32_t first, uint64_t span_ns)
{
	uint32_t i;

	for (i = 0; i < opt.elephants; i++)
		flow_set(t, first + i, (uint64_t)(rng_unit() * (double)span_ns),
			 4 * opt.threshold / opt.scale, MTU_L3, 16, 1000000000ULL);
}

/* Adversarial: `flows` one-packet flows (64 B) at 1 Mpps, Poisson. */
static int trace_flood_1pkt(struct trace *t)
{
	double now = 0;
	uint32_t i, n = (uint32_t)opt.flows;

	t->n = n + opt.elephants;
	t->f = calloc(t->n, sizeof(*t->f));
	if (!t->f)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		now += rng_exp(1000.0);
		flow_set(t, i, (uint64_t)now, MIN_L3, MIN_L3, 1, 1000000000ULL);
	}
	add_elephants(t, n, (uint64_t)now);
	return 0;
}

/*
 * Sustained: flows/10 flows (100k for 1M) that keep sending: 20 packets of
 * 100 B each, one every 100 ms (1 Mpps in all at 100k flows), the first
 * spread over the first 100 ms. None comes near the threshold.
 */
static int trace_flood_sustained(struct trace *t)
{
	uint32_t i, n = (uint32_t)(opt.flows / 10);
	const uint32_t npk = 20, l3 = 100;

	t->n = n + opt.elephants;
	t->f = calloc(t->n, sizeof(*t->f));
	if (!t->f)
		return -ENOMEM;
	for (i = 0; i < n; i++)	/* 1 packet per 100 ms: 100 B * 8 bit / 0.1 s */
		flow_set(t, i, (uint64_t)(rng_unit() * 1e8), (uint64_t)npk * l3, l3, 1, 8000);
	add_elephants(t, n, (uint64_t)npk * 100000000ULL);
	return 0;
}

static int trace_make(struct trace *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	rng_state = opt.seed;
	if (!strcmp(name, "websearch"))
		return trace_cdf(t, "websearch.cdf");
	if (!strcmp(name, "datamining"))
		return trace_cdf(t, "datamining.cdf");
	if (!strcmp(name, "flood-1pkt"))
		return trace_flood_1pkt(t);
	if (!strcmp(name, "flood-sustained"))
		return trace_flood_sustained(t);
	fprintf(stderr, "bench-detect: unknown workload '%s' (websearch, datamining, "
		"flood-1pkt, flood-sustained)\n", name);
	return -EINVAL;
}

static void trace_reset(struct trace *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		t->f[i].sent = 0;
		t->f[i].pkts = 0;
		t->f[i].cross_pkt = t->f[i].event_pkt = t->f[i].map_pkt = NO_PKT;
		t->f[i].nevents = 0;
	}
}

/* ---- min-heap of (next burst time, flow) ---------------------------------- */

struct hent {
	uint64_t t;
	uint32_t id;
};

struct heap {
	struct hent *a;
	uint32_t n, cap;
};

static int heap_push(struct heap *h, uint64_t t, uint32_t id)
{
	uint32_t i;

	if (h->n == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 1024;
		struct hent *a = realloc(h->a, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		h->a = a;
		h->cap = cap;
	}
	i = h->n++;
	while (i && h->a[(i - 1) / 2].t > t) {
		h->a[i] = h->a[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->a[i] = (struct hent){ t, id };
	return 0;
}

static struct hent heap_pop(struct heap *h)
{
	struct hent top = h->a[0], last = h->a[--h->n];
	uint32_t i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->a[c + 1].t < h->a[c].t)
			c++;
		if (h->a[c].t >= last.t)
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n)
		h->a[i] = last;
	return top;
}

/* ---- the program ----------------------------------------------------------- */

struct replay {
	struct xsteer_bpf *skel;
	struct ring_buffer *rb;
	struct trace *t;
	int prog_fd, flows_fd;
	struct pkt tmpl;	/* Ethernet + IPv6 + UDP, MTU-sized */
	int config_fd;
	struct xs_config cfg;	/* as written; sketch_epoch follows trace time */
	uint64_t window_ns;	/* the sketch window in trace time */
	uint64_t runs;
	uint64_t events_unknown;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct replay *r = ctx;
	const struct xs_event *ev = data;
	uint32_t id;

	if (len < sizeof(*ev) || ev->type != XS_EV_HEAVY)
		return 0;
	id = ntohl(ev->key.saddr[3]);
	if (id >= r->t->n) {
		r->events_unknown++;
		return 0;
	}
	if (!r->t->f[id].nevents++)
		r->t->f[id].event_pkt = r->t->f[id].pkts;
	return 0;
}

static void tmpl_build(struct pkt *p)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };

	pkt_init(p);
	pkt_eth(p, dmac, smac);
	pkt_ipv6(p, &(struct pkt_ip6){ .src = pkt_a6("fd00:1::"), .dst = pkt_a6("fd00:2::1") });
	pkt_udp(p, 1024, 80);
	pkt_payload(p, NULL, MTU_L3 - HDR_L3);
	pkt_finish(p);
}

/*
 * `count` packets of flow id, l3 bytes each, one test run each. The flow's
 * addresses, ports and lengths are patched into the template; the UDP
 * checksum goes stale, which the program never reads.
 */
static int run_pkts(struct replay *r, uint32_t id, uint32_t l3, uint32_t count)
{
	struct pkt *p = &r->tmpl;
	uint8_t *ip6 = p->buf + p->l3, *udp = p->buf + p->l4;
	uint16_t plen = (uint16_t)(l3 - 40), sport = (uint16_t)(1024 + id % 60000);
	uint32_t id_be = htonl(id);
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = p->buf,
		.data_size_in = ETH_LEN + l3,
		.repeat = 1,
	);
	uint32_t i;

	memcpy(ip6 + 8 + 12, &id_be, 4);	/* source fd00:1::<id> */
	ip6[4] = (uint8_t)(plen >> 8);
	ip6[5] = (uint8_t)plen;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[4] = (uint8_t)(plen >> 8);
	udp[5] = (uint8_t)plen;
	for (i = 0; i < count; i++) {
		if (bpf_prog_test_run_opts(r->prog_fd, &o))
			return -errno;
	}
	r->runs += count;
	r->t->f[id].pkts += count;
	r->t->f[id].sent += (uint64_t)count * l3;
	ring_buffer__consume(r->rb);
	return 0;
}

/* The key the program makes of flow id's packets (see run_pkts()). */
static void flow_key(uint32_t id, struct xs_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->saddr[0] = htonl(0xfd000001);
	k->saddr[3] = htonl(id);
	k->daddr[0] = htonl(0xfd000002);
	k->daddr[3] = htonl(1);
	k->sport = htons((uint16_t)(1024 + id % 60000));
	k->dport = htons(80);
	k->proto = IPPROTO_UDP;
}

/*
 * A heavy hitter past its crossing packet and not yet found in the flow
 * map: is it there now? (One lookup per burst until it is.)
 */
static void check_map(struct replay *r, uint32_t id)
{
	struct flow *f = &r->t->f[id];
	struct xs_flow_stats st;
	struct xs_flow_key k;

	if (f->cross_pkt == NO_PKT || f->map_pkt != NO_PKT)
		return;
	flow_key(id, &k);
	if (!bpf_map_lookup_elem(r->flows_fd, &k, &st))
		f->map_pkt = f->pkts;
}

/* `count` same-size packets, cut at the one that crosses the threshold. */
static int send_run(struct replay *r, uint32_t id, uint32_t l3, uint32_t count, uint64_t thr)
{
	struct flow *f = &r->t->f[id];
	int err;

	if (f->sent < thr && f->sent + (uint64_t)count * l3 >= thr) {
		uint32_t j = (uint32_t)((thr - f->sent + l3 - 1) / l3);

		f->cross_pkt = f->pkts + j;
		err = run_pkts(r, id, l3, j);
		if (err)
			return err;
		check_map(r, id);
		if (j == count)
			return 0;
		return run_pkts(r, id, l3, count - j);
	}
	return run_pkts(r, id, l3, count);
}

/* One burst of flow id; returns 1 when the flow has more to send. */
static int send_burst(struct replay *r, uint32_t id, uint64_t thr)
{
	struct flow *f = &r->t->f[id];
	uint64_t left = f->bytes - f->sent;
	uint32_t nfull = (uint32_t)(left / f->pkt_l3), last = (uint32_t)(left % f->pkt_l3);
	uint32_t n = nfull < f->burst ? nfull : f->burst;
	int err;

	if (n) {
		err = send_run(r, id, f->pkt_l3, n, thr);
		if (err)
			return err;
	}
	/* the last, smaller packet (packetized() made it at least MIN_L3) */
	if (n < f->burst && last) {
		err = send_run(r, id, last, 1, thr);
		if (err)
			return err;
	}
	check_map(r, id);
	return f->sent < f->bytes;
}

static int cmp_start(const void *a, const void *b, void *ctx)
{
	const struct flow *f = ctx;
	uint64_t x = f[*(const uint32_t *)a].start_ns, y = f[*(const uint32_t *)b].start_ns;

	return x < y ? -1 : x > y;
}

static int replay(struct replay *r)
{
	struct trace *t = r->t;
	uint64_t thr = opt.threshold / opt.scale;
	struct heap h = {};
	uint32_t *order, ai = 0;
	int err = 0;

	order = malloc(t->n * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->n; i++)
		order[i] = i;
	qsort_r(order, t->n, sizeof(*order), cmp_start, t->f);

	while (ai < t->n || h.n) {
		uint32_t id;
		uint64_t now;

		if (ai < t->n && (!h.n || t->f[order[ai]].start_ns <= h.a[0].t)) {
			id = order[ai++];
			now = t->f[id].start_ns;
		} else {
			struct hent e = heap_pop(&h);

			id = e.id;
			now = e.t;
		}
		/*
		 * The sketch's windows follow the trace's clock, not the replay's
		 * (which runs many times slower): the program's clock never
		 * closes a window (sketch_window_ns is ~0), the epoch does.
		 */
		if (now / r->window_ns != r->cfg.sketch_epoch) {
			__u32 zero = 0;

			r->cfg.sketch_epoch = (__u32)(now / r->window_ns);
			if (bpf_map_update_elem(r->config_fd, &zero, &r->cfg, BPF_ANY)) {
				err = -errno;
				break;
			}
		}
		err = send_burst(r, id, thr);
		if (err < 0)
			break;
		if (err)
			err = heap_push(&h, now + t->f[id].gap_ns, id);
		if (err < 0)
			break;
		err = 0;
	}
	ring_buffer__consume(r->rb);
	free(h.a);
	free(order);
	return err;
}

/* ---- scoring ------------------------------------------------------------- */

struct score {
	uint32_t size;
	uint64_t hh_true, ev_tp, ev_fp, map_tp, map_fp, rep_tp, rep_fp;
	uint64_t topk_hit, topk_k;
	uint32_t delay_p50, delay_p99, delay_max;	/* to the event */
	uint32_t mdelay_p50, mdelay_p99, mdelay_max;	/* to presence in the map */
	uint64_t in_map, stat_full, stat_new, stat_event, stat_lost;
	uint64_t stat_sketch_only, stat_admit_sketch, stat_heavy_sketch, early;
	uint64_t key_val_bytes, memlock;
	double secs;
	uint64_t runs;
};

static uint64_t fdinfo_memlock(int fd)
{
	char path[64], line[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void read_stats(struct xsteer_bpf *skel, uint64_t sum[XS_STAT__MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.xs_stats), c;
	__u64 v[ncpu > 0 ? ncpu : 1];
	__u32 k;

	for (k = 0; k < XS_STAT__MAX; k++) {
		sum[k] = 0;
		if (ncpu <= 0 || bpf_map_lookup_elem(fd, &k, v))
			continue;
		for (c = 0; c < ncpu; c++)
			sum[k] += v[c];
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct byid {
	uint64_t bytes;
	uint32_t id;
};

static int cmp_byid_desc(const void *a, const void *b)
{
	const struct byid *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int score(struct replay *r, struct score *s)
{
	struct trace *t = r->t;
	uint64_t thr = opt.threshold / opt.scale, st[XS_STAT__MAX];
	int fd = bpf_map__fd(r->skel->maps.xs_flows);
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	struct xs_flow_key *keys;
	struct xs_flow_stats *vals;
	uint64_t *counted;	/* bytes the flow map holds per flow */
	struct byid *tru = NULL, *det = NULL;
	uint32_t *delays, *mdelays = NULL, nd = 0, nmd = 0, ndet = 0, i, k;
	__u32 token = 0, count;
	bool first = true;
	int err = 0;

	keys = calloc(4096, sizeof(*keys));
	vals = calloc(4096, sizeof(*vals));
	counted = calloc(t->n, sizeof(*counted));
	delays = calloc(t->n, sizeof(*delays));
	mdelays = calloc(t->n, sizeof(*mdelays));
	tru = calloc(t->n, sizeof(*tru));
	det = calloc(t->n, sizeof(*det));
	if (!keys || !vals || !counted || !delays || !mdelays || !tru || !det) {
		err = -ENOMEM;
		goto out;
	}
	do {
		count = 4096;
		err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals,
					   &count, &bo);
		if (err && errno != ENOENT) {
			err = -errno;
			fprintf(stderr, "bench-detect: reading xs_flows: %s\n", strerror(errno));
			goto out;
		}
		for (k = 0; k < count; k++) {
			uint32_t id = ntohl(keys[k].saddr[3]);

			if (id < t->n)
				counted[id] = vals[k].bytes;
			s->in_map++;
		}
		first = false;
	} while (!err);
	err = 0;

	for (i = 0; i < t->n; i++) {
		const struct flow *f = &t->f[i];
		bool hh = f->bytes >= thr, ev = f->nevents > 0, inmap = counted[i] >= thr;

		s->hh_true += hh;
		s->ev_tp += hh && ev;
		s->ev_fp += !hh && ev;
		s->map_tp += hh && inmap;
		s->map_fp += !hh && inmap;
		s->rep_tp += hh && (ev || inmap);
		s->rep_fp += !hh && (ev || inmap);
		/*
		 * An entry admitted by the sketch counts from its estimate, which
		 * may lie above the truth: its event can come before the crossing
		 * packet (counted as early, delay 0).
		 */
		if (hh && ev && f->cross_pkt != NO_PKT) {
			s->early += f->event_pkt < f->cross_pkt;
			delays[nd++] = f->event_pkt < f->cross_pkt ? 0 : f->event_pkt - f->cross_pkt;
		}
		if (hh && f->map_pkt != NO_PKT)
			mdelays[nmd++] = f->map_pkt - f->cross_pkt;
		tru[i] = (struct byid){ f->bytes, i };
		if (counted[i])
			det[ndet++] = (struct byid){ counted[i], i };
	}
	if (nd) {
		qsort(delays, nd, sizeof(*delays), cmp_u32);
		s->delay_p50 = delays[(nd - 1) / 2];
		s->delay_p99 = delays[(nd * 99 + 99) / 100 - 1];
		s->delay_max = delays[nd - 1];
	} else {
		s->delay_p50 = s->delay_p99 = s->delay_max = NO_PKT;
	}
	if (nmd) {
		qsort(mdelays, nmd, sizeof(*mdelays), cmp_u32);
		s->mdelay_p50 = mdelays[(nmd - 1) / 2];
		s->mdelay_p99 = mdelays[(nmd * 99 + 99) / 100 - 1];
		s->mdelay_max = mdelays[nmd - 1];
	} else {
		s->mdelay_p50 = s->mdelay_p99 = s->mdelay_max = NO_PKT;
	}
	/* top-k by bytes: the true k largest against the map's k largest */
	qsort(tru, t->n, sizeof(*tru), cmp_byid_desc);
	qsort(det, ndet, sizeof(*det), cmp_byid_desc);
	s->topk_k = opt.topk < t->n ? opt.topk : t->n;
	{
		uint8_t *in_top = calloc(t->n, 1);

		if (!in_top) {
			err = -ENOMEM;
			goto out;
		}
		for (k = 0; k < s->topk_k; k++)
			in_top[tru[k].id] = 1;
		for (k = 0; k < s->topk_k && k < ndet; k++)
			s->topk_hit += in_top[det[k].id];
		free(in_top);
	}
	read_stats(r->skel, st);
	s->stat_full = st[XS_STAT_FLOW_TABLE_FULL];
	s->stat_new = st[XS_STAT_FLOW_NEW];
	s->stat_event = st[XS_STAT_EVENT_HEAVY];
	s->stat_lost = st[XS_STAT_EVENT_LOST];
	s->stat_sketch_only = st[XS_STAT_FLOW_SKETCH_ONLY];
	s->stat_admit_sketch = st[XS_STAT_FLOW_ADMIT_SKETCH];
	s->stat_heavy_sketch = st[XS_STAT_FLOW_HEAVY_SKETCH];
	s->key_val_bytes = (uint64_t)(sizeof(struct xs_flow_key) + sizeof(struct xs_flow_stats)) *
			   bpf_map__max_entries(r->skel->maps.xs_flows);
	s->memlock = fdinfo_memlock(fd);
out:
	free(keys);
	free(vals);
	free(counted);
	free(delays);
	free(mdelays);
	free(tru);
	free(det);
	return err;
}

/* ---- one workload x table size ---------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_one(struct trace *t, uint32_t size, struct score *s)
{
	struct replay r = { .t = t };
	/* the daemon's defaults, sizes scaled: window 1 s / scale */
	struct xs_config cfg = { .heavy_bytes = opt.threshold / opt.scale,
				 .sketch_window_ns = ~0ULL };
	__u32 zero = 0;
	double t0;
	int err;

	memset(s, 0, sizeof(*s));
	s->size = size;
	trace_reset(t);
	tmpl_build(&r.tmpl);
	r.skel = xsteer_bpf__open();
	if (!r.skel)
		return -errno;
	/*
	 * As the loader does (ctl/lib/loader.c: flow-table-size), but with a
	 * known seed instead of a random one: every run hashes to the same cells.
	 */
	r.skel->rodata->xs_sketch_seed = BENCH_SEED;
	err = bpf_map__set_max_entries(r.skel->maps.xs_flows, size);
	err = err ?: xsteer_bpf__load(r.skel);
	if (err) {
		fprintf(stderr, "bench-detect: cannot load xsteer.bpf.o (flow table %u): %s\n",
			size, strerror(-err));
		goto out;
	}
	/* redirect off: nothing to redirect to here; the FIB finds no route anyway */
	if (bpf_map_update_elem(bpf_map__fd(r.skel->maps.xs_config), &zero, &cfg, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	r.config_fd = bpf_map__fd(r.skel->maps.xs_config);
	r.cfg = cfg;
	r.window_ns = XS_SKETCH_WINDOW_NS_DEFAULT / opt.scale;
	r.prog_fd = bpf_program__fd(r.skel->progs.xs_xdp);
	r.flows_fd = bpf_map__fd(r.skel->maps.xs_flows);
	r.rb = ring_buffer__new(bpf_map__fd(r.skel->maps.xs_events), on_event, &r, NULL);
	if (!r.rb) {
		err = -errno;
		goto out;
	}
	t0 = now_s();
	err = replay(&r);
	s->secs = now_s() - t0;
	s->runs = r.runs;
	if (err) {
		fprintf(stderr, "bench-detect: test run failed: %s\n", strerror(-err));
		goto out;
	}
	err = score(&r, s);
out:
	ring_buffer__free(r.rb);
	xsteer_bpf__destroy(r.skel);
	return err;
}

static const char *fmt_ratio(char *buf, size_t len, uint64_t a, uint64_t b)
{
	if (!b)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4f", (double)a / (double)b);
	return buf;
}

static const char *fmt_pkts(char *buf, size_t len, uint32_t v)
{
	if (v == NO_PKT)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%u", v);
	return buf;
}

static void print_row(const struct trace *t, const struct score *s)
{
	char a[16], b[16], c[16], d[16], e[16], f[16], g[16], h[16], i[16], j[16];

	printf("| %s | %u | %llu | %s | %s | %s | %s | %s/%s/%s | %s/%s/%s | %llu | %llu | %llu | %llu | %llu | %llu | %.1f | %.1f | %.1f |\n",
	       t->name, s->size, (unsigned long long)s->hh_true,
	       fmt_ratio(a, sizeof(a), s->ev_tp, s->hh_true),
	       fmt_ratio(b, sizeof(b), s->rep_tp, s->rep_tp + s->rep_fp),
	       fmt_ratio(c, sizeof(c), s->map_tp, s->hh_true),
	       fmt_ratio(d, sizeof(d), s->topk_hit, s->topk_k),
	       fmt_pkts(e, sizeof(e), s->delay_p50), fmt_pkts(f, sizeof(f), s->delay_p99),
	       fmt_pkts(g, sizeof(g), s->delay_max),
	       fmt_pkts(h, sizeof(h), s->mdelay_p50), fmt_pkts(i, sizeof(i), s->mdelay_p99),
	       fmt_pkts(j, sizeof(j), s->mdelay_max),
	       (unsigned long long)s->in_map, (unsigned long long)s->stat_full,
	       (unsigned long long)s->stat_sketch_only, (unsigned long long)s->stat_admit_sketch,
	       (unsigned long long)s->stat_heavy_sketch, (unsigned long long)s->early,
	       (double)s->key_val_bytes / 1048576.0, (double)s->memlock / 1048576.0,
	       s->secs);
	fflush(stdout);
}

static int parse_sizes(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	if (!copy)
		return -ENOMEM;
	opt.nsizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok && opt.nsizes < 8;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long v = strtoul(tok, &end, 0);

		if (*end == 'K' || *end == 'k')
			v *= 1024, end++;
		if (*end || !v || v > 1U << 28) {
			fprintf(stderr, "bench-detect: --sizes: bad size '%s'\n", tok);
			free(copy);
			return -EINVAL;
		}
		opt.sizes[opt.nsizes++] = (uint32_t)v;
	}
	free(copy);
	return opt.nsizes ? 0 : -EINVAL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench-detect [--flows N] [--scale S] [--sizes 16K,64K,256K] [--topk K]\n"
		"                    [--elephants N] [--seed N] [--cdf-dir DIR] [--workloads LIST]\n"
		"Replays synthetic traces through build/xdp/xsteer.bpf.o (BPF_PROG_TEST_RUN) in a\n"
		"new network namespace and scores heavy-hitter detection. Needs root.\n"
		"workloads: websearch,datamining,flood-1pkt,flood-sustained\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "flows", required_argument, NULL, 'n' },
		{ "scale", required_argument, NULL, 's' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "topk", required_argument, NULL, 'k' },
		{ "elephants", required_argument, NULL, 'e' },
		{ "seed", required_argument, NULL, 'r' },
		{ "cdf-dir", required_argument, NULL, 'c' },
		{ "workloads", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *list, *tok, *save = NULL;
	int c, i, rc = EXIT_SUCCESS;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': opt.flows = strtoull(optarg, NULL, 0); break;
		case 's': opt.scale = strtoull(optarg, NULL, 0); break;
		case 'z':
			if (parse_sizes(optarg))
				return EXIT_FAILURE;
			break;
		case 'k': opt.topk = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'e': opt.elephants = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'r': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'c': opt.cdf_dir = optarg; break;
		case 'w': opt.workloads = optarg; break;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		default: usage(stderr); return EXIT_FAILURE;
		}
	}
	if (!opt.flows || opt.flows > 50000000 || !opt.scale || !opt.topk) {
		fprintf(stderr, "bench-detect: --flows (1..50M), --scale and --topk must be > 0\n");
		return EXIT_FAILURE;
	}
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "bench-detect: unshare(CLONE_NEWNET): %s (needs root)\n",
			strerror(errno));
		return EXIT_FAILURE;
	}
	libbpf_set_print(NULL);

	printf("bench-detect: threshold %llu B / scale %llu = %llu B per flow (xs_config.heavy_bytes); "
	       "top-k k=%u; %u elephants (4x threshold) in each flood\n",
	       (unsigned long long)opt.threshold, (unsigned long long)opt.scale,
	       (unsigned long long)(opt.threshold / opt.scale), opt.topk, opt.elephants);
	printf("bench-detect: sketch %u rows x %u cells (%u counters) of %zu B per CPU = %.2f MiB "
	       "per CPU, %d CPUs; window %.3f ms of trace time (1 s / scale); candidates at "
	       "heavy_bytes / %u; reserve max_entries / %u\n",
	       XS_SKETCH_ROWS, XS_SKETCH_WIDTH, XS_SKETCH_ROWS * XS_SKETCH_WIDTH,
	       sizeof(struct xs_sketch_cell),
	       XS_SKETCH_ROWS * XS_SKETCH_WIDTH * sizeof(struct xs_sketch_cell) / 1048576.0,
	       libbpf_num_possible_cpus(), XS_SKETCH_WINDOW_NS_DEFAULT / (double)opt.scale / 1e6,
	       1U << XS_SKETCH_ADMIT_SHIFT, 1U << XS_FLOW_RESERVE_SHIFT);
	list = strdup(opt.workloads);
	if (!list)
		return EXIT_FAILURE;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct trace t;

		if (trace_make(&t, tok)) {
			rc = EXIT_FAILURE;
			break;
		}
		printf("\n%s: %u flows, %llu packets, %.2f GB (L3), %s\n", t.name, t.n,
		       (unsigned long long)t.packets, (double)t.bytes / 1e9,
		       !strncmp(t.name, "flood", 5) ? "elephants mixed in" : "Poisson arrivals");
		printf("\n| workload | flow table | heavy hitters | recall (event) | precision | "
		       "recall (map) | top-%u | delay to event p50/p99/max (pkts) | "
		       "delay to map p50/p99/max (pkts) | flows in map | "
		       "flow_table_full | flow_sketch_only | flow_admit_sketch | flow_heavy_sketch | "
		       "early events | key+value MiB | memlock MiB | replay s |\n",
		       opt.topk);
		printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
		fflush(stdout);
		for (i = 0; i < opt.nsizes; i++) {
			struct score s;
			int err = run_one(&t, opt.sizes[i], &s);

			if (err) {
				rc = EXIT_FAILURE;
				break;
			}
			print_row(&t, &s);
		}
		free(t.f);
		if (rc)
			break;
	}
	free(list);
	return rc;
}
