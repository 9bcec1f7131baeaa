// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer path add|del: change the running daemon's paths. */
#include <errno.h>
#include <string.h>
#include "cli/client.h"
#include "lib/out.h"

int cmd_path(struct xs_args *a)
{
	const char *action = a->argc ? a->argv[0] : NULL;
	static const char *const keys[][2] = {
		{ "segments", "segments" }, { "pool", "pool" }, { "prefix", "prefix" },
		{ "encap", "mode" }, { "name", "name" },
	};
	json_object *req, *rep;
	uint32_t id;
	size_t i;
	int err;

	if (!action || a->argc > 1 || (strcmp(action, "add") && strcmp(action, "del"))) {
		xs_error("path: expected one action: add or del");
		return -EINVAL;
	}
	if (!xs_arg(a, "id")) {
		xs_error("path %s: --id is required", action);
		return -EINVAL;
	}
	err = xs_arg_u32(a, "id", 0, 255, 0, &id);
	if (err)
		return err;
	if (!strcmp(action, "add") && !xs_arg(a, "segments")) {
		xs_error("path add: --segments is required");
		return -EINVAL;
	}
	req = cli_request(!strcmp(action, "add") ? "path-add" : "path-del");
	json_object_object_add(req, "id", json_object_new_uint64(id));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (xs_arg(a, keys[i][0]))
			json_object_object_add(req, keys[i][1],
					       json_object_new_string(xs_arg(a, keys[i][0])));
	rep = cli_ask(a, req);
	if (!rep)
		return -EIO;
	err = cli_print_paths(rep);
	json_object_put(rep);
	return err;
}
