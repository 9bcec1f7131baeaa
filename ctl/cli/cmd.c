// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "cli/cmd.h"
#include "lib/out.h"

const struct xs_cmd *xs_cmd_find(const struct xs_cmd *cmds, const char *name)
{
	const struct xs_cmd *found = NULL, *c;
	size_t len = strlen(name);
	char cands[256] = "";
	int n = 0;

	for (c = cmds; c->name; c++) {
		if (!strcmp(c->name, name))
			return c;
		if (len && !strncmp(c->name, name, len)) {
			found = c;
			n++;
			snprintf(cands + strlen(cands), sizeof(cands) - strlen(cands),
				 "%s%s", n > 1 ? ", " : "", c->name);
		}
	}
	if (n == 1)
		return found;
	if (n > 1)
		xs_error("ambiguous command '%s': could be %s", name, cands);
	else
		xs_error("unknown command '%s' (try 'xsteer help')", name);
	return NULL;
}

static int opt_count(const struct xs_cmd *cmd)
{
	int n = 0;

	while (cmd->opts[n].name)
		n++;
	return n;
}

int xs_cmd_parse(const struct xs_cmd *cmd, int argc, char **argv,
		 struct xs_args *a)
{
	struct option lopts[XS_MAX_OPTS + 1];
	char sopts[XS_MAX_OPTS * 2 + 2] = ":";
	int n = opt_count(cmd), i, c, idx;

	if (n > XS_MAX_OPTS)
		return -E2BIG;
	memset(a, 0, sizeof(*a));
	memset(lopts, 0, sizeof(lopts));
	a->cmd = cmd;
	for (i = 0; i < n; i++) {
		const struct xs_opt *o = &cmd->opts[i];

		lopts[i].name = o->name;
		lopts[i].has_arg = o->metavar ? required_argument : no_argument;
		lopts[i].val = 256 + i;
		if (o->short_name) {
			size_t l = strlen(sopts);

			sopts[l] = o->short_name;
			sopts[l + 1] = o->metavar ? ':' : '\0';
			sopts[l + 2] = '\0';
		}
	}

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, sopts, lopts, &idx)) != -1) {
		if (c == '?') {
			if (optopt)
				xs_error("%s: unknown option '-%c'", cmd->name, optopt);
			else
				xs_error("%s: unknown or ambiguous option '%s'",
					 cmd->name, argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			xs_error("%s: option '%s' needs a value", cmd->name,
				 argv[optind - 1]);
			return -EINVAL;
		}
		if (c >= 256) {
			i = c - 256;
		} else {
			for (i = 0; i < n && cmd->opts[i].short_name != c; i++)
				;
			if (i == n)
				return -EINVAL;
		}
		a->set[i] = true;
		a->val[i] = optarg;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	return 0;
}

void xs_cmd_help(const struct xs_cmd *cmd, const char *prog)
{
	const struct xs_opt *o;
	char lhs[64];

	printf("Usage: %s %s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", prog, cmd->name,
	       cmd->positional ? " " : "", cmd->positional ? cmd->positional : "",
	       cmd->summary);
	for (o = cmd->opts; o->name; o++) {
		if (o->short_name)
			snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", o->short_name,
				 o->name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
		else
			snprintf(lhs, sizeof(lhs), "    --%s%s%s", o->name,
				 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		printf("  %-30s %s", lhs, o->help);
		if (o->def)
			printf(" (default: %s)", o->def);
		putchar('\n');
	}
}

static int opt_index(const struct xs_args *a, const char *name)
{
	int i;

	for (i = 0; a->cmd->opts[i].name; i++)
		if (!strcmp(a->cmd->opts[i].name, name))
			return i;
	return -1;
}

const char *xs_arg(const struct xs_args *a, const char *name)
{
	int i = opt_index(a, name);

	return i >= 0 && a->set[i] ? a->val[i] : NULL;
}

bool xs_flag(const struct xs_args *a, const char *name)
{
	int i = opt_index(a, name);

	return i >= 0 && a->set[i];
}

int xs_arg_u32(const struct xs_args *a, const char *name, uint32_t min,
	       uint32_t max, uint32_t def, uint32_t *out)
{
	const char *s = xs_arg(a, name);
	unsigned long long v;
	char *end;

	if (!s) {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		xs_error("invalid value '%s' for --%s: expected an integer from %u to %u",
			 s, name, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int xs_arg_choice(const struct xs_args *a, const char *name,
		  const char *const *choices, int def)
{
	const char *s = xs_arg(a, name);
	char list[128] = "";
	int i;

	if (!s)
		return def;
	for (i = 0; choices[i]; i++) {
		if (!strcmp(choices[i], s))
			return i;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", choices[i]);
	}
	xs_error("invalid value '%s' for --%s: expected one of %s", s, name, list);
	return -EINVAL;
}

/* What the kernel takes as a name (dev_valid_name()): never cut one short. */
static bool ifname_ok(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len < IFNAMSIZ && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/: \t\n\r\v\f");
}

int xs_arg_ifname(const struct xs_args *a, const char *name, char *buf, size_t len)
{
	const char *dev = xs_arg(a, name);

	if (!dev)
		return 0;
	if (!ifname_ok(dev) || strlen(dev) >= len) {
		xs_error("%s: bad --%s '%s': an interface name has 1 to %d characters "
			 "(IFNAMSIZ - 1), without '/', ':' or blanks", a->cmd->name, name, dev,
			 IFNAMSIZ - 1);
		return -EINVAL;
	}
	snprintf(buf, len, "%s", dev);
	return 1;
}

int xs_arg_ifindex(const struct xs_args *a, const char *name)
{
	const char *dev = xs_arg(a, name);
	char buf[IFNAMSIZ];
	int ifindex;

	if (!dev) {
		xs_error("%s: --%s is required", a->cmd->name, name);
		return -EINVAL;
	}
	if (xs_arg_ifname(a, name, buf, sizeof(buf)) < 0)
		return -EINVAL;
	ifindex = if_nametoindex(dev);
	if (!ifindex)
		xs_error("%s: interface '%s' (--%s) not found in this network namespace",
			 a->cmd->name, dev, name);
	return ifindex ? ifindex : -ENODEV;
}
