// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fleet mode's pure parts: per-segment load, the fleet-aware path choice
 * (balance, jitter among ties, the same candidate rules as the local
 * choice), desired paths parsed from JSON and merged with the file's,
 * base64 as etcd's gateway wants it; the view's figures and their
 * Prometheus families.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "daemon/metrics.h"
#include "daemon/stats.h"
#include "fleet/etcd.h"
#include "fleet/fleet.h"

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

Test(fleet, segload_sums_per_sid_across_paths)
{
	static struct xs_segload sl;
	struct in6_addr spine_a = A("fd00:a::1"), egress = A("fd00:e::6");
	struct in6_addr p1[] = { spine_a, egress }, p2[] = { A("fd00:b::1"), egress };

	/* two hosts' paths through spine A share one figure */
	xs_segload_add(&sl, &spine_a, 40000000);
	xs_segload_add(&sl, &egress, 40000000);
	xs_segload_add(&sl, &spine_a, 30000000);
	xs_segload_add(&sl, &egress, 30000000);
	cr_assert_eq(sl.n, 2);
	cr_assert_eq(xs_segload_get(&sl, &spine_a), 70000000);
	cr_assert_eq(sl.e[0].paths, 2);
	cr_assert_eq(xs_segload_path(&sl, p1, 2), 140000000);
	cr_assert_eq(xs_segload_path(&sl, p2, 2), 70000000, "egress only");
	/* saturating */
	xs_segload_add(&sl, &spine_a, UINT64_MAX);
	cr_assert_eq(xs_segload_path(&sl, p1, 2), UINT64_MAX);
}

Test(fleet, segload_full)
{
	static struct xs_segload sl;
	struct in6_addr a = A("fd00::");

	for (unsigned int i = 0; i < XS_SEGLOAD_MAX; i++) {
		a.s6_addr16[7] = htons(i + 1);
		cr_assert_eq(xs_segload_add(&sl, &a, 1), 0);
	}
	a.s6_addr16[7] = htons(0xffff);
	cr_assert_eq(xs_segload_add(&sl, &a, 1), -ENOSPC);
	cr_assert_eq(xs_segload_get(&sl, &a), 0);
}

static void two_paths(struct xs_pathsel *ps)
{
	struct in6_addr pfx = A("fd00:2::");

	xs_pathsel_init(ps);
	cr_assert_eq(xs_pathsel_add(ps, 1, XS_POOL_HEAVY, &pfx, 64), 0);
	cr_assert_eq(xs_pathsel_add(ps, 2, XS_POOL_HEAVY, &pfx, 64), 0);
}

Test(fleet, pick_avoids_the_fleets_load)
{
	static struct xs_pathsel ps;
	uint64_t fleet[XS_PATHS_MAX] = { 0 };
	struct in6_addr dst = A("fd00:2::1");

	two_paths(&ps);
	/* locally both idle: the local choice takes path 1 on every host */
	cr_assert_eq(xs_pathsel_pick(&ps, XS_POOL_HEAVY, &dst, UINT32_MAX), 1);
	/* another host's elephant crosses path 1's spine */
	fleet[1] = 90000000;
	for (uint32_t r = 0; r < 16; r++)
		cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX,
					   UINT64_MAX, r), 2);
	/* our own load counts too: 95M local on 2 beats 90M fleet on 1 */
	xs_pathsel_assign(&ps, 2, 95000000);
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, UINT64_MAX, 0), 1);
}

Test(fleet, pick_jitters_among_ties_only)
{
	static struct xs_pathsel ps;
	uint64_t fleet[XS_PATHS_MAX] = { 0 };
	struct in6_addr dst = A("fd00:2::1");
	unsigned int got[3] = { 0 };

	two_paths(&ps);
	/* equal views: rnd spreads the choice, both paths come up */
	for (uint32_t r = 0; r < 64; r++)
		got[xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, UINT64_MAX, r)]++;
	cr_assert(got[1] == 32 && got[2] == 32, "1: %u, 2: %u", got[1], got[2]);
	/* within 1/8: still a tie; beyond: never picked */
	fleet[1] = 100000000;
	fleet[2] = 110000000;
	got[1] = got[2] = 0;
	for (uint32_t r = 0; r < 64; r++)
		got[xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, UINT64_MAX, r)]++;
	cr_assert(got[1] == 32 && got[2] == 32, "1: %u, 2: %u", got[1], got[2]);
	fleet[2] = 120000000;
	for (uint32_t r = 0; r < 64; r++)
		cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX,
					   UINT64_MAX, r), 1);
}

