// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Desired paths from etcd: one JSON value per path, parsed with the same
 * checks and messages as a [path NAME] of the config file, and merged with
 * the file's paths (the fleet's definition of an id wins). Pure functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "fleet.h"
#include "afxdp/srv6.h"

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= sizeof(((struct xs_cfg_path *)0)->name))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

int xs_fleet_policy_parse(const char *name, const char *json, enum xs_encap_mode def_mode,
			  struct xs_cfg_path *p, char *err, size_t errlen)
{
	json_object *o = json_tokener_parse(json), *v;
	char why[160], sids[XS_SIDS_MAX * 48] = "";
	const char *s;
	int rc = -EINVAL, n;
	int64_t id;

	memset(p, 0, sizeof(*p));
	if (!name_ok(name)) {
		snprintf(err, errlen, "bad path name '%.40s': expected 1 to %zu letters, digits, "
			 "'-', '_' or '.'", name, sizeof(p->name) - 1);
		goto out;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s: not a JSON object", name);
		goto out;
	}
	if (!json_object_object_get_ex(o, "id", &v)) {
		snprintf(err, errlen, "%s: 'id' is missing", name);
		goto out;
	}
	id = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || id < 0 || id >= XS_PATHS_MAX) {
		snprintf(err, errlen, "%s: bad id '%s': expected a whole number from 0 to %d", name,
			 json_object_get_string(v), XS_PATHS_MAX - 1);
		goto out;
	}
	p->id = (uint32_t)id;
	p->pool = XS_POOL_HEAVY;
	if (json_object_object_get_ex(o, "pool", &v)) {
		s = json_object_get_string(v);
		if ((n = xs_pool_parse(s)) < 0) {
			snprintf(err, errlen, "%s: bad pool '%s': expected heavy, default or disjoint",
				 name, s);
			goto out;
		}
		p->pool = n;
	}
	p->mode = def_mode;
	if (json_object_object_get_ex(o, "encap", &v) || json_object_object_get_ex(o, "mode", &v)) {
		s = json_object_get_string(v);
		if ((n = xs_encap_mode_parse(s)) < 0) {
			snprintf(err, errlen, "%s: bad encap '%s': expected encap, encap.red or inline",
				 name, s);
			goto out;
		}
		p->mode = n;
	}
	s = json_object_object_get_ex(o, "prefix", &v) ? json_object_get_string(v) : "::/0";
	n = xs_parse_prefix(s, &p->prefix, &p->plen);
	if (n) {
		snprintf(err, errlen, "%s: bad prefix '%s': %s", name, s,
			 n == -EDOM ? "host bits are set" : n == -ERANGE ? "length too long" :
			 "expected a prefix like fd00:2::/64 or 198.51.100.0/24");
		goto out;
	}
	if (!json_object_object_get_ex(o, "segments", &v)) {
		snprintf(err, errlen, "%s: 'segments' is missing", name);
		goto out;
	}
	if (json_object_is_type(v, json_type_array)) {
		size_t i, off = 0;

		for (i = 0; i < json_object_array_length(v) && off < sizeof(sids); i++)
			off += snprintf(sids + off, sizeof(sids) - off, "%s%s", i ? "," : "",
					json_object_get_string(json_object_array_get_idx(v, i)));
	} else {
		snprintf(sids, sizeof(sids), "%s", json_object_get_string(v));
	}
	n = xs_sid_list_parse(sids, p->sids, XS_SIDS_MAX, why, sizeof(why));
	if (n <= 0) {
		snprintf(err, errlen, "%s: bad segments '%.80s': %s", name, sids,
			 n ? why : "no SID");
		goto out;
	}
	p->nsids = n;
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

unsigned int xs_fleet_merge_paths(const struct xs_cfg_path *file, unsigned int nfile,
				  const struct xs_cfg_path *fleet, unsigned int nfleet,
				  struct xs_cfg_path *out)
{
	unsigned int n = 0, i, j;

	for (i = 0; i < nfile && n < XS_PATHS_MAX; i++) {
		for (j = 0; j < nfleet; j++)
			if (fleet[j].id == file[i].id)
				break;
		if (j == nfleet)
			out[n++] = file[i];
	}
	for (j = 0; j < nfleet && n < XS_PATHS_MAX; j++) {
		/* two fleet keys with one id: the first (in key order) wins */
		for (i = 0; i < j; i++)
			if (fleet[i].id == fleet[j].id)
				break;
		if (i == j)
			out[n++] = fleet[j];
	}
	return n;
}
