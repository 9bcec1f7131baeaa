// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration schema: every key of the file with its section, type,
 * range, default, help, SIGHUP behaviour and command-line option; the
 * enumerated values' names; the tenant naming rule; and one key's value
 * parsed, stored and formatted back. Adding a key: one line in keys[]
 * (and its field in struct xs_cfg, and its use).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/cfgkey.h"
#include "lib/config.h"
#include "lib/parse.h"
#include "lib/pin.h"

#define XS_STR_(x)	#x
#define XS_STR(x)	XS_STR_(x)
#define MS_HOUR		XS_MS_HOUR
#define MS_DAY		(24 * MS_HOUR)

const char *const xs_xdp_mode_names[XS_XDP__MAX + 1] = {
	[XS_XDP_NATIVE] = "native", [XS_XDP_SKB] = "skb", [XS_XDP__MAX] = NULL,
};
const char *const xs_fastpath_names[XS_FASTPATH__MAX + 1] = {
	[XS_FASTPATH_AUTO] = "auto", [XS_FASTPATH_REDIRECT] = "redirect",
	[XS_FASTPATH_PASS] = "pass", [XS_FASTPATH__MAX] = NULL,
};
const char *const xs_pool_names[XS_POOL__MAX + 1] = {
	[XS_POOL_HEAVY] = "heavy", [XS_POOL_DEFAULT] = "default", [XS_POOL_DISJOINT] = "disjoint",
	[XS_POOL__MAX] = NULL,
};
static const char *const no_yes[] = { "no", "yes", NULL };

const char *const xs_cfg_sect_names[XS_SECT__N] = {
	[XS_SECT_XSTEER] = "xsteer", [XS_SECT_CLASS] = "classifier",
	[XS_SECT_CONG] = "congestion", [XS_SECT_TABLES] = "tables", [XS_SECT_FLEET] = "fleet",
	[XS_SECT_PATH] = "path",
};

#define F(m) offsetof(struct xs_cfg, m), sizeof(((struct xs_cfg *)0)->m)
#define X_(s) XS_SECT_##s
#define T_(t) XS_T_##t
#define RELOAD XS_KF_RELOAD
#define HIDE XS_KF_HIDE_DEF