Test(fleet, pick_keeps_the_local_rules)
{
	static struct xs_pathsel ps;
	uint64_t fleet[XS_PATHS_MAX] = { 0 };
	struct in6_addr dst = A("fd00:2::1"), other = A("fd00:3::1"), pfx = A("fd00:2::");
	struct in6_addr v4 = A("::ffff:198.51.100.7");

	two_paths(&ps);
	/* longest prefix first, however loaded */
	cr_assert_eq(xs_pathsel_add(&ps, 3, XS_POOL_HEAVY, &pfx, 96), 0);
	fleet[3] = UINT64_MAX / 2;
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, UINT64_MAX, 1), 3);
	/* excluded, penalised: skipped */
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, 3, UINT64_MAX, 0), 1);
	xs_pathsel_penalize(&ps, 3, 1000);
	cr_assert_neq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, 500, 0), 3);
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &dst, UINT32_MAX, 1000, 0), 3);
	/* other pool, no prefix covers it, other family: none */
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_DISJOINT, &dst, UINT32_MAX, UINT64_MAX, 0),
		     -ENOENT);
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &other, UINT32_MAX, UINT64_MAX, 0),
		     -ENOENT);
	cr_assert_eq(xs_fleet_pick(&ps, fleet, XS_POOL_HEAVY, &v4, UINT32_MAX, UINT64_MAX, 0),
		     -ENOENT);
	/* no fleet figures at all (etcd away): local load only */
	xs_pathsel_assign(&ps, 1, 50000000);
	cr_assert_eq(xs_fleet_pick(&ps, NULL, XS_POOL_HEAVY, &dst, 3, UINT64_MAX, 0), 2);
}

/*
 * The rebalance after a collision, as host 1 of tests/ns/test-fleet sees
 * it: paths 1 (spine A) and 2 (spine B) share the egress SID, so the other
 * host's elephant counts on both through it; M: Mbit/s.
 */
#define M 1000000ULL

static struct xs_rebalance_flow rb_flow(uint32_t path, uint64_t rate)
{
	return (struct xs_rebalance_flow){ .dst = A("fd00:2::1"), .path = path, .rate_bps = rate };
}

/* The paths, their loads and the answer's target. */
struct rb {
	struct xs_pathsel ps;
	uint64_t load[XS_PATHS_MAX];
	uint32_t to;
};

static struct rb *rb_new(void)
{
	static struct rb r;

	memset(&r, 0, sizeof(r));
	two_paths(&r.ps);
	return &r;
}

static int rb_run(struct rb *r, const struct xs_rebalance_flow *f, unsigned int n, uint64_t now,
		  double u)
{
	return xs_fleet_rebalance(&r->ps, r->load, f, n, now, u, &r->to);
}

Test(fleet, rebalance_moves_a_collided_elephant)
{
	struct rb *r = rb_new();
	struct xs_rebalance_flow f = rb_flow(1, 10 * M);

	/* ours (10M) and the other host's (10M, twice: spine A and egress) on 1 */
	r->load[1] = 10 * M + 20 * M;
	r->load[2] = 10 * M;		/* the egress only */
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), 0);
	cr_assert_eq(r->to, 2);
	/* the draw: below 1/2 moves, from 1/2 on waits a period */
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.49), 0);
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.5), -EAGAIN);
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.99), -EAGAIN);
	/* the target in the penalty box: nowhere to go */
	xs_pathsel_penalize(&r->ps, 2, 1000);
	cr_assert_eq(rb_run(r, &f, 1, 500, 0.0), -ENOENT);
	cr_assert_eq(rb_run(r, &f, 1, 1000, 0.0), 0);
}

