// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer paths: the tenant's SRv6 paths as the daemon has them. */
#include <errno.h>
#include "cli/client.h"

const struct xs_opt paths_opts[] = { XS_OPT_TENANT, XS_COMMON_OPTS, { NULL } };

int cmd_paths(struct xs_args *a)
{
	json_object *rep = cli_ask(a, cli_request("paths"));
	int err;

	if (!rep)
		return -EIO;
	err = cli_print_paths(rep);
	json_object_put(rep);
	return err;
}
