// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the controller: classification over synthetic rate series,
 * path choice, and the flow table against a plain array.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/controller.h"

#define MS	1000000ULL
#define SEC	1000000000ULL
#define MBPS	1000000ULL

/* no libm in the link: fabs by hand */
static bool near(double a, double b, double rel)
{
	double d = a > b ? a - b : b - a;
	double m = a > b ? a : b;

	return d <= rel * (m > 1 ? m : 1);
}

/* ---- classification ---- */

/* A flow sending at a given rate, sampled every dt. */
struct series {
	struct xs_class_state s;
	uint64_t bytes, now;
	int promotes, demotes;
};

static enum xs_class_event step(const struct xs_class_cfg *c, struct series *x,
				uint64_t bps, uint64_t dt)
{
	enum xs_class_event ev;

	x->now += dt;
	x->bytes += bps * dt / 8 / SEC;
	ev = xs_class_update(c, &x->s, x->bytes, x->now);
	x->promotes += ev == XS_CLASS_PROMOTE;
	x->demotes += ev == XS_CLASS_DEMOTE;
	return ev;
}

static void start(const struct xs_class_cfg *c, struct series *x)
{
	memset(x, 0, sizeof(*x));
	x->now = 10 * SEC;
	cr_assert_eq(xs_class_update(c, &x->s, 0, x->now), XS_CLASS_NONE);
}

/*
 * With dt = tau * k * ln 2 every weight is w = 1 - 2^-k, so the EWMA of a
 * constant rate R from 0 is R (1 - 2^-kn) after n samples; the expected
 * sample of the promotion comes from that, not from the code.
 */
static void constant_rate_promotes_when_formula_says(int k)
{
	const uint64_t tau = 1 * SEC, rate = 100 * MBPS;
	struct xs_class_cfg c = { .high_bps = 90 * MBPS, .low_bps = 50 * MBPS,
				  .hold_ns = 5 * SEC, .tau_ns = tau };
	uint64_t dt = (uint64_t)((double)tau * k * M_LN2 + 0.5);
	double q = 1, model = 0;
	int expect = 0;
	struct series x;

	for (int i = 0; i < k; i++)
		q *= 0.5;
	while (!(model > (double)c.high_bps)) {
		model += (1 - q) * ((double)rate - model);
		expect++;
	}
	cr_assert_gt(expect, 1, "the test wants a promotion after more than one sample");

	start(&c, &x);
	model = 0;
	for (int n = 1; n <= expect; n++) {
		enum xs_class_event ev = step(&c, &x, rate, dt);

		model += (1 - q) * ((double)rate - model);
		cr_assert(near(x.s.rate_bps, model, 1e-6), "k=%d sample %d: rate %f, formula %f",
			  k, n, x.s.rate_bps, model);
		cr_assert_eq(ev, n == expect ? XS_CLASS_PROMOTE : XS_CLASS_NONE,
			     "k=%d sample %d of %d: event %d", k, n, expect, ev);
	}
	cr_assert(x.s.heavy);
}

Test(classify, constant_rate_promoted_after_expected_samples)
{
	constant_rate_promotes_when_formula_says(1);	/* w = 1/2: 4 samples */
	constant_rate_promotes_when_formula_says(2);	/* w = 3/4: 2 samples */
}

