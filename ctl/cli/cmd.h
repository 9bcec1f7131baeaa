/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Declarative subcommands: each command lists its options once; parsing,
 * --help text and abbreviation checks are generated from that table.
 */
#ifndef XS_CMD_H
#define XS_CMD_H

#include <stdbool.h>
#include <stdint.h>

#define XS_MAX_OPTS 32

struct xs_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	const char *metavar;	/* NULL: a flag without value */
	const char *help;
	const char *def;	/* default shown in --help, or NULL */
};

struct xs_args {
	const struct xs_cmd *cmd;
	const char *val[XS_MAX_OPTS];
	bool set[XS_MAX_OPTS];
	int argc;		/* positional arguments left */
	char **argv;
};

struct xs_cmd {
	const char *name;
	const char *summary;
	const char *positional;	/* usage text for positionals, or NULL */
	const struct xs_opt *opts;	/* terminated by { NULL } */
	int (*run)(struct xs_args *a);
};

/* Options every command takes. */
#define XS_OPT_PIN_DIR { "pin-dir", 0, "DIR", \
	"bpffs directory of the pinned maps", "/sys/fs/bpf/xsteer/<dev>" }
#define XS_COMMON_OPTS \
	{ "json", 'j', NULL, "JSON output (errors too)", NULL }, \
	{ "verbose", 'v', NULL, "more log output (twice: debug)", NULL }, \
	{ "help", 'h', NULL, "show this help", NULL }

const struct xs_cmd *xs_cmd_find(const struct xs_cmd *cmds, const char *name);
int xs_cmd_parse(const struct xs_cmd *cmd, int argc, char **argv,
		 struct xs_args *a);
void xs_cmd_help(const struct xs_cmd *cmd, const char *prog);

const char *xs_arg(const struct xs_args *a, const char *name);
bool xs_flag(const struct xs_args *a, const char *name);
/* Parse a numeric option; errors name the option and the value. */
int xs_arg_u32(const struct xs_args *a, const char *name, uint32_t min,
	       uint32_t max, uint32_t def, uint32_t *out);
/* Pick one of a fixed set of words; returns its index or -EINVAL. */
int xs_arg_choice(const struct xs_args *a, const char *name,
		  const char *const *choices, int def);
/* The ifindex of a required interface option; errors name the option. */
int xs_arg_ifindex(const struct xs_args *a, const char *name);
/*
 * An interface name option into buf: 0 when not given (buf untouched), 1
 * when taken, -EINVAL (reported, naming the value) when the kernel would
 * refuse or cut it: longer than IFNAMSIZ - 1, or with '/', ':' or blanks.
 */
int xs_arg_ifname(const struct xs_args *a, const char *name, char *buf, size_t len);

#endif