/* name, section, type, field, min, max, choices, default, tenant rule, option, short, metavar, help, flags */
const struct xs_cfg_key xs_cfg_schema[K__N] = {
	[K_DEV]	= { "dev", X_(XSTEER), T_(IFNAME), F(dev), 0, 0, NULL, NULL, "xs-%s-h",
		    "dev", 'd', "IF", "host-facing interface", HIDE },
	[K_UPLINK] = { "uplink", X_(XSTEER), T_(IFNAME), F(uplink), 0, 0, NULL, NULL, "xs-%s-u",
		       "uplink", 'u', "IF", "uplink: fast path and AF_XDP transmit", HIDE },
	[K_HOST_IF] = { "host-if", X_(XSTEER), T_(IFNAME), F(host_if), 0, 0, NULL, NULL, "xs-%s",
			"host-if", 0, "IF",
			"host-side veth end: its offloads are checked before entering --netns", 0 },
	[K_NETNS] = { "netns", X_(XSTEER), T_(NETNS), F(netns), 0, 0, NULL, NULL, "xs-%s",
		      "netns", 0, "NAME", "enter this network namespace first (/run/netns/NAME)", 0 },
	[K_PIN_DIR] = { "pin-dir", X_(XSTEER), T_(ABSPATH), F(pin_dir), 0, 0, NULL, NULL,
			XS_PIN_ROOT "/%s", "pin-dir", 0, "DIR",
			"bpffs directory of the pinned maps (" XS_PIN_ROOT
			"/<dev> without a tenant)", HIDE },
	[K_CTL_SOCKET] = { "control-socket", X_(XSTEER), T_(ABSPATH), F(ctl_socket), 0, 0, NULL,
			   NULL, "/run/xsteer/%s.sock", "socket", 0, "PATH", "control socket", 0 },
	[K_METRICS_FILE] = { "metrics-file", X_(XSTEER), T_(ABSPATH), F(metrics_file), 0, 0, NULL,
			     NULL, NULL, "metrics-file", 0, "PATH",
			     "keep a node_exporter textfile (Prometheus) up to date", 0 },
	[K_SR_SOURCE] = { "sr-source", X_(XSTEER), T_(ADDR6), F(sr_source), 0, 0, NULL, NULL, NULL,
			  NULL, 0, NULL, "outer IPv6 source of encapsulated packets", 0 },
	[K_ENCAP_MODE] = { "encap-mode", X_(XSTEER), T_(CHOICE), F(encap_mode), 0, 0,
			   xs_encap_mode_names, "encap", NULL, NULL, 0, NULL,
			   "paths' encapsulation unless a path says: %C", 0 },
	[K_HOP_LIMIT] = { "hop-limit", X_(XSTEER), T_(UINT), F(hop_limit), 1, 255, NULL,
			  XS_STR(XS_HOP_LIMIT_DEFAULT), NULL, "hop-limit", 0, "N", "outer hop limit", 0 },
	[K_XDP_MODE] = { "xdp-mode", X_(XSTEER), T_(CHOICE), F(xdp_mode), 0, 0, xs_xdp_mode_names,
			 "native", NULL, "mode", 'm', "MODE", "XDP mode: %C", 0 },
	[K_FASTPATH] = { "fastpath", X_(XSTEER), T_(CHOICE), F(fastpath), 0, 0, xs_fastpath_names,
			 "auto", NULL, "fastpath", 0, "HOW", "%C (kernel forwarding)", 0 },
	[K_HEAVY_RATE] = { "heavy-rate", X_(CLASS), T_(RATE), F(heavy_rate_bps), 1, UINT64_MAX,
			   NULL, "100M", NULL, NULL, 0, NULL,
			   "bits/s (EWMA) that make a heavy hitter", RELOAD },
	[K_HEAVY_RATE_LOW] = { "heavy-rate-low", X_(CLASS), T_(RATE), F(heavy_rate_low_bps),
			       0, UINT64_MAX, NULL, "50M", NULL, NULL, 0, NULL,
			       "demoted below this (default: half of heavy-rate)...", RELOAD },
	[K_DEMOTE_HOLD] = { "demote-hold", X_(CLASS), T_(DUR), F(demote_hold_ms), 0, MS_HOUR,
			    NULL, "2s", NULL, NULL, 0, NULL, "...for this long", RELOAD },
	[K_HEAVY_BYTES] = { "heavy-bytes", X_(CLASS), T_(BYTES), F(heavy_bytes), 0, UINT64_MAX,
			    NULL, "10M", NULL, NULL, 0, NULL,
			    "or once a flow has sent this much", RELOAD },
	[K_SCAN_PERIOD] = { "scan-period", X_(CLASS), T_(DUR), F(scan_period_ms), 10, 10000,
			    NULL, "100ms", NULL, NULL, 0, NULL, "the controller's scan", RELOAD },
	[K_RATE_TAU] = { "rate-tau", X_(CLASS), T_(DUR), F(rate_tau_ms), 1, MS_HOUR, NULL,
			 "300ms", NULL, NULL, 0, NULL, "EWMA time constant of the rate", RELOAD },
	[K_IDLE_TIMEOUT] = { "idle-timeout", X_(CLASS), T_(DUR), F(idle_timeout_ms), 1, MS_DAY,
			     NULL, "10s", NULL, NULL, 0, NULL,
			     "flows idle this long are aged out", RELOAD },
	/* the XDP program's sketch of flows not in its table (docs/DETECTION.md) */
	[K_SKETCH_WINDOW] = { "sketch-window", X_(CLASS), T_(DUR), F(sketch_window_ms), 10, 60000,
			      NULL, "1s", NULL, NULL, 0, NULL,
			      "the sketch's estimate covers one to two windows", RELOAD },
	[K_SKETCH_ADMIT] = { "sketch-admit-bytes", X_(CLASS), T_(BYTES), F(sketch_admit_bytes),
			     0, UINT64_MAX, NULL, "0", NULL, NULL, 0, NULL,
			     "estimate that makes a candidate; 0: heavy-bytes / 8 or half a window of heavy-rate", RELOAD },
	[K_CONG_THRESHOLD] = { "signals", X_(CONG), T_(UINT), F(cong_threshold), 1, 1000000,
			       NULL, "3", NULL, NULL, 0, NULL,
			       "retransmissions + CWRs per period that make it congested", RELOAD },
	[K_CONG_PERIODS] = { "periods", X_(CONG), T_(UINT), F(cong_periods), 1, 1000, NULL, "3",
			     NULL, NULL, 0, NULL, "congested periods in a row before a move",
			     RELOAD },
	[K_RETRANS_SHARE] = { "retrans-permille", X_(CONG), T_(UINT), F(retrans_share), 0, 1000,
			      NULL, "10", NULL, NULL, 0, NULL,
			      "retransmissions count above this share of the packets", RELOAD },
	[K_RTO_GAP] = { "rto-gap", X_(CONG), T_(DUR), F(rto_gap_ms), 1, 60000, NULL, "100ms",
			NULL, NULL, 0, NULL, "a retransmission after this idle gap is an RTO",
			RELOAD },
	[K_PENALTY] = { "penalty", X_(CONG), T_(DUR), F(penalty_ms), 0, MS_HOUR, NULL, "5s", NULL,
			NULL, 0, NULL, "a path left behind is avoided about this long", RELOAD },
	[K_MOVE_HOLD] = { "hold-down", X_(CONG), T_(DUR), F(move_hold_ms), 0, MS_HOUR, NULL, "2s",
			  NULL, NULL, 0, NULL, "a moved flow is not moved again before", RELOAD },
	[K_FLOWLET_GAP] = { "flowlet-gap", X_(CONG), T_(DUR_US), F(flowlet_gap_us), 1, 1000000,
			    NULL, "500us", NULL, NULL, 0, NULL,
			    "a move waits for an idle gap this long...", RELOAD },
	[K_FLOWLET_WAIT] = { "flowlet-wait", X_(CONG), T_(DUR_US), F(flowlet_wait_us), 0,
			     10000000, NULL, "50ms", NULL, NULL, 0, NULL,
			     "...at most this long, then it is forced", RELOAD },
	[K_MOVE_MICE] = { "move-mice", X_(CONG), T_(CHOICE), F(move_mice), 0, 0, no_yes, "no",
			  NULL, NULL, 0, NULL, "mice known to the table move too", RELOAD },
	[K_FLOW_TABLE] = { "flow-table-size", X_(TABLES), T_(UINT), F(flow_table_size),
			   1, 16777216, NULL, XS_STR(XS_FLOW_TABLE_DEFAULT), NULL,
			   "flow-table-size", 0, "N", "flows tracked at most", 0 },
	[K_FLOW_RESERVE] = { "flow-reserve", X_(TABLES), T_(UINT), F(flow_reserve), 0,
			     16777215, NULL, "0", NULL, "flow-reserve", 0, "N",
			     "flow table entries kept for heavy-hitter candidates; 0: a quarter", RELOAD },
	[K_STEER_TABLE] = { "steer-table-size", X_(TABLES), T_(UINT), F(steer_table_size),
			    1, 1048576, NULL, XS_STR(XS_STEER_TABLE_DEFAULT), NULL,
			    "steer-table-size", 0, "N", "steered flows at most", 0 },
	[K_UMEM_FRAMES] = { "umem-frames", X_(TABLES), T_(UINT), F(umem_frames), 128, 1 << 20,
			    NULL, "4096", NULL, "frames", 0, "N", "UMEM frames per queue", 0 },
	[K_RING_SIZE] = { "ring-size", X_(TABLES), T_(POW2), F(ring_size), 64, 65536, NULL,
			  "2048", NULL, "ring-size", 0, "N", "AF_XDP ring size (power of two)", 0 },
	[K_BATCH] = { "batch", X_(TABLES), T_(UINT), F(batch), 1, 1024, NULL, "64", NULL,
		      "batch", 0, "N", "frames per RX batch", 0 },
	/* [fleet] (issue 13): off while endpoints is "" */
	[K_FLEET_ENDPOINTS] = { "endpoints", X_(FLEET), T_(URLS), F(fleet.endpoints), 0, 0, NULL,
				NULL, NULL, "fleet-endpoints", 0, "URLS",
				"fleet mode: etcd endpoints, e.g. http://[fd00::1]:2379", 0 },
	[K_FLEET_PREFIX] = { "prefix", X_(FLEET), T_(KEYPFX), F(fleet.prefix), 0, 0, NULL,
			     "/xsteer", NULL, "fleet-prefix", 0, "PREFIX",
			     "fleet mode: etcd key prefix", 0 },
	[K_FLEET_HOST] = { "host", X_(FLEET), T_(NAME), F(fleet.host), 0, 0, NULL, NULL, NULL,
			   "fleet-host", 0, "NAME", "fleet mode: this host's name (the hostname)",
			   0 },
	[K_FLEET_TTL] = { "lease-ttl", X_(FLEET), T_(DUR), F(fleet.lease_ttl_ms), 2000, MS_HOUR,
			  NULL, "10s", NULL, "fleet-lease-ttl", 0, "TIME",
			  "fleet mode: a dead daemon's state lasts this long", 0 },
	[K_FLEET_REBALANCE] = { "rebalance-period", X_(FLEET), T_(DUR), F(fleet.rebalance_ms), 0,
				MS_HOUR, NULL, "1s", NULL, NULL, 0, NULL,
				"fleet mode: collisions looked for every 1 to 2 of these; 0: never",
				0 },
	[K_FLEET_USER] = { "user", X_(FLEET), T_(NAME), F(fleet.user), 0, 0, NULL, NULL, NULL,
			   NULL, 0, NULL, "etcd user (with password-file)", 0 },
	[K_FLEET_PASSWORD] = { "password-file", X_(FLEET), T_(ABSPATH), F(fleet.password_file),
			       0, 0, NULL, NULL, NULL, NULL, 0, NULL,
			       "the user's password; mode 0600 or refused", 0 },
	[K_FLEET_CERT] = { "cert-file", X_(FLEET), T_(ABSPATH), F(fleet.cert_file), 0, 0, NULL,
			   NULL, NULL, NULL, 0, NULL, "TLS client certificate (with key-file)", 0 },
	[K_FLEET_KEY] = { "key-file", X_(FLEET), T_(ABSPATH), F(fleet.key_file), 0, 0, NULL, NULL,
			  NULL, NULL, 0, NULL, "its key; mode 0600 or refused", 0 },
	[K_FLEET_CA] = { "ca-file", X_(FLEET), T_(ABSPATH), F(fleet.ca_file), 0, 0, NULL, NULL,
			 NULL, NULL, 0, NULL, "CA certificates to verify etcd's", 0 },
};

