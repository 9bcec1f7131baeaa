// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer status: how the tenant's daemon is doing. */
#include <errno.h>
#include <stdio.h>
#include "cli/client.h"
#include "lib/out.h"

const struct xs_opt status_opts[] = { XS_OPT_TENANT, XS_COMMON_OPTS, { NULL } };

int cmd_status(struct xs_args *a)
{
	json_object *rep = cli_ask(a, cli_request("status"));

	if (!rep)
		return -EIO;
	if (out_is_json()) {
		cli_print_json(rep);
	} else {
		json_object_object_foreach(rep, k, v)
			printf("%-20s %s\n", k, json_object_get_string(v));
	}
	json_object_put(rep);
	return 0;
}
