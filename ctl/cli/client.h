/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Helpers of the commands that ask the daemon or read the pinned maps. */
#ifndef XS_CLI_CLIENT_H
#define XS_CLI_CLIENT_H

#include <stdint.h>
#include <json-c/json.h>
#include "cli/commands.h"

#define XS_OPT_TENANT { "tenant", 't', "NAME", "tenant whose daemon to ask", NULL }, \
	{ "socket", 0, "PATH", "control socket", "/run/xsteer/<tenant>.sock" }

/* One request; the reply, or NULL with the error already reported. */
json_object *cli_ask(struct xs_args *a, json_object *req);
/* A request object {"cmd": cmd} to add fields to. */
json_object *cli_request(const char *cmd);
void cli_print_json(json_object *o);

/* Columns of a table rendered from an array of JSON objects. */
struct cli_col {
	const char *key, *hdr;
	int width;
};

void cli_render(json_object *arr, const struct cli_col *cols);
/* 1.5G, 10.2M, 3.0k */
void cli_human_rate(uint64_t bps, char *buf, size_t len);
/* The daemon's path list, as JSON or a table. */
int cli_print_paths(json_object *rep);
/* A pinned map of --pin-dir or --dev's default directory. */
int cli_open_map(struct xs_args *a, const char *name);

#endif
