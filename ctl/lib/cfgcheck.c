// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Checks of a whole configuration: each path, every key's range (through
 * the schema's parser), and the pairs of keys that must agree. Messages
 * name the file and line when the configuration came from a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lib/cfgkey.h"
#include "lib/config.h"
#include "lib/parse.h"

struct chk {
	const struct ld *st;	/* NULL: no file (xs_cfg_validate) */
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 3, 4)))
cfail(const struct chk *ck, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_cfg_vemit(ck->err, ck->errlen, ck->st ? ck->st->file : NULL, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int kline(const struct chk *ck, int k)
{
	return ck->st ? ck->st->key_line[k] : 0;
}

static int pline(const struct chk *ck, unsigned int i, int pk)
{
	const struct ld *st = ck->st;

	if (!st || i < st->first_path)
		return 0;
	return pk < 0 ? st->pl[i - st->first_path].hdr : st->pl[i - st->first_path].key[pk];
}

/* "a must not exceed b": blame the one the file set (b if only b was). */
static int pair(const struct chk *ck, const struct xs_cfg *c, int ka, int kb,
		const char *why_a, const char *why_b)
{
	const struct xs_cfg_key *a = &xs_cfg_schema[ka], *b = &xs_cfg_schema[kb];
	char va[64], vb[64];

	xs_key_format(c, a, va, sizeof(va));
	xs_key_format(c, b, vb, sizeof(vb));
	if (!kline(ck, ka) && kline(ck, kb))
		return cfail(ck, kline(ck, kb), "[%s] %s: bad value '%s': %s %s (%s)",
			     xs_cfg_sect_names[b->sect], b->name, vb, why_b, a->name, va);
	return cfail(ck, kline(ck, ka), "[%s] %s: bad value '%s': %s %s (%s)",
		     xs_cfg_sect_names[a->sect], a->name, va, why_a, b->name, vb);
}

/* Each path on its own, and against the ones before it. */
static int check_path(const struct xs_cfg *c, const struct chk *ck, unsigned int i)
{
	const struct xs_cfg_path *p = &c->paths[i];
	char sug[64];
	unsigned int j;

	if (!p->nsids)
		return cfail(ck, 0, "[path %s]: 'segments' is missing", p->name);
	if (p->nsids > XS_SIDS_MAX)
		return cfail(ck, pline(ck, i, PK_SEGMENTS), "[path %s] segments: "
			     "%u SIDs: at most %d", p->name, p->nsids, XS_SIDS_MAX);
	if (p->id >= XS_PATHS_MAX)
		return cfail(ck, pline(ck, i, PK_ID), "[path %s] id: bad value '%u': "
			     "expected a whole number from 0 to %d", p->name, p->id,
			     XS_PATHS_MAX - 1);
	if ((unsigned int)p->mode >= XS_MODE__MAX) {
		xs_choices_join(xs_encap_mode_names, sug, sizeof(sug));
		return cfail(ck, pline(ck, i, PK_MODE), "[path %s] mode: bad value '%u': "
			     "expected %s", p->name, p->mode, sug);
	}
	if ((unsigned int)p->pool >= XS_POOL__MAX) {
		xs_choices_join(xs_pool_names, sug, sizeof(sug));
		return cfail(ck, pline(ck, i, PK_POOL), "[path %s] pool: bad value '%u': "
			     "expected %s", p->name, p->pool, sug);
	}
	if (p->plen > 128)
		return cfail(ck, pline(ck, i, PK_PREFIX), "[path %s] prefix: bad prefix "
			     "length %u: at most 128", p->name, p->plen);
	if (xs_host_bits_set(&p->prefix, p->plen)) {
		xs_fmt_prefix(&p->prefix, p->plen, sug, sizeof(sug));
		return cfail(ck, pline(ck, i, PK_PREFIX), "[path %s] prefix: bad value "
			     "'%s': host bits are set", p->name, sug);
	}
	for (j = 0; j < i; j++) {
		if (!strcmp(c->paths[j].name, p->name))
			return cfail(ck, pline(ck, i, -1), "[path %s]: section given twice",
				     p->name);
		if (c->paths[j].id == p->id)
			return cfail(ck, pline(ck, i, PK_ID), "[path %s] id: bad value '%u': "
				     "already used by [path %s]", p->name, p->id,
				     c->paths[j].name);
	}
	return 0;
}

/* Every key's own range, through the parser: format, parse back. */
static int check_keys(const struct xs_cfg *c, const struct chk *ck)
{
	char val[300], why[200], sh[80];
	union kval v;
	int i;

	for (i = 0; i < K__N; i++) {
		if (i == K_SR_SOURCE && !c->sr_source_set)
			continue;
		/* set up by hand (xsteer run without --tenant): "" means not used */
		if ((i == K_NETNS || i == K_HOST_IF || i == K_CTL_SOCKET || i == K_PIN_DIR ||
		     i == K_METRICS_FILE ||
		     (xs_cfg_schema[i].sect == XS_SECT_FLEET && i != K_FLEET_TTL &&
		      i != K_FLEET_REBALANCE)) &&
		    !*((const char *)c + xs_cfg_schema[i].off))
			continue;
		xs_key_format(c, &xs_cfg_schema[i], val, sizeof(val));
		if (xs_key_parse(&xs_cfg_schema[i], val, &v, why, sizeof(why)))
			return cfail(ck, kline(ck, i), "[%s] %s: bad value '%s': %s",
				     xs_cfg_sect_names[xs_cfg_schema[i].sect],
				     xs_cfg_schema[i].name, xs_cfg_shown(val, sh, sizeof(sh)), why);
	}
	return 0;
}

static int check(const struct xs_cfg *c, const struct chk *ck)
{
	unsigned int i;
	int err;

	if (c->npaths > XS_PATHS_MAX)
		return cfail(ck, 0, "too many paths: %u, at most %d", c->npaths, XS_PATHS_MAX);
	for (i = 0; i < c->npaths; i++)
		if ((err = check_path(c, ck, i)))
			return err;
	if (c->npaths && !c->sr_source_set)
		return cfail(ck, 0, "[xsteer]: 'sr-source' is missing (paths need it as their "
			     "outer source address)");
	err = check_keys(c, ck);
	if (err)
		return err;
	if (c->heavy_rate_low_bps > c->heavy_rate_bps)
		return pair(ck, c, K_HEAVY_RATE_LOW, K_HEAVY_RATE, "must not exceed",
			    "must not be below");
	if (c->idle_timeout_ms <= c->scan_period_ms)
		return pair(ck, c, K_IDLE_TIMEOUT, K_SCAN_PERIOD, "must be longer than",
			    "must be shorter than");
	if (c->umem_frames < 2ULL * c->ring_size)
		return pair(ck, c, K_UMEM_FRAMES, K_RING_SIZE, "must be at least twice",
			    "must be at most half of");
	if (c->batch > c->ring_size)
		return pair(ck, c, K_BATCH, K_RING_SIZE, "must not exceed",
			    "must be at least");
	/* above heavy-bytes a candidate would wait for the crossing anyway: a typo */
	if (c->sketch_admit_bytes && c->heavy_bytes && c->sketch_admit_bytes > c->heavy_bytes)
		return pair(ck, c, K_SKETCH_ADMIT, K_HEAVY_BYTES, "must not exceed",
			    "must not be below");
	/* each look asks etcd for a fresh view: not more often than that takes */
	if (c->fleet.rebalance_ms && c->fleet.rebalance_ms < XS_REBALANCE_MIN_MS) {
		char v[32];

		xs_key_format(c, &xs_cfg_schema[K_FLEET_REBALANCE], v, sizeof(v));
		return cfail(ck, kline(ck, K_FLEET_REBALANCE),
			     "[fleet] rebalance-period: bad value '%s': 0 (never) or at least %dms",
			     v, XS_REBALANCE_MIN_MS);
	}
	/* the table must have room that admits freely (0: a quarter) */
	if (c->flow_reserve >= c->flow_table_size)
		return pair(ck, c, K_FLOW_RESERVE, K_FLOW_TABLE, "must be below",
			    "must be above");
	return 0;
}

int xs_cfg_validate(const struct xs_cfg *c, char *err, size_t errlen)
{
	struct chk ck = { NULL, err, errlen };

	return check(c, &ck);
}

int xs_cfg_check(const struct xs_cfg *c, const struct ld *st, char *err, size_t errlen)
{
	struct chk ck = { st, err, errlen };

	return check(c, &ck);
}
