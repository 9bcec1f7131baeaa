// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: the configuration schema (ctl/lib/cfgkey.c) against what is
 * derived from it and what documents it: defaults, SIGHUP's copy, run's
 * options, and docs/xsteer.conf.example (whose keys tests/ops/test-docs
 * checks against the man page). Run from the source tree's root.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/commands.h"
#include "lib/config.h"

#define EXAMPLE "docs/xsteer.conf.example"

/* The line "key = value" (or ";key = value") of key in [sect] of the example. */
static bool example_value(const char *sect, const char *key, char *val, size_t n)
{
	char line[512], cur[64] = "", *p, *eq;
	FILE *f = fopen(EXAMPLE, "r");
	bool found = false;

	cr_assert_not_null(f, "%s: cannot open (run the tests from the source root)", EXAMPLE);
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '[') {
			snprintf(cur, sizeof(cur), "%.*s", (int)strcspn(line + 1, " ]"), line + 1);
			continue;
		}
		p = line[0] == ';' ? line + 1 : line;
		eq = strstr(p, " = ");
		if (!eq || strcmp(cur, sect) || (size_t)(eq - p) != strlen(key) ||
		    strncmp(p, key, eq - p))
			continue;
		snprintf(val, n, "%.*s", (int)strcspn(eq + 3, " ;"), eq + 3);
		found = true;
	}
	fclose(f);
	return found;
}

Test(schema, every_key_in_the_example_with_its_default)
{
	const struct xs_cfg_key *k;
	char val[256], def[256];
	size_t n, i;

	k = xs_cfg_keys(&n);
	cr_assert_gt(n, 30);
	for (i = 0; i < n; i++) {
		cr_assert(example_value(xs_cfg_sect_names[k[i].sect], k[i].name, val, sizeof(val)),
			  "[%s] %s is not in %s", xs_cfg_sect_names[k[i].sect], k[i].name, EXAMPLE);
		if (k[i].tenant_rule)
			xs_tenant_name(k[i].name, "<tenant>", def, sizeof(def));
		else if (k[i].def)
			snprintf(def, sizeof(def), "%s", k[i].def);
		else
			continue;	/* sr-source, metrics-file: an example, no default */
		cr_expect_str_eq(val, def, "[%s] %s: the example says '%s', the schema '%s'",
				 xs_cfg_sect_names[k[i].sect], k[i].name, val, def);
	}
}

Test(schema, defaults_are_the_schemas_and_round_trip)
{
	const struct xs_cfg_key *k;
	struct xs_cfg c;
	char buf[256], why[200];
	size_t n, i;

	k = xs_cfg_keys(&n);
	xs_cfg_defaults(&c, "a");
	for (i = 0; i < n; i++) {
		if (!k[i].def && !k[i].tenant_rule)
			continue;
		xs_cfg_key_format(&c, &k[i], buf, sizeof(buf));
		if (k[i].tenant_rule) {
			char want[256];

			xs_tenant_name(k[i].name, "a", want, sizeof(want));
			cr_expect_str_eq(buf, want, "%s", k[i].name);
		} else {
			cr_expect_str_eq(buf, k[i].def, "%s: default %s, formatted %s", k[i].name,
					 k[i].def, buf);
		}
		cr_expect_eq(xs_cfg_key_set(&c, &k[i], buf, why, sizeof(why)), 0, "%s: %s",
			     k[i].name, why);
	}
	cr_expect_eq(xs_cfg_validate(&c, buf, sizeof(buf)), 0, "%s", buf);
}

Test(schema, tenant_rule_names_devices_socket_and_pins)
{
	char buf[128];

	cr_assert_eq(xs_tenant_name("dev", "blue", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "xs-blue-h");
	cr_assert_eq(xs_tenant_name("control-socket", "blue", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "/run/xsteer/blue.sock");
	cr_assert_eq(xs_tenant_name("pin-dir", "blue", buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "/sys/fs/bpf/xsteer/blue");
	cr_expect_eq(xs_tenant_name("heavy-rate", "blue", buf, sizeof(buf)), -ENOENT);
}

/* SIGHUP copies exactly the keys marked reloadable, whole fields. */
Test(schema, reload_copies_the_reloadable_keys_only)
{
	const struct xs_cfg_key *k;
	struct xs_cfg a, b;
	size_t n, i, j;
	unsigned int nreload = 0;

	k = xs_cfg_keys(&n);
	memset(&a, 0x11, sizeof(a));
	memset(&b, 0x22, sizeof(b));
	xs_cfg_copy_reloadable(&a, &b);
	for (i = 0; i < n; i++) {
		const unsigned char *f = (const unsigned char *)&a + k[i].off;
		unsigned char want = k[i].flags & XS_KF_RELOAD ? 0x22 : 0x11;

		nreload += !!(k[i].flags & XS_KF_RELOAD);
		for (j = 0; j < k[i].size; j++)
			cr_expect_eq(f[j], want, "%s byte %zu", k[i].name, j);
	}
	cr_expect_eq(nreload, 19);
	cr_expect_eq(a.npaths, 0x11111111u, "paths are reloaded by their own rule");
}

Test(schema, run_options_come_from_the_schema)
{
	const struct xs_cfg_key *k;
	size_t n, i;
	const struct xs_opt *o;
	unsigned int keys = 0;

	xs_cli_opts_init();
	k = xs_cfg_keys(&n);
	for (i = 0; i < n; i++) {
		if (!k[i].flag)
			continue;
		keys++;
		for (o = run_opts; o->name && strcmp(o->name, k[i].flag); o++)
			;
		cr_assert_not_null(o->name, "--%s (key %s) is not an option of run", k[i].flag,
				   k[i].name);
		cr_expect_eq(o->short_name, k[i].short_flag, "--%s", o->name);
		cr_expect_str_eq(o->metavar, k[i].metavar, "--%s", o->name);
		cr_expect_eq(xs_cfg_key_by_flag(o->name), &k[i]);
	}
	cr_expect_eq(keys, 20);	/* 16, and [fleet]'s endpoints, prefix, host, lease-ttl */
	for (o = run_opts; o->name && strcmp(o->name, "mode"); o++)
		;
	cr_expect_str_eq(o->help, "XDP mode: native or skb");
	cr_expect_str_eq(o->def, "native");
}

Test(schema, choices_are_one_list_each)
{
	char buf[80];

	xs_choices_join(xs_encap_mode_names, buf, sizeof(buf));
	cr_expect_str_eq(buf, "encap, encap.red or inline");
	xs_choices_join(xs_pool_names, buf, sizeof(buf));
	cr_expect_str_eq(buf, "heavy, default or disjoint");
	xs_choices_join(xs_fastpath_names, buf, sizeof(buf));
	cr_expect_str_eq(buf, "auto, redirect or pass");
	cr_expect_eq(xs_choice_parse(xs_xdp_mode_names, "skb"), XS_XDP_SKB);
	cr_expect_eq(xs_choice_parse(xs_xdp_mode_names, "generic"), -EINVAL);
}