Test(fleet, rebalance_never_just_swaps)
{
	struct rb *r = rb_new();
	struct xs_rebalance_flow f = rb_flow(1, 20 * M);

	/* parted: ours on 1, the other's on 2 (20M each): balanced, no move */
	r->load[1] = 20 * M + 20 * M;
	r->load[2] = 40 * M;
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), -ENOENT);
	/* alone on 1, 2 idle: moving would only swap the imbalance */
	r->load[1] = 20 * M;
	r->load[2] = 0;
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), -ENOENT);
	/* 1 carries 25M besides ours, 2 carries 15M: 25 > 15 + 10 fails by the margin */
	r->load[1] = 20 * M + 25 * M;
	r->load[2] = 15 * M;
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), -ENOENT);
	/* one bit more moves */
	r->load[1]++;
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), 0);
	cr_assert_eq(r->to, 2);
}

Test(fleet, rebalance_one_move_per_period)
{
	struct rb *r = rb_new();
	struct xs_rebalance_flow f[3];
	struct in6_addr pfx = A("fd00:2::");

	cr_assert_eq(xs_pathsel_add(&r->ps, 3, XS_POOL_HEAVY, &pfx, 64), 0);
	/* three of ours on 1, 2 and 3 idle: one moves, the one that gains most */
	f[0] = rb_flow(1, 10 * M);
	f[1] = rb_flow(1, 5 * M);
	f[2] = rb_flow(1, 8 * M);
	r->load[1] = 23 * M;
	r->load[3] = 1 * M;
	cr_assert_eq(rb_run(r, f, 3, UINT64_MAX, 0.0), 1);
	cr_assert_eq(r->to, 2, "the least-loaded other path");
	/* 2 and 3 busier: only the smallest still gains (18M > 12M + 2.5M) */
	r->load[2] = 12 * M;
	r->load[3] = 13 * M;
	cr_assert_eq(rb_run(r, f, 3, UINT64_MAX, 0.0), 1);
	cr_assert_eq(r->to, 2);
	/* a flow on a path not running (any more): skipped; no flows: nothing */
	f[0] = rb_flow(7, 5 * M);
	cr_assert_eq(rb_run(r, f, 1, UINT64_MAX, 0.0), -ENOENT);
	cr_assert_eq(rb_run(r, f, 0, UINT64_MAX, 0.0), -ENOENT);
}

Test(fleet, rebalance_keeps_the_pool_and_prefix)
{
	struct rb *r = rb_new();
	struct xs_rebalance_flow f = rb_flow(1, 10 * M);
	struct in6_addr pfx = A("fd00:2::"), wide = A("fd00::"), other = A("fd00:3::");

	xs_pathsel_init(&r->ps);
	cr_assert_eq(xs_pathsel_add(&r->ps, 1, XS_POOL_HEAVY, &pfx, 64), 0);
	cr_assert_eq(xs_pathsel_add(&r->ps, 2, XS_POOL_DEFAULT, &pfx, 64), 0);
	cr_assert_eq(xs_pathsel_add(&r->ps, 3, XS_POOL_HEAVY, &other, 64), 0);
	r->load[1] = 40 * M;
	/* 2 is of another pool, 3 does not serve the destination */
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), -ENOENT);
	/* a wider heavy path serves it: taken only while no longer prefix does */
	cr_assert_eq(xs_pathsel_add(&r->ps, 4, XS_POOL_HEAVY, &wide, 16), 0);
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), 0);
	cr_assert_eq(r->to, 4);
	cr_assert_eq(xs_pathsel_add(&r->ps, 5, XS_POOL_HEAVY, &pfx, 64), 0);
	r->load[5] = 20 * M;
	cr_assert_eq(rb_run(r, &f, 1, UINT64_MAX, 0.0), 0);
	cr_assert_eq(r->to, 5, "the longest prefix, however loaded");
}