const struct xs_cfg_key *xs_cfg_keys(size_t *n)
{
	*n = K__N;
	return xs_cfg_schema;
}

const struct xs_cfg_key *xs_cfg_key_by_flag(const char *flag)
{
	for (int i = 0; i < K__N; i++)
		if (xs_cfg_schema[i].flag && !strcmp(xs_cfg_schema[i].flag, flag))
			return &xs_cfg_schema[i];
	return NULL;
}

const char *xs_pool_name(enum xs_pool p)
{
	return (unsigned int)p < XS_POOL__MAX ? xs_pool_names[p] : "?";
}

int xs_pool_parse(const char *s)
{
	return xs_choice_parse(xs_pool_names, s);
}

int xs_tenant_name(const char *key, const char *tenant, char *buf, size_t n)
{
	for (int i = 0; i < K__N; i++)
		if (!strcmp(xs_cfg_schema[i].name, key) && xs_cfg_schema[i].tenant_rule) {
			/* the rule's only conversion is the tenant's name */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(buf, n, xs_cfg_schema[i].tenant_rule, tenant);
#pragma GCC diagnostic pop
			return 0;
		}
	return -ENOENT;
}

const char *xs_cfg_key_def_text(const struct xs_cfg_key *k, char *buf, size_t n)
{
	if (k->tenant_rule && !(k->flags & XS_KF_HIDE_DEF)) {
		xs_tenant_name(k->name, "<tenant>", buf, n);
		return buf;
	}
	return k->def;
}

