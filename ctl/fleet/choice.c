// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fleet-aware path choice: per-segment load figures, the pick and the
 * rebalance after a collision. Pure
 * functions (no I/O, no clock, the randomness handed in), unit-tested.
 */
#include <errno.h>
#include <string.h>
#include "fleet.h"

int xs_segload_add(struct xs_segload *sl, const struct in6_addr *sid, uint64_t bps)
{
	unsigned int i;

	for (i = 0; i < sl->n; i++)
		if (!memcmp(&sl->e[i].sid, sid, sizeof(*sid)))
			break;
	if (i == sl->n) {
		if (sl->n == XS_SEGLOAD_MAX)
			return -ENOSPC;
		memset(&sl->e[i], 0, sizeof(sl->e[i]));
		sl->e[i].sid = *sid;
		sl->n++;
	}
	sl->e[i].bps = bps > UINT64_MAX - sl->e[i].bps ? UINT64_MAX : sl->e[i].bps + bps;
	sl->e[i].paths++;
	return 0;
}

uint64_t xs_segload_get(const struct xs_segload *sl, const struct in6_addr *sid)
{
	for (unsigned int i = 0; i < sl->n; i++)
		if (!memcmp(&sl->e[i].sid, sid, sizeof(*sid)))
			return sl->e[i].bps;
	return 0;
}

uint64_t xs_segload_path(const struct xs_segload *sl, const struct in6_addr *sids,
			 unsigned int nsids)
{
	uint64_t sum = 0, v;

	for (unsigned int i = 0; i < nsids; i++) {
		v = xs_segload_get(sl, &sids[i]);
		sum = v > UINT64_MAX - sum ? UINT64_MAX : sum + v;
	}
	return sum;
}

static uint64_t score(const struct xs_pathsel_entry *e, const uint64_t *fleet_bps)
{
	uint64_t f = fleet_bps ? fleet_bps[e->id] : 0;

	return f > UINT64_MAX - e->load_bps ? UINT64_MAX : e->load_bps + f;
}

/*
 * The candidates of pool for dst, as the local choice has them: present,
 * serving dst, not exclude, not in the penalty box at now_ns (UINT64_MAX:
 * ignore it), and of those the longest prefix. Returns how many, with
 * their ids in ids[] (-ENOENT: none).
 */
static int candidates(const struct xs_pathsel *ps, enum xs_pool pool, const struct in6_addr *dst,
		      uint32_t exclude, uint64_t now_ns, uint32_t ids[XS_PATHS_MAX])
{
	const struct xs_pathsel_entry *e;
	int plen = -1, n = 0;
	uint32_t i;

	for (i = 0; i < XS_PATHS_MAX; i++) {
		e = &ps->e[i];
		if (!e->present || e->pool != pool || e->id == exclude || e->plen < plen ||
		    !xs_pathsel_serves(e, dst) || (now_ns != UINT64_MAX && e->avoid_until_ns > now_ns))
			continue;
		if (e->plen > plen) {
			plen = e->plen;
			n = 0;
		}
		ids[n++] = e->id;
	}
	return n ? n : -ENOENT;
}

int xs_fleet_pick(const struct xs_pathsel *ps, const uint64_t fleet_bps[XS_PATHS_MAX],
		  enum xs_pool pool, const struct in6_addr *dst, uint32_t exclude,
		  uint64_t now_ns, uint32_t rnd)
{
	uint32_t ids[XS_PATHS_MAX];
	uint64_t best = UINT64_MAX, margin;
	unsigned int ties = 0, k;
	int n, i;

	/* the longest prefix among the candidates, then the lowest score there */
	n = candidates(ps, pool, dst, exclude, now_ns, ids);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (score(&ps->e[ids[i]], fleet_bps) < best)
			best = score(&ps->e[ids[i]], fleet_bps);
	margin = best / 8 > 1000000 ? best / 8 : 1000000;
	margin = best > UINT64_MAX - margin ? UINT64_MAX : best + margin;
	for (i = 0; i < n; i++)
		if (score(&ps->e[ids[i]], fleet_bps) <= margin)
			ties++;
	k = rnd % ties;
	for (i = 0; i < n; i++)
		if (score(&ps->e[ids[i]], fleet_bps) <= margin && !k--)
			return (int)ids[i];
	return -ENOENT;
}

/*
 * One flow: the least-loaded other candidate Q of its path's pool, and by
 * how much load[P] - rate exceeds load[Q] + rate / 2 (0: it does not).
 */
static uint64_t rebalance_gain(const struct xs_pathsel *ps, const uint64_t load[XS_PATHS_MAX],
			       const struct xs_rebalance_flow *fl, uint64_t now_ns, uint32_t *to)
{
	uint32_t ids[XS_PATHS_MAX], p = fl->path;
	uint64_t rest, need, best = UINT64_MAX;
	int n, i;

	if (p >= XS_PATHS_MAX || !ps->e[p].present || load[p] < fl->rate_bps)
		return 0;
	n = candidates(ps, ps->e[p].pool, &fl->dst, p, now_ns, ids);
	for (i = 0; i < n; i++) {
		if (load[ids[i]] < best) {
			best = load[ids[i]];
			*to = ids[i];
		}
	}
	if (n <= 0)
		return 0;
	rest = load[p] - fl->rate_bps;		/* what P carries without the flow */
	need = fl->rate_bps / 2;		/* the margin: a move never just swaps */
	need = best > UINT64_MAX - need ? UINT64_MAX : best + need;
	return rest > need ? rest - need : 0;
}

int xs_fleet_rebalance(const struct xs_pathsel *ps, const uint64_t load[XS_PATHS_MAX],
		       const struct xs_rebalance_flow *fl, unsigned int n, uint64_t now_ns,
		       double u, uint32_t *to)
{
	uint64_t gain, best = 0;
	uint32_t q = 0;
	int pick = -ENOENT;

	for (unsigned int i = 0; i < n; i++) {
		gain = rebalance_gain(ps, load, &fl[i], now_ns, &q);
		if (gain > best) {
			best = gain;
			pick = (int)i;
			*to = q;
		}
	}
	if (pick < 0)
		return pick;
	return u < 0.5 ? pick : -EAGAIN;	/* the damping: colliding hosts rarely both move */
}