Test(classify, ewma_weight_is_one_minus_exp)
{
	struct xs_class_cfg c = { .high_bps = UINT64_MAX, .tau_ns = SEC };
	/* one interval from rate 0: rate = R (1 - e^-dt/tau) */
	const struct { uint64_t dt; double w; } v[] = {
		{ SEC, 1 - 1 / M_E },
		{ 3 * SEC, 1 - 1 / (M_E * M_E * M_E) },
		{ SEC / 1000, 9.995001666e-4 },		/* 1 - e^-0.001 */
		{ 100 * SEC, 1 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct series x;

		start(&c, &x);
		step(&c, &x, 80 * MBPS, v[i].dt);
		cr_assert(near(x.s.rate_bps, 80e6 * v[i].w, 1e-8), "dt %lu: %f != %f",
			  (unsigned long)v[i].dt, x.s.rate_bps, 80e6 * v[i].w);
	}
	/* tau 0: the last interval alone */
	c.tau_ns = 0;
	{
		struct series x;

		start(&c, &x);
		step(&c, &x, 80 * MBPS, 10 * MS);
		step(&c, &x, 8 * MBPS, 10 * MS);
		cr_assert(near(x.s.rate_bps, 8e6, 1e-9));
	}
}

Test(classify, rate_between_the_marks_does_not_flap)
{
	struct xs_class_cfg c = { .high_bps = 10 * MBPS, .low_bps = 5 * MBPS,
				  .hold_ns = 500 * MS, .tau_ns = 0 };
	struct series x;

	/* a mouse swinging between the marks stays a mouse */
	start(&c, &x);
	for (int i = 0; i < 200; i++)
		step(&c, &x, i % 2 ? 9 * MBPS : 6 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes + x.demotes, 0);

	/* once above, swinging between the marks stays heavy */
	step(&c, &x, 20 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes, 1);
	for (int i = 0; i < 200; i++)
		step(&c, &x, i % 2 ? 9 * MBPS : 6 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes, 1);
	cr_assert_eq(x.demotes, 0);
	cr_assert(x.s.heavy);
}

Test(classify, bursty_flow_smoothed_by_ewma)
{
	/* 12M / 3M alternating each 100 ms, tau 1 s: the EWMA stays near the
	 * mean 7.5M, inside the marks, although each interval crosses one */
	struct xs_class_cfg c = { .high_bps = 10 * MBPS, .low_bps = 5 * MBPS,
				  .hold_ns = 500 * MS, .tau_ns = SEC };
	struct series x;

	start(&c, &x);
	for (int i = 0; i < 100; i++)	/* warm up to the mean (tau 1 s) */
		step(&c, &x, 7500000, 100 * MS);
	cr_assert_eq(x.promotes, 0);
	for (int i = 0; i < 500; i++)
		step(&c, &x, i % 2 ? 12 * MBPS : 3 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes + x.demotes, 0);
}

Test(classify, demotion_needs_the_full_hold)
{
	struct xs_class_cfg c = { .high_bps = 10 * MBPS, .low_bps = 5 * MBPS,
				  .hold_ns = 1 * SEC, .tau_ns = 0 };
	struct series x;

	start(&c, &x);
	cr_assert_eq(step(&c, &x, 20 * MBPS, 100 * MS), XS_CLASS_PROMOTE);
	/* low for 900 ms (10 samples, the first at t, the last at t+900ms) */
	for (int i = 0; i < 10; i++)
		cr_assert_eq(step(&c, &x, 1 * MBPS, 100 * MS), XS_CLASS_NONE);
	/* back above low: the hold starts over */
	cr_assert_eq(step(&c, &x, 6 * MBPS, 100 * MS), XS_CLASS_NONE);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(step(&c, &x, 1 * MBPS, 100 * MS), XS_CLASS_NONE, "sample %d", i);
	/* the 11th low sample is 1 s after the first */
	cr_assert_eq(step(&c, &x, 1 * MBPS, 100 * MS), XS_CLASS_DEMOTE);
	for (int i = 0; i < 50; i++)
		step(&c, &x, 1 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes, 1);
	cr_assert_eq(x.demotes, 1);
	cr_assert_not(x.s.heavy);
}

Test(classify, byte_threshold)
{
	struct xs_class_cfg c = { .high_bps = 100 * MBPS, .low_bps = 50 * MBPS,
				  .hold_ns = 1 * SEC, .bytes = 1000000, .tau_ns = 0 };
	struct series x, fast;
	int at = 0;

	/* 8 Mb/s = 100 kB per 100 ms: crosses 1 MB at the 10th sample */
	start(&c, &x);
	for (int i = 1; i <= 30 && !at; i++)
		if (step(&c, &x, 8 * MBPS, 100 * MS) == XS_CLASS_PROMOTE)
			at = i;
	cr_assert_eq(at, 10);
	/* slow: demoted after the hold (11 samples below low), not promoted
	 * again for being past the threshold */
	for (int i = 0; i < 100; i++)
		step(&c, &x, 8 * MBPS, 100 * MS);
	cr_assert_eq(x.promotes, 1);
	cr_assert_eq(x.demotes, 1);

	/* past the threshold and fast (between the marks): stays heavy */
	start(&c, &fast);
	for (int i = 0; i < 100; i++)
		step(&c, &fast, 80 * MBPS, 100 * MS);
	cr_assert_eq(fast.promotes, 1);
	cr_assert_eq(fast.demotes, 0);
	cr_assert(fast.s.heavy);

	/* first sample already past it */
	memset(&x, 0, sizeof(x));
	cr_assert_eq(xs_class_update(&c, &x.s, 5000000, SEC), XS_CLASS_PROMOTE);
	/* off when 0 */
	c.bytes = 0;
	memset(&x, 0, sizeof(x));
	cr_assert_eq(xs_class_update(&c, &x.s, 5000000, SEC), XS_CLASS_NONE);
}

Test(classify, counter_reset_is_a_fresh_start)
{
	struct xs_class_cfg c = { .high_bps = 10 * MBPS, .low_bps = 5 * MBPS,
				  .hold_ns = 1 * SEC, .tau_ns = 0 };
	struct xs_class_state s = { 0 };

	/* a mouse whose counter goes back must not look like 2^64 bytes */
	cr_assert_eq(xs_class_update(&c, &s, 1000000, 1 * SEC), XS_CLASS_NONE);
	cr_assert_eq(xs_class_update(&c, &s, 1100000, 2 * SEC), XS_CLASS_NONE);
	cr_assert_eq(xs_class_update(&c, &s, 100, 3 * SEC), XS_CLASS_NONE);
	cr_assert_lt(s.rate_bps, 1e6);
	cr_assert_eq(s.last_bytes, 100);
	/* measured again from the new base */
	cr_assert_eq(xs_class_update(&c, &s, 100 + 125000, 4 * SEC), XS_CLASS_NONE);
	cr_assert(near(s.rate_bps, 1e6, 1e-9));

	/* a heavy flow keeps its class across the reset */
	memset(&s, 0, sizeof(s));
	xs_class_update(&c, &s, 0, 1 * SEC);
	cr_assert_eq(xs_class_update(&c, &s, 2500000, 2 * SEC), XS_CLASS_PROMOTE);
	cr_assert_eq(xs_class_update(&c, &s, 10, 3 * SEC), XS_CLASS_NONE);
	cr_assert(s.heavy);
	cr_assert_eq(xs_class_update(&c, &s, 10 + 2500000, 4 * SEC), XS_CLASS_NONE);
	cr_assert(s.heavy);
}

Test(classify, same_time_sample_ignored_and_explicit_promote)
{
	struct xs_class_cfg c = { .high_bps = 10 * MBPS, .low_bps = 5 * MBPS,
				  .hold_ns = 1 * SEC, .tau_ns = 0 };
	struct xs_class_state s = { 0 };

	xs_class_update(&c, &s, 0, SEC);
	cr_assert_eq(xs_class_update(&c, &s, 1000000000, SEC), XS_CLASS_NONE);
	cr_assert_eq(s.rate_bps, 0);
	cr_assert_eq(xs_class_promote(&s, SEC), XS_CLASS_PROMOTE);
	cr_assert_eq(xs_class_promote(&s, SEC), XS_CLASS_NONE);
	cr_assert(s.heavy);
}

/* ---- path selection ---- */

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	char buf[64];

	if (strchr(s, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	} else {
		snprintf(buf, sizeof(buf), "::ffff:%s", s);
		cr_assert_eq(inet_pton(AF_INET6, buf, &a), 1, "%s", s);
	}
	return a;
}

static void add(struct xs_pathsel *ps, uint32_t id, enum xs_pool pool, const char *pfx,
		uint8_t plen)
{
	struct in6_addr p = a6(pfx);

	cr_assert_eq(xs_pathsel_add(ps, id, pool, &p, plen), 0, "path %u", id);
}

static int pick(const struct xs_pathsel *ps, enum xs_pool pool, const char *dst,
		uint32_t exclude)
{
	struct in6_addr d = a6(dst);

	return xs_pathsel_pick(ps, pool, &d, exclude);
}

Test(pathsel, equal_flows_balance)
{
	struct xs_pathsel ps;

	xs_pathsel_init(&ps);
	for (uint32_t i = 0; i < 4; i++)
		add(&ps, 10 + i, XS_POOL_HEAVY, "fd00::", 8);
	add(&ps, 20, XS_POOL_DEFAULT, "fd00::", 8);	/* other pool: never used */
	for (int i = 0; i < 100; i++) {
		int id = pick(&ps, XS_POOL_HEAVY, "fd00:1::7", XS_NO_PATH);

		cr_assert_geq(id, 10);
		cr_assert_leq(id, 13);
		xs_pathsel_assign(&ps, id, 10 * MBPS);
	}
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(ps.e[10 + i].flows, 25, "path %u: %u", 10 + i, ps.e[10 + i].flows);
		cr_assert_eq(ps.e[10 + i].load_bps, 250 * MBPS);
	}
	cr_assert_eq(ps.e[20].flows, 0);
}