void xs_cfg_key_help(const struct xs_cfg_key *k, char *buf, size_t n)
{
	const char *c = strstr(k->help, "%C");
	char ch[80] = "", rule[80];

	if (k->choices)
		xs_choices_join(k->choices, ch, sizeof(ch));
	if (c)
		snprintf(buf, n, "%.*s%s%s", (int)(c - k->help), k->help, ch, c + 2);
	else
		snprintf(buf, n, "%s", k->help);
	if (k->tenant_rule && (k->flags & XS_KF_HIDE_DEF)) {
		xs_tenant_name(k->name, "<tenant>", rule, sizeof(rule));
		snprintf(buf + strlen(buf), n - strlen(buf), " (with --tenant: %s)", rule);
	}
}

void xs_cfg_copy_reloadable(struct xs_cfg *dst, const struct xs_cfg *src)
{
	for (int i = 0; i < K__N; i++)
		if (xs_cfg_schema[i].flags & XS_KF_RELOAD)
			memcpy((char *)dst + xs_cfg_schema[i].off,
			       (const char *)src + xs_cfg_schema[i].off, xs_cfg_schema[i].size);
}

static bool ifname_ok(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || xs_is_blank(*s))
			return false;
	return true;
}

static bool netns_ok(const char *s, size_t size)
{
	size_t len = strlen(s);

	if (len < 1 || len >= size || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || xs_is_blank(*s))
			return false;
	return true;
}

