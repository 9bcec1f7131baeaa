/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands of the xsteer binary; ctl/cli/main.c holds the table. */
#ifndef XS_COMMANDS_H
#define XS_COMMANDS_H

#include <limits.h>
#include <stdbool.h>
#include "cli/cmd.h"

extern const struct xs_opt detach_opts[], flows_opts[], stats_opts[], steer_opts[],
	status_opts[], paths_opts[], top_opts[];
/* built from the configuration schema by xs_cli_opts_init() (cli/cfgopts.c) */
extern struct xs_opt run_opts[], attach_opts[], path_opts[];
void xs_cli_opts_init(void);

struct xs_cfg;
/* Every option of a that is a configuration key, parsed into c; errors name it. */
int xs_cfg_apply_args(struct xs_cfg *c, const struct xs_args *a);

int cmd_attach(struct xs_args *a);
int cmd_detach(struct xs_args *a);
int cmd_flows(struct xs_args *a);
int cmd_stats(struct xs_args *a);
int cmd_run(struct xs_args *a);
int cmd_status(struct xs_args *a);
int cmd_paths(struct xs_args *a);
int cmd_top(struct xs_args *a);
int cmd_path(struct xs_args *a);
int cmd_fleet(struct xs_args *a);
extern const struct xs_opt fleet_opts[];
int cmd_steer(struct xs_args *a);

struct xs_flow_key;
/* 'PROTO SRC SPORT DST DPORT' into a flow key as the XDP program builds it. */
int xs_flow_key_parse(const char *tuple, struct xs_flow_key *k);

#endif
