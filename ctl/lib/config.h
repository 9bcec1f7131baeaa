/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The daemon's configuration: an INI file (libinih) where every value has a
 * safe default. Errors name the file, line, key and the bad value.
 */
#ifndef XS_CONFIG_H
#define XS_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "afxdp/srv6.h"
#include "xdp/xs_shared.h"
#include "lib/parse.h"

/*
 * Enumerated values: the enum, and its names (NULL-terminated, indexed by
 * the value) in ctl/lib/cfgkey.c. Encap modes: afxdp/srv6.h.
 */
enum { XS_XDP_NATIVE = 0, XS_XDP_SKB = 1, XS_XDP__MAX };
enum { XS_FASTPATH_AUTO = 0, XS_FASTPATH_REDIRECT = 1, XS_FASTPATH_PASS = 2, XS_FASTPATH__MAX };

enum xs_pool {
	XS_POOL_HEAVY = 0,	/* heavy hitters are assigned from here */
	XS_POOL_DEFAULT,	/* the normal paths, for reference and moves back */
	XS_POOL_DISJOINT,	/* moving away from a congested path */
	XS_POOL__MAX,
};

extern const char *const xs_xdp_mode_names[XS_XDP__MAX + 1];	/* native, skb */
extern const char *const xs_fastpath_names[XS_FASTPATH__MAX + 1];	/* auto, redirect, pass */
extern const char *const xs_pool_names[XS_POOL__MAX + 1];	/* heavy, default, disjoint */

struct xs_cfg_path {
	uint32_t id;			/* 0..XS_PATHS_MAX-1, unique */
	char name[32];			/* the section's name: [path NAME] */
	enum xs_pool pool;
	enum xs_encap_mode mode;
	struct in6_addr prefix;		/* destinations served; IPv4 is IPv4-mapped */
	uint8_t plen;			/* IPv6 prefix length (IPv4: 96 + len) */
	unsigned int nsids;
	struct in6_addr sids[XS_SIDS_MAX];
};

/* [fleet] rebalance-period: 0 (never) or at least this */
#define XS_REBALANCE_MIN_MS 100

/* [fleet]: shared state through etcd (issue 13); off when endpoints is "" */
struct xs_fleet_cfg {
	char endpoints[512];		/* "http://[fd00::1]:2379,..." */
	char prefix[128];		/* key prefix, default /xsteer */
	char host[64];			/* this host's name; "": gethostname() */
	uint64_t lease_ttl_ms;		/* published state outlives a dead daemon this long */
	uint64_t rebalance_ms;		/* a collision is looked for every 1 to 2 of these; 0: never */
	char user[64];			/* with password-file: etcd user/password auth */
	char password_file[256];
	char cert_file[256];		/* TLS client certificate, key, CA */
	char key_file[256];
	char ca_file[256];
};

struct xs_cfg {
	char tenant[16];
	char dev[IFNAMSIZ];		/* host-facing interface in the tenant ns */
	char uplink[IFNAMSIZ];
	char host_if[IFNAMSIZ];		/* host-side veth end (offload check) */
	char netns[64];			/* tenant namespace name */
	char pin_dir[256];
	char ctl_socket[108];		/* unix socket path (root-only) */
	char metrics_file[256];		/* node_exporter textfile, or "" */
	struct in6_addr sr_source;
	bool sr_source_set;
	enum xs_encap_mode encap_mode;	/* default for paths */
	uint8_t hop_limit;
	int xdp_mode;			/* 0 native, 1 skb */
	int fastpath;			/* 0 auto, 1 redirect, 2 pass */

