// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer detach: xsteer's XDP program off an interface, its pins removed. */
#include <limits.h>
#include <stdio.h>
#include "cli/commands.h"
#include "lib/loader.h"
#include "lib/out.h"
#include "lib/pin.h"

const struct xs_opt detach_opts[] = {
	{ "dev", 'd', "IF", "interface to detach from (required)", NULL },
	{ "keep-maps", 0, NULL, "leave the pinned maps (state for a restart)", NULL },
	XS_OPT_PIN_DIR,
	XS_COMMON_OPTS,
	{ NULL },
};

int cmd_detach(struct xs_args *a)
{
	const char *dev = xs_arg(a, "dev");
	char dir[PATH_MAX];
	int ifindex, err;

	ifindex = xs_arg_ifindex(a, "dev");
	if (ifindex < 0)
		return ifindex;
	err = xs_pin_dir(xs_arg(a, "pin-dir"), dev, dir, sizeof(dir));
	err = err ?: xs_detach(dev, ifindex);
	if (err)
		return err;
	if (!xs_flag(a, "keep-maps"))
		err = xs_pin_remove(dir);
	if (!err && !out_is_json())
		printf("xsteer detached from %s\n", dev);
	return err;
}
