// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The controller's decisions: rate and heavy-hitter classification, path
 * choice, and the bounded flow table. Pure functions over their own state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include "daemon/controller.h"
#include "xdp/xs_hash.h"

/* ---- classification ---- */

/*
 * e^-x for x >= 0. The daemon does not link libm for one exponential:
 * halve x until the Taylor series converges at once, then square back,
 * e^-x = (e^-(x/2^n))^(2^n). Relative error ~1e-10 over the whole range,
 * far below what an EWMA weight needs.
 */
static double xs_exp_neg(double x)
{
	double y;
	int n = 0;

	if (!(x > 0))
		return 1;
	if (x > 50)		/* below 2e-22: 1 - w is 0 in a double anyway */
		return 0;
	while (x > 0x1p-10) {
		x *= 0.5;
		n++;
	}
	y = 1 - x * (1 - x / 2 * (1 - x / 3 * (1 - x / 4)));
	while (n--)
		y *= y;
	return y;
}

static enum xs_class_event class_promote(struct xs_class_state *s)
{
	s->heavy = true;
	s->was_heavy = true;
	s->below_since_ns = 0;
	return XS_CLASS_PROMOTE;
}

enum xs_class_event xs_class_promote(struct xs_class_state *s, uint64_t now_ns)
{
	(void)now_ns;
	if (s->heavy)
		return XS_CLASS_NONE;
	return class_promote(s);
}

enum xs_class_event xs_class_update(const struct xs_class_cfg *c, struct xs_class_state *s,
				    uint64_t bytes, uint64_t now_ns)
{
	uint64_t prev = s->last_bytes;
	double dt, inst, w;

	if (!s->last_ns || bytes < s->last_bytes) {
		/* first sample, or the datapath started the flow over */
		s->last_bytes = bytes;
		s->last_ns = now_ns;
		if (!s->heavy && c->bytes && bytes >= c->bytes)
			return class_promote(s);
		return XS_CLASS_NONE;
	}
	if (now_ns <= s->last_ns)
		return XS_CLASS_NONE;

	dt = (double)(now_ns - s->last_ns);
	inst = (double)(bytes - prev) * 8 * 1e9 / dt;
	w = c->tau_ns ? 1 - xs_exp_neg(dt / (double)c->tau_ns) : 1;
	s->rate_bps += w * (inst - s->rate_bps);
	s->last_bytes = bytes;
	s->last_ns = now_ns;

	if (!s->heavy) {
		if (s->rate_bps > (double)c->high_bps ||
		    (c->bytes && prev < c->bytes && bytes >= c->bytes))
			return class_promote(s);
		return XS_CLASS_NONE;
	}
	if (s->rate_bps >= (double)c->low_bps) {
		s->below_since_ns = 0;
		return XS_CLASS_NONE;
	}
	if (!s->below_since_ns)
		s->below_since_ns = now_ns;
	if (now_ns - s->below_since_ns >= c->hold_ns) {
		s->heavy = false;
		s->below_since_ns = 0;
		return XS_CLASS_DEMOTE;
	}
	return XS_CLASS_NONE;
}

/*
 * Below what no flow can be promoted: an eighth of heavy-bytes, and half of
 * what heavy-rate sends in a scan period (the rate estimate needs a period
 * above heavy-rate to get there). Never 0: every flow above it is tracked.
 */
uint64_t xs_cand_bytes(const struct xs_class_cfg *c, uint64_t scan_ns)
{
	uint64_t by_rate = (uint64_t)((double)c->high_bps / 8 * (double)scan_ns / 1e9 / 2);
	uint64_t cand = c->bytes ? c->bytes >> 3 : UINT64_MAX;

	if (by_rate < cand)
		cand = by_rate;
	return cand ? cand : 1;
}

/* ---- path selection ---- */

void xs_pathsel_init(struct xs_pathsel *ps)
{
	memset(ps, 0, sizeof(*ps));
	for (uint32_t i = 0; i < XS_PATHS_MAX; i++)
		ps->e[i].id = i;
}