	/* classifier */
	uint64_t heavy_rate_bps;	/* promote above (high mark) */
	uint64_t heavy_rate_low_bps;	/* demote below (low mark)... */
	uint64_t demote_hold_ms;	/* ...for this long */
	uint64_t heavy_bytes;		/* or promote once a flow sent this much */
	uint64_t scan_period_ms;	/* flow table scan */
	uint64_t rate_tau_ms;		/* EWMA time constant of the rate */
	uint64_t idle_timeout_ms;	/* flows idle this long are aged out */
	/* the XDP program's sketch of flows not in its table (docs/DETECTION.md) */
	uint64_t sketch_window_ms;	/* an estimate covers one to two of these */
	uint64_t sketch_admit_bytes;	/* an estimate that makes a candidate; 0: see xs_daemon_xdp_config */

	/* congestion reaction */
	uint64_t cong_threshold;	/* signals (retransmissions, CWR) per scan
					   period that mark the flow's path congested */
	uint64_t cong_periods;		/* consecutive congested periods before a move */
	uint64_t retrans_share;		/* per mille of a period's packets that must be
					   retransmissions for them to count */
	uint64_t rto_gap_ms;		/* a retransmission after this idle gap: RTO */
	uint64_t penalty_ms;		/* a path left behind is avoided ~this long */
	uint64_t move_hold_ms;		/* a moved flow is not moved again before */
	uint64_t flowlet_gap_us;	/* a move waits for an idle gap this long... */
	uint64_t flowlet_wait_us;	/* ...at most this long, then it is forced */
	int move_mice;			/* 1: mice known to the table move too */

	/* sizes */
	uint32_t flow_table_size;
	uint32_t flow_reserve;		/* entries kept for candidates; 0: a quarter */
	uint32_t steer_table_size;
	uint32_t umem_frames;
	uint32_t ring_size;
	uint32_t batch;

	unsigned int npaths;
	struct xs_cfg_path paths[XS_PATHS_MAX];

	struct xs_fleet_cfg fleet;
};

/*
 * Every default; tenant names the pin dir, socket, namespace and devices
 * (dev xs-T-h, uplink xs-T-u, host-if xs-T, netns xs-T,
 * /sys/fs/bpf/xsteer/T, /run/xsteer/T.sock). tenant must pass
 * xs_tenant_name_ok(). See docs/xsteer.conf.example for every value.
 */
void xs_cfg_defaults(struct xs_cfg *c, const char *tenant);	/* tenant NULL: none */
/*
 * Parse file over the values already in c (paths are added to c's), then
 * run the checks of xs_cfg_validate() too. c changes only on success.
 * 0; -EINVAL with err holding the first problem, as
 *   "FILE:LINE: [SECTION] KEY: bad value 'VALUE': REASON"
 *   "FILE:LINE: [SECTION] KEY: unknown key: did you mean 'K'?"
 *   "FILE:LINE: [SECTION] KEY: key given twice (first at line N)"
 *   "FILE: [path NAME]: 'segments' is missing"
 * or -errno when the file cannot be opened ("FILE: cannot open: REASON").
 * A [path NAME] without 'mode' gets the [xsteer] encap-mode; heavy-rate-low
 * not given but heavy-rate given: half of heavy-rate.
 */
int xs_cfg_load(struct xs_cfg *c, const char *file, char *err, size_t errlen);
/*
 * The file must be a regular file of at most XS_CFG_SIZE_MAX bytes
 * ("FILE: not a regular file (a FIFO): ...", "FILE: too large (N bytes):
 * ..."), read whole before parsing. xs_cfg_load_buf() parses bytes already
 * in memory (size of them, NUL bytes refused) as if read from file.
 */
#define XS_CFG_SIZE_MAX (1 << 20)
int xs_cfg_load_buf(struct xs_cfg *c, const char *file, const char *data, size_t size, char *err,
		    size_t errlen);
/*
 * Checks of every value's range and across keys (ids and names unique,
 * paths have 1..16 SIDs, sr-source set when paths exist, heavy-rate-low <=
 * heavy-rate, idle-timeout > scan-period, umem-frames >= 2 x ring-size,
 * batch <= ring-size, sketch-admit-bytes <= heavy-bytes unless either is 0,
 * flow-reserve < flow-table-size). 0 or -EINVAL, err as above without "FILE:LINE: ".
 * An empty netns, host_if, ctl_socket or pin_dir passes (not used); a file
 * cannot set one empty.
 */
