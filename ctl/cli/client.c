// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the commands share: asking the tenant's daemon over its control
 * socket (it answers in JSON: printed as is with -j, else rendered as a
 * table), and opening the pinned maps of an attached program.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli/client.h"
#include "lib/config.h"
#include "lib/ctlsock.h"
#include "lib/out.h"
#include "lib/pin.h"

static int socket_path(struct xs_args *a, char *buf, size_t len)
{
	const char *sock = xs_arg(a, "socket"), *tenant = xs_arg(a, "tenant");

	if (sock) {
		snprintf(buf, len, "%s", sock);
		return 0;
	}
	if (!tenant) {
		xs_error("%s: give --tenant NAME (or --socket PATH)", a->cmd->name);
		return -EINVAL;
	}
	if (!xs_tenant_name_ok(tenant)) {
		xs_error("%s: bad tenant name '%s'", a->cmd->name, tenant);
		return -EINVAL;
	}
	return xs_tenant_name("control-socket", tenant, buf, len);
}

/* One request; the reply, or NULL with the error already reported. */
json_object *cli_ask(struct xs_args *a, json_object *req)
{
	char path[256];
	json_object *rep, *err;

	if (socket_path(a, path, sizeof(path))) {
		json_object_put(req);
		return NULL;
	}
	rep = xs_ctl_call(path, req);
	json_object_put(req);
	if (rep && json_object_is_type(rep, json_type_object) &&
	    json_object_object_get_ex(rep, "error", &err)) {
		xs_error("%s", json_object_get_string(err));
		json_object_put(rep);
		return NULL;
	}
	return rep;
}

json_object *cli_request(const char *cmd)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

void cli_print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

void cli_render(json_object *arr, const struct cli_col *cols)
{
	size_t i, n = json_object_array_length(arr);
	char buf[64];

	out_list_begin();
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(arr, i), *v;
		const struct cli_col *c;

		out_row_begin();
		for (c = cols; c->key; c++) {
			const char *s = "-";

			if (json_object_object_get_ex(row, c->key, &v) && v) {
				if (json_object_is_type(v, json_type_double))
					snprintf(buf, sizeof(buf), "%.1f", json_object_get_double(v));
				else if (json_object_is_type(v, json_type_array))
					snprintf(buf, sizeof(buf), "%zu SIDs",
						 json_object_array_length(v));
				else
					snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
				s = buf;
			}
			out_col_str(c->key, c->hdr, c->width, s);
		}
		out_row_end();
	}
	out_list_end();
}

void cli_human_rate(uint64_t bps, char *buf, size_t len)
{
	if (bps >= 1000000000)
		snprintf(buf, len, "%.2fG", bps / 1e9);
	else if (bps >= 1000000)
		snprintf(buf, len, "%.1fM", bps / 1e6);
	else if (bps >= 1000)
		snprintf(buf, len, "%.1fk", bps / 1e3);
	else
		snprintf(buf, len, "%llu", (unsigned long long)bps);
}

int cli_print_paths(json_object *rep)
{
	static const struct cli_col cols[] = {
		{ "id", "ID", 3 }, { "name", "NAME", -12 }, { "pool", "POOL", -8 },
		{ "mode", "MODE", -9 }, { "prefix", "PREFIX", -20 }, { "first_sid", "FIRST SID", -20 },
		{ "segments", "SIDS", 7 }, { "resolved", "NEXTHOP", 7 }, { "flows", "FLOWS", 5 },
		{ "load", "LOAD", 8 }, { NULL, NULL, 0 },
	};
	size_t i;
	char buf[32];

	if (out_is_json()) {
		cli_print_json(rep);
		return 0;
	}
	for (i = 0; i < json_object_array_length(rep); i++) {
		json_object *row = json_object_array_get_idx(rep, i), *v;

		if (json_object_object_get_ex(row, "segments", &v) && json_object_array_length(v))
			json_object_object_add(row, "first_sid", json_object_get(
				json_object_array_get_idx(v, 0)));
		if (json_object_object_get_ex(row, "load_bps", &v)) {
			cli_human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "load", json_object_new_string(buf));
		}
	}
	if (json_object_array_length(rep))
		cli_render(rep, cols);
	else
		printf("no paths\n");
	return 0;
}

int cli_open_map(struct xs_args *a, const char *name)
{
	char dir[PATH_MAX];
	int err;

	err = xs_pin_dir(xs_arg(a, "pin-dir"), xs_arg(a, "dev"), dir, sizeof(dir));
	return err ?: xs_pin_open_map(dir, name);
}