Test(fleet, policy_parse_good)
{
	struct xs_cfg_path p;
	char err[200];
	struct in6_addr b = A("fd00:b::1"), e = A("fd00:e::6");

	cr_assert_eq(xs_fleet_policy_parse("via-b", "{\"id\": 2, \"pool\": \"heavy\", "
		     "\"prefix\": \"fd00:2::/64\", \"encap\": \"encap.red\", "
		     "\"segments\": [\"fd00:b::1\", \"fd00:e::6\"]}", XS_MODE_ENCAP, &p, err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(p.id, 2);
	cr_assert_str_eq(p.name, "via-b");
	cr_assert_eq(p.pool, XS_POOL_HEAVY);
	cr_assert_eq(p.mode, XS_MODE_ENCAP_RED);
	cr_assert_eq(p.plen, 64);
	cr_assert_eq(p.nsids, 2);
	cr_assert(!memcmp(&p.sids[0], &b, 16) && !memcmp(&p.sids[1], &e, 16));
	/* defaults, segments as one string */
	cr_assert_eq(xs_fleet_policy_parse("x", "{\"id\": 7, \"segments\": \"fd00:b::1, fd00:e::6\"}",
					   XS_MODE_INLINE, &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(p.pool, XS_POOL_HEAVY);
	cr_assert_eq(p.mode, XS_MODE_INLINE);
	cr_assert_eq(p.plen, 0);
	cr_assert_eq(p.nsids, 2);
}

Test(fleet, policy_parse_errors_name_field_and_value)
{
	static const struct { const char *name, *json, *msg; } bad[] = {
		{ "p", "not json", "p: not a JSON object" },
		{ "p", "{\"segments\": [\"fd00::1\"]}", "p: 'id' is missing" },
		{ "p", "{\"id\": 256, \"segments\": [\"fd00::1\"]}",
		  "p: bad id '256': expected a whole number from 0 to 255" },
		{ "p", "{\"id\": \"1\", \"segments\": [\"fd00::1\"]}",
		  "p: bad id '1': expected a whole number from 0 to 255" },
		{ "p", "{\"id\": 1, \"pool\": \"fast\", \"segments\": [\"fd00::1\"]}",
		  "p: bad pool 'fast': expected heavy, default or disjoint" },
		{ "p", "{\"id\": 1, \"encap\": \"gre\", \"segments\": [\"fd00::1\"]}",
		  "p: bad encap 'gre': expected encap, encap.red or inline" },
		{ "p", "{\"id\": 1, \"prefix\": \"fd00:2::1/64\", \"segments\": [\"fd00::1\"]}",
		  "p: bad prefix 'fd00:2::1/64': host bits are set" },
		{ "p", "{\"id\": 1}", "p: 'segments' is missing" },
		{ "p", "{\"id\": 1, \"segments\": []}", "p: bad segments '': empty SID list" },
		{ "bad/name", "{\"id\": 1, \"segments\": [\"fd00::1\"]}",
		  "bad path name 'bad/name': expected 1 to 31 letters, digits, '-', '_' or '.'" },
	};
	struct xs_cfg_path p;
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(xs_fleet_policy_parse(bad[i].name, bad[i].json, XS_MODE_ENCAP, &p, err,
						   sizeof(err)), -EINVAL, "%s", bad[i].json);
		cr_assert_str_eq(err, bad[i].msg);
	}
	cr_assert_eq(xs_fleet_policy_parse("p", "{\"id\": 1, \"segments\": [\"fd00::zz\"]}",
					   XS_MODE_ENCAP, &p, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "p: bad segments 'fd00::zz'"), "%s", err);
}

Test(fleet, merge_fleet_wins_per_id)
{
	struct xs_cfg_path file[3] = { { .id = 1, .name = "f1" }, { .id = 2, .name = "f2" },
				       { .id = 4, .name = "f4" } };
	struct xs_cfg_path fleet[3] = { { .id = 2, .name = "e2" }, { .id = 9, .name = "e9" },
					{ .id = 2, .name = "e2-again" } };
	static struct xs_cfg_path out[XS_PATHS_MAX];
	unsigned int n;

	n = xs_fleet_merge_paths(file, 3, fleet, 3, out);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(out[0].name, "f1");
	cr_assert_str_eq(out[1].name, "f4");
	cr_assert_str_eq(out[2].name, "e2", "the first key of an id wins");
	cr_assert_str_eq(out[3].name, "e9");
	/* no fleet paths: the file's as they are */
	cr_assert_eq(xs_fleet_merge_paths(file, 3, fleet, 0, out), 3);
	cr_assert_str_eq(out[1].name, "f2");
}

Test(fleet, base64_round_trip)
{
	unsigned char in[256], back[256];
	char enc[400];

	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	for (size_t n = 0; n <= 6; n++) {
		xs_b64_encode(in + 250, n, enc);
		cr_assert_eq(strlen(enc), 4 * ((n + 2) / 3));
		cr_assert_eq(xs_b64_decode(enc, strlen(enc), back), (long)n);
		cr_assert(!memcmp(back, in + 250, n));
	}
	xs_b64_encode("/xsteer/a", 9, enc);
	cr_assert_str_eq(enc, "L3hzdGVlci9h");
	cr_assert_eq(xs_b64_decode("L2E=", 4, back), 2);
	cr_assert_eq(xs_b64_decode("L2E*", 4, back), -EINVAL);
	cr_assert_eq(xs_b64_decode("L2=E", 4, back), -EINVAL);
}

/* ---- [fleet] in the configuration file, and the credential files ---- */

static int load_text(const char *text, struct xs_cfg *c, char *err, size_t errlen)
{
	char path[] = "/tmp/xs-test-fleet-XXXXXX";
	int fd = mkstemp(path), rc;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	xs_cfg_defaults(c, "blue");
	rc = xs_cfg_load(c, path, err, errlen);
	if (!rc)
		rc = xs_cfg_validate(c, err, errlen);
	/* messages name the file: keep what follows it */
	if (rc && !strncmp(err, path, strlen(path)))
		memmove(err, err + strlen(path), strlen(err + strlen(path)) + 1);
	unlink(path);
	return rc;
}

Test(fleet, config_keys)
{
	static struct xs_cfg c;
	char err[300] = "";

	xs_cfg_defaults(&c, "blue");
	cr_assert_str_eq(c.fleet.endpoints, "", "off by default");
	cr_assert_str_eq(c.fleet.prefix, "/xsteer");
	cr_assert_eq(c.fleet.lease_ttl_ms, 10000);
	cr_assert_eq(c.fleet.rebalance_ms, 1000);
	cr_assert_eq(load_text("[fleet]\nrebalance-period = 0\n", &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(c.fleet.rebalance_ms, 0, "0: never");
	cr_assert_eq(load_text("[fleet]\nrebalance-period = 2.5s\n", &c, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(c.fleet.rebalance_ms, 2500);
	cr_assert_eq(load_text("[fleet]\nendpoints = http://[fd00::1]:2379, https://etcd.example:2379\n"
			       "prefix = /dc1/xsteer\nhost = rack1-h07\nlease-ttl = 3s\n"
			       "user = xsteer\npassword-file = /etc/xsteer/pw\n", &c, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(c.fleet.endpoints, "http://[fd00::1]:2379, https://etcd.example:2379");
	cr_assert_str_eq(c.fleet.prefix, "/dc1/xsteer");
	cr_assert_str_eq(c.fleet.host, "rack1-h07");
	cr_assert_eq(c.fleet.lease_ttl_ms, 3000);
	cr_assert_str_eq(c.fleet.password_file, "/etc/xsteer/pw");
}

Test(fleet, config_errors)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "[fleet]\nendpoints = etcd:2379\n", ":2: [fleet] endpoints: bad value 'etcd:2379': "
		  "expected etcd endpoints like http://[fd00::1]:2379, separated by ','" },
		{ "[fleet]\nendpoints = http://a:1,,ftp://b\n", ":2: [fleet] endpoints: bad value "
		  "'http://a:1,,ftp://b': expected etcd endpoints like http://[fd00::1]:2379, "
		  "separated by ','" },
		{ "[fleet]\nprefix = xsteer/\n", ":2: [fleet] prefix: bad value 'xsteer/': expected "
		  "a key prefix like /xsteer (starting with '/', not ending with one, no blanks)" },
		{ "[fleet]\nhost = a/b\n", ":2: [fleet] host: bad value 'a/b': expected letters, "
		  "digits, '-', '_' or '.'" },
		{ "[fleet]\nlease-ttl = 1s\n", ":2: [fleet] lease-ttl: bad value '1s': expected 2s "
		  "to 1h" },
		{ "[fleet]\nrebalance-period = 50ms\n", ":2: [fleet] rebalance-period: bad value "
		  "'50ms': 0 (never) or at least 100ms" },
		{ "[fleet]\nrebalance-period = 2h\n", ":2: [fleet] rebalance-period: bad value '2h': "
		  "expected 0ms to 1h" },
		{ "[fleet]\npassword-file = pw\n", ":2: [fleet] password-file: bad value 'pw': "
		  "expected an absolute path of at most 255 characters" },
		{ "[fleet]\nendpoint = http://a:1\n", ":2: [fleet] endpoint: unknown key: did you mean "
		  "'endpoints'?" },
	};
	static struct xs_cfg c;
	char err[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(load_text(bad[i].text, &c, err, sizeof(err)), -EINVAL, "%s", bad[i].text);
		cr_expect_str_eq(err, bad[i].msg);
	}
}

Test(fleet, credential_files_checked)
{
	static struct xs_cfg c;
	struct xs_fleet *f = NULL;
	char pw[] = "/tmp/xs-test-pw-XXXXXX", err[300];
	int fd = mkstemp(pw);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "s3cret\n", 7), 7);
	close(fd);
	xs_cfg_defaults(&c, "blue");
	snprintf(c.fleet.endpoints, sizeof(c.fleet.endpoints), "http://[fd00::1]:2379");
	snprintf(c.fleet.user, sizeof(c.fleet.user), "xsteer");
	snprintf(c.fleet.password_file, sizeof(c.fleet.password_file), "%s", pw);
	chmod(pw, 0640);
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), -EPERM);
	cr_assert(strstr(err, "mode 0640 lets the group or others read it; chmod 600"), "%s", err);
	chmod(pw, 0600);
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), 0,
		     "%s", err);
	xs_fleet__destroy(f);	/* never started: no thread, no network */
	/* a user without a password file, a certificate without its key */
	c.fleet.password_file[0] = '\0';
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "[fleet]: 'user' and 'password-file' go together");
	c.fleet.user[0] = '\0';
	snprintf(c.fleet.cert_file, sizeof(c.fleet.cert_file), "%s", pw);
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "[fleet]: 'cert-file' and 'key-file' go together");
	/* the endpoint list is checked at create */
	c.fleet.cert_file[0] = '\0';
	snprintf(c.fleet.endpoints, sizeof(c.fleet.endpoints), "gopher://x");
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "bad etcd endpoint 'gopher://x'"), "%s", err);
	unlink(pw);
}

