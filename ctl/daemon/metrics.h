/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus text exposition (format 0.0.4) of the daemon's counters, for
 * `xsteer stats --format prometheus` and the node_exporter textfile.
 */
#ifndef XS_METRICS_H
#define XS_METRICS_H

#include <stdio.h>
#include <json-c/json.h>

/*
 * status, stats and paths are the control socket's answers; fleet is the
 * fleet view (`xsteer fleet`), NULL when fleet mode is off.
 */
void xs_prom_render(FILE *f, const char *tenant, json_object *status,
		    json_object *stats, json_object *paths, json_object *fleet);
/* Write the exposition to path atomically (temp file + rename). */
int xs_prom_write_file(const char *path, const char *tenant, json_object *status,
		       json_object *stats, json_object *paths, json_object *fleet);

#endif
