/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands of the xsteer binary; ctl/cli/main.c holds the table. */
#ifndef XS_COMMANDS_H
#define XS_COMMANDS_H

#include <limits.h>
#include <stdbool.h>
#include "cli/cmd.h"

#define XS_ATTACH_OPTS \
	{ "dev", 'd', "IF", "host-facing interface to attach to (required)", NULL }, \
	{ "uplink", 'u', "IF", "uplink: fast path redirect and AF_XDP transmit", NULL }, \
	{ "mode", 'm', "MODE", "XDP mode: native or skb", "native" }, \
	{ "fastpath", 0, "HOW", "auto, redirect or pass (kernel forwarding)", "auto" }, \
	{ "flow-table-size", 0, "N", "flows tracked at most", "65536" }, \
	{ "steer-table-size", 0, "N", "steered flows at most", "4096" }, \
	XS_OPT_PIN_DIR

extern const struct xs_opt attach_opts[], detach_opts[], flows_opts[],
	stats_opts[], run_opts[],
	steer_opts[], status_opts[], paths_opts[], path_opts[], top_opts[];

int cmd_attach(struct xs_args *a);
int cmd_detach(struct xs_args *a);
int cmd_flows(struct xs_args *a);
int cmd_stats(struct xs_args *a);
int cmd_run(struct xs_args *a);
int cmd_status(struct xs_args *a);
int cmd_paths(struct xs_args *a);
int cmd_top(struct xs_args *a);
int cmd_path(struct xs_args *a);
int cmd_steer(struct xs_args *a);

struct xs_flow_key;
/* 'PROTO SRC SPORT DST DPORT' into a flow key as the XDP program builds it. */
int xs_flow_key_parse(const char *tuple, struct xs_flow_key *k);

#endif
