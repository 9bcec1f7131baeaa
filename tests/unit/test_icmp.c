// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: ICMPv6 Packet Too Big and ICMPv4 Fragmentation Needed
 * (afxdp/icmp.c). Checksums are verified with a checksum written here
 * (RFC 1071 over a pseudo-header + message built here per RFC 8200 8.1),
 * not with the helpers under test. tests/vectors/check-srv6.py checks the
 * same two errors with scapy and tshark.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "afxdp/icmp.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static uint32_t a4(const char *s)
{
	uint32_t a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static unsigned int get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

/* RFC 1071: one's complement sum of 16-bit words, a zero pad byte at the end */
static uint16_t ones_sum(const uint8_t *p, size_t len)
{
	uint64_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += i & 1 ? p[i] : (uint64_t)p[i] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* a checksummed region is valid when its sum (checksum included) is 0xffff */
static int icmp6_csum_ok(const uint8_t *ip6)
{
	uint32_t ulen = get16(ip6 + 4);
	uint8_t *buf = calloc(1, 40 + ulen);
	int ok;

	memcpy(buf, ip6 + 8, 32);		/* source, destination */
	buf[32] = ulen >> 24;			/* upper-layer packet length */
	buf[33] = ulen >> 16;
	buf[34] = ulen >> 8;
	buf[35] = ulen;
	buf[39] = 58;				/* next header: ICMPv6 */
	memcpy(buf + 40, ip6 + 40, ulen);
	ok = ones_sum(buf, 40 + ulen) == 0xffff;
	free(buf);
	return ok;
}

/* IPv6 + UDP, len bytes; next header and addresses can be edited after */
static uint32_t mk_ip6(uint8_t *b, uint32_t len, const char *src, const char *dst)
{
	struct in6_addr s = a6(src), d = a6(dst);

	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, len - 40);
	b[6] = 17;
	b[7] = 64;
	memcpy(b + 8, &s, 16);
	memcpy(b + 24, &d, 16);
	for (uint32_t i = 40; i < len; i++)
		b[i] = i * 13;
	return len;
}

static uint32_t mk_ip4(uint8_t *b, uint32_t len, const char *src, int df)
{
	uint32_t s = a4(src), d = a4("198.51.100.20");

	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, len);
	b[6] = df ? 0x40 : 0;
	b[8] = 64;
	b[9] = 17;
	memcpy(b + 12, &s, 4);
	memcpy(b + 16, &d, 4);
	for (uint32_t i = 20; i < len; i++)
		b[i] = i * 13;
	return len;
}

Test(icmp6, packet_too_big_fields_and_checksum)
{
	static const uint32_t sizes[] = { 40, 41, 100, 1231, 1232, 1233, 1500, 9000 };
	struct in6_addr me = a6("fd00:ff::1"), osrc = a6("fd00:1::10");
	uint8_t orig[9000], out[2000];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t len = mk_ip6(orig, sizes[i], "fd00:1::10", "fd00:2::20");
		uint32_t quote = len < 1232 ? len : 1232;
		int ret;

		memset(out, 0xee, sizeof(out));
		ret = xs_icmp_too_big(orig, len, 1400, &me, 0, out, sizeof(out));
		cr_assert_eq(ret, (int)(48 + quote), "original of %u bytes: %d", len, ret);
		cr_assert_leq(ret, 1280, "an ICMPv6 error fits the minimum MTU");
		cr_assert_eq(out[0] >> 4, 6);
		cr_assert_eq(get16(out + 4), ret - 40, "payload length");
		cr_assert_eq(out[6], 58, "next header ICMPv6");
		cr_assert_eq(out[7], 255, "hop limit");
		cr_assert_eq(memcmp(out + 8, &me, 16), 0, "source = our address");
		cr_assert_eq(memcmp(out + 24, &osrc, 16), 0, "destination = original source");
		cr_assert_eq(out[40], 2, "type Packet Too Big");
		cr_assert_eq(out[41], 0, "code 0");
		cr_assert_eq(get16(out + 44) << 16 | get16(out + 46), 1400, "MTU");
		cr_assert_eq(memcmp(out + 48, orig, quote), 0, "quote of the original");
		cr_assert(icmp6_csum_ok(out), "ICMPv6 checksum, original of %u bytes", len);
		cr_assert_eq(out[ret], 0xee, "wrote past the error");
	}
}

Test(icmp6, mtu_never_below_1280)
{
	struct in6_addr me = a6("fd00:ff::1");
	uint8_t orig[1500], out[1280];

	mk_ip6(orig, 1500, "fd00:1::10", "fd00:2::20");
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1000, &me, 0, out, sizeof(out)), 1280);
	cr_assert_eq(get16(out + 44) << 16 | get16(out + 46), 1280);
	cr_assert(icmp6_csum_ok(out));
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 9000, &me, 0, out, sizeof(out)), 1280);
	cr_assert_eq(get16(out + 44) << 16 | get16(out + 46), 9000);
	cr_assert(icmp6_csum_ok(out));
}

Test(icmp6, no_error_for_errors_multicast_or_unspecified_source)
{
	struct in6_addr me = a6("fd00:ff::1");
	uint8_t orig[200], out[1280];

	mk_ip6(orig, 200, "fd00:1::10", "fd00:2::20");
	orig[6] = 58;
	orig[40] = 1;			/* Destination Unreachable: an error */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), -EPERM);
	orig[40] = 2;			/* Packet Too Big */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), -EPERM);
	orig[40] = 128;			/* Echo Request: not an error */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), 248);

	/* an error behind a destination-options header is still an error */
	orig[6] = 60;
	orig[40] = 58;
	orig[41] = 0;
	orig[48] = 3;
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), -EPERM);

	mk_ip6(orig, 200, "ff02::1", "fd00:2::20");
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), -EPERM);
	mk_ip6(orig, 200, "::", "fd00:2::20");
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, &me, 0, out, sizeof(out)), -EPERM);
}