Test(pathsel, unequal_rates_go_to_least_load)
{
	struct xs_pathsel ps;

	xs_pathsel_init(&ps);
	add(&ps, 1, XS_POOL_HEAVY, "fd00::", 8);
	add(&ps, 2, XS_POOL_HEAVY, "fd00::", 8);
	add(&ps, 3, XS_POOL_HEAVY, "fd00::", 8);
	/* ties: lowest id */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 1);
	xs_pathsel_assign(&ps, 1, 900 * MBPS);
	xs_pathsel_assign(&ps, 2, 100 * MBPS);
	xs_pathsel_assign(&ps, 2, 100 * MBPS);
	xs_pathsel_assign(&ps, 2, 100 * MBPS);
	xs_pathsel_assign(&ps, 3, 500 * MBPS);
	/* load before flow count: 2 has 3 flows but the least bps */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 2);
	xs_pathsel_assign(&ps, 2, 300 * MBPS);	/* 2: 600 */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 3);
	xs_pathsel_assign(&ps, 3, 100 * MBPS);	/* 3: 600 with fewer flows */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 3);
	/* equal bps, equal flows: lowest id */
	xs_pathsel_assign(&ps, 3, 0);
	xs_pathsel_assign(&ps, 3, 0);
	cr_assert_eq(ps.e[3].flows, ps.e[2].flows);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 2);
}

