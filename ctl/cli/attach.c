// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer attach: the XDP program alone (no datapath), its maps pinned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xdp/xs_shared.h"
#include "cli/commands.h"
#include "lib/config.h"
#include "lib/loader.h"
#include "lib/out.h"
#include "lib/pin.h"


/* attach's options are configuration keys (cli/cfgopts.c): parsed as the file's */
static int attach_parse(struct xs_args *a, struct xs_attach_req *r)
{
	struct xs_cfg *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	xs_cfg_defaults(c, NULL);
	err = xs_cfg_apply_args(c, a);
	if (err)
		goto out;
	r->dev = xs_arg(a, "dev");
	r->uplink = xs_arg(a, "uplink");
	r->ifindex = xs_arg_ifindex(a, "dev");
	if (r->ifindex < 0) {
		err = r->ifindex;
		goto out;
	}
	if (r->uplink) {
		r->up_ifindex = xs_arg_ifindex(a, "uplink");
		if (r->up_ifindex < 0) {
			err = r->up_ifindex;
			goto out;
		}
	}
	r->mode = c->xdp_mode;
	r->fastpath = c->fastpath;
	r->flow_size = c->flow_table_size;
	r->steer_size = c->steer_table_size;
	if (r->fastpath == XS_FASTPATH_REDIRECT && !r->uplink) {
		xs_error("%s: --fastpath redirect needs --uplink", a->cmd->name);
		err = -EINVAL;
		goto out;
	}
	err = xs_pin_dir(xs_arg(a, "pin-dir"), r->dev, r->dir, sizeof(r->dir));
out:
	free(c);
	return err;
}

int cmd_attach(struct xs_args *a)
{
	struct xs_attach_req r;
	int err;

	err = attach_parse(a, &r);
	err = err ?: xs_attach(&r);
	if (err)
		return err;
	if (out_is_json()) {
		out_obj_begin();
		out_kv_str("dev", r.dev);
		out_kv_str("mode", xs_xdp_mode_names[r.mode]);
		out_kv_str("fastpath", xs_fastpath_names[r.redirect ? XS_FASTPATH_REDIRECT : XS_FASTPATH_PASS]);
		out_kv_str("pin_dir", r.dir);
		out_kv_u64("prog_id", r.prog_id);
		out_obj_end();
	} else {
		printf("xsteer attached to %s (%s mode, program id %u); fast path: %s%s; maps in %s\n",
		       r.dev, xs_xdp_mode_names[r.mode], r.prog_id,
		       r.redirect ? "redirect to " : "kernel forwarding",
		       r.redirect ? r.uplink : "", r.dir);
	}
	return 0;
}
