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
#include "afxdp/srv6.h"

const struct xs_opt run_opts[] = {
	{ "tenant", 't', "NAME", "tenant: names the namespace, devices, pins and socket", NULL },
	{ "config", 'c', "FILE", "configuration file (INI); SIGHUP reloads it", NULL },
	{ "dev", 'd', "IF", "host-facing interface (with --tenant: xs-<tenant>-h)", NULL },
	{ "uplink", 'u', "IF", "uplink: fast path and AF_XDP transmit (with --tenant: xs-<tenant>-u)",
	  NULL },
	{ "mode", 'm', "MODE", "XDP mode: native or skb", "native" },
	{ "fastpath", 0, "HOW", "auto, redirect or pass (kernel forwarding)", "auto" },
	{ "flow-table-size", 0, "N", "flows tracked at most", "65536" },
	{ "steer-table-size", 0, "N", "steered flows at most", "4096" },
	{ "pin-dir", 0, "DIR", "bpffs directory of the pinned maps (with --tenant: "
	  "/sys/fs/bpf/xsteer/<tenant>, else /sys/fs/bpf/xsteer/<dev>)", NULL },
	{ "netns", 0, "NAME", "enter this network namespace first (/run/netns/NAME)", "xs-<tenant>" },
	{ "host-if", 0, "IF", "host-side veth end: its offloads are checked before entering --netns", "xs-<tenant>" },
	{ "path", 'p', "SPEC", "paths for manual steering (pool default): 'ID,MODE,SRC,SID[,SID...]', ';' between", NULL },
	{ "hop-limit", 0, "N", "outer hop limit", "64" },
	{ "frames", 0, "N", "UMEM frames per queue", "4096" },
	{ "ring-size", 0, "N", "AF_XDP ring size (power of two)", "2048" },
	{ "batch", 0, "N", "frames per RX batch", "64" },
	{ "no-need-wakeup", 0, NULL, "kick TX after every batch instead of on need_wakeup", NULL },
	{ "no-encap", 0, NULL, "benchmarks only: steered frames leave without SRv6 headers", NULL },
	{ "socket", 0, "PATH", "control socket", "/run/xsteer/<tenant>.sock" },
	{ "metrics-file", 0, "PATH", "keep a node_exporter textfile (Prometheus) up to date", NULL },
	{ "keep-caps", 0, NULL, "do not drop capabilities after setup (debugging)", NULL },
	XS_COMMON_OPTS,
	{ NULL },
};

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
		xs_error("run: bad encap mode '%s' for path %lu: expected encap, encap.red or inline",
			 mode_s, id);
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

static void set_str(char *dst, size_t len, const char *v)
{
	if (v)
		snprintf(dst, len, "%s", v);
}

/* The command line's names and paths; interface names are checked, never cut. */
static int apply_names(struct xs_args *a, struct xs_cfg *c)
{
	if (xs_arg_ifname(a, "dev", c->dev, sizeof(c->dev)) < 0 ||
	    xs_arg_ifname(a, "uplink", c->uplink, sizeof(c->uplink)) < 0 ||
	    xs_arg_ifname(a, "host-if", c->host_if, sizeof(c->host_if)) < 0)
		return -EINVAL;
	set_str(c->netns, sizeof(c->netns), xs_arg(a, "netns"));
	set_str(c->pin_dir, sizeof(c->pin_dir), xs_arg(a, "pin-dir"));
	set_str(c->ctl_socket, sizeof(c->ctl_socket), xs_arg(a, "socket"));
	set_str(c->metrics_file, sizeof(c->metrics_file), xs_arg(a, "metrics-file"));
	return 0;
}

static int run_cfg(struct xs_args *a, struct xs_cfg *c)
{
	static const char *const modes[] = { "native", "skb", NULL };
	static const char *const fps[] = { "auto", "redirect", "pass", NULL };
	const char *tenant = xs_arg(a, "tenant"), *file = xs_arg(a, "config");
	char err[512];
	int v, rc = 0;

	if (tenant && !xs_tenant_name_ok(tenant)) {
		xs_error("run: bad tenant name '%s': 1 to 10 of a-z, 0-9 and '-', not starting "
			 "with '-'", tenant);
		return -EINVAL;
	}
	xs_cfg_defaults(c, tenant ? tenant : "run");
	if (!tenant) {
		/* without a tenant everything comes from the command line */
		c->netns[0] = c->host_if[0] = c->ctl_socket[0] = c->dev[0] = c->uplink[0] = '\0';
		c->pin_dir[0] = '\0';
	}
	/*
	 * The command line goes in before the file too: the file is checked
	 * as a whole when it is read, and without a tenant the devices it
	 * lacks come from --dev and --uplink. After it, the command line wins.
	 */
	if (apply_names(a, c))
		return -EINVAL;
	if (file && xs_cfg_load(c, file, err, sizeof(err))) {
		xs_error("%s", err);
		return -EINVAL;
	}
	apply_names(a, c);
	if (!c->dev[0] || !c->uplink[0]) {
		xs_error("run: give --tenant (and a config), or --dev and --uplink");
		return -EINVAL;
	}
	if (!c->pin_dir[0])
		snprintf(c->pin_dir, sizeof(c->pin_dir), "/sys/fs/bpf/xsteer/%s", c->dev);
	if ((v = xs_arg_choice(a, "mode", modes, -1)) >= 0)
		c->xdp_mode = v;
	if ((v = xs_arg_choice(a, "fastpath", fps, -1)) >= 0)
		c->fastpath = v;
	if ((xs_arg(a, "mode") && c->xdp_mode != xs_arg_choice(a, "mode", modes, -1)) ||
	    (xs_arg(a, "fastpath") && c->fastpath != xs_arg_choice(a, "fastpath", fps, -1)))
		return -EINVAL;
	if (xs_arg(a, "hop-limit")) {
		uint32_t hl;

		rc = xs_arg_u32(a, "hop-limit", 1, 255, 64, &hl);
		c->hop_limit = hl;
	}
	rc = rc ?: xs_arg_u32(a, "flow-table-size", 1, 1U << 24, c->flow_table_size,
			      &c->flow_table_size);
	rc = rc ?: xs_arg_u32(a, "steer-table-size", 1, 1U << 20, c->steer_table_size,
			      &c->steer_table_size);
	rc = rc ?: xs_arg_u32(a, "frames", 128, 1U << 20, c->umem_frames, &c->umem_frames);
	rc = rc ?: xs_arg_u32(a, "ring-size", 64, 1U << 16, c->ring_size, &c->ring_size);
	rc = rc ?: xs_arg_u32(a, "batch", 1, 1024, c->batch, &c->batch);
	rc = rc ?: parse_paths(c, xs_arg(a, "path"));
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
