// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "daemon/metrics.h"
#include "daemon/stats.h"

struct family {
	const char *prefix;	/* counter name prefix in the JSON, or the name */
	const char *metric;
	const char *label;	/* NULL: the name is the whole counter */
	const char *help;
};

/* XDP counters, grouped into labelled families; the rest stand alone. */
static const struct family xdp_families[] = {
	{ "verdict_", "xsteer_xdp_verdicts_total", "verdict",
	  "Packets by XDP verdict: fastpath (redirected), xsk (to AF_XDP), pass (kernel), drop." },
	{ "pass_", "xsteer_xdp_passed_total", "reason",
	  "Packets handed to the kernel (XDP_PASS), by reason." },
	{ "drop_", "xsteer_xdp_dropped_total", "reason", "Malformed packets dropped, by reason." },
	{ "tcp_", "xsteer_xdp_tcp_signals_total", "signal",
	  "TCP congestion signals seen on the egress path." },
	{ "move_", "xsteer_xdp_moves_total", "when",
	  "Pending path moves made by the datapath: at a flowlet gap or forced at the deadline." },
	{ "event_", "xsteer_xdp_events_total", "event", "Ring-buffer events to the controller." },
	{ NULL, NULL, NULL, NULL },
};

static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

/* A sample's name and labels; its value follows. */
static void labels(FILE *f, const char *metric, const char *tenant, const char *lname,
		   const char *lval, const char *extra)
{
	fprintf(f, "%s{tenant=\"", metric);
	label_value(f, tenant);
	fputc('"', f);
	if (lname) {
		fprintf(f, ",%s=\"", lname);
		label_value(f, lval);
		fputc('"', f);
	}
	if (extra)
		fprintf(f, ",%s", extra);
	fputs("} ", f);
}

static void sample(FILE *f, const char *metric, const char *tenant, const char *lname,
		   const char *lval, const char *extra, unsigned long long v)
{
	labels(f, metric, tenant, lname, lval, extra);
	fprintf(f, "%llu\n", v);
}

/* A JSON number or boolean as a sample's value: a double keeps its fraction. */
static void json_value(FILE *f, json_object *v)
{
	if (json_object_is_type(v, json_type_double))
		fprintf(f, "%.3f\n", json_object_get_double(v));
	else
		fprintf(f, "%llu\n", (unsigned long long)json_object_get_uint64(v));
}

static void header(FILE *f, const char *metric, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

static unsigned long long u64_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_uint64(v) : 0;
}

static void render_xdp(FILE *f, const char *tenant, json_object *xdp)
{
	const struct family *fam;
	char metric[128];

	for (fam = xdp_families; fam->prefix; fam++) {
		size_t len = strlen(fam->prefix);

		header(f, fam->metric, "counter", fam->help);
		json_object_object_foreach(xdp, k, v)
			if (!strncmp(k, fam->prefix, len))
				sample(f, fam->metric, tenant, fam->label, k + len, NULL,
				       json_object_get_uint64(v));
	}
	json_object_object_foreach(xdp, k, v) {
		bool grouped = false;

		for (fam = xdp_families; fam->prefix; fam++)
			grouped |= !strncmp(k, fam->prefix, strlen(fam->prefix));
		if (grouped)
			continue;
		snprintf(metric, sizeof(metric), "xsteer_xdp_%s_total", k);
		header(f, metric, "counter", "XDP program counter (see xsteer(8), STATISTICS).");
		sample(f, metric, tenant, NULL, NULL, NULL, json_object_get_uint64(v));
	}
}

/* A family of stand-alone counters and gauges: kind and help from its list. */
static void render_group(FILE *f, const char *tenant, json_object *grp, const char *pfx,
			 const struct xs_stat_desc *desc)
{
	char metric[128];
	json_object *v;

	for (; desc->name; desc++) {
		bool gauge = desc->kind == XS_GAUGE;

		if (!json_object_object_get_ex(grp, desc->name, &v))
			continue;
		snprintf(metric, sizeof(metric), "xsteer_%s_%s%s", pfx, desc->name,
			 gauge ? "" : "_total");
		header(f, metric, gauge ? "gauge" : "counter", desc->help);
		labels(f, metric, tenant, NULL, NULL, NULL);
		json_value(f, v);
	}
}

/* One sample of a per-path family: labelled with the path's id and pool. */
static void path_sample(FILE *f, const char *metric, const char *tenant, json_object *p,
			unsigned long long value)
{
	json_object *v;
	const char *pool = json_object_object_get_ex(p, "pool", &v) ? json_object_get_string(v) : "";
	char id[16], extra[160];

	snprintf(id, sizeof(id), "%llu", u64_of(p, "id"));
	snprintf(extra, sizeof(extra), "pool=\"%s\"", pool);
	sample(f, metric, tenant, "path", id, extra, value);
}