Test(pathsel, sticky_assignments_and_release)
{
	struct xs_pathsel ps;
	uint32_t flow_path[6];

	xs_pathsel_init(&ps);
	add(&ps, 0, XS_POOL_HEAVY, "fd00::", 8);
	add(&ps, 1, XS_POOL_HEAVY, "fd00::", 8);
	for (int i = 0; i < 6; i++) {
		flow_path[i] = (uint32_t)pick(&ps, XS_POOL_HEAVY, "fd00::9", XS_NO_PATH);
		xs_pathsel_assign(&ps, flow_path[i], 10 * MBPS);
	}
	/* a new, empty path takes the next flows; the old ones are not moved */
	add(&ps, 2, XS_POOL_HEAVY, "fd00::", 8);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::9", XS_NO_PATH), 2);
	xs_pathsel_assign(&ps, 2, 10 * MBPS);
	cr_assert_eq(ps.e[0].flows, 3);
	cr_assert_eq(ps.e[1].flows, 3);
	cr_assert_eq(ps.e[2].flows, 1);

	/* releasing two flows of path 0 makes it the least loaded */
	for (int i = 0, n = 0; i < 6 && n < 2; i++) {
		if (flow_path[i] == 0) {
			xs_pathsel_release(&ps, 0, 10 * MBPS);
			flow_path[i] = XS_NO_PATH;
			n++;
		}
	}
	cr_assert_eq(ps.e[0].flows, 1);
	cr_assert_eq(ps.e[0].load_bps, 10 * MBPS);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::9", XS_NO_PATH), 0);

	/* never below zero */
	xs_pathsel_release(&ps, 2, 50 * MBPS);
	xs_pathsel_release(&ps, 2, 50 * MBPS);
	cr_assert_eq(ps.e[2].flows, 0);
	cr_assert_eq(ps.e[2].load_bps, 0);
}

Test(pathsel, longest_prefix_wins_and_exclude)
{
	struct xs_pathsel ps;

	xs_pathsel_init(&ps);
	add(&ps, 1, XS_POOL_HEAVY, "::", 0);
	add(&ps, 2, XS_POOL_HEAVY, "fd00::", 16);
	add(&ps, 3, XS_POOL_HEAVY, "fd00:0:0:1::", 64);
	add(&ps, 4, XS_POOL_HEAVY, "fd00:0:0:1::", 63);	/* 1 bit shorter */
	/* the /64 is loaded, still wins */
	xs_pathsel_assign(&ps, 3, 10000 * MBPS);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:1::5", XS_NO_PATH), 3);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:1::5", 3), 4);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:2::5", XS_NO_PATH), 2);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "2001:db8::1", XS_NO_PATH), 1);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "2001:db8::1", 1), -ENOENT);
	/* non-byte-aligned prefix: /63 covers :0: and :1:, not :2: */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:0::5", 2), 4);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:2::5", 2), 1);

	cr_assert_eq(xs_pathsel_del(&ps, 3), 0);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00:0:0:1::5", XS_NO_PATH), 4);
	cr_assert_eq(xs_pathsel_del(&ps, 3), -ENOENT);
	/* release after del is harmless */
	xs_pathsel_release(&ps, 3, 10 * MBPS);
	cr_assert_eq(ps.e[3].flows, 0);
}