/* The view carries every XS_FLEET_STATS member, before any thread ran. */
Test(fleet, view_has_the_listed_figures)
{
	static struct xs_cfg c;
	struct xs_fleet *f = NULL;
	const struct xs_stat_desc *d;
	json_object *v, *st;
	char err[300];

	xs_cfg_defaults(&c, "blue");
	snprintf(c.fleet.endpoints, sizeof(c.fleet.endpoints), "http://[fd00::1]:2379");
	cr_assert_eq(xs_fleet__create(&f, &c.fleet, "blue", XS_MODE_ENCAP, err, sizeof(err)), 0,
		     "%s", err);
	v = xs_fleet_view(f);
	cr_assert(json_object_object_get_ex(v, "fleet", &st));
	for (d = xs_fleet_stat_desc; d->name; d++)
		cr_expect(json_object_object_get_ex(st, d->name, NULL), "no '%s' in the view",
			  d->name);
	json_object_put(v);
	xs_fleet__destroy(f);
}

static char *render(json_object *paths, json_object *fleet)
{
	json_object *empty = json_object_new_object();
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	cr_assert_not_null(m);
	xs_prom_render(m, "blue", empty, empty, paths, fleet);
	fclose(m);
	json_object_put(empty);
	return buf;
}

/*
 * A path's fleet load: the other daemons' paths with the same segments
 * (h1/blue is this daemon: its own figures do not count; h2/red does).
 */