static void render_paths(FILE *f, const char *tenant, json_object *paths)
{
	static const struct { const char *key, *metric, *type, *help; } cols[] = {
		{ "tx_packets", "xsteer_path_tx_packets_total", "counter",
		  "Packets sent on the path (after encapsulation)." },
		{ "tx_bytes", "xsteer_path_tx_bytes_total", "counter",
		  "IPv6 bytes sent on the path, headers included." },
		{ "flows", "xsteer_path_flows", "gauge", "Flows assigned to the path." },
		{ "load_bps", "xsteer_path_load_bits_per_second", "gauge",
		  "Sum of the assigned flows' rates at assignment." },
	};
	size_t c, i, n = json_object_array_length(paths);

	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		header(f, cols[c].metric, cols[c].type, cols[c].help);
		for (i = 0; i < n; i++) {
			json_object *p = json_object_array_get_idx(paths, i);

			path_sample(f, cols[c].metric, tenant, p, u64_of(p, cols[c].key));
		}
	}
}

static bool same_segments(json_object *a, json_object *b)
{
	size_t i, n = json_object_array_length(a);

	if (!json_object_is_type(a, json_type_array) || !json_object_is_type(b, json_type_array) ||
	    json_object_array_length(b) != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)),
			   json_object_get_string(json_object_array_get_idx(b, i))))
			return false;
	return true;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

/*
 * The other daemons' load and flows on a local path (path: its JSON in
 * `xsteer paths`): the sum over their paths with the same segment list,
 * every daemon of the view but this one (self: the view's "fleet").
 */
static void fleet_on_path(json_object *view, json_object *self, json_object *path,
			  unsigned long long *bps, unsigned long long *flows)
{
	json_object *hosts, *h, *hp, *segs, *q, *qs;
	size_t i, j;

	*bps = *flows = 0;
	if (!json_object_object_get_ex(view, "hosts", &hosts) ||
	    !json_object_object_get_ex(path, "segments", &segs))
		return;
	for (i = 0; i < json_object_array_length(hosts); i++) {
		h = json_object_array_get_idx(hosts, i);
		if ((!strcmp(str_of(h, "host"), str_of(self, "host")) &&
		     !strcmp(str_of(h, "tenant"), str_of(self, "tenant"))) ||
		    !json_object_object_get_ex(h, "paths", &hp))
			continue;
		for (j = 0; j < json_object_array_length(hp); j++) {
			q = json_object_array_get_idx(hp, j);
			if (!json_object_object_get_ex(q, "segments", &qs) || !same_segments(segs, qs))
				continue;
			*bps += u64_of(q, "load_bps");
			*flows += u64_of(q, "flows");
		}
	}
}

static void render_fleet_paths(FILE *f, const char *tenant, json_object *view,
			       json_object *self, json_object *paths)
{
	static const struct { const char *metric, *help; } cols[] = {
		{ "xsteer_path_fleet_load_bits_per_second",
		  "The other daemons' load on paths with this path's segments (their flows' current rates), as of the fleet view." },
		{ "xsteer_path_fleet_flows",
		  "The other daemons' flows on paths with this path's segments, as of the fleet view." },
	};
	size_t c, i, n = json_object_array_length(paths);
	unsigned long long v[2];

	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		header(f, cols[c].metric, "gauge", cols[c].help);
		for (i = 0; i < n; i++) {
			json_object *p = json_object_array_get_idx(paths, i);

			fleet_on_path(view, self, p, &v[0], &v[1]);
			path_sample(f, cols[c].metric, tenant, p, v[c]);
		}
	}
}

/*
 * The view's load per segment (SID), every daemon's paths through it, this
 * one's too: the sum the choice adds up, by segment (`xsteer fleet`'s
 * "segments").
 */
static void render_fleet_segments(FILE *f, const char *tenant, json_object *view)
{
	static const struct { const char *key, *metric, *help; } cols[] = {
		{ "load_bps", "xsteer_fleet_segment_load_bits_per_second",
		  "Every daemon's load (their flows' current rates) on paths through this segment, this one's included, as of the fleet view." },
		{ "paths", "xsteer_fleet_segment_paths",
		  "Every daemon's paths through this segment, as of the fleet view." },
	};
	json_object *segs;
	size_t c, i, n;

	if (!json_object_object_get_ex(view, "segments", &segs) ||
	    !json_object_is_type(segs, json_type_array))
		return;
	n = json_object_array_length(segs);
	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		header(f, cols[c].metric, "gauge", cols[c].help);
		for (i = 0; i < n; i++) {
			json_object *s = json_object_array_get_idx(segs, i);

			sample(f, cols[c].metric, tenant, "sid", str_of(s, "sid"), NULL,
			       u64_of(s, cols[c].key));
		}
	}
}

