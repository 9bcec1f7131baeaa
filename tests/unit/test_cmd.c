// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of the CLI framework: lookup, abbreviations, option values. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <string.h>
#include "cli/cmd.h"
#include "lib/out.h"

static int dummy(struct xs_args *a) { (void)a; return 0; }

static const struct xs_opt opts[] = {
	{ "dev", 'd', "IF", "device", NULL },
	{ "size", 0, "N", "size", "10" },
	{ "mode", 'm', "MODE", "mode", NULL },
	{ "keep", 0, NULL, "flag", NULL },
	{ NULL },
};

static const struct xs_cmd cmds[] = {
	{ "status", "s", NULL, opts, dummy },
	{ "stats", "s", NULL, opts, dummy },
	{ "flows", "f", NULL, opts, dummy },
	{ NULL },
};

static void setup(void)
{
	out_init(false);
	cr_redirect_stderr();
}

TestSuite(cmd, .init = setup);

Test(cmd, exact_and_unique_prefix)
{
	cr_assert_eq(xs_cmd_find(cmds, "stats"), &cmds[1]);
	cr_assert_eq(xs_cmd_find(cmds, "statu"), &cmds[0]);
	cr_assert_eq(xs_cmd_find(cmds, "f"), &cmds[2]);
}

Test(cmd, ambiguous_prefix_is_rejected)
{
	cr_assert_null(xs_cmd_find(cmds, "sta"));
	fflush(stderr);
	cr_assert_stderr_eq_str("xsteer: ambiguous command 'sta': could be status, stats\n");
}

Test(cmd, unknown_command)
{
	cr_assert_null(xs_cmd_find(cmds, "frobnicate"));
	cr_assert_null(xs_cmd_find(cmds, ""));
}

static int parse(struct xs_args *a, int argc, char **argv)
{
	return xs_cmd_parse(&cmds[0], argc, argv, a);
}

Test(cmd, options_and_positionals)
{
	char *argv[] = { "status", "-d", "eth0", "--size=42", "--keep", "extra", NULL };
	struct xs_args a;
	uint32_t v;

	cr_assert_eq(parse(&a, 6, argv), 0);
	cr_assert_str_eq(xs_arg(&a, "dev"), "eth0");
	cr_assert(xs_flag(&a, "keep"));
	cr_assert_not(xs_flag(&a, "mode"));
	cr_assert_null(xs_arg(&a, "mode"));
	cr_assert_eq(xs_arg_u32(&a, "size", 1, 100, 7, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(a.argc, 1);
	cr_assert_str_eq(a.argv[0], "extra");
}

Test(cmd, default_when_absent)
{
	char *argv[] = { "status", NULL };
	struct xs_args a;
	uint32_t v = 0;

	cr_assert_eq(parse(&a, 1, argv), 0);
	cr_assert_eq(xs_arg_u32(&a, "size", 1, 100, 7, &v), 0);
	cr_assert_eq(v, 7);
}

Test(cmd, bad_numbers_name_option_and_value)
{
	const char *bad[] = { "abc", "", "-1", "101", "0", "5x", "99999999999999999999" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char val[64], *argv[] = { "status", "--size", val, NULL };
		struct xs_args a;
		uint32_t v;

		snprintf(val, sizeof(val), "%s", bad[i]);
		cr_assert_eq(parse(&a, 3, argv), 0);
		cr_assert_eq(xs_arg_u32(&a, "size", 1, 100, 7, &v), -EINVAL, "value '%s'", bad[i]);
	}
	fflush(stderr);
	cr_assert_stderr_neq_str("");
}

Test(cmd, bad_number_message)
{
	char *argv[] = { "status", "--size", "abc", NULL };
	struct xs_args a;
	uint32_t v;

	cr_assert_eq(parse(&a, 3, argv), 0);
	xs_arg_u32(&a, "size", 1, 100, 7, &v);
	fflush(stderr);
	cr_assert_stderr_eq_str("xsteer: invalid value 'abc' for --size: expected an integer from 1 to 100\n");
}

Test(cmd, choice)
{
	static const char *const ch[] = { "native", "skb", NULL };
	char *ok[] = { "status", "-m", "skb", NULL };
	char *bad[] = { "status", "-m", "hw", NULL };
	struct xs_args a;

	cr_assert_eq(parse(&a, 3, ok), 0);
	cr_assert_eq(xs_arg_choice(&a, "mode", ch, 0), 1);
	cr_assert_eq(parse(&a, 3, bad), 0);
	cr_assert_eq(xs_arg_choice(&a, "mode", ch, 0), -EINVAL);
	fflush(stderr);
	cr_assert_stderr_eq_str("xsteer: invalid value 'hw' for --mode: expected one of native, skb\n");
}

Test(cmd, unknown_option_and_missing_value)
{
	char *unk[] = { "status", "--bogus", NULL };
	char *miss[] = { "status", "--dev", NULL };
	struct xs_args a;

	cr_assert_eq(parse(&a, 2, unk), -EINVAL);
	cr_assert_eq(parse(&a, 2, miss), -EINVAL);
}
