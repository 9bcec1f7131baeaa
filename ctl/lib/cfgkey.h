/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Inside the configuration code (cfgkey.c, config.c): key ids and one value's parse/store/format. */
#ifndef XS_CFGKEY_H
#define XS_CFGKEY_H

#include <stdarg.h>
#include <stdio.h>
#include "lib/config.h"

enum {
	K_DEV, K_UPLINK, K_HOST_IF, K_NETNS, K_PIN_DIR, K_CTL_SOCKET, K_METRICS_FILE, K_SR_SOURCE,
	K_ENCAP_MODE, K_HOP_LIMIT, K_XDP_MODE, K_FASTPATH,
	K_HEAVY_RATE, K_HEAVY_RATE_LOW, K_DEMOTE_HOLD, K_HEAVY_BYTES,
	K_SCAN_PERIOD, K_RATE_TAU, K_IDLE_TIMEOUT, K_SKETCH_WINDOW, K_SKETCH_ADMIT,
	K_CONG_THRESHOLD, K_CONG_PERIODS, K_RETRANS_SHARE, K_RTO_GAP, K_PENALTY, K_MOVE_HOLD,
	K_FLOWLET_GAP, K_FLOWLET_WAIT, K_MOVE_MICE,
	K_FLOW_TABLE, K_FLOW_RESERVE, K_STEER_TABLE, K_UMEM_FRAMES, K_RING_SIZE, K_BATCH,
	K_FLEET_ENDPOINTS, K_FLEET_PREFIX, K_FLEET_HOST, K_FLEET_TTL, K_FLEET_REBALANCE, K_FLEET_USER,
	K_FLEET_PASSWORD, K_FLEET_CERT, K_FLEET_KEY, K_FLEET_CA,
	K__N,
};

extern const struct xs_cfg_key xs_cfg_schema[K__N];

union kval {
	uint64_t u;
	struct in6_addr a;
	char s[256];
};

int xs_key_parse(const struct xs_cfg_key *k, const char *val, union kval *v, char *why, size_t n);
void xs_key_store(struct xs_cfg *c, const struct xs_cfg_key *k, const union kval *v);
void xs_key_format(const struct xs_cfg *c, const struct xs_cfg_key *k, char *buf, size_t n);

/* ---- loading a file (config.c), checked by cfgcheck.c ---- */

enum { PK_ID, PK_POOL, PK_PREFIX, PK_SEGMENTS, PK_MODE, PK__N };

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

	enum xs_cfg_sect sect;
	unsigned int path;	/* XS_SECT_PATH: index in c->paths */
	int sect_line[XS_SECT__N];	/* where [xsteer], [classifier], [tables] began */
	int key_line[K__N];
	unsigned int first_path;	/* c->npaths before this file */
	struct path_lines pl[XS_PATHS_MAX];
};

/* "FILE:LINE: " (or "FILE: ", or nothing) and the message, into err */
void xs_cfg_vemit(char *err, size_t errlen, const char *file, int line, const char *fmt,
		  va_list ap);
/* A value as shown in a message: at most 64 characters, controls as '?'. */
const char *xs_cfg_shown(const char *v, char *buf, size_t n);
/* The checks of xs_cfg_validate(); st: the file's lines for messages, or NULL. */
int xs_cfg_check(const struct xs_cfg *c, const struct ld *st, char *err, size_t errlen);

#endif
