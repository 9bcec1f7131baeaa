// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer attach: the XDP program alone (no datapath), its maps pinned. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "xdp/xs_shared.h"
#include "cli/commands.h"
#include "lib/config.h"
#include "lib/loader.h"
#include "lib/out.h"
#include "lib/pin.h"

static const char *const fastpath_modes[] = { "auto", "redirect", "pass", NULL };
static const char *const attach_modes[] = { "native", "skb", NULL };

const struct xs_opt attach_opts[] = {
	XS_ATTACH_OPTS,
	XS_COMMON_OPTS,
	{ NULL },
};

static int attach_parse(struct xs_args *a, struct xs_attach_req *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->dev = xs_arg(a, "dev");
	r->uplink = xs_arg(a, "uplink");
	r->ifindex = xs_arg_ifindex(a, "dev");
	if (r->ifindex < 0)
		return r->ifindex;
	if (r->uplink) {
		r->up_ifindex = xs_arg_ifindex(a, "uplink");
		if (r->up_ifindex < 0)
			return r->up_ifindex;
	}
	r->mode = xs_arg_choice(a, "mode", attach_modes, 0);
	r->fastpath = xs_arg_choice(a, "fastpath", fastpath_modes, XS_FASTPATH_AUTO);
	if (r->mode < 0 || r->fastpath < 0)
		return -EINVAL;
	if (r->fastpath == XS_FASTPATH_REDIRECT && !r->uplink) {
		xs_error("%s: --fastpath redirect needs --uplink", a->cmd->name);
		return -EINVAL;
	}
	err = xs_arg_u32(a, "flow-table-size", 1, 1U << 24, XS_FLOW_TABLE_DEFAULT,
			 &r->flow_size);
	err = err ?: xs_arg_u32(a, "steer-table-size", 1, 1U << 20, XS_STEER_TABLE_DEFAULT,
				&r->steer_size);
	err = err ?: xs_pin_dir(xs_arg(a, "pin-dir"), r->dev, r->dir, sizeof(r->dir));
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
		out_kv_str("mode", attach_modes[r.mode]);
		out_kv_str("fastpath", r.redirect ? "redirect" : "pass");
		out_kv_str("pin_dir", r.dir);
		out_kv_u64("prog_id", r.prog_id);
		out_obj_end();
	} else {
		printf("xsteer attached to %s (%s mode, program id %u); fast path: %s%s; maps in %s\n",
		       r.dev, attach_modes[r.mode], r.prog_id,
		       r.redirect ? "redirect to " : "kernel forwarding",
		       r.redirect ? r.uplink : "", r.dir);
	}
	return 0;
}