static bool addr_usable(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

/*
 * [fleet] text values: endpoints "http[s]://HOST:PORT" separated by ','; a
 * key prefix "/a/b" (no trailing '/', no blanks); a host or user name of
 * letters, digits, '-', '_', '.' (it becomes part of etcd keys).
 */
static int fleet_text_ok(enum xs_cfg_type t, const char *val, size_t size, char *why, size_t n)
{
	const char *p;

	if (strlen(val) >= size) {
		snprintf(why, n, "too long: at most %zu characters", size - 1);
		return -EINVAL;
	}
	if (t == XS_T_URLS) {
		char copy[512], *tok, *save = NULL;
		bool any = false;

		snprintf(copy, sizeof(copy), "%s", val);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			size_t len;

			while (xs_is_blank(*tok))
				tok++;
			len = strlen(tok);
			while (len && xs_is_blank(tok[len - 1]))
				tok[--len] = '\0';
			if ((strncmp(tok, "http://", 7) || len <= 7) &&
			    (strncmp(tok, "https://", 8) || len <= 8))
				break;
			if (strpbrk(tok, " \t"))
				break;
			any = true;
		}
		if (tok || !any) {
			snprintf(why, n, "expected etcd endpoints like http://[fd00::1]:2379, "
				 "separated by ','");
			return -EINVAL;
		}
		return 0;
	}
	if (t == XS_T_KEYPFX) {
		if (val[0] != '/' || val[strlen(val) - 1] == '/' || strpbrk(val, " \t\n")) {
			snprintf(why, n, "expected a key prefix like /xsteer (starting with '/', "
				 "not ending with one, no blanks)");
			return -EINVAL;
		}
		return 0;
	}
	for (p = val; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || xs_is_digit(*p) ||
		      *p == '-' || *p == '_' || *p == '.')) {
			snprintf(why, n, "expected letters, digits, '-', '_' or '.'");
			return -EINVAL;
		}
	return 0;
}

static int parse_text(const struct xs_cfg_key *k, const char *val, union kval *v, char *why,
		      size_t n)
{
	switch (k->type) {
	case XS_T_URLS:
	case XS_T_KEYPFX:
	case XS_T_NAME:
		if (fleet_text_ok(k->type, val, k->size, why, n))
			return -EINVAL;
		break;
	case XS_T_IFNAME:
		if (!ifname_ok(val)) {
			snprintf(why, n, "expected an interface name of 1 to %d characters "
				 "without '/', ':' or blanks", IFNAMSIZ - 1);
			return -EINVAL;
		}
		break;
	case XS_T_NETNS:
		if (!netns_ok(val, k->size)) {
			snprintf(why, n, "expected a namespace name of 1 to %zu characters "
				 "without '/' or blanks", k->size - 1);
			return -EINVAL;
		}
		break;
	default:	/* XS_T_ABSPATH */
		if (val[0] != '/' || strlen(val) >= k->size) {
			snprintf(why, n, "expected an absolute path of at most %zu characters",
				 k->size - 1);
			return -EINVAL;
		}
	}
	snprintf(v->s, sizeof(v->s), "%s", val);
	return 0;
}

static int parse_addr6(const char *val, union kval *v, char *why, size_t n)
{
	if (inet_pton(AF_INET6, val, &v->a) != 1) {
		snprintf(why, n, "expected an IPv6 address like fd00::1");
		return -EINVAL;
	}
	if (!addr_usable(&v->a)) {
		snprintf(why, n, "unspecified, loopback, multicast or IPv4-mapped: "
			 "not usable as a source address");
		return -EINVAL;
	}
	return 0;
}

