// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the SRv6 header engine (afxdp/srv6.c) and the ICMP
 * error builder (afxdp/icmp.c), built with ASan and UBSan.
 *
 *   make build/tests/fuzz-srv6
 *   mkdir -p build/fuzz-corpus/srv6
 *   build/tests/fuzz-srv6 -max_total_time=600 -rss_limit_mb=2048 \
 *       -artifact_prefix=build/fuzz-srv6- build/fuzz-corpus/srv6 tests/fuzz/seeds
 *
 * tests/run-all runs it for 20 s. A crash leaves its input in the artifact
 * file; replay it with `build/tests/fuzz-srv6 FILE`. Seeds come from
 * tests/fuzz/make-seeds.py.
 *
 * Input: a 9-byte prefix, then the packet (l3, IPv4 or IPv6):
 *   [0] mode % 3        [1] SIDs = 1 + [1] % 16     [2] hop limit (0: default)
 *   [3..4] headroom = value % (XS_SRV6_HDR_MAX + 17)
 *   [5] bit 0: set the packet's length field (IPv6 payload length / IPv4
 *       total length) to match, so most inputs reach the success path;
 *       bits 1-2 / 3-4: misalignment of the ICMP builder's input / output
 *   [6..7] MTU for the ICMP error   [8] ICMP buffer size selector
 *
 * The packet sits at the very end of a buffer of exactly headroom + len
 * bytes (ASan's red zones on both sides); the headroom holds a guard
 * pattern. On success the result must parse back (version, lengths, SRH
 * fields, SIDs, traffic class, flow label) with the original packet intact
 * behind the headers, and nothing written before the new start; on error
 * not one byte may change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "afxdp/icmp.h"
#include "afxdp/srv6.h"

#define GUARD	0xa5
#define PREFIX	9

#define CHECK(c)                                                              \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "fuzz-srv6: %s:%d: %s\n", __FILE__,   \
				__LINE__, #c);                                \
			abort();                                              \
		}                                                             \
	} while (0)

