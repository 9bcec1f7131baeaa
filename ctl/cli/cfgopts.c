// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Options that are configuration keys: 'run' and 'attach' take theirs from
 * the schema (ctl/lib/cfgkey.c), with its help, default and range, and
 * apply them through the same parser as the file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/client.h"
#include "lib/config.h"
#include "lib/out.h"

struct xs_opt run_opts[XS_MAX_OPTS + 1];
struct xs_opt attach_opts[XS_MAX_OPTS + 1];
struct xs_opt path_opts[XS_MAX_OPTS + 1];

static const struct xs_opt run_head[] = {
	{ "tenant", 't', "NAME", "tenant: names the namespace, devices, pins and socket", NULL },
	{ "config", 'c', "FILE", "configuration file (INI); SIGHUP reloads it", NULL },
	{ NULL },
};
static const struct xs_opt run_tail[] = {
	{ "path", 'p', "SPEC", "paths for manual steering (pool default): "
	  "'ID,MODE,SRC,SID[,SID...]', ';' between", NULL },
	{ "no-need-wakeup", 0, NULL, "kick TX after every batch instead of on need_wakeup", NULL },
	{ "no-encap", 0, NULL, "benchmarks only: steered frames leave without SRv6 headers", NULL },
	{ "keep-caps", 0, NULL, "do not drop capabilities after setup (debugging)", NULL },
	XS_COMMON_OPTS,
	{ NULL },
};
static const char *const attach_keys[] = {
	"dev", "uplink", "xdp-mode", "fastpath", "flow-table-size", "steer-table-size", NULL,
};
static const struct xs_opt attach_tail[] = { XS_OPT_PIN_DIR, XS_COMMON_OPTS, { NULL } };

static const struct xs_opt path_head[] = {
	XS_OPT_TENANT,
	{ "id", 'i', "ID", "path id (0-255)", NULL },
	{ "segments", 's', "SIDS", "SID list for 'add', e.g. fd00:a::1,fd00:e::6", NULL },
	{ "pool", 0, "POOL", NULL, "heavy" },
	{ "prefix", 0, "PREFIX", "destinations the path serves", "::/0" },
	{ "encap", 0, "MODE", NULL, "the tenant's" },
	{ "name", 0, "NAME", "a label", "cli" },
	XS_COMMON_OPTS,
	{ NULL },
};

/* help and default texts live as long as the program */
static char texts[2][XS_MAX_OPTS][2][160];

static unsigned int append(struct xs_opt *dst, unsigned int n, const struct xs_opt *src)
{
	for (; src->name && n < XS_MAX_OPTS; src++)
		dst[n++] = *src;
	return n;
}

static unsigned int append_key(struct xs_opt *dst, unsigned int n, const struct xs_cfg_key *k,
			       bool tenant, int set)
{
	char *help = texts[set][n][0], *def = texts[set][n][1];
	struct xs_cfg_key kk = *k;

	if (n >= XS_MAX_OPTS)
		return n;
	if (!tenant)
		kk.tenant_rule = NULL;	/* no tenant there: no rule to name */
	xs_cfg_key_help(&kk, help, sizeof(texts[0][0][0]));
	dst[n] = (struct xs_opt){ k->flag, k->short_flag, k->metavar, help,
				  xs_cfg_key_def_text(&kk, def, sizeof(texts[0][0][1])) };
	return n + 1;
}

void xs_cli_opts_init(void)
{
	static char pools[80], modes[80];
	const struct xs_cfg_key *keys;
	unsigned int n = 0, i;
	size_t nk, j;

	keys = xs_cfg_keys(&nk);
	n = append(run_opts, 0, run_head);
	for (j = 0; j < nk; j++)
		if (keys[j].flag)
			n = append_key(run_opts, n, &keys[j], true, 0);
	n = append(run_opts, n, run_tail);
	run_opts[n] = (struct xs_opt){ NULL };

	for (n = 0, i = 0; attach_keys[i]; i++)
		for (j = 0; j < nk; j++)
			if (!strcmp(keys[j].name, attach_keys[i]))
				n = append_key(attach_opts, n, &keys[j], false, 1);
	n = append(attach_opts, n, attach_tail);
	attach_opts[n] = (struct xs_opt){ NULL };

	xs_choices_join(xs_pool_names, pools, sizeof(pools));
	xs_choices_join(xs_encap_mode_names, modes, sizeof(modes));
	n = append(path_opts, 0, path_head);
	for (i = 0; i < n; i++)
		if (!strcmp(path_opts[i].name, "pool"))
			path_opts[i].help = pools;
		else if (!strcmp(path_opts[i].name, "encap"))
			path_opts[i].help = modes;
	path_opts[n] = (struct xs_opt){ NULL };
}

int xs_cfg_apply_args(struct xs_cfg *c, const struct xs_args *a)
{
	const struct xs_cfg_key *keys;
	char why[200];
	const char *v;
	size_t nk, j;

	keys = xs_cfg_keys(&nk);
	for (j = 0; j < nk; j++) {
		if (!keys[j].flag || !(v = xs_arg(a, keys[j].flag)))
			continue;
		if (xs_cfg_key_set(c, &keys[j], v, why, sizeof(why))) {
			xs_error("%s: invalid value '%s' for --%s: %s", a->cmd->name, v,
				 keys[j].flag, why);
			return -EINVAL;
		}
	}
	return 0;
}