Test(icmp6, small_cap_and_malformed)
{
	struct in6_addr me = a6("fd00:ff::1");
	uint8_t orig[1500], out[1280];

	mk_ip6(orig, 1500, "fd00:1::10", "fd00:2::20");
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1400, &me, 0, out, 1279), -ENOSPC);
	cr_assert_eq(xs_icmp_too_big(orig, 100, 1400, &me, 0, out, 147), -ENOSPC);
	cr_assert_eq(xs_icmp_too_big(orig, 100, 1400, &me, 0, out, 148), 148);
	cr_assert_eq(xs_icmp_too_big(orig, 39, 1400, &me, 0, out, sizeof(out)), -EINVAL);
	cr_assert_eq(xs_icmp_too_big(orig, 0, 1400, &me, 0, out, sizeof(out)), -EINVAL);
	orig[0] = 0x50;
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1400, &me, 0, out, sizeof(out)), -EINVAL);
}

Test(icmp4, frag_needed_fields_and_checksums)
{
	static const uint32_t sizes[] = { 20, 28, 100, 547, 548, 549, 1500, 9000 };
	uint32_t me = a4("203.0.113.1"), osrc = a4("192.0.2.10");
	uint8_t orig[9000], out[1000];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t len = mk_ip4(orig, sizes[i], "192.0.2.10", 1);
		uint32_t quote = len < 548 ? len : 548;
		int ret;

		memset(out, 0xee, sizeof(out));
		ret = xs_icmp_too_big(orig, len, 1400, NULL, me, out, sizeof(out));
		cr_assert_eq(ret, (int)(28 + quote), "original of %u bytes: %d", len, ret);
		cr_assert_leq(ret, 576, "RFC 1812: at most 576 bytes");
		cr_assert_eq(out[0], 0x45, "IPv4, 20-byte header");
		cr_assert_eq(get16(out + 2), ret, "total length");
		cr_assert_eq(out[9], 1, "protocol ICMP");
		cr_assert_neq(out[8], 0, "TTL");
		cr_assert_eq(memcmp(out + 12, &me, 4), 0, "source = our address");
		cr_assert_eq(memcmp(out + 16, &osrc, 4), 0, "destination = original source");
		cr_assert_eq(ones_sum(out, 20), 0xffff, "IP header checksum");
		cr_assert_eq(out[20], 3, "type Destination Unreachable");
		cr_assert_eq(out[21], 4, "code Fragmentation Needed");
		cr_assert_eq(get16(out + 24), 0, "unused");
		cr_assert_eq(get16(out + 26), 1400, "next-hop MTU");
		cr_assert_eq(memcmp(out + 28, orig, quote), 0, "quote of the original");
		cr_assert_eq(ones_sum(out + 20, ret - 20), 0xffff, "ICMP checksum, %u bytes", len);
		cr_assert_eq(out[ret], 0xee, "wrote past the error");
	}
}

Test(icmp4, no_error_without_df_for_errors_or_bad_sources)
{
	uint32_t me = a4("203.0.113.1");
	uint8_t orig[200], out[576];

	mk_ip4(orig, 200, "192.0.2.10", 0);
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM,
		     "no DF: the sender lets routers fragment");
	mk_ip4(orig, 200, "192.0.2.10", 1);
	orig[9] = 1;
	orig[20] = 3;			/* Destination Unreachable: an error */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM);
	orig[20] = 11;			/* Time Exceeded */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM);
	orig[20] = 8;			/* Echo Request: not an error */
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), 228);

	mk_ip4(orig, 200, "224.0.0.5", 1);
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM);
	mk_ip4(orig, 200, "255.255.255.255", 1);
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM);
	mk_ip4(orig, 200, "0.0.0.0", 1);
	cr_assert_eq(xs_icmp_too_big(orig, 200, 1400, NULL, me, out, sizeof(out)), -EPERM);
}

Test(icmp4, small_cap_and_malformed)
{
	uint32_t me = a4("203.0.113.1");
	uint8_t orig[1500], out[576];

	mk_ip4(orig, 1500, "192.0.2.10", 1);
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1400, NULL, me, out, 575), -ENOSPC);
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1400, NULL, me, out, 576), 576);
	cr_assert_eq(xs_icmp_too_big(orig, 19, 1400, NULL, me, out, sizeof(out)), -EINVAL);
	orig[0] = 0x44;
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 1400, NULL, me, out, sizeof(out)), -EINVAL);
	orig[0] = 0x4f;			/* 60-byte header in 40 bytes */
	cr_assert_eq(xs_icmp_too_big(orig, 40, 1400, NULL, me, out, sizeof(out)), -EINVAL);
	/* the MTU field is 16 bits: clamped, not truncated */
	mk_ip4(orig, 1500, "192.0.2.10", 1);
	cr_assert_eq(xs_icmp_too_big(orig, 1500, 70000, NULL, me, out, sizeof(out)), 576);
	cr_assert_eq(get16(out + 26), 0xffff);
}

Test(icmp, csum_helpers_agree_with_rfc1071)
{
	uint8_t buf[1001];

	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = i * 131 + 7;
	for (uint32_t len = 0; len <= sizeof(buf); len += 37) {
		uint16_t c = xs_csum_fold(xs_csum_add(0, buf, len));
		uint16_t want = htons((uint16_t)~ones_sum(buf, len));

		/* 0x0000 and 0xffff are the same number in one's complement */
		cr_assert(c == want || (c == 0xffff && !want) || (!c && want == 0xffff),
			  "len %u: 0x%04x, want 0x%04x", len, c, want);
	}
}