static unsigned int get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint16_t ones_sum(const uint8_t *p, size_t len, uint64_t s)
{
	for (size_t i = 0; i < len; i++)
		s += i & 1 ? p[i] : (uint64_t)p[i] << 8;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static void check_srh(const uint8_t *srh, uint8_t nh, unsigned int entries, unsigned int sl)
{
	CHECK(srh[0] == nh);
	CHECK(srh[1] == 2 * entries);
	CHECK(srh[2] == 4);
	CHECK(srh[3] == sl);
	CHECK(srh[4] == entries - 1);
	CHECK(!srh[5] && !srh[6] && !srh[7]);
}

static void check_push(const struct xs_srv6_path *p, const uint8_t *pkt, uint32_t len,
		       uint32_t headroom)
{
	uint8_t *buf = malloc(headroom + len ? headroom + len : 1), *l3 = buf + headroom;
	uint8_t *out = NULL, *srh;
	int v4 = len && pkt[0] >> 4 == 4, inl, ret;
	unsigned int n = p->nsids, ovh, tc, i;

	memset(buf, GUARD, headroom);
	memcpy(l3, pkt, len);
	ret = xs_srv6_push(p, l3, len, headroom, &out);
	if (ret < 0) {
		CHECK(ret == -ENOSPC || ret == -EPROTONOSUPPORT || ret == -EINVAL ||
		      ret == -EMSGSIZE);
		CHECK(!out);
		for (i = 0; i < headroom; i++)
			CHECK(buf[i] == GUARD);
		CHECK(!memcmp(l3, pkt, len));
		free(buf);
		return;
	}

	inl = p->mode == XS_MODE_INLINE && !v4 && pkt[6] != 0;
	ovh = xs_srv6_overhead(p, inl ? AF_INET6 : AF_INET);
	CHECK(v4 || pkt[0] >> 4 == 6);
	CHECK((uint32_t)ret == len + ovh);
	CHECK(out == l3 - ovh && ovh <= headroom);
	for (uint8_t *g = buf; g < out; g++)
		CHECK(*g == GUARD);
	CHECK(out[0] >> 4 == 6);
	CHECK(get16(out + 4) == (unsigned int)ret - 40);
	CHECK(!memcmp(out + 24, &p->sids[0], 16));

	if (inl) {
		CHECK(!memcmp(out, pkt, 4));		/* version, TC, flow label */
		CHECK(out[6] == 43 && out[7] == pkt[7]);
		CHECK(!memcmp(out + 8, pkt + 8, 16));
		srh = out + 40;
		check_srh(srh, pkt[6], n + 1, n);
		CHECK(!memcmp(srh + 8, pkt + 24, 16));	/* Segment List[0] = old DA */
		for (i = 1; i <= n; i++)
			CHECK(!memcmp(srh + 8 + 16 * i, &p->sids[n - i], 16));
		CHECK(!memcmp(out + 40 + ovh, pkt + 40, len - 40));
		free(buf);
		return;
	}

	tc = v4 ? pkt[1] : (uint8_t)(pkt[0] << 4 | pkt[1] >> 4);
	CHECK((uint8_t)(out[0] << 4 | out[1] >> 4) == tc);
	CHECK((uint32_t)((out[1] & 0x0f) << 16 | out[2] << 8 | out[3]) == xs_flow_label(pkt, len));
	CHECK(out[7] == (p->hop_limit ? p->hop_limit : XS_HOP_LIMIT_DEFAULT));
	CHECK(!memcmp(out + 8, &p->src, 16));
	CHECK(!memcmp(out + ovh, pkt, len));
	if (ovh == 40) {
		CHECK(p->mode == XS_MODE_ENCAP_RED && n == 1);
		CHECK(out[6] == (v4 ? 4 : 41));
	} else {
		unsigned int entries = p->mode == XS_MODE_ENCAP_RED ? n - 1 : n;

		CHECK(out[6] == 43 && ovh == 48 + 16 * entries);
		srh = out + 40;
		check_srh(srh, v4 ? 4 : 41, entries, n - 1);
		for (i = 0; i < entries; i++)
			CHECK(!memcmp(srh + 8 + 16 * i, &p->sids[n - 1 - i], 16));
	}
	free(buf);
}

/* orig and out at any alignment, as behind a 14-byte Ethernet header */
static void check_icmp(const uint8_t *pkt, uint32_t len, uint32_t mtu, uint32_t cap,
		       unsigned int align)
{
	static const struct in6_addr src6 = { .s6_addr = { 0xfd, 0, 0, 0xff, [15] = 1 } };
	unsigned int oa = align & 3, ua = align >> 2 & 3;
	uint8_t *obuf = malloc(oa + len), *ubuf = malloc(ua + cap);	/* exact: red zones */
	uint8_t *orig = obuf + oa, *out = ubuf + ua;
	uint32_t src4 = htonl(0xcb007101), quote;	/* 203.0.113.1 */
	int ret;

	memcpy(orig, pkt, len);
	ret = xs_icmp_too_big(orig, len, mtu, &src6, src4, out, cap);
	CHECK(!memcmp(orig, pkt, len));
	if (ret < 0) {
		CHECK(ret == -EPERM || ret == -EINVAL || ret == -ENOSPC);
		goto out;
	}
	CHECK((uint32_t)ret <= cap);
	if (pkt[0] >> 4 == 6) {
		uint8_t ph[40] = { 0 };

		CHECK(ret <= XS_ICMP6_ERR_MAX && ret >= 48);
		quote = ret - 48;
		CHECK(quote == (len < 1232 ? len : 1232));
		CHECK(out[0] >> 4 == 6 && get16(out + 4) == (unsigned int)ret - 40);
		CHECK(out[6] == 58 && out[7] == 255 && out[40] == 2 && out[41] == 0);
		CHECK(!memcmp(out + 24, pkt + 8, 16));
		memcpy(ph, out + 8, 32);
		ph[34] = (ret - 40) >> 8;
		ph[35] = ret - 40;
		ph[39] = 58;
		CHECK(ones_sum(out + 40, ret - 40, ones_sum(ph, 40, 0)) == 0xffff);
	} else {
		CHECK(pkt[0] >> 4 == 4 && (pkt[6] & 0x40));
		CHECK(ret <= XS_ICMP4_ERR_MAX && ret >= 28);
		quote = ret - 28;
		CHECK(quote == (len < 548 ? len : 548));
		CHECK(out[0] == 0x45 && get16(out + 2) == (unsigned int)ret && out[9] == 1);
		CHECK(out[20] == 3 && out[21] == 4);
		CHECK(ones_sum(out, 20, 0) == 0xffff);
		CHECK(ones_sum(out + 20, ret - 20, 0) == 0xffff);
	}
	CHECK(!memcmp(out + ret - quote, pkt, quote));
out:
	free(obuf);
	free(ubuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct in6_addr sids[XS_SIDS_MAX];
	static const struct in6_addr src = { .s6_addr = { 0xfd, 0, 0, 0x0a, [15] = 1 } };
	struct xs_srv6_path path;
	uint32_t len, headroom, label;
	uint8_t *pkt;

	if (size < PREFIX || size - PREFIX > 70000)
		return -1;
	for (int i = 0; i < XS_SIDS_MAX; i++)
		sids[i] = (struct in6_addr){ .s6_addr = { 0xfd, 0, 0, 0xb0 + i, [15] = i + 1 } };
	CHECK(!xs_srv6_path__init(&path, data[0] % 3, &src, sids, 1 + data[1] % 16, data[2]));
	headroom = get16(data + 3) % (XS_SRV6_HDR_MAX + 17);

	len = size - PREFIX;
	pkt = malloc(len ? len : 1);
	memcpy(pkt, data + PREFIX, len);
	if ((data[5] & 1) && len >= 40 && pkt[0] >> 4 == 6) {
		pkt[4] = (len - 40) >> 8;
		pkt[5] = len - 40;
	} else if ((data[5] & 1) && len >= 20 && pkt[0] >> 4 == 4 && len <= 0xffff) {
		pkt[2] = len >> 8;
		pkt[3] = len;
	}

	check_push(&path, pkt, len, headroom);
	label = xs_flow_label(pkt, len);
	CHECK(label >= 1 && label <= 0xfffff);
	check_icmp(pkt, len, get16(data + 6), data[8] < 128 ? data[8] * 11u : 1400, data[5] >> 1);
	free(pkt);
	return 0;
}