Test(pathsel, families_do_not_mix)
{
	struct xs_pathsel ps;

	xs_pathsel_init(&ps);
	add(&ps, 1, XS_POOL_HEAVY, "::", 0);			/* every IPv6 */
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 1);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "198.51.100.7", XS_NO_PATH), -ENOENT);

	add(&ps, 2, XS_POOL_HEAVY, "::ffff:0.0.0.0", 96);	/* every IPv4 */
	add(&ps, 3, XS_POOL_HEAVY, "198.51.100.0", 96 + 24);
	add(&ps, 4, XS_POOL_HEAVY, "203.0.113.0", 96 + 25);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "198.51.100.7", XS_NO_PATH), 3);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "203.0.113.7", XS_NO_PATH), 4);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "203.0.113.200", XS_NO_PATH), 2);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "192.0.2.1", XS_NO_PATH), 2);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), 1);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "198.51.100.7", 3), 2);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "198.51.100.7", 2), 3);
	cr_assert_eq(pick(&ps, XS_POOL_DISJOINT, "198.51.100.7", XS_NO_PATH), -ENOENT);
	/* a short IPv6 prefix covering ::ffff:0:0/96 is still an IPv6 one */
	xs_pathsel_del(&ps, 2);
	xs_pathsel_del(&ps, 3);
	add(&ps, 5, XS_POOL_HEAVY, "::", 64);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "198.51.100.7", XS_NO_PATH), -ENOENT);
}

Test(pathsel, no_path_and_bad_input)
{
	struct xs_pathsel ps;
	struct in6_addr p = a6("fd00::");

	xs_pathsel_init(&ps);
	cr_assert_eq(pick(&ps, XS_POOL_HEAVY, "fd00::1", XS_NO_PATH), -ENOENT);
	cr_assert_eq(xs_pathsel_add(&ps, XS_PATHS_MAX, XS_POOL_HEAVY, &p, 8), -EINVAL);
	cr_assert_eq(xs_pathsel_add(&ps, 1, XS_POOL__MAX, &p, 8), -EINVAL);
	cr_assert_eq(xs_pathsel_add(&ps, 1, XS_POOL_HEAVY, &p, 129), -EINVAL);
	cr_assert_eq(xs_pathsel_add(&ps, 1, XS_POOL_HEAVY, &p, 8), 0);
	cr_assert_eq(xs_pathsel_add(&ps, 1, XS_POOL_HEAVY, &p, 8), -EEXIST);
	cr_assert_eq(xs_pathsel_del(&ps, XS_PATHS_MAX), -EINVAL);
	/* assign to an absent path does nothing */
	xs_pathsel_assign(&ps, 7, 5);
	cr_assert_eq(ps.e[7].flows, 0);
	/* the highest id works */
	cr_assert_eq(xs_pathsel_add(&ps, XS_PATHS_MAX - 1, XS_POOL_DISJOINT, &p, 8), 0);
	cr_assert_eq(pick(&ps, XS_POOL_DISJOINT, "fd00::1", XS_NO_PATH), XS_PATHS_MAX - 1);
}

Test(pathsel, prefix_match_bits)
{
	struct in6_addr p = a6("fd00:ff00::"), a = a6("fd00:fe00::1");

	cr_assert(xs_prefix_match(&p, 0, &a));
	cr_assert(xs_prefix_match(&p, 23, &a));
	cr_assert_not(xs_prefix_match(&p, 24, &a));
	cr_assert(xs_prefix_match(&a, 128, &a));
	cr_assert_not(xs_prefix_match(&p, 128, &a));
	cr_assert_not(xs_prefix_match(&p, 129, &p));
}

/* ---- the flow table ---- */

static struct xs_flow_key rnd_key(unsigned int *seed)
{
	struct xs_flow_key k;
	uint8_t *b = (uint8_t *)&k;

	for (size_t i = 0; i < sizeof(k); i++)
		b[i] = (uint8_t)rand_r(seed);
	return k;
}

/* The reference: keys in an array, with a value to check the slot's data. */
struct ref {
	struct xs_flow_key key;
	uint64_t val;
	bool live;
};

static int ref_find(struct ref *r, int n, const struct xs_flow_key *k)
{
	for (int i = 0; i < n; i++)
		if (r[i].live && !memcmp(&r[i].key, k, sizeof(*k)))
			return i;
	return -1;
}

static void check_against(struct xs_ctab *t, struct ref *r, int n)
{
	uint32_t live = 0, seen = 0;

	for (int i = 0; i < n; i++) {
		struct xs_cflow *f = xs_ctab_find(t, &r[i].key);

		if (!r[i].live) {
			cr_assert_null(f, "deleted key %d still found", i);
			continue;
		}
		live++;
		cr_assert_not_null(f, "key %d lost", i);
		cr_assert_eq(f->cls.last_bytes, r[i].val, "key %d: data %lu != %lu", i,
			     (unsigned long)f->cls.last_bytes, (unsigned long)r[i].val);
	}
	cr_assert_eq(t->count, live);
	for (struct xs_cflow *f = xs_ctab_next(t, NULL); f; f = xs_ctab_next(t, f))
		seen++;
	cr_assert_eq(seen, live);
}