/* Fleet mode's figures, from the view `xsteer fleet` shows (NULL: fleet mode off). */
static void render_fleet(FILE *f, const char *tenant, json_object *view, json_object *paths)
{
	json_object *self, *age;

	header(f, "xsteer_fleet_enabled", "gauge",
	       "1 in fleet mode ([fleet] endpoints set); the other xsteer_fleet_ families only then.");
	sample(f, "xsteer_fleet_enabled", tenant, NULL, NULL, NULL, view != NULL);
	if (!view || !json_object_object_get_ex(view, "fleet", &self))
		return;
	render_group(f, tenant, self, "fleet", xs_fleet_stat_desc);
	if (json_object_object_get_ex(self, "view_age_s", &age) && age) {
		header(f, "xsteer_fleet_view_age_seconds", "gauge",
		       "Time since the last successful read of every daemon's figures from etcd.");
		labels(f, "xsteer_fleet_view_age_seconds", tenant, NULL, NULL, NULL);
		json_value(f, age);
	}
	if (paths)
		render_fleet_paths(f, tenant, view, self, paths);
	render_fleet_segments(f, tenant, view);
}

void xs_prom_render(FILE *f, const char *tenant, json_object *status,
		    json_object *stats, json_object *paths, json_object *fleet)
{
	json_object *grp;

	header(f, "xsteer_up", "gauge", "1 while the xsteer daemon answers.");
	sample(f, "xsteer_up", tenant, NULL, NULL, NULL, 1);
	/* a textfile a dead daemon left keeps saying 1: its age tells */
	header(f, "xsteer_metrics_timestamp_seconds", "gauge",
	       "When these figures were taken (Unix time); the textfile is rewritten every second.");
	sample(f, "xsteer_metrics_timestamp_seconds", tenant, NULL, NULL, NULL,
	       (unsigned long long)time(NULL));
	header(f, "xsteer_heavy_hitters", "gauge", "Flows currently classified as heavy hitters.");
	sample(f, "xsteer_heavy_hitters", tenant, NULL, NULL, NULL, u64_of(status, "heavy_hitters"));
	header(f, "xsteer_steered_flows", "gauge", "Flows currently on an SRv6 path.");
	sample(f, "xsteer_steered_flows", tenant, NULL, NULL, NULL, u64_of(status, "steered"));
	if (json_object_object_get_ex(stats, "xdp", &grp))
		render_xdp(f, tenant, grp);
	if (json_object_object_get_ex(stats, "datapath", &grp))
		render_group(f, tenant, grp, "datapath", xs_dp_stat_desc);
	if (json_object_object_get_ex(stats, "controller", &grp))
		render_group(f, tenant, grp, "controller", xs_ctl_stat_desc);
	if (paths)
		render_paths(f, tenant, paths);
	render_fleet(f, tenant, fleet, paths);
}

/*
 * node_exporter reads *.prom: write a temp file beside it, then rename it
 * over. The directory may belong to another user (node_exporter's), who
 * could plant a symlink or a file at any name there, so nothing here
 * follows a name: the temp file gets a random name and is created with
 * O_CREAT | O_EXCL | O_NOFOLLOW (a planted link or file makes it fail, not
 * write elsewhere), it is written and chmod'ed through its fd, and rename(2)
 * replaces whatever sits at the final name without following it. The
 * directory is opened once per write with O_DIRECTORY, and the temp and
 * final names are resolved in it (openat, renameat, unlinkat), so the
 * directory cannot be switched under us between the steps.
 */
static int open_temp(int dfd, const char *base, char *name, size_t len)
{
	unsigned char rnd[6];
	int fd, tries;

	for (tries = 0; tries < 16; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		snprintf(name, len, ".%s.%02x%02x%02x%02x%02x%02x.tmp", base, rnd[0], rnd[1],
			 rnd[2], rnd[3], rnd[4], rnd[5]);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int xs_prom_write_file(const char *path, const char *tenant, json_object *status,
		       json_object *stats, json_object *paths, json_object *fleet)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base = strrchr(path, '/');
	int dfd, fd, err = 0;
	FILE *f;

	if (base) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(base - path) ? (int)(base - path) : 1, path);
		base++;
	} else {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	}
	if (!*base || strlen(base) > NAME_MAX - 24)
		return -ENAMETOOLONG;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = open_temp(dfd, base, tmp, sizeof(tmp));
	if (fd < 0) {
		close(dfd);
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto out;
	}
	xs_prom_render(f, tenant, status, stats, paths, fleet);
	/*
	 * No fsync: the file is rewritten every second and worthless after a
	 * crash anyway; rename alone makes each version whole for the reader,
	 * and an fsync would stall the controller's loop on a busy disk.
	 */
	if (fflush(f) || fchmod(fd, 0644))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && renameat(dfd, tmp, dfd, base))
		err = -errno;
out:
	if (err)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return err;
}
