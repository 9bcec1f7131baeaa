// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The daemon's configuration file (INI, parsed by libinih).
 *
 * libinih hands its handler no line number in Debian's build
 * (INI_HANDLER_LINENO is 0), so the file is fed through our own reader
 * (ini_parse_stream): it counts lines, and since inih calls the handler for
 * a line before it reads the next one, the count is the handler's line. The
 * reader also
 *  - handles section headers itself, so that an empty or misspelt section
 *    is an error too (inih only reports keys);
 *  - strips leading blanks, so that an indented line is an ordinary line
 *    and never a continuation of the previous value (inih's multi-line
 *    values are on in Debian's build, INI_ALLOW_MULTILINE);
 *  - rejects overlong lines and lines that are neither comment, section nor
 *    "key = value", stopping at the first problem.
 * Comments: lines starting with ';' or '#'; inline, ';' after a blank
 * ("batch = 64 ; per RX batch"), as inih has INI_ALLOW_INLINE_COMMENTS=1
 * with the prefix ";". '#' is a comment only at the start of a line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "lib/config.h"
#include "lib/parse.h"

/*
 * Debian's libinih (r55) takes its line buffer size from this variable at
 * run time (the buffer is a VLA of ini_max_line bytes); upstream's is a
 * compile-time constant (200). Where it exists, raise it so a path of 16
 * full-length SIDs fits on one line; elsewhere the reader reports lines
 * longer than what inih can take.
 */
extern int ini_max_line __attribute__((weak));
#define LINE_MAX_WANTED	1024

#define MS_HOUR		XS_MS_HOUR
#define MS_DAY		(24 * MS_HOUR)

enum sect { S_NONE = 0, S_XSTEER, S_CLASS, S_CONG, S_TABLES, S_PATH, S__N };

static const char *const sect_names[S__N] = {
	[S_XSTEER] = "xsteer", [S_CLASS] = "classifier", [S_CONG] = "congestion",
	[S_TABLES] = "tables",
	[S_PATH] = "path",
};

enum ktype {
	T_IFNAME, T_NETNS, T_ABSPATH, T_ADDR6, T_MODE, T_CHOICE,
	T_UINT, T_POW2, T_RATE, T_BYTES, T_DUR, T_DUR_US,
};

struct key {
	const char *name;
	enum sect sect;
	enum ktype type;
	size_t off, size;
	uint64_t min, max;
	const char *const *choices;	/* T_CHOICE: the value is the index */
};

static const char *const xdp_modes[] = { "native", "skb", NULL };
static const char *const fastpaths[] = { "auto", "redirect", "pass", NULL };
static const char *const no_yes[] = { "no", "yes", NULL };

enum {
	K_DEV, K_UPLINK, K_HOST_IF, K_NETNS, K_PIN_DIR, K_CTL_SOCKET, K_METRICS_FILE, K_SR_SOURCE,
	K_ENCAP_MODE, K_HOP_LIMIT, K_XDP_MODE, K_FASTPATH,
	K_HEAVY_RATE, K_HEAVY_RATE_LOW, K_HEAVY_BYTES, K_DEMOTE_HOLD,
	K_SCAN_PERIOD, K_RATE_TAU, K_IDLE_TIMEOUT,
	K_CONG_THRESHOLD, K_CONG_PERIODS, K_RETRANS_SHARE, K_RTO_GAP, K_PENALTY, K_MOVE_HOLD,
	K_FLOWLET_GAP, K_FLOWLET_WAIT, K_MOVE_MICE,
	K_FLOW_TABLE, K_STEER_TABLE, K_UMEM_FRAMES, K_RING_SIZE, K_BATCH,
	K__N,
};

#define F(m) offsetof(struct xs_cfg, m), sizeof(((struct xs_cfg *)0)->m)

static const struct key keys[K__N] = {
	[K_DEV]		= { "dev", S_XSTEER, T_IFNAME, F(dev), 0, 0, NULL },
	[K_UPLINK]	= { "uplink", S_XSTEER, T_IFNAME, F(uplink), 0, 0, NULL },
	[K_HOST_IF]	= { "host-if", S_XSTEER, T_IFNAME, F(host_if), 0, 0, NULL },
	[K_NETNS]	= { "netns", S_XSTEER, T_NETNS, F(netns), 0, 0, NULL },
	[K_PIN_DIR]	= { "pin-dir", S_XSTEER, T_ABSPATH, F(pin_dir), 0, 0, NULL },
	[K_CTL_SOCKET]	= { "control-socket", S_XSTEER, T_ABSPATH, F(ctl_socket), 0, 0, NULL },
	[K_METRICS_FILE] = { "metrics-file", S_XSTEER, T_ABSPATH, F(metrics_file), 0, 0, NULL },
	[K_SR_SOURCE]	= { "sr-source", S_XSTEER, T_ADDR6, F(sr_source), 0, 0, NULL },
	[K_ENCAP_MODE]	= { "encap-mode", S_XSTEER, T_MODE, F(encap_mode), 0, 0, NULL },
	[K_HOP_LIMIT]	= { "hop-limit", S_XSTEER, T_UINT, F(hop_limit), 1, 255, NULL },
	[K_XDP_MODE]	= { "xdp-mode", S_XSTEER, T_CHOICE, F(xdp_mode), 0, 0, xdp_modes },
	[K_FASTPATH]	= { "fastpath", S_XSTEER, T_CHOICE, F(fastpath), 0, 0, fastpaths },
	[K_HEAVY_RATE]	= { "heavy-rate", S_CLASS, T_RATE, F(heavy_rate_bps), 1, UINT64_MAX, NULL },
	[K_HEAVY_RATE_LOW] = { "heavy-rate-low", S_CLASS, T_RATE, F(heavy_rate_low_bps),
			       0, UINT64_MAX, NULL },
	[K_HEAVY_BYTES]	= { "heavy-bytes", S_CLASS, T_BYTES, F(heavy_bytes), 0, UINT64_MAX, NULL },
	[K_DEMOTE_HOLD]	= { "demote-hold", S_CLASS, T_DUR, F(demote_hold_ms), 0, MS_HOUR, NULL },
	[K_SCAN_PERIOD]	= { "scan-period", S_CLASS, T_DUR, F(scan_period_ms), 10, 10000, NULL },
	[K_RATE_TAU]	= { "rate-tau", S_CLASS, T_DUR, F(rate_tau_ms), 1, MS_HOUR, NULL },
	[K_IDLE_TIMEOUT] = { "idle-timeout", S_CLASS, T_DUR, F(idle_timeout_ms), 1, MS_DAY, NULL },
	[K_CONG_THRESHOLD] = { "signals", S_CONG, T_UINT, F(cong_threshold), 1, 1000000, NULL },
	[K_CONG_PERIODS] = { "periods", S_CONG, T_UINT, F(cong_periods), 1, 1000, NULL },
	[K_RETRANS_SHARE] = { "retrans-permille", S_CONG, T_UINT, F(retrans_share), 0, 1000, NULL },
	[K_RTO_GAP]	= { "rto-gap", S_CONG, T_DUR, F(rto_gap_ms), 1, 60000, NULL },
	[K_PENALTY]	= { "penalty", S_CONG, T_DUR, F(penalty_ms), 0, MS_HOUR, NULL },
	[K_MOVE_HOLD]	= { "hold-down", S_CONG, T_DUR, F(move_hold_ms), 0, MS_HOUR, NULL },
	[K_FLOWLET_GAP]	= { "flowlet-gap", S_CONG, T_DUR_US, F(flowlet_gap_us), 1, 1000000, NULL },
	[K_FLOWLET_WAIT] = { "flowlet-wait", S_CONG, T_DUR_US, F(flowlet_wait_us), 0, 10000000,
			     NULL },
	[K_MOVE_MICE]	= { "move-mice", S_CONG, T_CHOICE, F(move_mice), 0, 0, no_yes },
	[K_FLOW_TABLE]	= { "flow-table-size", S_TABLES, T_UINT, F(flow_table_size),
			    1, 16777216, NULL },
	[K_STEER_TABLE]	= { "steer-table-size", S_TABLES, T_UINT, F(steer_table_size),
			    1, 1048576, NULL },
	[K_UMEM_FRAMES]	= { "umem-frames", S_TABLES, T_UINT, F(umem_frames), 128, 1 << 20, NULL },
	[K_RING_SIZE]	= { "ring-size", S_TABLES, T_POW2, F(ring_size), 64, 65536, NULL },
	[K_BATCH]	= { "batch", S_TABLES, T_UINT, F(batch), 1, 1024, NULL },
};

enum { PK_ID, PK_POOL, PK_PREFIX, PK_SEGMENTS, PK_MODE, PK__N };
static const char *const path_keys[PK__N] = { "id", "pool", "prefix", "segments", "mode" };

static const char *const pool_names[XS_POOL__MAX] = {
	[XS_POOL_HEAVY] = "heavy", [XS_POOL_DEFAULT] = "default", [XS_POOL_DISJOINT] = "disjoint",
};

const char *xs_pool_name(enum xs_pool p)
{
	return (unsigned int)p < XS_POOL__MAX ? pool_names[p] : "?";
}

int xs_pool_parse(const char *s)
{
	for (int i = 0; s && i < XS_POOL__MAX; i++)
		if (!strcmp(s, pool_names[i]))
			return i;
	return -EINVAL;
}

/* ---- pools and defaults ---- */

void xs_cfg_defaults(struct xs_cfg *c, const char *tenant)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->tenant, sizeof(c->tenant), "%.10s", tenant);
	snprintf(c->dev, sizeof(c->dev), "xs-%.10s-h", tenant);
	snprintf(c->uplink, sizeof(c->uplink), "xs-%.10s-u", tenant);
	snprintf(c->host_if, sizeof(c->host_if), "xs-%.10s", tenant);
	snprintf(c->netns, sizeof(c->netns), "xs-%.10s", tenant);
	snprintf(c->pin_dir, sizeof(c->pin_dir), "/sys/fs/bpf/xsteer/%.10s", tenant);
	snprintf(c->ctl_socket, sizeof(c->ctl_socket), "/run/xsteer/%.10s.sock", tenant);
	c->encap_mode = XS_MODE_ENCAP;
	c->hop_limit = XS_HOP_LIMIT_DEFAULT;
	c->xdp_mode = XS_XDP_NATIVE;
	c->fastpath = XS_FASTPATH_AUTO;

	c->heavy_rate_bps = 100000000ULL;
	c->heavy_rate_low_bps = c->heavy_rate_bps / 2;
	c->demote_hold_ms = 2000;
	c->heavy_bytes = 10000000ULL;
	c->scan_period_ms = 100;
	c->rate_tau_ms = 300;
	c->idle_timeout_ms = 10000;

	c->cong_threshold = 3;
	c->cong_periods = 3;
	c->retrans_share = 10;
	c->rto_gap_ms = 100;
	c->penalty_ms = 5000;
	c->move_hold_ms = 2000;
	c->flowlet_gap_us = 500;
	c->flowlet_wait_us = 50000;
	c->move_mice = 0;

	c->flow_table_size = XS_FLOW_TABLE_DEFAULT;
	c->steer_table_size = XS_STEER_TABLE_DEFAULT;
	c->umem_frames = 4096;
	c->ring_size = 2048;
	c->batch = 64;
}