Test(ctab, random_ops_match_reference)
{
	/* MAX above the first allocation: the table grows and is compacted on the way */
	enum { MAX = 3000, KEYS = 9000, OPS = 120000 };
	static struct ref r[KEYS];
	struct xs_ctab t;
	unsigned int seed = 42;

	cr_assert_eq(xs_ctab_init(&t, MAX), 0);
	cr_assert_eq(t.cap, 1024, "starts small, whatever max is");
	for (int i = 0; i < KEYS; i++) {
		r[i].key = rnd_key(&seed);
		r[i].live = false;
	}
	/* keys that differ in one byte only */
	r[1].key = r[0].key;
	r[1].key.vlan ^= 1;

	int nlive = 0;
	for (int op = 0; op < OPS; op++) {
		int i = rand_r(&seed) % KEYS;
		struct xs_cflow *f;

		if (r[i].live && rand_r(&seed) % 2) {
			f = xs_ctab_find(&t, &r[i].key);
			cr_assert_not_null(f);
			xs_ctab_del(&t, f);
			r[i].live = false;
			nlive--;
		} else {
			f = xs_ctab_get(&t, &r[i].key);
			if (!r[i].live && nlive == MAX) {
				cr_assert_null(f);
				continue;
			}
			cr_assert_not_null(f);
			if (!r[i].live) {
				cr_assert_eq(f->path_id, XS_NO_PATH);
				cr_assert_eq(f->cls.last_bytes, 0);
				nlive++;
			}
			cr_assert_eq(memcmp(&f->key, &r[i].key, sizeof(f->key)), 0);
			r[i].live = true;
			r[i].val = (uint64_t)op + 1;
			f->cls.last_bytes = r[i].val;
		}
		cr_assert_eq(t.count, (uint32_t)nlive);
		cr_assert_geq(t.cap, 2 * t.count, "the index stays at most half full");
		if (op % 997 == 0)
			xs_ctab_compact(&t);
		if (op % 4000 == 0)
			check_against(&t, r, KEYS);
	}
	check_against(&t, r, KEYS);
	cr_assert_eq(ref_find(r, KEYS, &r[0].key) >= 0, xs_ctab_find(&t, &r[0].key) != NULL);
	xs_ctab_free(&t);
}

Test(ctab, bounded_and_counts_not_tracked)
{
	struct xs_ctab t;
	unsigned int seed = 7;
	struct xs_flow_key k[12];

	cr_assert_eq(xs_ctab_init(&t, 10), 0);
	for (int i = 0; i < 12; i++)
		k[i] = rnd_key(&seed);
	for (int i = 0; i < 10; i++)
		cr_assert_not_null(xs_ctab_get(&t, &k[i]));
	cr_assert_null(xs_ctab_get(&t, &k[10]));
	cr_assert_null(xs_ctab_get(&t, &k[11]));
	cr_assert_null(xs_ctab_get(&t, &k[10]));
	cr_assert_eq(t.not_tracked, 3);
	cr_assert_null(xs_ctab_find(&t, &k[10]));
	/* known flows are still found and updated when full */
	cr_assert_not_null(xs_ctab_get(&t, &k[3]));
	cr_assert_eq(t.not_tracked, 3);
	cr_assert_eq(t.count, 10);
	/* room again after a delete; the deleted one comes back fresh */
	xs_ctab_find(&t, &k[3])->cls.last_bytes = 99;
	xs_ctab_del(&t, xs_ctab_find(&t, &k[3]));
	cr_assert_not_null(xs_ctab_get(&t, &k[10]));
	cr_assert_null(xs_ctab_get(&t, &k[3]));
	xs_ctab_del(&t, xs_ctab_find(&t, &k[10]));
	struct xs_cflow *f = xs_ctab_get(&t, &k[3]);
	cr_assert_not_null(f);
	cr_assert_eq(f->cls.last_bytes, 0);
	cr_assert_eq(f->path_id, XS_NO_PATH);
	xs_ctab_free(&t);

	cr_assert_eq(xs_ctab_init(&t, 0), -EINVAL);
}

static bool odd_bytes(struct xs_cflow *f, void *ctx)
{
	(*(int *)ctx)++;
	return f->cls.last_bytes & 1;
}

/*
 * Deleting while iterating, at the highest load the table allows (runs of
 * flows everywhere, some wrapping around the end): every flow is visited
 * exactly once and the survivors are exactly the ones kept.
 */
