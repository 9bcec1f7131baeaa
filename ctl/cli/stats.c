// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer stats: the daemon's counters (--tenant: XDP, datapath, controller;
 * table, JSON or Prometheus) or the pinned XDP counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp/xs_shared.h"
#include "cli/client.h"
#include "lib/flowfmt.h"
#include "lib/out.h"

const struct xs_opt stats_opts[] = {
	{ "tenant", 't', "NAME", "ask this tenant's daemon (XDP, datapath, controller)", NULL },
	{ "format", 'f', "FMT", "table, json or prometheus (the daemon's counters)", "table" },
	{ "socket", 0, "PATH", "the daemon's control socket", "/run/xsteer/<tenant>.sock" },
	{ "dev", 'd', "IF", "read the pinned maps of this interface instead", NULL },
	XS_OPT_PIN_DIR,
	XS_COMMON_OPTS,
	{ NULL },
};

static int stats_daemon(struct xs_args *a)
{
	static const char *const formats[] = { "table", "json", "prometheus", NULL };
	int fmt = xs_arg_choice(a, "format", formats, out_is_json() ? 1 : 0);
	json_object *rep, *v;

	if (fmt < 0)
		return fmt;
	if (fmt == 1)
		out_init(true);
	if (fmt == 2) {
		rep = cli_ask(a, cli_request("metrics"));
		if (!rep)
			return -EIO;
		if (json_object_object_get_ex(rep, "text", &v))
			fputs(json_object_get_string(v), stdout);
		json_object_put(rep);
		return 0;
	}
	rep = cli_ask(a, cli_request("stats"));

	if (!rep)
		return -EIO;
	if (out_is_json()) {
		cli_print_json(rep);
	} else {
		json_object_object_foreach(rep, group, members) {
			json_object_object_foreach(members, k, v)
				printf("%-11s %-28s %s\n", group, k, json_object_get_string(v));
		}
	}
	json_object_put(rep);
	return 0;
}

int cmd_stats(struct xs_args *a)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 i;
	int fd, c, err = 0;

	if (ncpu < 0)
		return ncpu;
	if (xs_arg(a, "tenant") || xs_arg(a, "socket"))
		return stats_daemon(a);
	if (xs_arg(a, "format") && strcmp(xs_arg(a, "format"), "table") &&
	    strcmp(xs_arg(a, "format"), "json")) {
		xs_error("stats: --format %s needs the daemon: give --tenant", xs_arg(a, "format"));
		return -EINVAL;
	}
	if (xs_arg(a, "format") && !strcmp(xs_arg(a, "format"), "json"))
		out_init(true);
	fd = cli_open_map(a, XS_MAP_STATS);
	if (fd < 0)
		return fd;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals) {
		close(fd);
		return -ENOMEM;
	}
	out_obj_begin();
	for (i = 0; i < XS_STAT__MAX; i++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(fd, &i, vals)) {
			err = -errno;
			xs_error("cannot read counter '%s': %s", xs_stat_names[i], strerror(-err));
			break;
		}
		for (c = 0; c < ncpu; c++)
			sum += vals[c];
		out_kv_u64(xs_stat_names[i], sum);
	}
	out_obj_end();
	free(vals);
	close(fd);
	return err;
}
