// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fleet-aware path choice: per-segment load figures and the pick. Pure
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

int xs_fleet_pick(const struct xs_pathsel *ps, const uint64_t fleet_bps[XS_PATHS_MAX],
		  enum xs_pool pool, const struct in6_addr *dst, uint32_t exclude,
		  uint64_t now_ns, uint32_t rnd)
{
	const struct xs_pathsel_entry *e;
	uint64_t best = UINT64_MAX, margin;
	unsigned int ties = 0, k;
	int plen = -1;
	uint32_t i;

#define CANDIDATE(e) ((e)->present && (e)->pool == pool && (e)->id != exclude && \
		      xs_pathsel_serves((e), dst) && \
		      (now_ns == UINT64_MAX || (e)->avoid_until_ns <= now_ns))
	/* the longest prefix among the candidates, then the lowest score there */
	for (i = 0; i < XS_PATHS_MAX; i++) {
		e = &ps->e[i];
		if (CANDIDATE(e) && e->plen > plen)
			plen = e->plen;
	}
	if (plen < 0)
		return -ENOENT;
	for (i = 0; i < XS_PATHS_MAX; i++) {
		e = &ps->e[i];
		if (CANDIDATE(e) && e->plen == plen && score(e, fleet_bps) < best)
			best = score(e, fleet_bps);
	}
	margin = best / 8 > 1000000 ? best / 8 : 1000000;
	margin = best > UINT64_MAX - margin ? UINT64_MAX : best + margin;
	for (i = 0; i < XS_PATHS_MAX; i++) {
		e = &ps->e[i];
		if (CANDIDATE(e) && e->plen == plen && score(e, fleet_bps) <= margin)
			ties++;
	}
	k = rnd % ties;
	for (i = 0; i < XS_PATHS_MAX; i++) {
		e = &ps->e[i];
		if (CANDIDATE(e) && e->plen == plen && score(e, fleet_bps) <= margin && !k--)
			return (int)e->id;
	}
#undef CANDIDATE
	return -ENOENT;
}
