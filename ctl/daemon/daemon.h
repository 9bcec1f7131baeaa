/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The xsteer daemon: one per tenant. Sets up the XDP program, the AF_XDP
 * datapath and the control socket, then runs the controller loop:
 * classify flows, steer heavy hitters, age idle flows, answer the CLI.
 */
#ifndef XS_DAEMON_H
#define XS_DAEMON_H

#include <stdbool.h>
#include "lib/config.h"

struct xs_daemon_opts {
	const char *tenant;		/* --tenant (names the lock), or NULL */
	const char *config_file;	/* for SIGHUP reloads; NULL: none */
	bool no_need_wakeup;
	bool no_encap;
	bool keep_caps;			/* do not drop capabilities (debugging) */
};

/*
 * The XDP program's settings that come from the configuration (thresholds,
 * periods, the sketch's window and admission, the flow table's reserve)
 * into x; the rest of x (interface, fast path, epochs) is left alone.
 */
void xs_daemon_xdp_config(const struct xs_cfg *c, struct xs_config *x);

/* Runs until SIGTERM/SIGINT; returns 0 or -errno (already reported). */
int xs_daemon_run(struct xs_cfg *cfg, const struct xs_daemon_opts *o);

#endif
