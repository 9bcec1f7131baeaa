// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The counter families' descriptions (daemon/stats.h) and the controller's snapshot. */
#include <stddef.h>
#include "daemon/internal.h"

#define XS_DESC(n, kind, help) { #n, kind, help },
const struct xs_stat_desc xs_ctl_stat_desc[] = {
	XS_CTL_STATS(XS_DESC)
	{ NULL, XS_COUNTER, NULL },
};

const struct xs_stat_desc xs_fleet_stat_desc[] = {
	XS_FLEET_STATS(XS_DESC)
	{ NULL, XS_COUNTER, NULL },
};
#undef XS_DESC

#define XS_DP_DESC(n, help) { #n, XS_COUNTER, help },
const struct xs_stat_desc xs_dp_stat_desc[] = {
	XS_DP_STATS(XS_DP_DESC)
	{ NULL, XS_COUNTER, NULL },
};
#undef XS_DP_DESC

void daemon_stats(struct xs_daemon *d, struct xs_ctl_stats *out)
{
	*out = d->st;
	out->flows_tracked = d->ct.count;
	out->flows_not_tracked = d->ct.not_tracked;
	out->table_bytes = xs_ctab_bytes(&d->ct);
	out->signals_stale = d->rcount.stale;
	out->signals_transient = d->rcount.transient;
	latency_pct(d, &out->move_latency_p50_us, &out->move_latency_p99_us);
	out->move_latency_samples = d->nlat < XS_LAT_N ? d->nlat : XS_LAT_N;
}