/* ---- one key's value ---- */

union kval {
	uint64_t u;
	struct in6_addr a;
	char s[256];
};

static void join_choices(const char *const *ch, char *buf, size_t n)
{
	size_t cnt = 0, off = 0;

	while (ch[cnt])
		cnt++;
	buf[0] = '\0';
	for (size_t i = 0; i < cnt && off < n; i++)
		off += snprintf(buf + off, n - off, "%s%s", i == 0 ? "" : i + 1 == cnt ? " or " : ", ",
				ch[i]);
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

/* Parse val for key k into *v; why gets the reason when it is bad. */
static int key_parse(const struct key *k, const char *val, union kval *v, char *why, size_t n)
{
	char a[64], b[64];
	int rc, i;

	if (!*val) {
		snprintf(why, n, "a value is required");
		return -EINVAL;
	}
	switch (k->type) {
	case T_IFNAME:
		if (!ifname_ok(val)) {
			snprintf(why, n, "expected an interface name of 1 to %d characters "
				 "without '/', ':' or blanks", IFNAMSIZ - 1);
			return -EINVAL;
		}
		snprintf(v->s, sizeof(v->s), "%s", val);
		return 0;
	case T_NETNS:
		if (!netns_ok(val, k->size)) {
			snprintf(why, n, "expected a namespace name of 1 to %zu characters "
				 "without '/' or blanks", k->size - 1);
			return -EINVAL;
		}
		snprintf(v->s, sizeof(v->s), "%s", val);
		return 0;
	case T_ABSPATH:
		if (val[0] != '/' || strlen(val) >= k->size) {
			snprintf(why, n, "expected an absolute path of at most %zu characters",
				 k->size - 1);
			return -EINVAL;
		}
		snprintf(v->s, sizeof(v->s), "%s", val);
		return 0;
	case T_ADDR6:
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
	case T_MODE:
		rc = xs_encap_mode_parse(val);
		if (rc < 0) {
			snprintf(why, n, "expected encap, encap.red or inline");
			return -EINVAL;
		}
		v->u = rc;
		return 0;
	case T_CHOICE:
		for (i = 0; k->choices[i]; i++)
			if (!strcmp(val, k->choices[i])) {
				v->u = i;
				return 0;
			}
		join_choices(k->choices, a, sizeof(a));
		snprintf(why, n, "expected %s", a);
		return -EINVAL;
	case T_UINT:
	case T_POW2: {
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
		    (k->type == T_POW2 && (x & (x - 1)))) {
			snprintf(why, n, "expected %s from %llu to %llu",
				 k->type == T_POW2 ? "a power of two" : "a whole number",
				 (unsigned long long)k->min, (unsigned long long)k->max);
			return -EINVAL;
		}
		v->u = x;
		return 0;
	}
	case T_RATE:
	case T_BYTES:
		rc = xs_parse_si(val, &v->u);
		if (rc == -ERANGE) {
			snprintf(why, n, "too large");
			return -EINVAL;
		}
		if (rc) {
			snprintf(why, n, k->type == T_RATE ? "expected bits/s like 10M, 1.5G"
				 : "expected bytes like 10M, 1.5G (decimal: 1M = 1000000)");
			return -EINVAL;
		}
		if (v->u < k->min || v->u > k->max) {
			snprintf(why, n, "must be at least %llu", (unsigned long long)k->min);
			return -EINVAL;
		}
		return 0;
	case T_DUR:
	case T_DUR_US:
		rc = k->type == T_DUR ? xs_parse_duration_ms(val, &v->u) :
					xs_parse_duration_us(val, &v->u);
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
			(k->type == T_DUR ? xs_fmt_ms : xs_fmt_us)(k->min, a, sizeof(a));
			(k->type == T_DUR ? xs_fmt_ms : xs_fmt_us)(k->max, b, sizeof(b));
			snprintf(why, n, "expected %s to %s", a, b);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(why, n, "internal error: unknown key type");
	return -EINVAL;
}

static void key_store(struct xs_cfg *c, const struct key *k, const union kval *v)
{
	void *f = (char *)c + k->off;

	switch (k->type) {
	case T_IFNAME:
	case T_NETNS:
	case T_ABSPATH:
		snprintf(f, k->size, "%s", v->s);
		return;
	case T_ADDR6:
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

static uint64_t key_uint(const struct xs_cfg *c, const struct key *k)
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

/* The current value as text, in a form key_parse() takes back. */
static void key_format(const struct xs_cfg *c, const struct key *k, char *buf, size_t n)
{
	const char *f = (const char *)c + k->off;
	uint64_t u;

	switch (k->type) {
	case T_IFNAME:
	case T_NETNS:
	case T_ABSPATH:
		snprintf(buf, n, "%.*s", (int)strnlen(f, k->size), f);
		return;
	case T_ADDR6:
		inet_ntop(AF_INET6, f, buf, n);
		return;
	default:
		break;
	}
	u = key_uint(c, k);
	switch (k->type) {
	case T_MODE:
		if (u < XS_MODE__MAX)
			snprintf(buf, n, "%s", xs_encap_mode_name(u));
		else
			snprintf(buf, n, "%llu", (unsigned long long)u);
		return;
	case T_CHOICE:
		for (uint64_t i = 0; k->choices[i]; i++)
			if (i == u) {
				snprintf(buf, n, "%s", k->choices[i]);
				return;
			}
		snprintf(buf, n, "%llu", (unsigned long long)u);
		return;
	case T_RATE:
	case T_BYTES:
		xs_fmt_si(u, buf, n);
		return;
	case T_DUR:
		xs_fmt_ms(u, buf, n);
		return;
	case T_DUR_US:
		xs_fmt_us(u, buf, n);
		return;
	default:
		snprintf(buf, n, "%llu", (unsigned long long)u);
	}
}

/* ---- loading ---- */

struct path_lines {
	int hdr;
	int key[PK__N];
};

struct ld {
	const char *file;
	FILE *f;
	char *line;
	size_t cap;
	int lineno;
	bool stop;		/* a problem was reported: the reader ends the parse */
	char *err;
	size_t errlen;
	struct xs_cfg *c;	/* a scratch copy, committed on success */

	enum sect sect;
	unsigned int path;	/* S_PATH: index in c->paths */
	int sect_line[S__N];	/* where [xsteer], [classifier], [tables] began */
	int key_line[K__N];
	unsigned int first_path;	/* c->npaths before this file */
	struct path_lines pl[XS_PATHS_MAX];
};

static void vemit(char *err, size_t errlen, const char *file, int line, const char *fmt,
		  va_list ap)
{
	size_t off = 0;
	int r;

	if (!err || !errlen)
		return;
	err[0] = '\0';
	if (file) {
		r = line > 0 ? snprintf(err, errlen, "%s:%d: ", file, line)
			     : snprintf(err, errlen, "%s: ", file);
		if (r < 0 || (size_t)r >= errlen)
			return;
		off = r;
	}
	vsnprintf(err + off, errlen - off, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
fail(struct ld *st, int line, const char *fmt, ...)
{
	va_list ap;

	if (st->stop)
		return;
	st->stop = true;
	va_start(ap, fmt);
	vemit(st->err, st->errlen, st->file, line, fmt, ap);
	va_end(ap);
}

/* A value as shown in a message: at most 64 characters, controls as '?'. */
static const char *shown(const char *v, char *buf, size_t n)
{
	size_t i, len = strlen(v), max = 64;

	if (n < max + 4)
		max = n > 4 ? n - 4 : 0;
	for (i = 0; i < len && i < max; i++)
		buf[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	if (len > max) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static void sect_label(const struct ld *st, char *buf, size_t n)
{
	if (st->sect == S_PATH)
		snprintf(buf, n, "[path %s]", st->c->paths[st->path].name);
	else
		snprintf(buf, n, "[%s]", sect_names[st->sect]);
}

static bool path_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len >= sizeof(((struct xs_cfg_path *)0)->name))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || xs_is_digit(*s) ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void begin_section(struct ld *st, char *text)
{
	char *word, *rest, sh[80];
	size_t wl;
	enum sect s;

	/* text is what stands between '[' and ']' */
	while (xs_is_blank(*text))
		text++;
	wl = strlen(text);
	while (wl && xs_is_blank(text[wl - 1]))
		text[--wl] = '\0';
	word = text;
	wl = strcspn(word, " \t");
	rest = word + wl;
	while (xs_is_blank(*rest))
		rest++;

	for (s = S_XSTEER; s < S__N; s++)
		if (strlen(sect_names[s]) == wl && !strncmp(word, sect_names[s], wl))
			break;
	if (s == S__N || (s != S_PATH && *rest)) {
		fail(st, st->lineno, "[%s]: unknown section (expected [xsteer], [classifier], "
		     "[tables] or [path NAME])", shown(text, sh, sizeof(sh)));
		return;
	}
	if (s != S_PATH) {
		if (st->sect_line[s]) {
			fail(st, st->lineno, "[%s]: section given twice (first at line %d)",
			     sect_names[s], st->sect_line[s]);
			return;
		}
		st->sect_line[s] = st->lineno;
		st->sect = s;
		return;
	}

	/* [path NAME] */
	struct xs_cfg *c = st->c;
	struct xs_cfg_path *p;

	if (!*rest) {
		fail(st, st->lineno, "[path]: a path section needs a name: [path NAME]");
		return;
	}
	if (!path_name_ok(rest)) {
		fail(st, st->lineno, "[path %s]: bad path name '%s': expected 1 to %zu letters, "
		     "digits, '-', '_' or '.'", shown(rest, sh, sizeof(sh)), sh,
		     sizeof(p->name) - 1);
		return;
	}
	for (unsigned int i = 0; i < c->npaths; i++) {
		if (strcmp(c->paths[i].name, rest))
			continue;
		if (i >= st->first_path)
			fail(st, st->lineno, "[path %s]: section given twice (first at line %d)",
			     rest, st->pl[i - st->first_path].hdr);
		else
			fail(st, st->lineno, "[path %s]: a path of this name exists already", rest);
		return;
	}
	if (c->npaths >= XS_PATHS_MAX) {
		fail(st, st->lineno, "[path %s]: too many paths: at most %d", rest, XS_PATHS_MAX);
		return;
	}
	p = &c->paths[c->npaths];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", rest);
	p->pool = XS_POOL_HEAVY;
	p->mode = c->encap_mode;	/* settled after the whole file is read */
	p->plen = 0;			/* ::/0 */
	memset(&st->pl[c->npaths - st->first_path], 0, sizeof(st->pl[0]));
	st->pl[c->npaths - st->first_path].hdr = st->lineno;
	st->path = c->npaths++;
	st->sect = S_PATH;
}

/* Like inih: a '=' or ':' before any inline comment (';' after a blank). */
static bool has_separator(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '=' || *p == ':')
			return true;
		if (*p == ';' && p > s && xs_is_blank(p[-1]))
			return false;
	}
	return false;
}

static char *reader(char *str, int num, void *stream)
{
	struct ld *st = stream;
	char *s, sh[80];
	ssize_t n;
	size_t len, max;

	if (st->stop)
		return NULL;
	n = getline(&st->line, &st->cap, st->f);
	if (n < 0) {
		if (ferror(st->f))
			fail(st, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	st->lineno++;
	s = st->line;
	if (strlen(s) != (size_t)n) {
		fail(st, st->lineno, "the line holds a NUL byte: not a text file?");
		return NULL;
	}
	if (st->lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;		/* UTF-8 byte order mark */
	while (xs_is_blank(*s))
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	max = num > 3 ? num - 3 : 0;	/* inih wants room for "\r\n\0" */
	if (len > max) {
		fail(st, st->lineno, "line too long: at most %zu characters", max);
		return NULL;
	}

	if (*s == '[') {
		char *end = strchr(s, ']'), *after;

		if (!end) {
			fail(st, st->lineno, "'%s': a section header needs a closing ']'",
			     shown(s, sh, sizeof(sh)));
			return NULL;
		}
		after = end + 1;
		while (xs_is_blank(*after))
			after++;
		if (*after && *after != ';' && *after != '#') {
			fail(st, st->lineno, "'%s': unexpected text after the section header",
			     shown(s, sh, sizeof(sh)));
			return NULL;
		}
		*end = '\0';
		begin_section(st, s + 1);
		if (st->stop)
			return NULL;
		/* hand inih the bare header: it keeps the section name itself */
		snprintf(str, num, "[%s]", s + 1);
		return str;
	}
	if (*s && *s != ';' && *s != '#' && !has_separator(s)) {
		fail(st, st->lineno, "'%s': expected 'key = value', '[section]' or a comment",
		     shown(s, sh, sizeof(sh)));
		return NULL;
	}
	memcpy(str, s, len + 1);
	return str;
}

/* Edit distance, for "did you mean". */
static unsigned int distance(const char *a, const char *b)
{
	unsigned int d[40], la = strlen(a), lb = strlen(b), prev, tmp;

	if (la >= 40 || lb >= 40)
		return 99;
	for (unsigned int j = 0; j <= lb; j++)
		d[j] = j;
	for (unsigned int i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (unsigned int j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = prev + (a[i - 1] != b[j - 1]);
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (tmp + 1 < d[j])
				d[j] = tmp + 1;
			prev = tmp;
		}
	}
	return d[lb];
}

static void unknown_key(struct ld *st, const char *label, const char *name)
{
	const char *best = NULL, *elsewhere = NULL;
	unsigned int bd = 3, i;
	char sh[80], list[400];
	size_t off = 0;

	list[0] = '\0';
	for (i = 0; i < K__N; i++) {
		if (keys[i].sect != st->sect) {
			if (!strcmp(keys[i].name, name))
				elsewhere = sect_names[keys[i].sect];
			continue;
		}
		if (distance(name, keys[i].name) < bd) {
			bd = distance(name, keys[i].name);
			best = keys[i].name;
		}
		off += snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "",
				keys[i].name);
	}
	if (st->sect == S_PATH) {
		for (i = 0; i < PK__N; i++) {
			if (distance(name, path_keys[i]) < bd) {
				bd = distance(name, path_keys[i]);
				best = path_keys[i];
			}
			off += snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "",
					path_keys[i]);
		}
	} else {
		for (i = 0; i < PK__N; i++)
			if (!strcmp(path_keys[i], name))
				elsewhere = "path NAME";
	}
	/* "device" for "dev", "heavy" for "heavy-rate": one starts the other */
	for (i = 0; !best && i < K__N + PK__N; i++) {
		const char *k = i < K__N ? keys[i].name : path_keys[i - K__N];
		size_t lk = strlen(k), ln = strlen(name);

		if ((i < K__N ? keys[i].sect : S_PATH) != st->sect || lk < 3 || ln < 3)
			continue;
		if (!strncmp(name, k, lk < ln ? lk : ln))
			best = k;
	}
	shown(name, sh, sizeof(sh));
	if (elsewhere)
		fail(st, st->lineno, "%s %s: unknown key here: it belongs in [%s]", label, sh,
		     elsewhere);
	else if (best)
		fail(st, st->lineno, "%s %s: unknown key: did you mean '%s'?", label, sh, best);
	else
		fail(st, st->lineno, "%s %s: unknown key (known here: %s)", label, sh, list);
}

static void bad_value(struct ld *st, const char *label, const char *name, const char *val,
		      const char *why)
{
	char sh[80];

	fail(st, st->lineno, "%s %s: bad value '%s': %s", label, name,
	     shown(val, sh, sizeof(sh)), why);
}

static void path_key(struct ld *st, const char *label, int pk, const char *val)
{
	struct xs_cfg *c = st->c;
	struct xs_cfg_path *p = &c->paths[st->path];
	char why[200], sug[64];
	int rc;

	switch (pk) {
	case PK_ID: {
		const char *q = val;
		unsigned long id = 0;

		for (; xs_is_digit(*q) && q - val < 4; q++)
			id = id * 10 + (*q - '0');
		if (q == val || *q || id >= XS_PATHS_MAX) {
			snprintf(why, sizeof(why), "expected a whole number from 0 to %d",
				 XS_PATHS_MAX - 1);
			bad_value(st, label, "id", val, why);
			return;
		}
		for (unsigned int i = 0; i < c->npaths; i++)
			if (i != st->path && c->paths[i].id == id &&
			    (i < st->first_path || st->pl[i - st->first_path].key[PK_ID])) {
				snprintf(why, sizeof(why), "already used by [path %s]",
					 c->paths[i].name);
				bad_value(st, label, "id", val, why);
				return;
			}
		p->id = id;
		return;
	}
	case PK_POOL:
		rc = xs_pool_parse(val);
		if (rc < 0) {
			bad_value(st, label, "pool", val, "expected heavy, default or disjoint");
			return;
		}
		p->pool = rc;
		return;
	case PK_PREFIX: {
		struct in6_addr a;
		uint8_t plen;

		rc = xs_parse_prefix(val, &a, &plen);
		if (rc == -EDOM) {
			xs_fmt_prefix(&a, plen, sug, sizeof(sug));
			snprintf(why, sizeof(why), "host bits are set: did you mean %s?", sug);
		} else if (rc == -ERANGE) {
			snprintf(why, sizeof(why), "the prefix length must be 0 to 128 (IPv6) "
				 "or 0 to 32 (IPv4)");
		} else if (rc) {
			snprintf(why, sizeof(why), "expected a prefix like fd00:2::/64 or "
				 "198.51.100.0/24");
		}
		if (rc) {
			bad_value(st, label, "prefix", val, why);
			return;
		}
		p->prefix = a;
		p->plen = plen;
		return;
	}
	case PK_SEGMENTS:
		rc = xs_sid_list_parse(val, p->sids, XS_SIDS_MAX, why, sizeof(why));
		if (rc < 0) {
			p->nsids = 0;
			bad_value(st, label, "segments", val, why);
			return;
		}
		p->nsids = rc;
		return;
	case PK_MODE:
		rc = xs_encap_mode_parse(val);
		if (rc < 0) {
			bad_value(st, label, "mode", val, "expected encap, encap.red or inline");
			return;
		}
		p->mode = rc;
		return;
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct ld *st = user;
	char label[64], why[200], sh[80];
	union kval v;
	int *seen = NULL;
	int i;

	(void)section;	/* the reader tracks sections (with their lines) */
	if (st->stop)
		return 0;
	if (!*name) {
		fail(st, st->lineno, "a key name is missing before '='");
		return 0;
	}
	if (st->sect == S_NONE) {
		fail(st, st->lineno, "%s: key outside any section: put it under [xsteer], "
		     "[classifier], [tables] or [path NAME]", shown(name, sh, sizeof(sh)));
		return 0;
	}
	if (!value)
		value = "";
	sect_label(st, label, sizeof(label));

	if (st->sect == S_PATH) {
		for (i = 0; i < PK__N; i++)
			if (!strcmp(name, path_keys[i]))
				break;
		if (i < PK__N)
			seen = &st->pl[st->path - st->first_path].key[i];
	} else {
		for (i = 0; i < K__N; i++)
			if (keys[i].sect == st->sect && !strcmp(name, keys[i].name))
				break;
		if (i < K__N)
			seen = &st->key_line[i];
	}
	if (!seen) {
		unknown_key(st, label, name);
		return 0;
	}
	if (*seen) {
		fail(st, st->lineno, "%s %s: key given twice (first at line %d)", label, name,
		     *seen);
		return 0;
	}
	if (st->sect == S_PATH) {
		path_key(st, label, i, value);
	} else if (key_parse(&keys[i], value, &v, why, sizeof(why))) {
		bad_value(st, label, name, value, why);
	} else {
		key_store(st->c, &keys[i], &v);
	}
	if (st->stop)
		return 0;
	*seen = st->lineno;
	return 1;
}

/* ---- checks across keys ---- */

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
	vemit(ck->err, ck->errlen, ck->st ? ck->st->file : NULL, line, fmt, ap);
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
	const struct key *a = &keys[ka], *b = &keys[kb];
	char va[64], vb[64];

	key_format(c, a, va, sizeof(va));
	key_format(c, b, vb, sizeof(vb));
	if (!kline(ck, ka) && kline(ck, kb))
		return cfail(ck, kline(ck, kb), "[%s] %s: bad value '%s': %s %s (%s)",
			     sect_names[b->sect], b->name, vb, why_b, a->name, va);
	return cfail(ck, kline(ck, ka), "[%s] %s: bad value '%s': %s %s (%s)",
		     sect_names[a->sect], a->name, va, why_a, b->name, vb);
}

static int check(const struct xs_cfg *c, const struct chk *ck)
{
	char val[300], why[200];
	union kval v;
	unsigned int i, j;

	if (c->npaths > XS_PATHS_MAX)
		return cfail(ck, 0, "too many paths: %u, at most %d", c->npaths, XS_PATHS_MAX);
	for (i = 0; i < c->npaths; i++) {
		const struct xs_cfg_path *p = &c->paths[i];
		char sug[64];

		if (!p->nsids)
			return cfail(ck, 0, "[path %s]: 'segments' is missing", p->name);
		if (p->nsids > XS_SIDS_MAX)
			return cfail(ck, pline(ck, i, PK_SEGMENTS), "[path %s] segments: "
				     "%u SIDs: at most %d", p->name, p->nsids, XS_SIDS_MAX);
		if (p->id >= XS_PATHS_MAX)
			return cfail(ck, pline(ck, i, PK_ID), "[path %s] id: bad value '%u': "
				     "expected a whole number from 0 to %d", p->name, p->id,
				     XS_PATHS_MAX - 1);
		if ((unsigned int)p->mode >= XS_MODE__MAX)
			return cfail(ck, pline(ck, i, PK_MODE), "[path %s] mode: bad value '%u': "
				     "expected encap, encap.red or inline", p->name, p->mode);
		if ((unsigned int)p->pool >= XS_POOL__MAX)
			return cfail(ck, pline(ck, i, PK_POOL), "[path %s] pool: bad value '%u': "
				     "expected heavy, default or disjoint", p->name, p->pool);
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
	}
	if (c->npaths && !c->sr_source_set)
		return cfail(ck, 0, "[xsteer]: 'sr-source' is missing (paths need it as their "
			     "outer source address)");

	/* every key's own range, through the parser: format, parse back */
	for (i = 0; i < K__N; i++) {
		if (i == K_SR_SOURCE && !c->sr_source_set)
			continue;
		/* set up by hand (xsteer run without --tenant): "" means not used */
		if ((i == K_NETNS || i == K_HOST_IF || i == K_CTL_SOCKET || i == K_PIN_DIR ||
		     i == K_METRICS_FILE) &&
		    !*((const char *)c + keys[i].off))
			continue;
		key_format(c, &keys[i], val, sizeof(val));
		if (key_parse(&keys[i], val, &v, why, sizeof(why))) {
			char sh[80];

			return cfail(ck, kline(ck, i), "[%s] %s: bad value '%s': %s",
				     sect_names[keys[i].sect], keys[i].name,
				     shown(val, sh, sizeof(sh)), why);
		}
	}

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
	return 0;
}

int xs_cfg_validate(const struct xs_cfg *c, char *err, size_t errlen)
{
	struct chk ck = { NULL, err, errlen };

	return check(c, &ck);
}

/* After the whole file: path modes, derived values, what is missing. */
static void finish(struct ld *st)
{
	struct xs_cfg *c = st->c;
	struct chk ck = { st, st->err, st->errlen };

	if (st->key_line[K_HEAVY_RATE] && !st->key_line[K_HEAVY_RATE_LOW])
		c->heavy_rate_low_bps = c->heavy_rate_bps / 2;
	for (unsigned int i = st->first_path; i < c->npaths; i++) {
		struct xs_cfg_path *p = &c->paths[i];
		struct path_lines *pl = &st->pl[i - st->first_path];

		if (!pl->key[PK_MODE])
			p->mode = c->encap_mode;
		if (!pl->key[PK_ID]) {
			fail(st, 0, "[path %s]: 'id' is missing", p->name);
			return;
		}
		if (!pl->key[PK_SEGMENTS]) {
			fail(st, 0, "[path %s]: 'segments' is missing", p->name);
			return;
		}
	}
	if (check(c, &ck))
		st->stop = true;
}

/* What a path names, for "not a regular file". */
static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/*
 * The whole file into memory, refused unless it is a regular file of at
 * most XS_CFG_SIZE_MAX bytes: /dev/zero, a FIFO or a huge file must not
 * hang the daemon or grow it without bound (lines are then bounded too).
 */
static int read_file(const char *file, char **out, size_t *outlen, char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	char *buf;
	int fd, ret = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", file, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", file, strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s): a configuration is a file "
			 "of at most %d bytes", file, file_kind(st.st_mode), XS_CFG_SIZE_MAX);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size > XS_CFG_SIZE_MAX) {
		snprintf(err, errlen, "%s: too large (%lld bytes): a configuration has at most %d",
			 file, (long long)st.st_size, XS_CFG_SIZE_MAX);
		ret = -EFBIG;
		goto out;
	}
	buf = malloc(XS_CFG_SIZE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", file);
		ret = -ENOMEM;
		goto out;
	}
	/* it may grow while we read: one byte past the limit tells */
	while (len <= XS_CFG_SIZE_MAX &&
	       ((n = read(fd, buf + len, XS_CFG_SIZE_MAX + 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? n : 0;
	if (n < 0 || len > XS_CFG_SIZE_MAX) {
		ret = n < 0 ? -errno : -EFBIG;
		if (n < 0)
			snprintf(err, errlen, "%s: cannot read: %s", file, strerror(-ret));
		else
			snprintf(err, errlen, "%s: too large (grew past %d bytes while read)", file,
				 XS_CFG_SIZE_MAX);
		free(buf);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
out:
	close(fd);
	return ret;
}

int xs_cfg_load(struct xs_cfg *c, const char *file, char *err, size_t errlen)
{
	char tmp[8], *buf = NULL;
	size_t len = 0;
	int ret;

	if (!err || !errlen) {
		err = tmp;
		errlen = sizeof(tmp);
	}
	err[0] = '\0';
	ret = read_file(file, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ret = xs_cfg_load_buf(c, file, buf, len, err, errlen);
	free(buf);
	return ret;
}

int xs_cfg_load_buf(struct xs_cfg *c, const char *file, const char *data, size_t size, char *err,
		    size_t errlen)
{
	struct ld *st;
	int old_max = 0, rc, ret = 0;

	if (err && errlen)
		err[0] = '\0';
	st = calloc(1, sizeof(*st));
	if (st)
		st->c = malloc(sizeof(*c));
	if (!st || !st->c) {
		free(st);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	memcpy(st->c, c, sizeof(*c));
	st->file = file;
	st->err = err;
	st->errlen = errlen;
	st->first_path = c->npaths;
	/* fmemopen wants a byte at least: an empty file reads as one newline */
	st->f = fmemopen((void *)(size ? data : "\n"), size ? size : 1, "r");
	if (!st->f) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		goto out;
	}

	if (&ini_max_line) {
		old_max = ini_max_line;
		if (ini_max_line < LINE_MAX_WANTED)
			ini_max_line = LINE_MAX_WANTED;
	}
	rc = ini_parse_stream(reader, st, handler, st);
	if (&ini_max_line)
		ini_max_line = old_max;

	if (!st->stop && rc == -2)
		fail(st, 0, "out of memory");
	else if (!st->stop && rc)
		fail(st, rc > 0 ? rc : 0, "cannot parse");	/* the reader should catch all */
	if (!st->stop)
		finish(st);
	if (st->stop)
		ret = -EINVAL;
	else
		memcpy(c, st->c, sizeof(*c));
out:
	if (st->f)
		fclose(st->f);
	free(st->line);
	free(st->c);
	free(st);
	return ret;
}
