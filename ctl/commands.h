/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands of the xsteer binary; ctl/main.c holds the table. */
#ifndef XS_COMMANDS_H
#define XS_COMMANDS_H

#include "cmd.h"

extern const struct xs_opt attach_opts[], detach_opts[], flows_opts[],
	stats_opts[];

int cmd_attach(struct xs_args *a);
int cmd_detach(struct xs_args *a);
int cmd_flows(struct xs_args *a);
int cmd_stats(struct xs_args *a);

#endif