Test(ctab, delete_while_iterating)
{
	enum { MAX = 64, KEYS = 64 };
	struct ref r[KEYS];
	unsigned int seed = 1;

	for (int round = 0; round < 300; round++) {
		struct xs_ctab t;
		int visits[KEYS] = { 0 };
		int calls = 0, mode = round % 3;

		cr_assert_eq(xs_ctab_init(&t, MAX), 0);
		for (int i = 0; i < KEYS; i++) {
			r[i].key = rnd_key(&seed);
			r[i].val = (uint64_t)rand_r(&seed);
			r[i].live = true;
			struct xs_cflow *f = xs_ctab_get(&t, &r[i].key);

			cr_assert_not_null(f);
			f->cls.last_bytes = r[i].val;
		}
		if (mode == 0) {
			/* next fetched before deleting the current flow */
			struct xs_cflow *f = xs_ctab_next(&t, NULL), *next;

			while (f) {
				int i = ref_find(r, KEYS, &f->key);

				cr_assert_geq(i, 0);
				visits[i]++;
				next = xs_ctab_next(&t, f);
				if (f->cls.last_bytes & 1) {
					xs_ctab_del(&t, f);
					r[i].live = false;
				}
				f = next;
			}
		} else if (mode == 1) {
			/* deleting the cursor itself */
			for (struct xs_cflow *f = xs_ctab_next(&t, NULL); f;
			     f = xs_ctab_next(&t, f)) {
				int i = ref_find(r, KEYS, &f->key);

				cr_assert_geq(i, 0);
				visits[i]++;
				if (f->cls.last_bytes & 1) {
					xs_ctab_del(&t, f);
					r[i].live = false;
				}
			}
		} else {
			unsigned int odd = 0;

			for (int i = 0; i < KEYS; i++) {
				visits[i] = 1;
				odd += r[i].val & 1;
				r[i].live = !(r[i].val & 1);
			}
			cr_assert_eq(xs_ctab_sweep(&t, odd_bytes, &calls), odd);
			cr_assert_eq(calls, KEYS);
		}
		for (int i = 0; i < KEYS; i++)
			cr_assert_eq(visits[i], 1, "round %d mode %d: key %d visited %d times",
				     round, mode, i, visits[i]);
		check_against(&t, r, KEYS);

		/* deleted keys go back in */
		for (int i = 0; i < KEYS; i++) {
			if (!r[i].live) {
				struct xs_cflow *f = xs_ctab_get(&t, &r[i].key);

				cr_assert_not_null(f);
				f->cls.last_bytes = r[i].val;
				r[i].live = true;
			}
		}
		check_against(&t, r, KEYS);
		cr_assert_eq(t.count, MAX);
		xs_ctab_free(&t);
	}
}

Test(ctab, empty_table_iterates_nothing)
{
	struct xs_ctab t;
	struct xs_flow_key k = { .proto = 6 };

	cr_assert_eq(xs_ctab_init(&t, 1), 0);
	cr_assert_null(xs_ctab_next(&t, NULL));
	cr_assert_not_null(xs_ctab_get(&t, &k));
	cr_assert_not_null(xs_ctab_next(&t, NULL));
	cr_assert_null(xs_ctab_next(&t, xs_ctab_next(&t, NULL)));
	xs_ctab_del(&t, xs_ctab_find(&t, &k));
	cr_assert_null(xs_ctab_next(&t, NULL));
	cr_assert_eq(t.count, 0);
	xs_ctab_free(&t);
}

/* Memory follows the tracked flows: it grows with them and comes back. */
Test(ctab, grows_and_shrinks_with_use)
{
	enum { N = 100000 };
	static struct xs_flow_key k[N];
	unsigned int seed = 3;
	struct xs_ctab t;
	uint64_t small;

	cr_assert_eq(xs_ctab_init(&t, 1U << 20), 0);
	small = xs_ctab_bytes(&t);
	cr_assert_lt(small, 1024 * 1024, "an empty table sized for 1M flows holds %lu bytes",
		     (unsigned long)small);
	for (int i = 0; i < N; i++) {
		k[i] = rnd_key(&seed);
		struct xs_cflow *f = xs_ctab_get(&t, &k[i]);

		cr_assert_not_null(f);
		f->cls.last_bytes = (uint64_t)i;
	}
	cr_assert_eq(t.count, N);
	cr_assert_geq(t.cap, 2 * N);
	/* the index and the flows, with at most 2x slack each */
	cr_assert_leq(xs_ctab_bytes(&t), 2 * N * (sizeof(struct xs_cflow) + 2 * sizeof(uint32_t)));
	for (int i = 0; i < N; i++)
		cr_assert_eq(xs_ctab_find(&t, &k[i])->cls.last_bytes, (uint64_t)i);
	for (int i = 10; i < N; i++)
		xs_ctab_del(&t, xs_ctab_find(&t, &k[i]));
	xs_ctab_compact(&t);
	cr_assert_eq(xs_ctab_bytes(&t), small, "back to %lu bytes, not %lu",
		     (unsigned long)small, (unsigned long)xs_ctab_bytes(&t));
	for (int i = 0; i < 10; i++)
		cr_assert_eq(xs_ctab_find(&t, &k[i])->cls.last_bytes, (uint64_t)i);
	for (int i = 10; i < N; i += 997)
		cr_assert_null(xs_ctab_find(&t, &k[i]));
	xs_ctab_free(&t);
}

