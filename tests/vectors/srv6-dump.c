// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Feeds one packet through the SRv6 engine or the ICMP error builder and
 * prints the result as hex, for check-srv6.py (which builds and runs it).
 *
 *   srv6-dump push MODE SRC SIDS HOPLIMIT HEX   -> "LABEL HEX" (label in hex)
 *   srv6-dump icmp MTU SRC6 SRC4 HEX            -> "HEX"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "afxdp/icmp.h"
#include "afxdp/srv6.h"

static uint8_t buf[XS_SRV6_HDR_MAX + 70000];

static uint32_t unhex(const char *s, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;
	unsigned int b;

	while (s[0] && s[1] && n < cap && sscanf(s, "%2x", &b) == 1) {
		out[n++] = b;
		s += 2;
	}
	return n;
}

static void hex(const uint8_t *p, int n)
{
	for (int i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct in6_addr src, sids[XS_SIDS_MAX];
	struct xs_srv6_path path;
	char err[128];
	uint8_t *l3 = buf + XS_SRV6_HDR_MAX, *out;
	uint32_t len, src4;
	int n, ret;

	if (argc == 7 && !strcmp(argv[1], "push")) {
		if (inet_pton(AF_INET6, argv[3], &src) != 1)
			return 2;
		n = xs_sid_list_parse(argv[4], sids, XS_SIDS_MAX, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
		ret = xs_srv6_path__init(&path, xs_encap_mode_parse(argv[2]), &src, sids, n,
					 atoi(argv[5]));
		if (ret < 0)
			return 2;
		len = unhex(argv[6], l3, sizeof(buf) - XS_SRV6_HDR_MAX);
		printf("%05x ", xs_flow_label(l3, len));
		ret = xs_srv6_push(&path, l3, len, XS_SRV6_HDR_MAX, &out);
	} else if (argc == 6 && !strcmp(argv[1], "icmp")) {
		static uint8_t orig[70000];

		if (inet_pton(AF_INET6, argv[3], &src) != 1 || inet_pton(AF_INET, argv[4], &src4) != 1)
			return 2;
		len = unhex(argv[5], orig, sizeof(orig));
		out = buf;
		ret = xs_icmp_too_big(orig, len, atoi(argv[2]), &src, src4, buf, sizeof(buf));
	} else {
		fprintf(stderr, "usage: see the comment on top of %s\n", __FILE__);
		return 2;
	}
	if (ret < 0) {
		printf("error %s\n", strerror(-ret));
		return 1;
	}
	hex(out, ret);
	return 0;
}
