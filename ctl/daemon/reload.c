// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SIGHUP: reload thresholds and paths without dropping traffic. */
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "daemon/internal.h"

void daemon_reload(struct xs_daemon *d)
{
	struct xs_cfg *nc;
	char err[512];

	if (!d->o->config_file) {
		pr_warn("SIGHUP: no --config file to reload\n");
		return;
	}
	nc = malloc(sizeof(*nc));
	if (!nc)
		return;
	*nc = d->cfg;
	nc->npaths = 0;
	if (xs_cfg_load(nc, d->o->config_file, err, sizeof(err)) ||
	    xs_cfg_validate(nc, err, sizeof(err)) ||
	    daemon_check_reserve(d, nc, err, sizeof(err))) {
		pr_warn("SIGHUP: keeping the running configuration: %s\n", err);
		free(nc);
		return;
	}
	/* thresholds and periods: the schema's keys marked reloadable */
	xs_cfg_copy_reloadable(&d->cfg, nc);
	daemon_class_cfg(d);
	daemon_write_xdp_config(d);
	/* paths: the file's, under the fleet's desired ones ([fleet] needs a restart) */
	memcpy(d->cfg.paths, nc->paths, sizeof(nc->paths));
	d->cfg.npaths = nc->npaths;
	daemon_apply_paths(d);
	free(nc);
	pr_warn("SIGHUP: configuration reloaded from %s\n", d->o->config_file);
}