static int parse_choice(const struct xs_cfg_key *k, const char *val, union kval *v, char *why,
			size_t n)
{
	char a[64];
	int i = xs_choice_parse(k->choices, val);

	if (i >= 0) {
		v->u = i;
		return 0;
	}
	xs_choices_join(k->choices, a, sizeof(a));
	snprintf(why, n, "expected %s", a);
	return -EINVAL;
}

/* XS_T_UINT, XS_T_POW2: plain digits within the key's range */
static int parse_uint(const struct xs_cfg_key *k, const char *val, union kval *v, char *why,
		      size_t n)
{
	uint64_t x = 0;
	const char *p = val;
	bool big = false;

	for (; xs_is_digit(*p); p++) {
		if (x > (UINT64_MAX - 9) / 10)
			big = true;
		else
			x = x * 10 + (*p - '0');
	}
	if (p == val || *p || big || x < k->min || x > k->max ||
	    (k->type == XS_T_POW2 && (x & (x - 1)))) {
		snprintf(why, n, "expected %s from %llu to %llu",
			 k->type == XS_T_POW2 ? "a power of two" : "a whole number",
			 (unsigned long long)k->min, (unsigned long long)k->max);
		return -EINVAL;
	}
	v->u = x;
	return 0;
}

/* XS_T_RATE, XS_T_BYTES: decimal SI */
static int parse_si(const struct xs_cfg_key *k, const char *val, union kval *v, char *why,
		    size_t n)
{
	int rc = xs_parse_si(val, &v->u);

	if (rc == -ERANGE) {
		snprintf(why, n, "too large");
		return -EINVAL;
	}
	if (rc) {
		snprintf(why, n, k->type == XS_T_RATE ? "expected bits/s like 10M, 1.5G"
			 : "expected bytes like 10M, 1.5G (decimal: 1M = 1000000)");
		return -EINVAL;
	}
	if (v->u < k->min || v->u > k->max) {
		snprintf(why, n, "must be at least %llu", (unsigned long long)k->min);
		return -EINVAL;
	}
	return 0;
}

/* XS_T_DUR (ms), XS_T_DUR_US: a number with its unit (0 needs none) */
static int parse_dur(const struct xs_cfg_key *k, const char *val, union kval *v, char *why,
		     size_t n)
{
	bool ms = k->type == XS_T_DUR;
	char a[64], b[64];
	int rc;

	if (!strcmp(val, "0")) {
		v->u = 0;
		rc = 0;
	} else {
		rc = ms ? xs_parse_duration_ms(val, &v->u) : xs_parse_duration_us(val, &v->u);
	}
	if (rc == -ERANGE) {
		snprintf(why, n, "too large");
		return -EINVAL;
	}
	if (rc) {
		if (strspn(val, "0123456789.") == strlen(val))
			snprintf(why, n, "a bare number is ambiguous: add a unit "
				 "(us, ms, s, m or h), e.g. 100ms");
		else
			snprintf(why, n, "expected a duration like 500us, 100ms, 2s, 1m");
		return -EINVAL;
	}
	if (v->u < k->min || v->u > k->max) {
		(ms ? xs_fmt_ms : xs_fmt_us)(k->min, a, sizeof(a));
		(ms ? xs_fmt_ms : xs_fmt_us)(k->max, b, sizeof(b));
		snprintf(why, n, "expected %s to %s", a, b);
		return -EINVAL;
	}
	return 0;
}

/* Parse val for key k into *v; why gets the reason when it is bad. */
int xs_key_parse(const struct xs_cfg_key *k, const char *val, union kval *v, char *why, size_t n)
{
	if (!*val) {
		snprintf(why, n, "a value is required");
		return -EINVAL;
	}
	switch (k->type) {
	case XS_T_IFNAME:
	case XS_T_NETNS:
	case XS_T_ABSPATH:
	case XS_T_URLS:
	case XS_T_KEYPFX:
	case XS_T_NAME:
		return parse_text(k, val, v, why, n);
	case XS_T_ADDR6:
		return parse_addr6(val, v, why, n);
	case XS_T_CHOICE:
		return parse_choice(k, val, v, why, n);
	case XS_T_UINT:
	case XS_T_POW2:
		return parse_uint(k, val, v, why, n);
	case XS_T_RATE:
	case XS_T_BYTES:
		return parse_si(k, val, v, why, n);
	case XS_T_DUR:
	case XS_T_DUR_US:
		return parse_dur(k, val, v, why, n);
	}
	snprintf(why, n, "internal error: unknown key type");
	return -EINVAL;
}

