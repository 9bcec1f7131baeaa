// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer fleet: the fleet as etcd held it at the tenant's daemon's last read
 * (at most a publish period old): hosts and tenants, their paths with load,
 * the load per segment (SID) summed over every host, the heavy hitters. The
 * daemon reads etcd; the CLI needs no credentials of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "cli/client.h"
#include "cli/commands.h"
#include "lib/config.h"
#include "lib/ctlsock.h"
#include "lib/out.h"

const struct xs_opt fleet_opts[] = {
	{ "tenant", 't', "NAME", "tenant whose daemon to ask", NULL },
	{ "socket", 0, "PATH", "control socket", "/run/xsteer/<tenant>.sock" },
	XS_COMMON_OPTS,
	{ NULL },
};

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : "-";
}

static uint64_t u64(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ? json_object_get_uint64(v) : 0;
}

static const char *rate(uint64_t bps, char *buf, size_t len)
{
	cli_human_rate(bps, buf, len);
	return buf;
}

static void sids(json_object *arr, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; arr && i < json_object_array_length(arr) && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				json_object_get_string(json_object_array_get_idx(arr, i)));
}

static void print_table(json_object *rep)
{
	json_object *st, *hosts, *segs, *h, *arr, *v;
	char r[16], s[400];
	size_t i, j, nh;

	if (json_object_object_get_ex(rep, "fleet", &st))
		printf("fleet: %s, %s/%s under %s, lease %s (TTL %ss), view %ss old, "
		       "errors %s, reconnects %s, policy revision %s (%s path(s))\n",
		       json_object_get_boolean(json_object_object_get(st, "connected")) ?
		       "connected" : "etcd unreachable", str(st, "host"), str(st, "tenant"),
		       str(st, "prefix"), str(st, "lease"), str(st, "lease_ttl_s"),
		       str(st, "view_age_s"), str(st, "errors"), str(st, "reconnects"),
		       str(st, "policy_revision"), str(st, "policy_paths"));
	if (!json_object_object_get_ex(rep, "hosts", &hosts)) {
		printf("no view of the fleet yet\n");
		return;
	}
	nh = json_object_array_length(hosts);
	printf("\n%-16s %-10s %4s %-8s %8s %5s %s\n", "HOST", "TENANT", "PATH", "POOL", "LOAD",
	       "FLOWS", "SEGMENTS");
	for (i = 0; i < nh; i++) {
		h = json_object_array_get_idx(hosts, i);
		if (!json_object_object_get_ex(h, "paths", &arr))
			continue;
		for (j = 0; j < json_object_array_length(arr); j++) {
			v = json_object_array_get_idx(arr, j);
			sids(json_object_object_get(v, "segments"), s, sizeof(s));
			printf("%-16s %-10s %4s %-8s %8s %5llu %s\n", str(h, "host"), str(h, "tenant"),
			       str(v, "id"), str(v, "pool"), rate(u64(v, "load_bps"), r, sizeof(r)),
			       (unsigned long long)u64(v, "flows"), s);
		}
	}
	if (json_object_object_get_ex(rep, "segments", &segs)) {
		printf("\n%-40s %8s %5s\n", "SEGMENT", "LOAD", "PATHS");
		for (i = 0; i < json_object_array_length(segs); i++) {
			v = json_object_array_get_idx(segs, i);
			printf("%-40s %8s %5llu\n", str(v, "sid"),
			       rate(u64(v, "load_bps"), r, sizeof(r)),
			       (unsigned long long)u64(v, "paths"));
		}
	}
	printf("\n%-16s %-10s %8s %4s %s\n", "HOST", "TENANT", "RATE", "PATH", "HEAVY HITTER");
	for (i = 0; i < nh; i++) {
		h = json_object_array_get_idx(hosts, i);
		if (!json_object_object_get_ex(h, "heavy", &arr))
			continue;
		for (j = 0; j < json_object_array_length(arr); j++) {
			v = json_object_array_get_idx(arr, j);
			printf("%-16s %-10s %8s %4s %s\n", str(h, "host"), str(h, "tenant"),
			       rate(u64(v, "rate_bps"), r, sizeof(r)), str(v, "path"), str(v, "flow"));
		}
	}
}

int cmd_fleet(struct xs_args *a)
{
	const char *sock = xs_arg(a, "socket"), *tenant = xs_arg(a, "tenant");
	json_object *req, *rep, *err;
	char path[256];

	if (!sock && !tenant) {
		xs_error("fleet: give --tenant NAME (or --socket PATH)");
		return -EINVAL;
	}
	if (!sock && !xs_tenant_name_ok(tenant)) {
		xs_error("fleet: bad tenant name '%s'", tenant);
		return -EINVAL;
	}
	if (sock)
		snprintf(path, sizeof(path), "%s", sock);
	else
		snprintf(path, sizeof(path), "/run/xsteer/%s.sock", tenant);
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("fleet"));
	rep = xs_ctl_call(path, req);
	json_object_put(req);
	if (!rep)
		return -EIO;
	if (json_object_object_get_ex(rep, "error", &err)) {
		xs_error("%s", json_object_get_string(err));
		json_object_put(rep);
		return -EIO;
	}
	if (out_is_json())
		puts(json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_table(rep);
	json_object_put(rep);
	return 0;
}
