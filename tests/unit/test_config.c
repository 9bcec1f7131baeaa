// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: the configuration file (ctl/lib/config.c). Files are written into
 * a fresh mkdtemp() directory per test and removed afterwards. Error
 * messages are compared whole: "FILE" is the test file's path.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "daemon/daemon.h"
#include "lib/config.h"

static char dir[64];
static char conf[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/xs-cfg-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/a.conf", dir);
}

static void teardown(void)
{
	unlink(conf);
	rmdir(dir);
}

TestSuite(config, .init = setup, .fini = teardown);

static void write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	cr_assert_eq(fclose(f), 0);
}

/* defaults for tenant "blue", then the text as a file */
static int load(const char *text, struct xs_cfg *c, char *err, size_t errlen)
{
	xs_cfg_defaults(c, "blue");
	write_conf(text);
	return xs_cfg_load(c, conf, err, errlen);
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

static bool a6_eq(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return !memcmp(a, &b, sizeof(b));
}

/* the error must be exactly conf + suffix */
static void expect_err(const char *text, const char *suffix)
{
	static struct xs_cfg c;
	char err[512] = "", want[512];

	snprintf(want, sizeof(want), "%s%s", conf, suffix);
	cr_expect_eq(load(text, &c, err, sizeof(err)), -EINVAL, "no error for:\n%s", text);
	cr_expect_str_eq(err, want, "for:\n%s\ngot:  %s\nwant: %s", text, err, want);
}

Test(config, defaults)
{
	struct xs_cfg c;

	xs_cfg_defaults(&c, "blue");
	cr_expect_str_eq(c.tenant, "blue");
	cr_expect_str_eq(c.dev, "xs-blue-h");
	cr_expect_str_eq(c.uplink, "xs-blue-u");
	cr_expect_str_eq(c.host_if, "xs-blue");
	cr_expect_str_eq(c.netns, "xs-blue");
	cr_expect_str_eq(c.pin_dir, "/sys/fs/bpf/xsteer/blue");
	cr_expect_str_eq(c.ctl_socket, "/run/xsteer/blue.sock");
	cr_expect_not(c.sr_source_set);
	cr_expect_eq(c.encap_mode, XS_MODE_ENCAP);
	cr_expect_eq(c.hop_limit, 64);
	cr_expect_eq(c.xdp_mode, XS_XDP_NATIVE);
	cr_expect_eq(c.fastpath, XS_FASTPATH_AUTO);
	cr_expect_eq(c.heavy_rate_bps, 100000000ULL);
	cr_expect_eq(c.heavy_rate_low_bps, 50000000ULL);
	cr_expect_eq(c.heavy_bytes, 10000000ULL);
	cr_expect_eq(c.demote_hold_ms, 2000);
	cr_expect_eq(c.scan_period_ms, 100);
	cr_expect_eq(c.rate_tau_ms, 300);
	cr_expect_eq(c.idle_timeout_ms, 10000);
	cr_expect_eq(c.sketch_window_ms * 1000000ULL, XS_SKETCH_WINDOW_NS_DEFAULT);
	cr_expect_eq(c.sketch_admit_bytes, 0, "0: the XDP program's heavy_bytes / 8");
	cr_expect_eq(c.flow_table_size, 65536);
	cr_expect_eq(c.flow_reserve, 0, "0: the XDP program's quarter of the table");
	cr_expect_eq(c.steer_table_size, 4096);
	cr_expect_eq(c.umem_frames, 4096);
	cr_expect_eq(c.ring_size, 2048);
	cr_expect_eq(c.batch, 64);
	cr_expect_eq(c.npaths, 0);
	cr_expect_eq(xs_cfg_validate(&c, NULL, 0), 0);
}

Test(config, longest_tenant_names_fit)
{
	struct xs_cfg c;

	cr_assert(xs_tenant_name_ok("abcdefghij"));
	xs_cfg_defaults(&c, "abcdefghij");
	cr_expect_str_eq(c.dev, "xs-abcdefghij-h");
	cr_expect_eq(strlen(c.dev), IFNAMSIZ - 1);
	cr_expect_str_eq(c.uplink, "xs-abcdefghij-u");
	cr_expect_str_eq(c.ctl_socket, "/run/xsteer/abcdefghij.sock");
}

Test(config, empty_file_and_comments_give_the_defaults)
{
	static struct xs_cfg c, d;
	char err[256] = "";

	xs_cfg_defaults(&d, "blue");
	cr_assert_eq(load("", &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(memcmp(&c, &d, sizeof(c)), 0);
	cr_assert_eq(load("; only\n# comments\n\n   \n[xsteer]\n[classifier]\n[tables]\n",
			  &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(memcmp(&c, &d, sizeof(c)), 0);
}

static const char full[] =
	"; every key\n"
	"[xsteer]\n"
	"dev = hs0\n"
	"uplink = up0\n"
	"host-if = veth-h\n"
	"netns = tenant-ns\n"
	"pin-dir = /sys/fs/bpf/x\n"
	"control-socket = /run/x.sock\n"
	"sr-source = fd00:a::1\n"
	"encap-mode = encap.red\n"
	"hop-limit = 255\n"
	"xdp-mode = skb\n"
	"fastpath = pass\n"
	"\n"
	"[classifier]\n"
	"heavy-rate = 1.5G\n"
	"heavy-rate-low = 500M\n"
	"heavy-bytes = 0\n"
	"demote-hold = 1m\n"
	"scan-period = 50ms\n"
	"rate-tau = 1.5s\n"
	"idle-timeout = 1h\n"
	"sketch-window = 250ms\n"
	"sketch-admit-bytes = 64k\n"
	"[tables]\n"
	"flow-table-size = 16777216\n"
	"flow-reserve = 16777215\n"
	"steer-table-size = 1\n"
	"umem-frames = 8192\n"
	"ring-size = 4096\n"
	"batch = 1024\n"
	"[path viaA]\n"
	"id = 7\n"
	"pool = disjoint\n"
	"prefix = fd00:2::/64\n"
	"segments = fd00:e::1, fd00:e::6\n"
	"mode = inline\n"
	"[path v4.only]\n"
	"id = 255\n"
	"pool = default\n"
	"prefix = 198.51.100.0/24\n"
	"segments = fd00:e::2 fd00:e::6,fd00:e::7\n"
	"[path any]\n"
	"id = 0\n"
	"segments = fd00:e::6\n";

Test(config, full_file)
{
	static struct xs_cfg c;
	char err[256] = "";

	cr_assert_eq(load(full, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(c.tenant, "blue");
	cr_expect_str_eq(c.dev, "hs0");
	cr_expect_str_eq(c.uplink, "up0");
	cr_expect_str_eq(c.host_if, "veth-h");
	cr_expect_str_eq(c.netns, "tenant-ns");
	cr_expect_str_eq(c.pin_dir, "/sys/fs/bpf/x");
	cr_expect_str_eq(c.ctl_socket, "/run/x.sock");
	cr_expect(c.sr_source_set);
	cr_expect(a6_eq(&c.sr_source, "fd00:a::1"));
	cr_expect_eq(c.encap_mode, XS_MODE_ENCAP_RED);
	cr_expect_eq(c.hop_limit, 255);
	cr_expect_eq(c.xdp_mode, XS_XDP_SKB);
	cr_expect_eq(c.fastpath, XS_FASTPATH_PASS);
	cr_expect_eq(c.heavy_rate_bps, 1500000000ULL);
	cr_expect_eq(c.heavy_rate_low_bps, 500000000ULL);
	cr_expect_eq(c.heavy_bytes, 0);
	cr_expect_eq(c.demote_hold_ms, 60000);
	cr_expect_eq(c.scan_period_ms, 50);
	cr_expect_eq(c.rate_tau_ms, 1500);
	cr_expect_eq(c.idle_timeout_ms, 3600000);
	cr_expect_eq(c.sketch_window_ms, 250);
	cr_expect_eq(c.sketch_admit_bytes, 64000, "any value while heavy-bytes is off");
	cr_expect_eq(c.flow_table_size, 16777216);
	cr_expect_eq(c.flow_reserve, 16777215);
	cr_expect_eq(c.steer_table_size, 1);
	cr_expect_eq(c.umem_frames, 8192);
	cr_expect_eq(c.ring_size, 4096);
	cr_expect_eq(c.batch, 1024);

	cr_assert_eq(c.npaths, 3);
	cr_expect_str_eq(c.paths[0].name, "viaA");
	cr_expect_eq(c.paths[0].id, 7);
	cr_expect_eq(c.paths[0].pool, XS_POOL_DISJOINT);
	cr_expect(a6_eq(&c.paths[0].prefix, "fd00:2::"));
	cr_expect_eq(c.paths[0].plen, 64);
	cr_expect_eq(c.paths[0].nsids, 2);
	cr_expect(a6_eq(&c.paths[0].sids[0], "fd00:e::1"));
	cr_expect(a6_eq(&c.paths[0].sids[1], "fd00:e::6"));
	cr_expect_eq(c.paths[0].mode, XS_MODE_INLINE);

	cr_expect_str_eq(c.paths[1].name, "v4.only");
	cr_expect_eq(c.paths[1].id, 255);
	cr_expect_eq(c.paths[1].pool, XS_POOL_DEFAULT);
	cr_expect(a6_eq(&c.paths[1].prefix, "::ffff:198.51.100.0"));
	cr_expect_eq(c.paths[1].plen, 96 + 24);
	cr_expect_eq(c.paths[1].nsids, 3);
	cr_expect(a6_eq(&c.paths[1].sids[2], "fd00:e::7"));
	cr_expect_eq(c.paths[1].mode, XS_MODE_ENCAP_RED, "no mode: the [xsteer] encap-mode");

	cr_expect_str_eq(c.paths[2].name, "any");
	cr_expect_eq(c.paths[2].id, 0);
	cr_expect_eq(c.paths[2].pool, XS_POOL_HEAVY, "default pool");
	cr_expect(a6_eq(&c.paths[2].prefix, "::"));
	cr_expect_eq(c.paths[2].plen, 0, "default prefix ::/0");
	cr_expect_eq(c.paths[2].nsids, 1);
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), 0, "%s", err);
}

Test(config, example_in_docs_parses)
{
	static struct xs_cfg c, d;
	char err[256] = "";

	xs_cfg_defaults(&c, "blue");
	xs_cfg_defaults(&d, "blue");
	cr_assert_eq(xs_cfg_load(&c, "docs/xsteer.conf.example", err, sizeof(err)), 0,
		     "%s (run from the top of the tree)", err);
	cr_assert_eq(c.npaths, 3);
	cr_expect_eq(c.paths[2].mode, XS_MODE_ENCAP);
	cr_expect_eq(c.paths[1].plen, 120);
	/* everything else is the defaults: the example documents them */
	cr_assert(c.sr_source_set);
	d.sr_source = c.sr_source;
	d.sr_source_set = true;
	d.npaths = c.npaths;
	memcpy(d.paths, c.paths, sizeof(d.paths));
	cr_expect_eq(memcmp(&c, &d, sizeof(c)), 0, "the example's values are not the defaults");
}

Test(config, sketch_keys_in_range)
{
	static struct xs_cfg c;
	char err[256] = "";

	cr_assert_eq(load("[classifier]\nsketch-window = 10ms\nsketch-admit-bytes = 10M\n"
			  "[tables]\nflow-table-size = 100\nflow-reserve = 99\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.sketch_window_ms, 10);
	cr_expect_eq(c.sketch_admit_bytes, 10000000, "equal to heavy-bytes is allowed");
	cr_expect_eq(c.flow_reserve, 99);
	cr_assert_eq(load("[classifier]\nsketch-window = 1m\nheavy-bytes = 0\n"
			  "sketch-admit-bytes = 1T\n[tables]\nflow-table-size = 1\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.sketch_window_ms, 60000);
	cr_expect_eq(c.sketch_admit_bytes, 1000000000000ULL, "heavy-bytes off: no bound");
	cr_expect_eq(c.flow_reserve, 0, "0 below a table of one entry");
	/* a later file lowering heavy-bytes under the admit threshold is refused */
	cr_assert_eq(load("[classifier]\nheavy-bytes = 1M\nsketch-admit-bytes = 1M\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	c.heavy_bytes = 999999;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[classifier] sketch-admit-bytes: bad value '1M': must not exceed "
			 "heavy-bytes (999999)");
}

/* What the daemon writes into the XDP program's config map (the keys' units). */
Test(config, xdp_config_from_the_keys)
{
	static struct xs_cfg c;
	struct xs_config x;
	char err[256] = "";

	cr_assert_eq(load("[classifier]\nheavy-bytes = 4M\nsketch-window = 250ms\n"
			  "sketch-admit-bytes = 300k\n[congestion]\nflowlet-gap = 200us\n"
			  "[tables]\nflow-reserve = 1000\n", &c, err, sizeof(err)), 0, "%s", err);
	memset(&x, 0xab, sizeof(x));
	xs_daemon_xdp_config(&c, &x);
	cr_expect_eq(x.heavy_bytes, 4000000);
	cr_expect_eq(x.sketch_window_ns, 250000000ULL);
	cr_expect_eq(x.sketch_admit_bytes, 300000);
	cr_expect_eq(x.flow_reserve, 1000);
	cr_expect_eq(x.flowlet_gap_ns, 200000);
	cr_expect_eq(x.rto_gap_ns, 100000000ULL);
	cr_expect_eq(x.sig_period_ns, 100000000ULL);
	cr_expect_eq(x.sig_threshold, 3);
	cr_expect_eq(x.sketch_epoch, 0xabababab, "not the configuration's: left alone");
	/* the defaults: heavy-bytes / 8; the reserve left to the program (a quarter) */
	xs_cfg_defaults(&c, "blue");
	xs_daemon_xdp_config(&c, &x);
	cr_expect_eq(x.sketch_window_ns, XS_SKETCH_WINDOW_NS_DEFAULT);
	cr_expect_eq(x.sketch_admit_bytes, 1250000, "%llu", (unsigned long long)x.sketch_admit_bytes);
	cr_expect_eq(x.flow_reserve, 0);
	/* a rate threshold low beside heavy-bytes: what it sends in half a window */
	cr_assert_eq(load("[classifier]\nheavy-bytes = 1G\nheavy-rate = 20M\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	xs_daemon_xdp_config(&c, &x);
	cr_expect_eq(x.sketch_admit_bytes, 1250000, "%llu", (unsigned long long)x.sketch_admit_bytes);
	cr_assert_eq(load("[classifier]\nheavy-bytes = 1G\nheavy-rate = 20M\nsketch-window = 200ms\n",
			  &c, err, sizeof(err)), 0, "%s", err);
	xs_daemon_xdp_config(&c, &x);
	cr_expect_eq(x.sketch_admit_bytes, 250000, "%llu", (unsigned long long)x.sketch_admit_bytes);
	/* no byte threshold: the rate's alone (before, nothing was ever admitted) */
	cr_assert_eq(load("[classifier]\nheavy-bytes = 0\nheavy-rate = 100M\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	xs_daemon_xdp_config(&c, &x);
	cr_expect_eq(x.sketch_admit_bytes, 6250000, "%llu", (unsigned long long)x.sketch_admit_bytes);
}

Test(config, heavy_rate_low_defaults_to_half)
{
	static struct xs_cfg c;
	char err[256] = "";

	cr_assert_eq(load("[classifier]\nheavy-rate = 1G\n", &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.heavy_rate_low_bps, 500000000ULL);
	cr_assert_eq(load("[classifier]\nheavy-rate-low = 1k\nheavy-rate = 1G\n", &c, err,
			  sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.heavy_rate_low_bps, 1000);
}

Test(config, syntax_details)
{
	static struct xs_cfg c;
	char err[256] = "";

	/* blanks, inline ';' comments, ':' separators, indentation, CRLF, BOM */
	cr_assert_eq(load("\xEF\xBB\xBF[tables]\r\n"
			  "   batch   =   32   ; inline comment\r\n"
			  "\tring-size: 1024\r\n"
			  "# hash comment\n"
			  "[xsteer] ; comment after a header\n"
			  "  dev = h0\n"
			  "  uplink = u0\n",
			  &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.batch, 32);
	cr_expect_eq(c.ring_size, 1024);
	cr_expect_str_eq(c.dev, "h0");
	cr_expect_str_eq(c.uplink, "u0", "an indented line is no continuation");
}

Test(config, path_mode_follows_encap_mode_given_later)
{
	static struct xs_cfg c;
	char err[256] = "";

	cr_assert_eq(load("[path p]\nid = 1\nsegments = fd00:e::1\n"
			  "[xsteer]\nsr-source = fd00:a::1\nencap-mode = inline\n",
			  &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.paths[0].mode, XS_MODE_INLINE);
}

Test(config, sixteen_long_sids_fit_on_a_line)
{
	static struct xs_cfg c;
	char text[1200], err[256] = "";
	int off;

	off = snprintf(text, sizeof(text), "[xsteer]\nsr-source = fd00:a::1\n[path long]\n"
		       "id = 1\nsegments = ");
	for (int i = 0; i < 16; i++)
		off += snprintf(text + off, sizeof(text) - off, "%sfd00:1111:2222:3333:4444:5555:6666:%x",
				i ? ", " : "", i + 1);
	snprintf(text + off, sizeof(text) - off, "\n");
	cr_assert_eq(load(text, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.paths[0].nsids, 16);
	cr_expect(a6_eq(&c.paths[0].sids[15], "fd00:1111:2222:3333:4444:5555:6666:10"));
}

Test(config, failure_leaves_the_config_alone)
{
	static struct xs_cfg c, d;
	char err[256];

	xs_cfg_defaults(&d, "blue");
	cr_assert_eq(load("[tables]\nbatch = 8\nring-size = 3\n", &c, err, sizeof(err)), -EINVAL);
	cr_expect_eq(memcmp(&c, &d, sizeof(c)), 0);
}

Test(config, cannot_open)
{
	struct xs_cfg c;
	char err[256], want[256];

	xs_cfg_defaults(&c, "blue");
	snprintf(want, sizeof(want), "%s/none.conf: cannot open: No such file or directory", dir);
	snprintf(conf, sizeof(conf), "%s/none.conf", dir);
	cr_expect_eq(xs_cfg_load(&c, conf, err, sizeof(err)), -ENOENT);
	cr_expect_str_eq(err, want);
}

Test(config, a_directory_is_not_a_file)
{
	struct xs_cfg c;
	char err[256], want[256];

	xs_cfg_defaults(&c, "blue");
	snprintf(want, sizeof(want), "%s: not a regular file (a directory): a configuration is "
		 "a file of at most 1048576 bytes", dir);
	cr_expect_eq(xs_cfg_load(&c, dir, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, want);
}

Test(config, neither_a_device_nor_a_fifo)
{
	struct xs_cfg c;
	char err[256], want[256];

	xs_cfg_defaults(&c, "blue");
	cr_expect_eq(xs_cfg_load(&c, "/dev/zero", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "/dev/zero: not a regular file (a character device): a configuration "
			 "is a file of at most 1048576 bytes");
	snprintf(conf, sizeof(conf), "%s/fifo.conf", dir);
	cr_assert_eq(mkfifo(conf, 0600), 0);
	/* no writer: opening it must not wait for one */
	snprintf(want, sizeof(want), "%s: not a regular file (a FIFO): a configuration is a file "
		 "of at most 1048576 bytes", conf);
	cr_expect_eq(xs_cfg_load(&c, conf, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, want);
	unlink(conf);
}

Test(config, at_most_one_mebibyte)
{
	static char text[(1 << 20) + 2];
	struct xs_cfg c;
	char err[256], want[256];
	FILE *f;

	xs_cfg_defaults(&c, "blue");
	memset(text, '\n', sizeof(text) - 1);
	snprintf(conf, sizeof(conf), "%s/big.conf", dir);
	f = fopen(conf, "w");
	cr_assert(f);
	fwrite(text, 1, 1 << 20, f);		/* exactly the limit: blank lines, fine */
	fclose(f);
	cr_expect_eq(xs_cfg_load(&c, conf, err, sizeof(err)), 0, "%s", err);
	f = fopen(conf, "a");
	fputc('\n', f);
	fclose(f);
	snprintf(want, sizeof(want), "%s: too large (1048577 bytes): a configuration has at most "
		 "1048576", conf);
	cr_expect_eq(xs_cfg_load(&c, conf, err, sizeof(err)), -EFBIG);
	cr_expect_str_eq(err, want);
	unlink(conf);
}

/* One bad value each: the exact message, with its line. */
static const struct { const char *text, *err; } bad_values[] = {
	{ "[xsteer]\ndev = way-too-long-name0\n",
	  ":2: [xsteer] dev: bad value 'way-too-long-name0': expected an interface name of 1 "
	  "to 15 characters without '/', ':' or blanks" },
	{ "[xsteer]\nuplink = a/b\n",
	  ":2: [xsteer] uplink: bad value 'a/b': expected an interface name of 1 to 15 "
	  "characters without '/', ':' or blanks" },
	{ "[xsteer]\nhost-if =\n",
	  ":2: [xsteer] host-if: bad value '': a value is required" },
	{ "[xsteer]\nnetns = a/b\n",
	  ":2: [xsteer] netns: bad value 'a/b': expected a namespace name of 1 to 63 "
	  "characters without '/' or blanks" },
	{ "[xsteer]\npin-dir = sys/fs/bpf\n",
	  ":2: [xsteer] pin-dir: bad value 'sys/fs/bpf': expected an absolute path of at most "
	  "255 characters" },
	{ "[xsteer]\ncontrol-socket = x.sock\n",
	  ":2: [xsteer] control-socket: bad value 'x.sock': expected an absolute path of at "
	  "most 107 characters" },
	{ "[xsteer]\nsr-source = fd00::g\n",
	  ":2: [xsteer] sr-source: bad value 'fd00::g': expected an IPv6 address like fd00::1" },
	{ "[xsteer]\nsr-source = 192.0.2.1\n",
	  ":2: [xsteer] sr-source: bad value '192.0.2.1': expected an IPv6 address like fd00::1" },
	{ "[xsteer]\nsr-source = ff02::1\n",
	  ":2: [xsteer] sr-source: bad value 'ff02::1': unspecified, loopback, multicast or "
	  "IPv4-mapped: not usable as a source address" },
	{ "[xsteer]\nencap-mode = encap-red\n",
	  ":2: [xsteer] encap-mode: bad value 'encap-red': expected encap, encap.red or inline" },
	{ "[xsteer]\nhop-limit = 0\n",
	  ":2: [xsteer] hop-limit: bad value '0': expected a whole number from 1 to 255" },
	{ "[xsteer]\nhop-limit = 256\n",
	  ":2: [xsteer] hop-limit: bad value '256': expected a whole number from 1 to 255" },
	{ "[xsteer]\nhop-limit = -1\n",
	  ":2: [xsteer] hop-limit: bad value '-1': expected a whole number from 1 to 255" },
	{ "[xsteer]\nxdp-mode = generic\n",
	  ":2: [xsteer] xdp-mode: bad value 'generic': expected native or skb" },
	{ "[xsteer]\nfastpath = on\n",
	  ":2: [xsteer] fastpath: bad value 'on': expected auto, redirect or pass" },
	{ "[classifier]\n\nheavy-rate = 10X\n",
	  ":3: [classifier] heavy-rate: bad value '10X': expected bits/s like 10M, 1.5G" },
	{ "[classifier]\nheavy-rate = 100Mbit\n",
	  ":2: [classifier] heavy-rate: bad value '100Mbit': expected bits/s like 10M, 1.5G" },
	{ "[classifier]\nheavy-rate = 0\n",
	  ":2: [classifier] heavy-rate: bad value '0': must be at least 1" },
	{ "[classifier]\nheavy-rate = 20000000T\n",
	  ":2: [classifier] heavy-rate: bad value '20000000T': too large" },
	{ "[classifier]\nheavy-bytes = -5M\n",
	  ":2: [classifier] heavy-bytes: bad value '-5M': expected bytes like 10M, 1.5G "
	  "(decimal: 1M = 1000000)" },
	{ "[classifier]\ndemote-hold = 2\n",
	  ":2: [classifier] demote-hold: bad value '2': a bare number is ambiguous: add a unit "
	  "(us, ms, s, m or h), e.g. 100ms" },
	{ "[classifier]\ndemote-hold = 2 s\n",
	  ":2: [classifier] demote-hold: bad value '2 s': expected a duration like 500us, "
	  "100ms, 2s, 1m" },
	{ "[classifier]\nscan-period = 5ms\n",
	  ":2: [classifier] scan-period: bad value '5ms': expected 10ms to 10s" },
	{ "[classifier]\nscan-period = 11s\n",
	  ":2: [classifier] scan-period: bad value '11s': expected 10ms to 10s" },
	{ "[classifier]\nrate-tau = 0s\n",
	  ":2: [classifier] rate-tau: bad value '0s': expected 1ms to 1h" },
	{ "[classifier]\nrate-tau = 0\n",	/* 0 needs no unit, and is still checked */
	  ":2: [classifier] rate-tau: bad value '0': expected 1ms to 1h" },
	{ "[classifier]\nidle-timeout = 50ms\n",
	  ":2: [classifier] idle-timeout: bad value '50ms': must be longer than scan-period "
	  "(100ms)" },
	{ "[classifier]\nscan-period = 10s\n",
	  ":2: [classifier] scan-period: bad value '10s': must be shorter than idle-timeout "
	  "(10s)" },
	{ "[classifier]\nheavy-rate = 50M\nheavy-rate-low = 60M\n",
	  ":3: [classifier] heavy-rate-low: bad value '60M': must not exceed heavy-rate (50M)" },
	{ "[classifier]\nsketch-window = 5ms\n",
	  ":2: [classifier] sketch-window: bad value '5ms': expected 10ms to 1m" },
	{ "[classifier]\nsketch-window = 61s\n",
	  ":2: [classifier] sketch-window: bad value '61s': expected 10ms to 1m" },
	{ "[classifier]\nsketch-admit-bytes = 1.5\n",
	  ":2: [classifier] sketch-admit-bytes: bad value '1.5': expected bytes like 10M, 1.5G "
	  "(decimal: 1M = 1000000)" },
	{ "[classifier]\nsketch-admit-bytes = 20M\n",
	  ":2: [classifier] sketch-admit-bytes: bad value '20M': must not exceed heavy-bytes "
	  "(10M)" },
	{ "[classifier]\nsketch-admit-bytes = 2M\nheavy-bytes = 1M\n",
	  ":2: [classifier] sketch-admit-bytes: bad value '2M': must not exceed heavy-bytes (1M)" },
	{ "[tables]\nflow-reserve = 16777216\n",
	  ":2: [tables] flow-reserve: bad value '16777216': expected a whole number from 0 "
	  "to 16777215" },
	{ "[tables]\nflow-reserve = 65536\n",
	  ":2: [tables] flow-reserve: bad value '65536': must be below flow-table-size (65536)" },
	{ "[tables]\nflow-reserve = 100\nflow-table-size = 100\n",
	  ":2: [tables] flow-reserve: bad value '100': must be below flow-table-size (100)" },
	{ "[tables]\nflow-table-size = 16777217\n",
	  ":2: [tables] flow-table-size: bad value '16777217': expected a whole number from 1 "
	  "to 16777216" },
	{ "[tables]\nsteer-table-size = 0x100\n",
	  ":2: [tables] steer-table-size: bad value '0x100': expected a whole number from 1 "
	  "to 1048576" },
	{ "[tables]\nring-size = 1000\n",
	  ":2: [tables] ring-size: bad value '1000': expected a power of two from 64 to 65536" },
	{ "[tables]\nring-size = 32\n",
	  ":2: [tables] ring-size: bad value '32': expected a power of two from 64 to 65536" },
	{ "[tables]\numem-frames = 2048\n",
	  ":2: [tables] umem-frames: bad value '2048': must be at least twice ring-size (2048)" },
	{ "[tables]\nring-size = 4096\n",
	  ":2: [tables] ring-size: bad value '4096': must be at most half of umem-frames (4096)" },
	{ "[tables]\nbatch = 0\n",
	  ":2: [tables] batch: bad value '0': expected a whole number from 1 to 1024" },
	{ "[tables]\nring-size = 64\numem-frames = 128\nbatch = 65\n",
	  ":4: [tables] batch: bad value '65': must not exceed ring-size (64)" },
	{ "[tables]\nbatch = 64;no blank before the semicolon\n",
	  ":2: [tables] batch: bad value '64;no blank before the semicolon': expected a whole "
	  "number from 1 to 1024" },
	{ "[tables]\nbatch = 64 # not a comment here\n",
	  ":2: [tables] batch: bad value '64 # not a comment here': expected a whole number "
	  "from 1 to 1024" },
	{ "[xsteer]\nsr-source = fd00::1\n[path p]\nid = 256\n",
	  ":4: [path p] id: bad value '256': expected a whole number from 0 to 255" },
	{ "[xsteer]\nsr-source = fd00::1\n[path p]\nid = 1\npool = fast\n",
	  ":5: [path p] pool: bad value 'fast': expected heavy, default or disjoint" },
	{ "[xsteer]\nsr-source = fd00::1\n[path p]\nmode = h.encaps\n",
	  ":4: [path p] mode: bad value 'h.encaps': expected encap, encap.red or inline" },
	{ "[path p]\nprefix = fd00:2::\n",
	  ":2: [path p] prefix: bad value 'fd00:2::': expected a prefix like fd00:2::/64 or "
	  "198.51.100.0/24" },
	{ "[path p]\nprefix = fd00:2::/129\n",
	  ":2: [path p] prefix: bad value 'fd00:2::/129': the prefix length must be 0 to 128 "
	  "(IPv6) or 0 to 32 (IPv4)" },
	{ "[path p]\nprefix = 198.51.100.0/33\n",
	  ":2: [path p] prefix: bad value '198.51.100.0/33': the prefix length must be 0 to 128 "
	  "(IPv6) or 0 to 32 (IPv4)" },
	{ "[path p]\nprefix = 198.51.100.7/24\n",
	  ":2: [path p] prefix: bad value '198.51.100.7/24': host bits are set: did you mean "
	  "198.51.100.0/24?" },
	{ "[path p]\nprefix = fd00:2::1/64\n",
	  ":2: [path p] prefix: bad value 'fd00:2::1/64': host bits are set: did you mean "
	  "fd00:2::/64?" },
	{ "[path p]\nsegments = fd00:e::1, nope\n",
	  ":2: [path p] segments: bad value 'fd00:e::1, nope': bad SID 'nope' (position 2): "
	  "not an IPv6 address" },
	{ "[path p]\nsegments = , ,\n",
	  ":2: [path p] segments: bad value ', ,': empty SID list" },
	{ "[path p]\nsegments = fd00::1,1:2:3:4:5:6:7:8,ff02::2\n",
	  ":2: [path p] segments: bad value 'fd00::1,1:2:3:4:5:6:7:8,ff02::2': bad SID 'ff02::2' "
	  "(position 3): unspecified, loopback, multicast or IPv4-mapped" },
	{ "[path p]\nsegments = 1::1 2::2 3::3 4::4 5::5 6::6 7::7 8::8 9::9 a::a b::b c::c "
	  "d::d e::e f::f 10::10 11::11\n",
	  ":2: [path p] segments: bad value '1::1 2::2 3::3 4::4 5::5 6::6 7::7 8::8 9::9 a::a "
	  "b::b c::c d::d...': too many SIDs: at most 16" },
};

Test(config, bad_values)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++)
		expect_err(bad_values[i].text, bad_values[i].err);
}

/* Structure: sections, keys, duplicates, what is missing. */
static const struct { const char *text, *err; } bad_files[] = {
	{ "[xsteer]\ndevice = eth0\n",
	  ":2: [xsteer] device: unknown key: did you mean 'dev'?" },
	{ "[classifier]\nheavy_rate = 1G\n",
	  ":2: [classifier] heavy_rate: unknown key: did you mean 'heavy-rate'?" },
	{ "[tables]\nfrobnicate = 1\n",
	  ":2: [tables] frobnicate: unknown key (known here: flow-table-size, flow-reserve, "
	  "steer-table-size, umem-frames, ring-size, batch)" },
	{ "[classifier]\nhop-limit = 3\n",
	  ":2: [classifier] hop-limit: unknown key here: it belongs in [xsteer]" },
	{ "[xsteer]\nsegments = fd00::1\n",
	  ":2: [xsteer] segments: unknown key here: it belongs in [path NAME]" },
	{ "[path p]\nsegment = fd00::1\n",
	  ":2: [path p] segment: unknown key: did you mean 'segments'?" },
	{ "; a comment\nhop-limit = 3\n",
	  ":2: hop-limit: key outside any section: put it under [xsteer], [classifier], "
	  "[tables] or [path NAME]" },
	{ "[xstear]\n",
	  ":1: [xstear]: unknown section (expected [xsteer], [classifier], [tables] or "
	  "[path NAME])" },
	{ "[tables big]\n",
	  ":1: [tables big]: unknown section (expected [xsteer], [classifier], [tables] or "
	  "[path NAME])" },
	{ "[xsteer]\n\n[tables]\n[xsteer]\n",
	  ":4: [xsteer]: section given twice (first at line 1)" },
	{ "[tables\n",
	  ":1: '[tables': a section header needs a closing ']'" },
	{ "[tables] batch = 3\n",
	  ":1: '[tables] batch = 3': unexpected text after the section header" },
	{ "[tables]\nbatch\n",
	  ":2: 'batch': expected 'key = value', '[section]' or a comment" },
	{ "[tables]\n= 3\n",
	  ":2: a key name is missing before '='" },
	{ "[tables]\nbatch = 32\n; again\nbatch = 32\n",
	  ":4: [tables] batch: key given twice (first at line 2)" },
	{ "[path p]\nid = 1\nid = 2\n",
	  ":3: [path p] id: key given twice (first at line 2)" },
	{ "[path]\nid = 1\n",
	  ":1: [path]: a path section needs a name: [path NAME]" },
	{ "[path a b]\n",
	  ":1: [path a b]: bad path name 'a b': expected 1 to 31 letters, digits, '-', '_' or '.'" },
	{ "[path abcdefghijabcdefghijabcdefghijXY]\n",
	  ":1: [path abcdefghijabcdefghijabcdefghijXY]: bad path name "
	  "'abcdefghijabcdefghijabcdefghijXY': expected 1 to 31 letters, digits, '-', '_' or '.'" },
	{ "[path p]\nid = 1\nsegments = fd00::1\n[path p]\n",
	  ":4: [path p]: section given twice (first at line 1)" },
	{ "[path a]\nid = 3\nsegments = fd00::1\n[path b]\nid = 3\n",
	  ":5: [path b] id: bad value '3': already used by [path a]" },
	{ "[xsteer]\nsr-source = fd00::1\n[path viaA]\nid = 1\n",
	  ": [path viaA]: 'segments' is missing" },
	{ "[xsteer]\nsr-source = fd00::1\n[path viaA]\nsegments = fd00::2\n",
	  ": [path viaA]: 'id' is missing" },
	{ "[path viaA]\nid = 1\nsegments = fd00::2\n",
	  ": [xsteer]: 'sr-source' is missing (paths need it as their outer source address)" },
	{ "[path empty]\n",
	  ": [path empty]: 'id' is missing" },
};

Test(config, bad_files)
{
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		expect_err(bad_files[i].text, bad_files[i].err);
}

Test(config, overlong_line)
{
	char text[1300];

	memset(text, 'x', sizeof(text));
	memcpy(text, "[xsteer]\n; ", 11);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	expect_err(text, ":2: line too long: at most 1021 characters");
}

Test(config, line_numbers_count_comments_and_blanks)
{
	expect_err("; 1\n\n# 3\n[xsteer]   ; 4\n\n  ; 6\n\thop-limit = 300 ; 7\n",
		   ":7: [xsteer] hop-limit: bad value '300': expected a whole number from 1 to 255");
}

Test(config, the_first_problem_is_reported)
{
	expect_err("[tables]\nbatch = 0\nring-size = 3\n[nope]\n",
		   ":2: [tables] batch: bad value '0': expected a whole number from 1 to 1024");
}

Test(config, seventeen_sids)
{
	static struct xs_cfg c;
	char text[600], err[512] = "";
	int off = snprintf(text, sizeof(text), "[xsteer]\nsr-source = fd00:a::1\n[path p]\nid = 1\n"
			   "segments =");

	for (int i = 1; i <= 16; i++)
		off += snprintf(text + off, sizeof(text) - off, " fd00:e::%x", i);
	snprintf(text + off, sizeof(text) - off, "\n");
	cr_assert_eq(load(text, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.paths[0].nsids, 16);

	text[off] = '\0';
	snprintf(text + off, sizeof(text) - off, " fd00:e::11\n");
	cr_expect_eq(load(text, &c, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, ":5: [path p] segments: bad value 'fd00:e::1 fd00:e::2 "), "%s", err);
	cr_expect(strstr(err, "...': too many SIDs: at most 16"), "%s", err);
}

Test(config, validate_checks_a_built_config)
{
	static struct xs_cfg c;
	char err[256];

	xs_cfg_defaults(&c, "blue");
	c.npaths = 2;
	snprintf(c.paths[0].name, sizeof(c.paths[0].name), "a");
	snprintf(c.paths[1].name, sizeof(c.paths[1].name), "b");
	c.paths[0].nsids = c.paths[1].nsids = 1;
	c.paths[0].sids[0] = c.paths[1].sids[0] = a6("fd00:e::1");
	c.paths[0].id = 4;
	c.paths[1].id = 4;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[path b] id: bad value '4': already used by [path a]");
	c.paths[1].id = 5;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[xsteer]: 'sr-source' is missing (paths need it as their outer "
			 "source address)");
	c.sr_source = a6("fd00:a::1");
	c.sr_source_set = true;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), 0, "%s", err);

	c.paths[1].nsids = 0;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[path b]: 'segments' is missing");
	c.paths[1].nsids = 17;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[path b] segments: 17 SIDs: at most 16");
	c.paths[1].nsids = 1;
	c.paths[1].mode = XS_MODE__MAX;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[path b] mode: bad value '3': expected encap, encap.red or inline");
	c.paths[1].mode = XS_MODE_INLINE;
	c.paths[1].prefix = a6("fd00:2::1");
	c.paths[1].plen = 64;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[path b] prefix: bad value 'fd00:2::1/64': host bits are set");
	c.paths[1].plen = 128;

	c.heavy_rate_low_bps = c.heavy_rate_bps + 1;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[classifier] heavy-rate-low: bad value '100000001': must not "
			 "exceed heavy-rate (100M)");
	c.heavy_rate_low_bps = 0;
	c.idle_timeout_ms = c.scan_period_ms;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[classifier] idle-timeout: bad value '100ms': must be longer than "
			 "scan-period (100ms)");
	c.idle_timeout_ms = 1000;
	c.umem_frames = 4095;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[tables] umem-frames: bad value '4095': must be at least twice "
			 "ring-size (2048)");
	c.umem_frames = 4096;
	c.hop_limit = 0;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[xsteer] hop-limit: bad value '0': expected a whole number from 1 "
			 "to 255");
	c.hop_limit = 1;
	c.fastpath = 3;
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[xsteer] fastpath: bad value '3': expected auto, redirect or pass");
	c.fastpath = XS_FASTPATH_REDIRECT;
	c.dev[0] = '\0';
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "[xsteer] dev: bad value '': a value is required");
	snprintf(c.dev, sizeof(c.dev), "eth0");
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), 0, "%s", err);
	/* built by hand without a tenant: no namespace, socket, ... */
	c.netns[0] = c.host_if[0] = c.ctl_socket[0] = c.pin_dir[0] = '\0';
	cr_expect_eq(xs_cfg_validate(&c, err, sizeof(err)), 0, "%s", err);
}

Test(config, si_parser)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "7", 7 }, { "007", 7 }, { "1k", 1000 }, { "1K", 1000 },
		{ "10M", 10000000 }, { "1.5G", 1500000000 }, { "2.25k", 2250 },
		{ "1.000k", 1000 }, { "1.0", 1 }, { "3T", 3000000000000ULL },
		{ "0.001k", 1 }, { "18446744073709551615", UINT64_MAX },
		{ "18446744.073709551615T", UINT64_MAX },
	};
	static const struct { const char *s; int rc; } bad[] = {
		{ "", -EINVAL }, { "M", -EINVAL }, { "-1", -EINVAL }, { "+1", -EINVAL },
		{ " 1", -EINVAL }, { "1 ", -EINVAL }, { "1 M", -EINVAL }, { "1m", -EINVAL },
		{ "1Mb", -EINVAL }, { "1Mbit", -EINVAL }, { "1.", -EINVAL }, { ".5", -EINVAL },
		{ "1.5", -EINVAL }, { "1.0001k", -EINVAL }, { "1e6", -EINVAL }, { "0x10", -EINVAL },
		{ "1,5G", -EINVAL }, { "18446744073709551616", -ERANGE },
		{ "18446745T", -ERANGE }, { "18446744.073709551616T", -ERANGE },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 42;
		cr_expect_eq(xs_parse_si(good[i].s, &v), 0, "'%s' refused", good[i].s);
		cr_expect_eq(v, good[i].v, "'%s' gave %llu", good[i].s, (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		cr_expect_eq(xs_parse_si(bad[i].s, &v), bad[i].rc, "'%s' not refused as expected",
			     bad[i].s);
		cr_expect_eq(v, 42, "'%s' wrote the output", bad[i].s);
	}
	cr_expect_eq(xs_parse_si(NULL, &v), -EINVAL);
}

Test(config, duration_parser)
{
	static const struct { const char *s; uint64_t ms; } good[] = {
		{ "0ms", 0 }, { "0us", 0 }, { "1us", 1 }, { "500us", 1 }, { "1000us", 1 },
		{ "1001us", 2 }, { "100ms", 100 }, { "2s", 2000 }, { "1.5s", 1500 },
		{ "0.0001s", 1 }, { "1m", 60000 }, { "1h", 3600000 }, { "0.5h", 1800000 },
		{ "0.1us", 1 }, { "1.0000001ms", 2 }, { "1.0000000ms", 1 },
	};
	static const struct { const char *s; int rc; } bad[] = {
		{ "", -EINVAL }, { "100", -EINVAL }, { "1.5", -EINVAL }, { "ms", -EINVAL },
		{ "-1s", -EINVAL }, { "1 s", -EINVAL }, { "1S", -EINVAL }, { "1sec", -EINVAL },
		{ "1min", -EINVAL }, { "1d", -EINVAL }, { "1ns", -EINVAL }, { "1.s", -EINVAL },
		{ "1hh", -EINVAL }, { "99999999999999999999ms", -ERANGE },
		{ "9999999999999999h", -ERANGE },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 42;
		cr_expect_eq(xs_parse_duration_ms(good[i].s, &v), 0, "'%s' refused", good[i].s);
		cr_expect_eq(v, good[i].ms, "'%s' gave %llu", good[i].s, (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		cr_expect_eq(xs_parse_duration_ms(bad[i].s, &v), bad[i].rc,
			     "'%s' not refused as expected", bad[i].s);
		cr_expect_eq(v, 42, "'%s' wrote the output", bad[i].s);
	}
}

Test(config, prefix_parser)
{
	struct in6_addr a;
	uint8_t plen;

	cr_assert_eq(xs_parse_prefix("fd00:2::/64", &a, &plen), 0);
	cr_expect(a6_eq(&a, "fd00:2::"));
	cr_expect_eq(plen, 64);
	cr_assert_eq(xs_parse_prefix("::/0", &a, &plen), 0);
	cr_expect(a6_eq(&a, "::"));
	cr_expect_eq(plen, 0);
	cr_assert_eq(xs_parse_prefix("fd00::1/128", &a, &plen), 0);
	cr_expect_eq(plen, 128);

	/* IPv4: mapped, length + 96 */
	cr_assert_eq(xs_parse_prefix("198.51.100.0/24", &a, &plen), 0);
	cr_expect(a6_eq(&a, "::ffff:198.51.100.0"));
	cr_expect_eq(plen, 120);
	cr_assert_eq(xs_parse_prefix("0.0.0.0/0", &a, &plen), 0);
	cr_expect(a6_eq(&a, "::ffff:0.0.0.0"));
	cr_expect_eq(plen, 96);
	cr_assert_eq(xs_parse_prefix("192.0.2.1/32", &a, &plen), 0);
	cr_expect(a6_eq(&a, "::ffff:192.0.2.1"));
	cr_expect_eq(plen, 128);
	cr_assert_eq(xs_parse_prefix("::ffff:198.51.100.0/120", &a, &plen), 0,
		     "the same prefix written as IPv6");
	cr_expect_eq(plen, 120);

	/* host bits: refused, the masked prefix is given back */
	cr_expect_eq(xs_parse_prefix("203.0.113.9/25", &a, &plen), -EDOM);
	cr_expect(a6_eq(&a, "::ffff:203.0.113.0"));
	cr_expect_eq(plen, 121);
	cr_expect_eq(xs_parse_prefix("fd00::1/0", &a, &plen), -EDOM);

	cr_expect_eq(xs_parse_prefix("fd00::/129", &a, &plen), -ERANGE);
	cr_expect_eq(xs_parse_prefix("10.0.0.0/33", &a, &plen), -ERANGE);
	static const char *const bad[] = {
		"", "/64", "fd00::", "fd00::/", "fd00::/-1", "fd00::/1a", "fd00::/0064",
		"fd00::/ 64", " fd00::/64", "198.51.100/24", "198.51.100.0.0/24", "fd00:::/64",
		"fd00::/64/1", "localhost/8",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(xs_parse_prefix(bad[i], &a, &plen), -EINVAL, "'%s' accepted", bad[i]);
}

Test(config, tenant_names)
{
	static const char *const good[] = { "a", "blue", "t-1", "0", "abcdefghij", "a--" };
	static const char *const bad[] = {
		"", "-a", "Blue", "a_b", "a.b", "a b", "abcdefghijk", "a/b", "é", "a\n",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(xs_tenant_name_ok(good[i]), "'%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(xs_tenant_name_ok(bad[i]), "'%s' accepted", bad[i]);
	cr_expect_not(xs_tenant_name_ok(NULL));
}

Test(config, pool_names)
{
	cr_expect_eq(xs_pool_parse("heavy"), XS_POOL_HEAVY);
	cr_expect_eq(xs_pool_parse("default"), XS_POOL_DEFAULT);
	cr_expect_eq(xs_pool_parse("disjoint"), XS_POOL_DISJOINT);
	cr_expect_eq(xs_pool_parse("Heavy"), -EINVAL);
	cr_expect_eq(xs_pool_parse(""), -EINVAL);
	cr_expect_str_eq(xs_pool_name(XS_POOL_DISJOINT), "disjoint");
	cr_expect_str_eq(xs_pool_name(XS_POOL__MAX), "?");
}

Test(config, paths_add_to_those_already_there)
{
	static struct xs_cfg c;
	char err[256], want[256];

	xs_cfg_defaults(&c, "blue");
	write_conf("[xsteer]\nsr-source = fd00:a::1\n[path a]\nid = 1\nsegments = fd00:e::1\n");
	cr_assert_eq(xs_cfg_load(&c, conf, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(xs_cfg_load(&c, conf, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: [xsteer] sr-source: key given twice (first at line 2)",
		 conf);
	cr_expect_neq(strcmp(err, want), 0, "keys of an earlier file do not count twice");
	snprintf(want, sizeof(want), "%s:3: [path a]: a path of this name exists already", conf);
	cr_expect_str_eq(err, want);
	cr_expect_eq(c.npaths, 1);
}

Test(config, too_many_paths)
{
	static char text[256 * 64 + 200];
	static struct xs_cfg c;
	char err[256] = "";
	int off = snprintf(text, sizeof(text), "[xsteer]\nsr-source = fd00:a::1\n");

	for (int i = 0; i < 256; i++)
		off += snprintf(text + off, sizeof(text) - off,
				"[path p%d]\nid = %d\nsegments = fd00:e::1\n", i, i);
	cr_assert_eq(load(text, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(c.npaths, 256);
	snprintf(text + off, sizeof(text) - off, "[path one-more]\n");
	expect_err(text, ":771: [path one-more]: too many paths: at most 256");
}

/* A duration of 0 needs no unit (any unit gives the same); other bare numbers do. */
Test(config, zero_duration_without_unit)
{
	static struct xs_cfg c;
	char err[256] = "";

	cr_assert_eq(load("[congestion]\npenalty = 0\nhold-down = 0\n", &c, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_eq(c.penalty_ms, 0);
	cr_expect_eq(c.move_hold_ms, 0);
}