void xs_key_store(struct xs_cfg *c, const struct xs_cfg_key *k, const union kval *v)
{
	void *f = (char *)c + k->off;

	switch (k->type) {
	case XS_T_IFNAME:
	case XS_T_NETNS:
	case XS_T_ABSPATH:
	case XS_T_URLS:
	case XS_T_KEYPFX:
	case XS_T_NAME:
		snprintf(f, k->size, "%s", v->s);
		return;
	case XS_T_ADDR6:
		memcpy(f, &v->a, sizeof(v->a));
		c->sr_source_set = true;
		return;
	default:
		if (k->size == 1) {
			uint8_t x = v->u;
			memcpy(f, &x, 1);
		} else if (k->size == 4) {
			uint32_t x = v->u;
			memcpy(f, &x, 4);
		} else {
			memcpy(f, &v->u, 8);
		}
	}
}

static uint64_t xs_key_uint(const struct xs_cfg *c, const struct xs_cfg_key *k)
{
	const void *f = (const char *)c + k->off;
	uint8_t x8;
	uint32_t x32;
	uint64_t x64;

	if (k->size == 1) {
		memcpy(&x8, f, 1);
		return x8;
	}
	if (k->size == 4) {
		memcpy(&x32, f, 4);
		return x32;
	}
	memcpy(&x64, f, 8);
	return x64;
}

/* The current value as text, in a form xs_key_parse() takes back. */
void xs_key_format(const struct xs_cfg *c, const struct xs_cfg_key *k, char *buf, size_t n)
{
	const char *f = (const char *)c + k->off;
	uint64_t u;

	switch (k->type) {
	case XS_T_IFNAME:
	case XS_T_NETNS:
	case XS_T_ABSPATH:
	case XS_T_URLS:
	case XS_T_KEYPFX:
	case XS_T_NAME:
		snprintf(buf, n, "%.*s", (int)strnlen(f, k->size), f);
		return;
	case XS_T_ADDR6:
		inet_ntop(AF_INET6, f, buf, n);
		return;
	default:
		break;
	}
	u = xs_key_uint(c, k);
	switch (k->type) {
	case XS_T_CHOICE:
		for (uint64_t i = 0; k->choices[i]; i++)
			if (i == u) {
				snprintf(buf, n, "%s", k->choices[i]);
				return;
			}
		snprintf(buf, n, "%llu", (unsigned long long)u);
		return;
	case XS_T_RATE:
	case XS_T_BYTES:
		xs_fmt_si(u, buf, n);
		return;
	case XS_T_DUR:
		xs_fmt_ms(u, buf, n);
		return;
	case XS_T_DUR_US:
		xs_fmt_us(u, buf, n);
		return;
	default:
		snprintf(buf, n, "%llu", (unsigned long long)u);
	}
}

void xs_cfg_defaults(struct xs_cfg *c, const char *tenant)
{
	union kval v;
	char why[200];

	memset(c, 0, sizeof(*c));
	if (tenant)
		snprintf(c->tenant, sizeof(c->tenant), "%.*s", XS_TENANT_MAX, tenant);
	for (int i = 0; i < K__N; i++) {
		const struct xs_cfg_key *k = &xs_cfg_schema[i];

		if (k->tenant_rule && tenant)
			xs_tenant_name(k->name, c->tenant, (char *)c + k->off, k->size);
		else if (k->def && !xs_key_parse(k, k->def, &v, why, sizeof(why)))
			xs_key_store(c, k, &v);
	}
}

int xs_cfg_key_set(struct xs_cfg *c, const struct xs_cfg_key *k, const char *val,
		   char *why, size_t n)
{
	union kval v;

	if (xs_key_parse(k, val, &v, why, n))
		return -EINVAL;
	xs_key_store(c, k, &v);
	return 0;
}

void xs_cfg_key_format(const struct xs_cfg *c, const struct xs_cfg_key *k, char *buf, size_t n)
{
	xs_key_format(c, k, buf, n);
}
