// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer: the command dispatcher. Each subcommand lives in ctl/cmd_*.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cmd.h"
#include "cli/commands.h"
#include "lib/log.h"
#include "lib/out.h"

#define XS_VERSION "0.1.0"

static int cmd_help(struct xs_args *a);

static const struct xs_opt help_opts[] = { XS_COMMON_OPTS, { NULL } };

static const struct xs_cmd commands[] = {
	{ "attach", "Load the XDP program on a host-facing interface and pin its maps.",
	  NULL, attach_opts, cmd_attach },
	{ "detach", "Detach the XDP program and remove its pinned maps.",
	  NULL, detach_opts, cmd_detach },
	{ "flows", "List the flows: the daemon's view (rate first) or the pinned map (bytes first).",
	  NULL, flows_opts, cmd_flows },
	{ "stats", "Datapath counters: verdicts and reasons, summed over CPUs.",
	  NULL, stats_opts, cmd_stats },
	{ "run", "Run the AF_XDP datapath: steered flows leave on SRv6 paths.",
	  NULL, run_opts, cmd_run },
	{ "steer", "Add, delete or list steered flows by hand.", "add|del|list",
	  steer_opts, cmd_steer },
	{ "status", "Ask the tenant's daemon how it is doing.", NULL, status_opts, cmd_status },
	{ "paths", "The tenant's SRv6 paths: pool, SIDs, next hop, flows, load.", NULL,
	  paths_opts, cmd_paths },
	{ "path", "Add or delete a path of the running daemon.", "add|del", path_opts, cmd_path },
	{ "top", "Live view of the flows: rate, bytes, class, path, age.", NULL, top_opts, cmd_top },
	{ "fleet", "Fleet mode: hosts, paths, load per segment, heavy hitters as etcd holds them.",
	  NULL, fleet_opts, cmd_fleet },
	{ "help", "Show the commands, or one command's help.", "[COMMAND]",
	  help_opts, cmd_help },
	{ NULL },
};

static void usage(FILE *f)
{
	const struct xs_cmd *c;

	fprintf(f, "Usage: xsteer [-j] [-v] [-h] [-V] COMMAND [OPTIONS]\n\n"
		   "Host-side traffic engineering: steer heavy-hitter flows onto SRv6 paths.\n\n"
		   "Commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'xsteer COMMAND --help' shows a command's options. "
		   "Unique abbreviations of commands work.\n");
}

static int cmd_help(struct xs_args *a)
{
	const struct xs_cmd *c;

	if (!a->argc) {
		usage(stdout);
		return 0;
	}
	c = xs_cmd_find(commands, a->argv[0]);
	if (!c)
		return -EINVAL;
	xs_cmd_help(c, "xsteer");
	return 0;
}

int main(int argc, char **argv)
{
	const struct xs_cmd *cmd;
	struct xs_args args;
	bool json = false;
	int verbose = 0, i, err;

	xs_cli_opts_init();
	/* global options, before the command */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose++;
		} else if (!strcmp(argv[i], "-vv")) {
			verbose += 2;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_SUCCESS;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("xsteer %s\n", XS_VERSION);
			return EXIT_SUCCESS;
		} else {
			fprintf(stderr, "xsteer: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	out_init(json);
	if (i == argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}

	cmd = xs_cmd_find(commands, argv[i]);
	if (!cmd)
		return EXIT_FAILURE;
	if (xs_cmd_parse(cmd, argc - i, argv + i, &args)) {
		if (!json)
			fprintf(stderr, "Try 'xsteer %s --help'.\n", cmd->name);
		return EXIT_FAILURE;
	}
	if (xs_flag(&args, "help")) {
		xs_cmd_help(cmd, "xsteer");
		return EXIT_SUCCESS;
	}
	if (xs_flag(&args, "json"))
		out_init(json = true);
	for (int j = 0; j < args.argc && !cmd->positional; j++) {
		xs_error("%s: unexpected argument '%s'", cmd->name, args.argv[j]);
		return EXIT_FAILURE;
	}
	if (xs_flag(&args, "verbose"))
		verbose++;
	xs_log_set_level(verbose >= 2 ? XS_LOG_DEBUG : verbose ? XS_LOG_INFO : XS_LOG_WARN);
	xs_log_init_libs();

	err = cmd->run(&args);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