int xs_pathsel_add(struct xs_pathsel *ps, uint32_t id, enum xs_pool pool,
		   const struct in6_addr *prefix, uint8_t plen)
{
	struct xs_pathsel_entry *e;

	if (id >= XS_PATHS_MAX || (unsigned int)pool >= XS_POOL__MAX || plen > 128)
		return -EINVAL;
	e = &ps->e[id];
	if (e->present)
		return -EEXIST;
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->pool = pool;
	e->prefix = *prefix;
	e->plen = plen;
	e->present = true;
	return 0;
}

int xs_pathsel_del(struct xs_pathsel *ps, uint32_t id)
{
	if (id >= XS_PATHS_MAX)
		return -EINVAL;
	if (!ps->e[id].present)
		return -ENOENT;
	memset(&ps->e[id], 0, sizeof(ps->e[id]));
	ps->e[id].id = id;
	return 0;
}

bool xs_prefix_match(const struct in6_addr *pfx, uint8_t plen, const struct in6_addr *a)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (plen > 128)
		return false;
	if (memcmp(pfx->s6_addr, a->s6_addr, full))
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff00 >> rest);

		if ((pfx->s6_addr[full] ^ a->s6_addr[full]) & m)
			return false;
	}
	return true;
}

static const struct in6_addr v4mapped_pfx = {
	.s6_addr = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff },
};

bool xs_pathsel_serves(const struct xs_pathsel_entry *e, const struct in6_addr *dst)
{
	bool dst4 = xs_prefix_match(&v4mapped_pfx, 96, dst);
	bool pfx4 = e->plen >= 96 && xs_prefix_match(&v4mapped_pfx, 96, &e->prefix);

	return dst4 == pfx4 && xs_prefix_match(&e->prefix, e->plen, dst);
}

int xs_pathsel_pick(const struct xs_pathsel *ps, enum xs_pool pool,
		    const struct in6_addr *dst, uint32_t exclude)
{
	return xs_pathsel_pick_at(ps, pool, dst, exclude, UINT64_MAX);
}

void xs_pathsel_penalize(struct xs_pathsel *ps, uint32_t id, uint64_t until_ns)
{
	if (id < XS_PATHS_MAX && ps->e[id].present)
		ps->e[id].avoid_until_ns = until_ns;
}

int xs_pathsel_pick_at(const struct xs_pathsel *ps, enum xs_pool pool,
		       const struct in6_addr *dst, uint32_t exclude, uint64_t now_ns)
{
	const struct xs_pathsel_entry *best = NULL;

	for (uint32_t i = 0; i < XS_PATHS_MAX; i++) {
		const struct xs_pathsel_entry *e = &ps->e[i];

		if (!e->present || e->pool != pool || e->id == exclude ||
		    !xs_pathsel_serves(e, dst) ||
		    (now_ns != UINT64_MAX && e->avoid_until_ns > now_ns))
			continue;
		/* ids ascend, so strict comparisons keep the lowest on ties */
		if (!best || e->plen > best->plen ||
		    (e->plen == best->plen &&
		     (e->load_bps < best->load_bps ||
		      (e->load_bps == best->load_bps && e->flows < best->flows))))
			best = e;
	}
	return best ? (int)best->id : -ENOENT;
}

void xs_pathsel_assign(struct xs_pathsel *ps, uint32_t id, uint64_t bps)
{
	struct xs_pathsel_entry *e;

	if (id >= XS_PATHS_MAX || !ps->e[id].present)
		return;
	e = &ps->e[id];
	if (e->flows < UINT32_MAX)
		e->flows++;
	e->load_bps = bps > UINT64_MAX - e->load_bps ? UINT64_MAX : e->load_bps + bps;
}

