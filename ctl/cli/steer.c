// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer steer add|del|list: edit the steer table by hand (tests, and an
 * operator pinning a flow to a path). The controller does this by itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include "xdp/xs_shared.h"
#include "cli/commands.h"
#include "lib/flowfmt.h"
#include "lib/out.h"
#include "lib/pin.h"

const struct xs_opt steer_opts[] = {
	{ "dev", 'd', "IF", "interface xsteer is attached to", NULL },
	{ "flow", 'f', "TUPLE", "'PROTO SRC SPORT DST DPORT' (ICMP: SPORT is the echo id)", NULL },
	{ "path", 'p', "ID", "path id for 'add'", NULL },
	XS_OPT_PIN_DIR,
	XS_COMMON_OPTS,
	{ NULL },
};

static int parse_port(const char *s, const char *what, __u16 *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !*s || v > 65535) {
		xs_error("steer: bad %s '%s': expected 0 to 65535", what, s);
		return -EINVAL;
	}
	*out = htons(v);
	return 0;
}

static int parse_addr(const char *s, const char *what, __u32 a[4], int *family)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a[3]) == 1) {
		a[2] = htonl(0xffff);	/* IPv4-mapped, as the XDP program keys it */
		*family = AF_INET;
		return 0;
	}
	xs_error("steer: bad %s address '%s'", what, s);
	return -EINVAL;
}

int xs_flow_key_parse(const char *tuple, struct xs_flow_key *k)
{
	static const struct { const char *name; int num; } protos[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
		{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
	};
	char buf[256], *f[6], *save = NULL;
	int n = 0, fam_s, fam_d, err;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", tuple);
	for (char *t = strtok_r(buf, " \t", &save); t && n < 6; t = strtok_r(NULL, " \t", &save))
		f[n++] = t;
	if (n != 5) {
		xs_error("steer: bad flow '%s': expected 'PROTO SRC SPORT DST DPORT'", tuple);
		return -EINVAL;
	}
	memset(k, 0, sizeof(*k));
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(f[0], protos[i].name))
			k->proto = protos[i].num;
	if (!k->proto) {
		xs_error("steer: bad protocol '%s': expected tcp, udp, icmp, icmpv6 or sctp", f[0]);
		return -EINVAL;
	}
	err = parse_addr(f[1], "source", k->saddr, &fam_s);
	err = err ?: parse_port(f[2], "source port", &k->sport);
	err = err ?: parse_addr(f[3], "destination", k->daddr, &fam_d);
	err = err ?: parse_port(f[4], "destination port", &k->dport);
	if (err)
		return err;
	if (fam_s != fam_d) {
		xs_error("steer: source '%s' and destination '%s' are of different families",
			 f[1], f[3]);
		return -EINVAL;
	}
	if (fam_s == AF_INET)
		k->flags |= XS_KEY_F_IPV4;
	return 0;
}

static int steer_list(int fd)
{
	struct xs_flow_key key, next;
	struct xs_steer_entry e;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pb[8];
	void *prev = NULL;

	out_list_begin();
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &e))
			continue;
		out_row_begin();
		out_col_str("proto", "PROTO", -6, xs_proto_name(key.proto, pb, sizeof(pb)));
		out_col_str("src", "SRC", -28, xs_addr_str(key.saddr, xs_key_is_v4(&key), src,
							   sizeof(src)));
		out_col_u64("sport", "SPORT", 5, ntohs(key.sport));
		out_col_str("dst", "DST", -28, xs_addr_str(key.daddr, xs_key_is_v4(&key), dst,
							   sizeof(dst)));
		out_col_u64("dport", "DPORT", 5, ntohs(key.dport));
		out_col_u64("path", "PATH", 4, e.path_id);
		out_row_end();
	}
	out_list_end();
	return 0;
}

int cmd_steer(struct xs_args *a)
{
	const char *action = a->argc ? a->argv[0] : NULL;
	struct xs_steer_entry e = {};
	struct xs_flow_key k;
	char dir[PATH_MAX];
	struct timespec ts;
	int fd, err;

	if (!action || a->argc > 1 ||
	    (strcmp(action, "add") && strcmp(action, "del") && strcmp(action, "list"))) {
		xs_error("steer: expected one action: add, del or list");
		return -EINVAL;
	}
	err = xs_pin_dir(xs_arg(a, "pin-dir"), xs_arg(a, "dev"), dir, sizeof(dir));
	if (err)
		return err;
	fd = xs_pin_open_map(dir, XS_MAP_STEER);
	if (fd < 0)
		return fd;
	if (!strcmp(action, "list")) {
		err = steer_list(fd);
		goto out;
	}
	if (!xs_arg(a, "flow")) {
		xs_error("steer %s: --flow is required", action);
		err = -EINVAL;
		goto out;
	}
	err = xs_flow_key_parse(xs_arg(a, "flow"), &k);
	if (err)
		goto out;
	if (!strcmp(action, "del")) {
		if (bpf_map_delete_elem(fd, &k)) {
			err = -errno;
			xs_error("steer del: %s", err == -ENOENT ? "flow not in the steer table" :
				 strerror(-err));
		}
		goto out;
	}
	if (!xs_arg(a, "path")) {
		xs_error("steer add: --path is required");
		err = -EINVAL;
		goto out;
	}
	err = xs_arg_u32(a, "path", 0, XS_PATHS_MAX - 1, 0, &e.path_id);
	if (err)
		goto out;
	e.flags = XS_STEER_F_MANUAL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	e.since_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (bpf_map_update_elem(fd, &k, &e, 0)) {
		err = -errno;
		xs_error("steer add: %s%s", strerror(-err),
			 err == -E2BIG ? " (steer table full)" : "");
	}
out:
	close(fd);
	return err;
}