/*
 * The candidate threshold is below anything that promotes: heavy-bytes'
 * eighth, and half of what heavy-rate sends in a period.
 */
Test(classify, candidate_threshold)
{
	struct xs_class_cfg c = { .high_bps = 100000000, .bytes = 10000000 };

	/* 100 Mbit/s for 100 ms is 1.25 MB: half of it, below 10 MB / 8 */
	cr_assert_eq(xs_cand_bytes(&c, 100000000), 625000);
	c.bytes = 262144;
	cr_assert_eq(xs_cand_bytes(&c, 100000000), 32768);
	c.bytes = 0;	/* no byte threshold: the rate's alone */
	cr_assert_eq(xs_cand_bytes(&c, 100000000), 625000);
	c.high_bps = 1;	/* never 0: 0 would turn the events off */
	cr_assert_eq(xs_cand_bytes(&c, 100000000), 1);
	/*
	 * A flow just below it for a whole period, whatever came before,
	 * cannot be promoted by the rate at the next sample.
	 */
	c = (struct xs_class_cfg){ .high_bps = 100000000, .low_bps = 50000000,
				   .hold_ns = 1, .tau_ns = 0 };
	struct xs_class_state st = {};
	uint64_t cand = xs_cand_bytes(&c, 100000000);

	cr_assert_eq(xs_class_update(&c, &st, 0, 1000), XS_CLASS_NONE);
	cr_assert_eq(xs_class_update(&c, &st, 2 * cand - 1, 1000 + 100000000), XS_CLASS_NONE);
}

/*
 * The move state: made on first use with nothing moved, counted in the
 * table's bytes, carried with its flow when a deletion moves the flow in
 * the dense array, and freed with it (the count of move states says so).
 */
Test(ctab, move_state_travels_with_its_flow)
{
	enum { N = 5000 };
	static struct xs_flow_key k[N];
	unsigned int seed = 11;
	struct xs_ctab t;
	uint64_t bare;

	cr_assert_eq(xs_ctab_init(&t, N), 0);
	for (int i = 0; i < N; i++) {
		k[i] = rnd_key(&seed);
		cr_assert_not_null(xs_ctab_get(&t, &k[i]));
	}
	bare = xs_ctab_bytes(&t);
	for (int i = 0; i < N; i += 3) {
		struct xs_cflow *f = xs_ctab_find(&t, &k[i]);
		struct xs_cmove *m = xs_ctab_mv(&t, f);

		cr_assert_not_null(m);
		cr_assert_eq(m->prev_path, XS_NO_PATH);
		cr_assert_eq(m->moves, 0);
		cr_assert_eq(xs_ctab_mv(&t, f), m, "made once");
		m->moves = (uint32_t)i;
	}
	cr_assert_eq(t.nmv, (N + 2) / 3);
	cr_assert_eq(xs_ctab_bytes(&t), bare + t.nmv * sizeof(struct xs_cmove));
	/* a flow without one reads zeros */
	cr_assert_eq(xs_cflow_mv(xs_ctab_find(&t, &k[1]))->moves, 0);
	cr_assert_eq(xs_cflow_mv(xs_ctab_find(&t, &k[1]))->prev_path, XS_NO_PATH);
	/* delete every even one: the last flows move into the holes */
	for (int i = 0; i < N; i += 2)
		xs_ctab_del(&t, xs_ctab_find(&t, &k[i]));
	uint32_t left = 0;

	for (int i = 1; i < N; i += 2) {
		const struct xs_cflow *f = xs_ctab_find(&t, &k[i]);

		cr_assert_not_null(f);
		if (i % 3 == 0) {
			left++;
			cr_assert_not_null(f->mv, "flow %d lost its move state", i);
			cr_assert_eq(f->mv->moves, (uint32_t)i);
		} else {
			cr_assert_null(f->mv);
		}
	}
	cr_assert_eq(t.nmv, left, "%u move states, %u flows with one", t.nmv, left);
	xs_ctab_free(&t);
}
