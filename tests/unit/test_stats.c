// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: the counter families (daemon/stats.h's XS_CTL_STATS and
 * XS_FLEET_STATS, afxdp/datapath.h's XS_DP_STATS, xdp/xs_shared.h's
 * XS_STATS) against the man page's STATISTICS section: every counter listed
 * under its family, gauges marked as such, nothing listed that does not
 * exist. Run from the source tree's root.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/stats.h"
#include "lib/flowfmt.h"

#define MAN "man/xsteer.8"

/* The ".B name" entries of subsection sub of STATISTICS, and the line after each. */
static int man_entries(const char *sub, char names[][64], char after[][160], int max)
{
	char line[512], ss[64] = "";
	FILE *f = fopen(MAN, "r");
	bool in = false;
	int n = 0, want_after = -1;

	cr_assert_not_null(f, "%s: cannot open (run the tests from the source root)", MAN);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH ", 4)) {
			in = !strcmp(line, ".SH STATISTICS");
			ss[0] = '\0';
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, ".SS ", 4)) {
			snprintf(ss, sizeof(ss), "%.60s", line + 4);
			continue;
		}
		if (want_after >= 0) {
			snprintf(after[want_after], 160, "%.150s", line);
			want_after = -1;
		}
		if (strcmp(ss, sub) || strncmp(line, ".B ", 3) || n == max)
			continue;
		snprintf(names[n], 64, "%.*s", (int)strcspn(line + 3, ",."), line + 3);
		after[n][0] = '\0';
		want_after = n++;
	}
	fclose(f);
	return n;
}

static void check_family(const char *sub, const struct xs_stat_desc *d)
{
	char names[64][64], after[64][160];
	int n = man_entries(sub, names, after, 64), i, count = 0;

	for (; d->name; d++, count++) {
		for (i = 0; i < n && strcmp(names[i], d->name); i++)
			;
		cr_assert_lt(i, n, "%s: '%s' is not in %s's STATISTICS, .SS %s", sub, d->name,
			     MAN, sub);
		cr_expect_eq(strstr(after[i], "(gauge)") != NULL, d->kind == XS_GAUGE,
			     "%s %s: the page says '%s'", sub, d->name, after[i]);
	}
	cr_expect_eq(n, count, "%s: the page lists %d, the family has %d", sub, n, count);
}

Test(stats, controller_family_in_the_man_page)
{
	check_family("controller", xs_ctl_stat_desc);
}

Test(stats, datapath_family_in_the_man_page)
{
	check_family("datapath", xs_dp_stat_desc);
}

Test(stats, fleet_family_in_the_man_page)
{
	check_family("fleet", xs_fleet_stat_desc);
}

Test(stats, xdp_family_in_the_man_page)
{
	char names[64][64], after[64][160];
	int n = man_entries("xdp", names, after, 64), i, s;

	for (s = 0; s < XS_STAT__MAX; s++) {
		for (i = 0; i < n && strcmp(names[i], xs_stat_names[s]); i++)
			;
		cr_expect_lt(i, n, "xdp: '%s' is not in the man page", xs_stat_names[s]);
	}
	cr_expect_eq(n, XS_STAT__MAX);
}

Test(stats, every_name_once_and_gauges_marked)
{
	const struct xs_stat_desc *a, *b;
	int gauges = 0;

	for (a = xs_ctl_stat_desc; a->name; a++) {
		gauges += a->kind == XS_GAUGE;
		cr_expect(a->help && *a->help, "%s has no help", a->name);
		for (b = a + 1; b->name; b++)
			cr_expect_str_neq(a->name, b->name);
	}
	cr_expect_eq(gauges, 6, "flows_tracked, flows_table, table_bytes and the three move_latency_*");
}
