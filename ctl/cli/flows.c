// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer flows: the daemon's view (--tenant: rate, class, path) or the
 * pinned flow map of an attached program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp/xs_shared.h"
#include "cli/client.h"
#include "lib/flowfmt.h"
#include "lib/out.h"
#include "lib/pin.h"

const struct xs_opt flows_opts[] = {
	{ "tenant", 't', "NAME", "ask this tenant's daemon (rates, classes, paths)", NULL },
	{ "socket", 0, "PATH", "the daemon's control socket", "/run/xsteer/<tenant>.sock" },
	{ "dev", 'd', "IF", "read the pinned maps of this interface instead", NULL },
	{ "top", 'n', "N", "show the first N flows", "all" },
	{ "sort", 's', "KEY", "rate or bytes (from the daemon; the maps: bytes)", "rate" },
	{ "tracked", 0, NULL, "from the daemon: only the flows it tracks (candidates, heavy hitters, steered), not the mice of the XDP table", NULL },
	XS_OPT_PIN_DIR,
	XS_COMMON_OPTS,
	{ NULL },
};

struct flow_row {
	struct xs_flow_key key;
	struct xs_flow_stats st;
};

static int flows_daemon(struct xs_args *a, uint32_t top, const char *sort)
{
	static const struct cli_col cols[] = {
		{ "proto", "PROTO", -6 }, { "src", "SRC", -26 }, { "sport", "SPORT", 5 },
		{ "dst", "DST", -26 }, { "dport", "DPORT", 5 }, { "rate", "RATE", 8 },
		{ "bytes", "BYTES", 12 }, { "class", "CLASS", -5 }, { "path", "PATH", 4 },
		{ "idle_s", "IDLE(s)", 7 }, { NULL, NULL, 0 },
	};
	json_object *req = cli_request("flows"), *rep;
	size_t i;
	char buf[32];

	json_object_object_add(req, "top", json_object_new_uint64(top));
	json_object_object_add(req, "sort", json_object_new_string(sort));
	if (xs_flag(a, "tracked"))
		json_object_object_add(req, "tracked", json_object_new_boolean(1));
	rep = cli_ask(a, req);
	if (!rep)
		return -EIO;
	if (out_is_json()) {
		cli_print_json(rep);
	} else {
		for (i = 0; i < json_object_array_length(rep); i++) {
			json_object *row = json_object_array_get_idx(rep, i), *v;

			if (json_object_object_get_ex(row, "rate_bps", &v)) {
				/* null: a mouse the controller does not track, no estimate */
				if (v)
					cli_human_rate(json_object_get_uint64(v), buf, sizeof(buf));
				json_object_object_add(row, "rate", json_object_new_string(v ? buf : "-"));
			}
		}
		if (json_object_array_length(rep))
			cli_render(rep, cols);
		else
			printf("no flows\n");
	}
	json_object_put(rep);
	return 0;
}

static int by_bytes_desc(const void *a, const void *b)
{
	const struct flow_row *x = a, *y = b;

	return x->st.bytes < y->st.bytes ? 1 : x->st.bytes > y->st.bytes ? -1 : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void print_flow(const struct flow_row *r, uint64_t now)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pbuf[8], age[24], idle[24];
	bool v4 = xs_key_is_v4(&r->key);

	out_row_begin();
	out_col_str("family", "FAM", -4, v4 ? "ipv4" : "ipv6");
	out_col_str("proto", "PROTO", -6, xs_proto_name(r->key.proto, pbuf, sizeof(pbuf)));
	if (out_is_json())
		out_col_u64("proto_num", "", 0, r->key.proto);
	out_col_str("src", "SRC", -28, xs_addr_str(r->key.saddr, v4, src, sizeof(src)));
	out_col_u64("sport", "SPORT", 5, ntohs(r->key.sport));
	out_col_str("dst", "DST", -28, xs_addr_str(r->key.daddr, v4, dst, sizeof(dst)));
	out_col_u64("dport", "DPORT", 5, ntohs(r->key.dport));
	out_col_u64("vlan", "VLAN", 4, r->key.vlan);
	out_col_u64("packets", "PACKETS", 10, r->st.packets);
	out_col_u64("bytes", "BYTES", 12, r->st.bytes);
	if (out_is_json()) {
		out_col_u64("first_seen_ns", "", 0, r->st.first_seen_ns);
		out_col_u64("last_seen_ns", "", 0, r->st.last_seen_ns);
		out_col_u64("tcp_flags", "", 0, r->st.tcp_flags);
		out_col_u64("tcp_seq_max", "", 0, r->st.tcp_seq_max);
		out_col_u64("key_flags", "", 0, r->key.flags);
	} else {
		snprintf(age, sizeof(age), "%.1f", (now - r->st.first_seen_ns) / 1e9);
		snprintf(idle, sizeof(idle), "%.1f",
			 now > r->st.last_seen_ns ? (now - r->st.last_seen_ns) / 1e9 : 0.0);
		out_col_str("age", "AGE(s)", 7, age);
		out_col_str("idle", "IDLE(s)", 7, idle);
	}
	out_row_end();
}

int cmd_flows(struct xs_args *a)
{
	struct flow_row *rows = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	struct xs_flow_key key, next;
	uint32_t top;
	void *prev = NULL;
	int fd, err;

	static const char *const sorts[] = { "rate", "bytes", NULL };
	int sort;

	err = xs_arg_u32(a, "top", 1, UINT32_MAX, UINT32_MAX, &top);
	if (err)
		return err;
	sort = xs_arg_choice(a, "sort", sorts, 0);
	if (sort < 0)
		return sort;
	if (xs_arg(a, "tenant") || xs_arg(a, "socket"))
		return flows_daemon(a, top, sorts[sort]);
	fd = cli_open_map(a, XS_MAP_FLOWS);
	if (fd < 0)
		return fd;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			tmp = realloc(rows, cap * sizeof(*rows));
			if (!tmp) {
				err = -ENOMEM;
				goto out;
			}
			rows = tmp;
		}
		key = next;
		prev = &key;
		/* the flow may have gone between the two calls: skip it */
		if (bpf_map_lookup_elem(fd, &key, &rows[n].st))
			continue;
		rows[n++].key = key;
	}
	qsort(rows, n, sizeof(*rows), by_bytes_desc);

	out_list_begin();
	for (i = 0; i < n && i < top; i++)
		print_flow(&rows[i], now_ns());
	out_list_end();
	if (!n && !out_is_json())
		printf("no flows\n");
out:
	free(rows);
	close(fd);
	return err;
}
