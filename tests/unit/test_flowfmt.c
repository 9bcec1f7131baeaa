// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests: names of counters and protocols, address printing. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "lib/flowfmt.h"
#include "lib/pin.h"

Test(flowfmt, every_stat_has_a_unique_metric_safe_name)
{
	for (int i = 0; i < XS_STAT__MAX; i++) {
		cr_assert_not_null(xs_stat_names[i], "stat %d unnamed", i);
		cr_assert(strspn(xs_stat_names[i], "abcdefghijklmnopqrstuvwxyz0123456789_") ==
			  strlen(xs_stat_names[i]), "'%s' not a metric name", xs_stat_names[i]);
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(xs_stat_names[i], xs_stat_names[j]);
	}
}

Test(flowfmt, v4_mapped_prints_dotted_quad)
{
	__u32 a[4] = { 0, 0, htonl(0xffff), htonl(0xc0000201) };
	char buf[64];

	cr_assert_str_eq(xs_addr_str(a, true, buf, sizeof(buf)), "192.0.2.1");
	cr_assert_str_eq(xs_addr_str(a, false, buf, sizeof(buf)), "::ffff:192.0.2.1");
}

Test(flowfmt, v6_prints_compressed)
{
	__u32 a[4];
	char buf[64];

	inet_pton(AF_INET6, "fd00:1::2", a);
	cr_assert_str_eq(xs_addr_str(a, false, buf, sizeof(buf)), "fd00:1::2");
}

Test(flowfmt, proto_names)
{
	char buf[8];

	cr_assert_str_eq(xs_proto_name(6, buf, sizeof(buf)), "tcp");
	cr_assert_str_eq(xs_proto_name(58, buf, sizeof(buf)), "icmpv6");
	cr_assert_str_eq(xs_proto_name(253, buf, sizeof(buf)), "253");
}

Test(pin, default_dir_and_path_limits)
{
	char dir[64], path[16];

	cr_assert_eq(xs_pin_dir(NULL, "eth0", dir, sizeof(dir)), 0);
	cr_assert_str_eq(dir, XS_PIN_ROOT "/eth0");
	cr_assert_eq(xs_pin_dir("/x/y", "eth0", dir, sizeof(dir)), 0);
	cr_assert_str_eq(dir, "/x/y");
	cr_assert_eq(xs_pin_path("/abcdefgh", "xs_flows", path, sizeof(path)), -ENAMETOOLONG);
	cr_assert_eq(xs_pin_path("/a", "xs_flows", path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/a/xs_flows");
}