void xs_pathsel_release(struct xs_pathsel *ps, uint32_t id, uint64_t bps)
{
	struct xs_pathsel_entry *e;

	if (id >= XS_PATHS_MAX || !ps->e[id].present)
		return;
	e = &ps->e[id];
	if (e->flows)
		e->flows--;
	e->load_bps = bps > e->load_bps ? 0 : e->load_bps - bps;
}

/* ---- the controller's flow table ---- */

_Static_assert(sizeof(struct xs_flow_key) == 5 * sizeof(uint64_t), "key is 5 words");

static uint64_t ctab_hash(const struct xs_ctab *t, const struct xs_flow_key *k)
{
	uint64_t w[5], h = t->seed;

	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++)
		h = xs_fmix64(h ^ w[i]) + 0x9e3779b97f4a7c15ULL;
	return h;
}

static inline uint32_t ctab_home(const struct xs_ctab *t, const struct xs_flow_key *k)
{
	return (uint32_t)ctab_hash(t, k) & (t->cap - 1);
}

#define CTAB_MIN_CAP 1024U	/* index slots; flows: half of it */

/* A new index of cap slots for the flows there are (cap >= 2 * count). */
static int ctab_reindex(struct xs_ctab *t, uint32_t cap)
{
	uint32_t *slots = calloc(cap, sizeof(*slots)), mask = cap - 1;

	if (!slots)
		return -ENOMEM;
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	for (uint32_t pos = 0; pos < t->count; pos++) {
		uint32_t i = ctab_home(t, &t->flows[pos].key);

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = pos + 1;
	}
	return 0;
}

static int ctab_resize_flows(struct xs_ctab *t, uint32_t fcap)
{
	struct xs_cflow *flows = realloc(t->flows, (size_t)fcap * sizeof(*flows));

	if (!flows)
		return -ENOMEM;
	t->flows = flows;
	t->fcap = fcap;
	return 0;
}