int xs_cfg_validate(const struct xs_cfg *c, char *err, size_t errlen);

const char *xs_pool_name(enum xs_pool p);
int xs_pool_parse(const char *s);	/* -EINVAL when unknown */

/*
 * The schema: one entry per key of the file (paths' keys aside), and the
 * one place that says its section, type, range, default, help, whether
 * SIGHUP applies it, and its option of 'xsteer run' (and 'attach'). The INI
 * parser, the defaults, run's options and --help, reload's copy and the
 * documentation checks (tests/unit/test_schema.c) all read it.
 */
enum xs_cfg_sect { XS_SECT_NONE = 0, XS_SECT_XSTEER, XS_SECT_CLASS, XS_SECT_CONG,
		   XS_SECT_TABLES, XS_SECT_FLEET, XS_SECT_PATH, XS_SECT__N };
extern const char *const xs_cfg_sect_names[XS_SECT__N];

enum xs_cfg_type {
	XS_T_IFNAME, XS_T_NETNS, XS_T_ABSPATH, XS_T_ADDR6, XS_T_CHOICE,
	XS_T_UINT, XS_T_POW2, XS_T_RATE, XS_T_BYTES, XS_T_DUR, XS_T_DUR_US,
	XS_T_URLS, XS_T_KEYPFX, XS_T_NAME,	/* [fleet]: etcd endpoints, key prefix, host/user */
};

#define XS_KF_RELOAD	0x1	/* SIGHUP applies a new value */
#define XS_KF_HIDE_DEF	0x2	/* --help names the tenant rule in the text, not as default */

struct xs_cfg_key {
	const char *name;		/* in the file */
	enum xs_cfg_sect sect;
	enum xs_cfg_type type;
	size_t off, size;		/* the field of struct xs_cfg */
	uint64_t min, max;		/* numbers: range */
	const char *const *choices;	/* XS_T_CHOICE: names, the value is the index */
	const char *def;		/* default as written in a file; NULL: none or below */
	const char *tenant_rule;	/* default from the tenant name ("xs-%s-h"), or NULL */
	const char *flag;		/* option of 'xsteer run', or NULL */
	char short_flag;
	const char *metavar;
	const char *help;		/* "%C" stands for the choices: "native or skb" */
	unsigned int flags;		/* XS_KF_* */
};

/* Every key, in the order of docs/xsteer.conf.example; *n gets the count. */
const struct xs_cfg_key *xs_cfg_keys(size_t *n);
const struct xs_cfg_key *xs_cfg_key_by_flag(const char *flag);
/* Parse val into k's field of c; why gets the reason when it is bad (-EINVAL). */
int xs_cfg_key_set(struct xs_cfg *c, const struct xs_cfg_key *k, const char *val,
		   char *why, size_t n);
/* k's value in c as text the parser takes back. */
void xs_cfg_key_format(const struct xs_cfg *c, const struct xs_cfg_key *k, char *buf, size_t n);
/* k's default as --help shows it ("xs-<tenant>" for a tenant rule), or NULL. */
const char *xs_cfg_key_def_text(const struct xs_cfg_key *k, char *buf, size_t n);
/* k's help with "%C" replaced by its choices. */
void xs_cfg_key_help(const struct xs_cfg_key *k, char *buf, size_t n);
/* Copy what SIGHUP applies (XS_KF_RELOAD keys) from src into dst. */
void xs_cfg_copy_reloadable(struct xs_cfg *dst, const struct xs_cfg *src);
/*
 * The tenant naming rule of a key ("dev", "control-socket", "pin-dir"...)
 * applied to tenant, into buf. -ENOENT: the key has no rule.
 */
int xs_tenant_name(const char *key, const char *tenant, char *buf, size_t n);
#endif
