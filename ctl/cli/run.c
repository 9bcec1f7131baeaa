// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer run: the daemon. Configuration comes from the tenant's defaults,
 * then --config FILE, then the command line; ctl/daemon/ does the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "cli/commands.h"
#include "lib/config.h"
#include "daemon/daemon.h"
#include "lib/out.h"
#include "lib/pin.h"
#include "afxdp/srv6.h"

static int parse_one_path(struct xs_cfg *c, char *spec)
{
	char *id_s = strtok(spec, ","), *mode_s = strtok(NULL, ","), *src_s = strtok(NULL, ",");
	char *sids_s = strtok(NULL, ""), err[160], *end;
	struct xs_cfg_path *p;
	struct in6_addr src;
	unsigned long id;
	int mode, n;
	unsigned int i;

	if (!id_s || !mode_s || !src_s || !sids_s) {
		xs_error("run: bad --path '%s': expected ID,MODE,SRC,SID[,SID...]", spec);
		return -EINVAL;
	}
	id = strtoul(id_s, &end, 10);
	if (*end || id >= XS_PATHS_MAX) {
		xs_error("run: bad path id '%s': expected 0 to %d", id_s, XS_PATHS_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < c->npaths; i++)
		if (c->paths[i].id == id) {
			xs_error("run: path id %lu given twice", id);
			return -EINVAL;
		}
	mode = xs_encap_mode_parse(mode_s);
	if (mode < 0) {
		xs_choices_join(xs_encap_mode_names, err, sizeof(err));
		xs_error("run: bad encap mode '%s' for path %lu: expected %s", mode_s, id, err);
		return -EINVAL;
	}
	if (inet_pton(AF_INET6, src_s, &src) != 1) {
		xs_error("run: bad source address '%s' for path %lu", src_s, id);
		return -EINVAL;
	}
	if (c->sr_source_set && memcmp(&src, &c->sr_source, sizeof(src))) {
		xs_error("run: path %lu: source '%s' differs from the tenant's SR source; "
			 "all paths share one", id, src_s);
		return -EINVAL;
	}
	c->sr_source = src;
	c->sr_source_set = true;
	p = &c->paths[c->npaths];
	memset(p, 0, sizeof(*p));
	n = xs_sid_list_parse(sids_s, p->sids, XS_SIDS_MAX, err, sizeof(err));
	if (n < 0) {
		xs_error("run: path %lu: %s", id, err);
		return n;
	}
	p->nsids = n;
	p->id = id;
	p->mode = mode;
	/*
	 * Not the heavy pool: the controller only steers onto paths the config
	 * file gives it; these are for `xsteer steer add` (tests, operators).
	 */
	p->pool = XS_POOL_DEFAULT;
	xs_parse_prefix("::/0", &p->prefix, &p->plen);
	snprintf(p->name, sizeof(p->name), "cli-%lu", id);
	c->npaths++;
	return 0;
}

static int parse_paths(struct xs_cfg *c, const char *arg)
{
	char *copy, *save = NULL, *tok;
	int err = 0;

	if (!arg)
		return 0;
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ";", &save); tok && !err; tok = strtok_r(NULL, ";", &save)) {
		if (c->npaths == XS_PATHS_MAX) {
			xs_error("run: too many paths (at most %d)", XS_PATHS_MAX);
			err = -E2BIG;
			break;
		}
		err = parse_one_path(c, tok);
	}
	free(copy);
	return err;
}

static int run_cfg(struct xs_args *a, struct xs_cfg *c)
{
	const char *tenant = xs_arg(a, "tenant"), *file = xs_arg(a, "config");
	char err[512];
	int rc;

	if (tenant && !xs_tenant_name_ok(tenant)) {
		xs_error("run: bad tenant name '%s': 1 to 10 of a-z, 0-9 and '-', not starting "
			 "with '-'", tenant);
		return -EINVAL;
	}
	/* without a tenant everything comes from the command line */
	xs_cfg_defaults(c, tenant);
	if (!tenant)
		snprintf(c->tenant, sizeof(c->tenant), "run");
	/*
	 * The command line goes in before the file too: the file is checked
	 * as a whole when it is read, and without a tenant the devices it
	 * lacks come from --dev and --uplink. After it, the command line wins.
	 */
	rc = xs_cfg_apply_args(c, a);
	if (rc)
		return rc;
	if (file && xs_cfg_load(c, file, err, sizeof(err))) {
		xs_error("%s", err);
		return -EINVAL;
	}
	rc = xs_cfg_apply_args(c, a);
	if (rc)
		return rc;
	if (!c->dev[0] || !c->uplink[0]) {
		xs_error("run: give --tenant (and a config), or --dev and --uplink");
		return -EINVAL;
	}
	if (!c->pin_dir[0])
		xs_pin_dir(NULL, c->dev, c->pin_dir, sizeof(c->pin_dir));
	rc = parse_paths(c, xs_arg(a, "path"));
	if (rc)
		return rc;
	if (xs_cfg_validate(c, err, sizeof(err))) {
		xs_error("%s%s%s", file ? file : "", file ? ": " : "", err);
		return -EINVAL;
	}
	return 0;
}

int cmd_run(struct xs_args *a)
{
	struct xs_daemon_opts o = {
		.tenant = xs_arg(a, "tenant"),
		.config_file = xs_arg(a, "config"),
		.no_need_wakeup = xs_flag(a, "no-need-wakeup"),
		.no_encap = xs_flag(a, "no-encap"),
		.keep_caps = xs_flag(a, "keep-caps"),
	};
	struct xs_cfg *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	err = run_cfg(a, c);
	err = err ?: xs_daemon_run(c, &o);
	free(c);
	return err;
}