int xs_ctab_init(struct xs_ctab *t, uint32_t max)
{
	memset(t, 0, sizeof(*t));
	if (!max || max > 1U << 30)
		return -EINVAL;
	t->max = max;
	/* a random seed keeps crafted 5-tuples from building long probe runs */
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		t->seed = xs_fmix64((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
	}
	if (ctab_resize_flows(t, CTAB_MIN_CAP / 2) || ctab_reindex(t, CTAB_MIN_CAP)) {
		xs_ctab_free(t);
		return -ENOMEM;
	}
	return 0;
}

const struct xs_cmove xs_cmove_none = { .prev_path = XS_NO_PATH };

struct xs_cmove *xs_ctab_mv(struct xs_ctab *t, struct xs_cflow *f)
{
	if (!f->mv) {
		f->mv = malloc(sizeof(*f->mv));
		if (!f->mv)
			return NULL;
		*f->mv = xs_cmove_none;
		t->nmv++;
	}
	return f->mv;
}

void xs_ctab_free(struct xs_ctab *t)
{
	for (uint32_t pos = 0; pos < t->count; pos++)
		free(t->flows[pos].mv);
	free(t->slots);
	free(t->flows);
	memset(t, 0, sizeof(*t));
}

uint64_t xs_ctab_bytes(const struct xs_ctab *t)
{
	return (uint64_t)t->cap * sizeof(*t->slots) + (uint64_t)t->fcap * sizeof(*t->flows) +
	       (uint64_t)t->nmv * sizeof(struct xs_cmove);
}

/* The index slot holding k, or the empty slot that ends its probe run. */
static uint32_t ctab_probe(const struct xs_ctab *t, const struct xs_flow_key *k)
{
	uint32_t mask = t->cap - 1, i = ctab_home(t, k);

	/* at most half full: an empty slot always ends the run */
	while (t->slots[i] && memcmp(&t->flows[t->slots[i] - 1].key, k, sizeof(*k)))
		i = (i + 1) & mask;
	return i;
}

struct xs_cflow *xs_ctab_find(struct xs_ctab *t, const struct xs_flow_key *k)
{
	uint32_t i;

	if (!t->slots)
		return NULL;
	i = ctab_probe(t, k);
	return t->slots[i] ? &t->flows[t->slots[i] - 1] : NULL;
}

struct xs_cflow *xs_ctab_get(struct xs_ctab *t, const struct xs_flow_key *k)
{
	struct xs_cflow *f;
	uint32_t i;

	if (!t->slots)
		return NULL;
	i = ctab_probe(t, k);
	if (t->slots[i])
		return &t->flows[t->slots[i] - 1];
	if (t->count >= t->max) {
		t->not_tracked++;
		return NULL;
	}
	/* room for one more, the index at most half full: grow first */
	if (t->count == t->fcap && ctab_resize_flows(t, t->fcap * 2)) {
		t->not_tracked++;
		return NULL;
	}
	if ((t->count + 1) * 2 > t->cap) {
		if (ctab_reindex(t, t->cap * 2)) {
			t->not_tracked++;
			return NULL;
		}
		i = ctab_probe(t, k);
	}
	f = &t->flows[t->count];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->path_id = XS_NO_PATH;
	t->slots[i] = ++t->count;
	return f;
}

void xs_ctab_del(struct xs_ctab *t, struct xs_cflow *f)
{
	uint32_t mask, hole, j, pos, last;

	if (!t->slots || !f || f < t->flows || f >= t->flows + t->count)
		return;
	mask = t->cap - 1;
	pos = (uint32_t)(f - t->flows);
	if (f->mv) {
		free(f->mv);
		t->nmv--;
	}
	hole = ctab_probe(t, &f->key);
	/* the last flow takes the deleted one's place in the dense array */
	last = --t->count;
	if (pos != last) {
		t->slots[ctab_probe(t, &t->flows[last].key)] = pos + 1;
		t->flows[pos] = t->flows[last];
	}
	memset(&t->flows[last], 0, sizeof(t->flows[last]));
	t->slots[hole] = 0;

	/*
	 * Backward shift: walk the run after the hole; a flow whose home is
	 * not cyclically in (hole, j] was probed past the hole, so it moves
	 * into it and its slot becomes the new hole.
	 */
	for (j = (hole + 1) & mask; t->slots[j]; j = (j + 1) & mask) {
		uint32_t home = ctab_home(t, &t->flows[t->slots[j] - 1].key);

		if (((j - home) & mask) < ((j - hole) & mask))
			continue;
		t->slots[hole] = t->slots[j];
		t->slots[j] = 0;
		hole = j;
	}
}

void xs_ctab_compact(struct xs_ctab *t)
{
	uint32_t cap = t->cap, fcap = t->fcap;

	if (!t->slots)
		return;
	while (cap > CTAB_MIN_CAP && t->count * 8 <= cap)
		cap /= 2;
	while (fcap > CTAB_MIN_CAP / 2 && t->count * 4 <= fcap)
		fcap /= 2;
	/* a failure keeps the larger arrays, which still work */
	if (fcap != t->fcap)
		ctab_resize_flows(t, fcap);
	if (cap != t->cap)
		ctab_reindex(t, cap);
}

struct xs_cflow *xs_ctab_next(struct xs_ctab *t, struct xs_cflow *f)
{
	if (!t->slots)
		return NULL;
	if (!f)
		t->iter_pos = t->count;
	else if (t->iter_pos > t->count)
		t->iter_pos = t->count;	/* cannot happen with the allowed deletions */
	if (!t->iter_pos)
		return NULL;
	return &t->flows[--t->iter_pos];
}

unsigned int xs_ctab_sweep(struct xs_ctab *t,
			   bool (*pred)(struct xs_cflow *f, void *ctx), void *ctx)
{
	unsigned int n = 0;

	for (struct xs_cflow *f = xs_ctab_next(t, NULL); f; f = xs_ctab_next(t, f)) {
		if (pred(f, ctx)) {
			xs_ctab_del(t, f);
			n++;
		}
	}
	return n;
}