Test(fleet, prometheus_fleet_families)
{
	json_object *paths = json_tokener_parse(
		"[{\"id\": 1, \"pool\": \"heavy\", \"segments\": [\"fd00:a::1\", \"fd00:e::6\"]},"
		" {\"id\": 2, \"pool\": \"heavy\", \"segments\": [\"fd00:b::1\", \"fd00:e::6\"]}]");
	json_object *view = json_tokener_parse(
		"{\"fleet\": {\"host\": \"h1\", \"tenant\": \"blue\", \"connected\": true, \"hosts\": 2,"
		" \"degraded\": 1, \"degraded_seconds\": 2.5, \"view_age_s\": 0.25},"
		" \"hosts\": ["
		"  {\"host\": \"h1\", \"tenant\": \"blue\", \"paths\": [{\"id\": 1, \"load_bps\": 7,"
		"   \"flows\": 1, \"segments\": [\"fd00:a::1\", \"fd00:e::6\"]}]},"
		"  {\"host\": \"h2\", \"tenant\": \"blue\", \"paths\": [{\"id\": 9, \"load_bps\": 1000,"
		"   \"flows\": 2, \"segments\": [\"fd00:a::1\", \"fd00:e::6\"]},"
		"   {\"id\": 2, \"load_bps\": 50, \"flows\": 1, \"segments\": [\"fd00:c::1\", \"fd00:e::6\"]}]},"
		"  {\"host\": \"h2\", \"tenant\": \"red\", \"paths\": [{\"id\": 1, \"load_bps\": 24,"
		"   \"flows\": 1, \"segments\": [\"fd00:a::1\", \"fd00:e::6\"]}]}],"
		" \"segments\": [{\"sid\": \"fd00:a::1\", \"load_bps\": 1031, \"paths\": 3},"
		"  {\"sid\": \"fd00:e::6\", \"load_bps\": 1081, \"paths\": 4}]}");
	char *t;

	cr_assert_not_null(paths);
	cr_assert_not_null(view);
	t = render(paths, NULL);
	cr_expect(strstr(t, "# TYPE xsteer_fleet_enabled gauge\nxsteer_fleet_enabled{tenant=\"blue\"} 0\n"),
		  "%s", t);
	cr_expect_null(strstr(t, "xsteer_fleet_connected"), "fleet mode off: only _enabled");
	free(t);
	t = render(paths, view);
	cr_expect(strstr(t, "xsteer_fleet_enabled{tenant=\"blue\"} 1\n"), "%s", t);
	cr_expect(strstr(t, "# TYPE xsteer_fleet_connected gauge\nxsteer_fleet_connected{tenant=\"blue\"} 1\n"),
		  "%s", t);
	cr_expect(strstr(t, "xsteer_fleet_hosts{tenant=\"blue\"} 2\n"), "%s", t);
	cr_expect(strstr(t, "# TYPE xsteer_fleet_degraded_total counter\n"
			    "xsteer_fleet_degraded_total{tenant=\"blue\"} 1\n"), "%s", t);
	cr_expect(strstr(t, "xsteer_fleet_degraded_seconds_total{tenant=\"blue\"} 2.500\n"), "%s", t);
	cr_expect(strstr(t, "xsteer_fleet_view_age_seconds{tenant=\"blue\"} 0.250\n"), "%s", t);
	cr_expect(strstr(t, "xsteer_path_fleet_load_bits_per_second{tenant=\"blue\",path=\"1\",pool=\"heavy\"} 1024\n"),
		  "%s", t);
	cr_expect(strstr(t, "xsteer_path_fleet_load_bits_per_second{tenant=\"blue\",path=\"2\",pool=\"heavy\"} 0\n"),
		  "%s", t);
	cr_expect(strstr(t, "xsteer_path_fleet_flows{tenant=\"blue\",path=\"1\",pool=\"heavy\"} 3\n"), "%s", t);
	cr_expect(strstr(t, "# TYPE xsteer_fleet_segment_load_bits_per_second gauge\n"
			    "xsteer_fleet_segment_load_bits_per_second{tenant=\"blue\",sid=\"fd00:a::1\"} 1031\n"
			    "xsteer_fleet_segment_load_bits_per_second{tenant=\"blue\",sid=\"fd00:e::6\"} 1081\n"),
		  "%s", t);
	cr_expect(strstr(t, "xsteer_fleet_segment_paths{tenant=\"blue\",sid=\"fd00:e::6\"} 4\n"), "%s", t);
	free(t);
	json_object_put(paths);
	json_object_put(view);
}
