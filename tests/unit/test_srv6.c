// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests: the SRv6 header engine (afxdp/srv6.c).
 *
 * Expected bytes never come from the engine. Two independent sources:
 *
 *  - Literal vectors (vec_* below): packets built by scapy's IPv6 and
 *    IPv6ExtHdrSegmentRouting layers in tests/vectors/check-srv6.py, printed
 *    with `/usr/bin/python3 tests/vectors/check-srv6.py --c`. Only the outer
 *    flow label in them was taken from the engine (it is a hash, tested on
 *    its own below; if it changes on purpose, regenerate). That script also
 *    runs the engine (through tests/vectors/srv6-dump.c) over every mode x family x 1/2/3/16 SIDs and
 *    inline with a hop-by-hop header, compares each output byte for byte with
 *    scapy's packet, dissects it with scapy, and writes a pcap that
 *    `tshark -o ip.check_checksum:TRUE ...` must dissect with the expected
 *    SRH type/Segments Left/Last Entry and good checksums (ICMP errors too).
 *    Result when these tests were written: 28 cases, 0 failures.
 *
 *  - want_push() here: writes the expected packet field by field from
 *    RFC 8754 section 2 / RFC 8986 section 5 (checked against the scapy
 *    vectors in vectors_match_the_rfc_builder), used for the whole matrix.
 *
 * Addresses: documentation/ULA ranges only (fd00::/8, 192.0.2.0/24, ...).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "afxdp/srv6.h"

#define GUARD		0xa5
#define BIG		(65535 + 40 + 64)	/* largest inner packet we build */

static const char *const sid_str[XS_SIDS_MAX + 1] = {
	"fd00:b0::1", "fd00:b1::2", "fd00:b2::3", "fd00:b3::4", "fd00:b4::5",
	"fd00:b5::6", "fd00:b6::7", "fd00:b7::8", "fd00:b8::9", "fd00:b9::a",
	"fd00:ba::b", "fd00:bb::c", "fd00:bc::d", "fd00:bd::e", "fd00:be::f",
	"fd00:bf::10", "fd00:c0::11",
};

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

static void sids_n(struct in6_addr *sids, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		sids[i] = a6(sid_str[i]);
}

static void path_n(struct xs_srv6_path *p, enum xs_encap_mode mode, unsigned int n,
		   uint8_t hop_limit)
{
	struct in6_addr src = a6("fd00:a::1"), sids[XS_SIDS_MAX + 1];

	sids_n(sids, n);
	cr_assert_eq(xs_srv6_path__init(p, mode, &src, sids, n, hop_limit), 0,
		     "%s with %u SIDs", xs_encap_mode_name(mode), n);
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/*
 * Inner packets, written by hand: IPv6 (RFC 8200 section 3) or IPv4
 * (RFC 791) with UDP ports and a payload pattern; len is the whole packet.
 */
static uint32_t mk_ip6(uint8_t *b, uint32_t len, uint8_t tc, uint16_t sport, uint8_t seed)
{
	memset(b, 0, 40);
	b[0] = 0x60 | tc >> 4;
	b[1] = (tc & 0x0f) << 4 | 0x0a;		/* inner flow label 0xabcde */
	b[2] = 0xbc;
	b[3] = 0xde;
	put16(b + 4, len - 40);
	b[6] = 17;
	b[7] = 33;
	memcpy(b + 8, &(struct in6_addr){ .s6_addr = { 0xfd, 0, 0, 1, [15] = 0x10 } }, 16);
	memcpy(b + 24, &(struct in6_addr){ .s6_addr = { 0xfd, 0, 0, 2, [15] = 0x20 } }, 16);
	for (uint32_t i = 40; i < len; i++)
		b[i] = seed + i * 7;
	if (len >= 48) {
		put16(b + 40, sport);
		put16(b + 42, 4789);
		put16(b + 44, len - 40);
	}
	return len;
}

static uint32_t mk_ip4(uint8_t *b, uint32_t len, uint8_t tos, uint16_t sport, uint8_t seed)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	b[1] = tos;
	put16(b + 2, len);
	put16(b + 4, 0x4242);
	b[6] = 0x40;				/* DF */
	b[8] = 33;
	b[9] = 17;
	memcpy(b + 12, (uint8_t[]){ 192, 0, 2, 10 }, 4);
	memcpy(b + 16, (uint8_t[]){ 198, 51, 100, 20 }, 4);
	for (uint32_t i = 20; i < len; i++)
		b[i] = seed + i * 7;
	if (len >= 28) {
		put16(b + 20, sport);
		put16(b + 22, 4789);
		put16(b + 24, len - 20);
	}
	return len;
}

/* RFC 8754 2: an SRH whose Segment List holds entries[0..n-1] as given. */
static uint32_t put_srh(uint8_t *b, uint8_t next_header, const struct in6_addr *list,
			unsigned int n, uint8_t segments_left)
{
	b[0] = next_header;
	b[1] = 2 * n;			/* Hdr Ext Len: 8-octet units after the first 8 */
	b[2] = 4;			/* Routing Type: Segment Routing */
	b[3] = segments_left;
	b[4] = n - 1;			/* Last Entry: index of the last element */
	b[5] = 0;			/* Flags */
	b[6] = b[7] = 0;		/* Tag */
	for (unsigned int i = 0; i < n; i++)
		memcpy(b + 8 + 16 * i, &list[i], 16);
	return 8 + 16 * n;
}

/*
 * The packet RFC 8986 5.1 (H.Encaps), 5.2 (H.Encaps.Red) or inline insertion
 * makes of inner with the SIDs sid_str[0..n-1] from fd00:a::1. Only the flow
 * label is the engine's (an opaque hash): the caller checks it separately.
 */
static uint32_t want_push(uint8_t *w, enum xs_encap_mode mode, const uint8_t *in,
			  uint32_t in_len, unsigned int n, uint8_t hop_limit)
{
	struct in6_addr sids[XS_SIDS_MAX], list[XS_SIDS_MAX + 1], src = a6("fd00:a::1");
	int v4 = in[0] >> 4 == 4;
	uint8_t tc = v4 ? in[1] : (uint8_t)(in[0] << 4 | in[1] >> 4);
	uint32_t label = xs_flow_label(in, in_len), hlen, i;

	sids_n(sids, n);
	if (mode == XS_MODE_INLINE && !v4 && in[6] != 0) {
		/* RFC 8754 4.1: Segment List[0] = original DA, DA = first SID */
		memcpy(&list[0], in + 24, 16);
		for (i = 1; i <= n; i++)
			list[i] = sids[n - i];
		memcpy(w, in, 40);
		hlen = put_srh(w + 40, in[6], list, n + 1, n);
		put16(w + 4, in_len - 40 + hlen);
		w[6] = 43;
		memcpy(w + 24, &sids[0], 16);
		memcpy(w + 40 + hlen, in + 40, in_len - 40);
		return in_len + hlen;
	}
	/* outer IPv6: version 6, inner traffic class (DSCP and ECN), flow label */
	w[0] = 0x60 | tc >> 4;
	w[1] = (tc & 0x0f) << 4 | (label >> 16 & 0x0f);
	w[2] = label >> 8;
	w[3] = label;
	w[7] = hop_limit ? hop_limit : 64;
	memcpy(w + 8, &src, 16);
	memcpy(w + 24, &sids[0], 16);
	if (mode == XS_MODE_ENCAP_RED && n == 1) {
		hlen = 40;		/* no SRH at all */
		w[6] = v4 ? 4 : 41;
	} else if (mode == XS_MODE_ENCAP_RED) {
		/* the first SID is only in the DA: Last Entry n-2, Segments Left n-1 */
		for (i = 0; i < n - 1; i++)
			list[i] = sids[n - 1 - i];
		hlen = 40 + put_srh(w + 40, v4 ? 4 : 41, list, n - 1, n - 1);
		w[6] = 43;
	} else {
		/* Segment List[0] is the last segment; Segments Left = Last Entry */
		for (i = 0; i < n; i++)
			list[i] = sids[n - 1 - i];
		hlen = 40 + put_srh(w + 40, v4 ? 4 : 41, list, n, n - 1);
		w[6] = 43;
	}
	put16(w + 4, hlen - 40 + in_len);
	memcpy(w + hlen, in, in_len);
	return hlen + in_len;
}

static void assert_bytes(const uint8_t *got, const uint8_t *want, uint32_t len,
			 const char *what)
{
	for (uint32_t i = 0; i < len; i++)
		cr_assert_eq(got[i], want[i], "%s: byte %u is 0x%02x, want 0x%02x", what, i,
			     got[i], want[i]);
}

/* A buffer: headroom guard bytes, then the inner packet at l3. */
struct frame {
	uint8_t *buf, *l3, *orig;
	uint32_t headroom, len;
};

static void frame_init(struct frame *f, uint32_t headroom, const uint8_t *pkt, uint32_t len)
{
	f->buf = malloc(headroom + len);
	f->orig = malloc(len ? len : 1);
	cr_assert(f->buf && f->orig);
	memset(f->buf, GUARD, headroom);
	f->l3 = f->buf + headroom;
	memcpy(f->l3, pkt, len);
	memcpy(f->orig, pkt, len);
	f->headroom = headroom;
	f->len = len;
}

static void frame_free(struct frame *f)
{
	free(f->buf);
	free(f->orig);
}

/* after an error: not one byte of the frame may have changed */
static void assert_untouched(const struct frame *f, const char *what)
{
	for (uint32_t i = 0; i < f->headroom; i++)
		cr_assert_eq(f->buf[i], GUARD, "%s: headroom byte %u written", what, i);
	assert_bytes(f->l3, f->orig, f->len, what);
}

/* push, then compare everything with want_push and check the guard */
static void check_push(enum xs_encap_mode mode, const uint8_t *in, uint32_t in_len,
		       unsigned int n, uint8_t hop_limit, uint32_t extra_headroom)
{
	struct xs_srv6_path p;
	struct frame f;
	uint8_t *want = malloc(in_len + XS_SRV6_HDR_MAX), *out = NULL;
	uint32_t want_len, label = xs_flow_label(in, in_len);
	int fam = in[0] >> 4 == 4 ? AF_INET : AF_INET6, ret;
	char what[96];

	snprintf(what, sizeof(what), "%s, inner IPv%d of %u bytes, %u SIDs",
		 xs_encap_mode_name(mode), fam == AF_INET ? 4 : 6, in_len, n);
	path_n(&p, mode, n, hop_limit);
	want_len = want_push(want, mode, in, in_len, n, hop_limit);
	frame_init(&f, want_len - in_len + extra_headroom, in, in_len);

	ret = xs_srv6_push(&p, f.l3, f.len, f.headroom, &out);
	cr_assert_eq(ret, (int)want_len, "%s: returned %d, want %u", what, ret, want_len);
	cr_assert_eq(out, f.l3 - (want_len - in_len), "%s: packet starts at the wrong place", what);
	cr_assert(label >= 1 && label <= 0xfffff, "%s: flow label 0x%x", what, label);
	assert_bytes(out, want, want_len, what);
	for (uint8_t *g = f.buf; g < out; g++)
		cr_assert_eq(*g, GUARD, "%s: byte %td before the packet written", what, out - g);
	frame_free(&f);
	free(want);
}

/* ---- literal vectors: built by scapy (see the top of the file) ---- */

static const uint8_t inner_v6[85] = {
	0x6b, 0x91, 0x23, 0x45, 0x00, 0x2d, 0x11, 0x21, 0xfd, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0xfd, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x9c, 0x40, 0x12, 0xb5, 0x00, 0x2d, 0xff, 0x24,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24,
};
static const uint8_t inner_v4[77] = {
	0x45, 0xb9, 0x00, 0x4d, 0x42, 0x42, 0x40, 0x00, 0x21, 0x06, 0x2a, 0x5e,
	0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14, 0x9c, 0x40, 0x00, 0x50,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x18, 0x20, 0x00,
	0xaf, 0x7f, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_encap_v6_2[165] = {
	0x6b, 0x9e, 0x01, 0xc1, 0x00, 0x7d, 0x2b, 0x4d, 0xfd, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x29, 0x04, 0x04, 0x01, 0x01, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x6b, 0x91, 0x23, 0x45,
	0x00, 0x2d, 0x11, 0x21, 0xfd, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xfd, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
	0x9c, 0x40, 0x12, 0xb5, 0x00, 0x2d, 0xff, 0x24, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_encap_v4_1[141] = {
	0x6b, 0x9d, 0x11, 0xb7, 0x00, 0x65, 0x2b, 0x4d, 0xfd, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x04, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x45, 0xb9, 0x00, 0x4d, 0x42, 0x42, 0x40, 0x00,
	0x21, 0x06, 0x2a, 0x5e, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x18, 0x20, 0x00, 0xaf, 0x7f, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_encap_red_v6_1[125] = {
	0x6b, 0x9e, 0x01, 0xc1, 0x00, 0x55, 0x29, 0x4d, 0xfd, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x6b, 0x91, 0x23, 0x45, 0x00, 0x2d, 0x11, 0x21,
	0xfd, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0xfd, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x9c, 0x40, 0x12, 0xb5,
	0x00, 0x2d, 0xff, 0x24, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_encap_red_v4_2[141] = {
	0x6b, 0x9d, 0x11, 0xb7, 0x00, 0x65, 0x2b, 0x4d, 0xfd, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x04, 0x02, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x45, 0xb9, 0x00, 0x4d, 0x42, 0x42, 0x40, 0x00,
	0x21, 0x06, 0x2a, 0x5e, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x18, 0x20, 0x00, 0xaf, 0x7f, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_inline_v6_2[141] = {
	0x6b, 0x91, 0x23, 0x45, 0x00, 0x65, 0x2b, 0x21, 0xfd, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x11, 0x06, 0x04, 0x02, 0x02, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0xfd, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xfd, 0x00, 0x00, 0xb0,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x9c, 0x40, 0x12, 0xb5, 0x00, 0x2d, 0xff, 0x24, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
};
static const uint8_t vec_inline_v4_1[141] = {
	0x6b, 0x9d, 0x11, 0xb7, 0x00, 0x65, 0x2b, 0x4d, 0xfd, 0x00, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x04, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfd, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x45, 0xb9, 0x00, 0x4d, 0x42, 0x42, 0x40, 0x00,
	0x21, 0x06, 0x2a, 0x5e, 0xc0, 0x00, 0x02, 0x0a, 0xc6, 0x33, 0x64, 0x14,
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x18, 0x20, 0x00, 0xaf, 0x7f, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
};

static const struct {
	const char *name;
	enum xs_encap_mode mode;
	int v4;
	unsigned int nsids;
	const uint8_t *bytes;
	uint32_t len;
} vectors[] = {
#define VEC(m, v, n, arr) { #arr, m, v, n, arr, sizeof(arr) }
	VEC(XS_MODE_ENCAP, 0, 2, vec_encap_v6_2),
	VEC(XS_MODE_ENCAP, 1, 1, vec_encap_v4_1),
	VEC(XS_MODE_ENCAP_RED, 0, 1, vec_encap_red_v6_1),
	VEC(XS_MODE_ENCAP_RED, 1, 2, vec_encap_red_v4_2),
	VEC(XS_MODE_INLINE, 0, 2, vec_inline_v6_2),
	VEC(XS_MODE_INLINE, 1, 1, vec_inline_v4_1),
#undef VEC
};

Test(srv6_vectors, engine_output_equals_scapy_vectors)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const uint8_t *in = vectors[i].v4 ? inner_v4 : inner_v6;
		uint32_t in_len = vectors[i].v4 ? sizeof(inner_v4) : sizeof(inner_v6);
		struct xs_srv6_path p;
		struct frame f;
		uint8_t *out;
		int ret;

		/* scapy's vectors use hop limit 77 and the same SIDs and source */
		path_n(&p, vectors[i].mode, vectors[i].nsids, 77);
		frame_init(&f, 256, in, in_len);
		ret = xs_srv6_push(&p, f.l3, f.len, f.headroom, &out);
		cr_assert_eq(ret, (int)vectors[i].len, "%s: length %d", vectors[i].name, ret);
		assert_bytes(out, vectors[i].bytes, vectors[i].len, vectors[i].name);
		frame_free(&f);
	}
}

Test(srv6_vectors, vectors_match_the_rfc_builder)
{
	uint8_t w[512];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const uint8_t *in = vectors[i].v4 ? inner_v4 : inner_v6;
		uint32_t in_len = vectors[i].v4 ? sizeof(inner_v4) : sizeof(inner_v6);
		uint32_t len = want_push(w, vectors[i].mode, in, in_len, vectors[i].nsids, 77);

		cr_assert_eq(len, vectors[i].len, "%s", vectors[i].name);
		assert_bytes(w, vectors[i].bytes, len, vectors[i].name);
	}
}

/* The fields read back by name from one vector, so a reader sees the RFC. */
Test(srv6_vectors, encap_fields_by_name)
{
	const uint8_t *v = vec_encap_v6_2, *srh = v + 40;
	struct in6_addr sid0 = a6("fd00:b0::1"), sid1 = a6("fd00:b1::2"), src = a6("fd00:a::1");

	cr_assert_eq(v[0] >> 4, 6);
	cr_assert_eq((v[0] & 0x0f) << 4 | v[1] >> 4, 0xb9, "traffic class from the inner");
	cr_assert_eq((v[4] << 8 | v[5]), sizeof(vec_encap_v6_2) - 40, "payload length");
	cr_assert_eq(v[6], 43, "next header: routing");
	cr_assert_eq(v[7], 77, "hop limit");
	cr_assert_eq(memcmp(v + 8, &src, 16), 0);
	cr_assert_eq(memcmp(v + 24, &sid0, 16), 0, "DA = first SID");
	cr_assert_eq(srh[0], 41, "SRH next header: IPv6");
	cr_assert_eq(srh[1], 4, "Hdr Ext Len = 2 x 2 entries");
	cr_assert_eq(srh[2], 4, "Routing Type 4");
	cr_assert_eq(srh[3], 1, "Segments Left = n-1");
	cr_assert_eq(srh[4], 1, "Last Entry = n-1");
	cr_assert_eq(memcmp(srh + 8, &sid1, 16), 0, "Segment List[0] = last SID");
	cr_assert_eq(memcmp(srh + 24, &sid0, 16), 0, "Segment List[1] = first SID");
	cr_assert_eq(memcmp(srh + 40, inner_v6, sizeof(inner_v6)), 0);
}

/* ---- the matrix: mode x family x 1, 2, 3, 16 SIDs ---- */

static void matrix(enum xs_encap_mode mode)
{
	static const unsigned int counts[] = { 1, 2, 3, 16 };
	uint8_t in[1500];

	for (size_t i = 0; i < 4; i++) {
		unsigned int n = counts[i];
		uint8_t hl = i & 1 ? 0 : 200;	/* 0: the default, 64 */

		check_push(mode, in, mk_ip6(in, 100 + i, 0xb9, 1000 + i, i), n, hl, 0);
		check_push(mode, in, mk_ip6(in, 1500, 0x03, 2000, i), n, hl, 16);
		check_push(mode, in, mk_ip4(in, 100 + i, 0xb9, 1000 + i, i), n, hl, 0);
		check_push(mode, in, mk_ip4(in, 1500, 0x03, 2000, i), n, hl, 16);
	}
}

Test(srv6_push, encap_every_sid_count_both_families) { matrix(XS_MODE_ENCAP); }
Test(srv6_push, encap_red_every_sid_count_both_families) { matrix(XS_MODE_ENCAP_RED); }
Test(srv6_push, inline_every_sid_count_both_families) { matrix(XS_MODE_INLINE); }

Test(srv6_push, inline_ipv6_with_hop_by_hop_is_encapsulated)
{
	uint8_t in[200], w[600];
	uint32_t len = mk_ip6(in, 200, 0, 5, 1), wl, wl_encap;

	in[6] = 0;			/* hop-by-hop first: it must stay first */
	in[40] = 17;
	in[41] = 0;
	wl = want_push(w, XS_MODE_INLINE, in, len, 3, 0);
	wl_encap = want_push(w, XS_MODE_ENCAP, in, len, 3, 0);
	cr_assert_eq(wl, wl_encap);
	check_push(XS_MODE_INLINE, in, len, 3, 0, 0);
}

Test(srv6_push, outer_fields_by_mode)
{
	struct xs_srv6_path p;
	uint8_t in[100], *out;
	struct frame f;
	struct in6_addr orig_da;

	/* encap.red, 1 SID: no SRH, next header straight to the inner */
	path_n(&p, XS_MODE_ENCAP_RED, 1, 0);
	frame_init(&f, 64, in, mk_ip4(in, 100, 0xfd, 7, 0));
	cr_assert_eq(xs_srv6_push(&p, f.l3, f.len, f.headroom, &out), 140);
	cr_assert_eq(out[6], 4);
	cr_assert_eq(out[7], 64, "hop limit 0 means the default, 64");
	cr_assert_eq((out[0] & 0x0f) << 4 | out[1] >> 4, 0xfd, "TOS incl. ECN copied");
	cr_assert_eq(((out[1] & 0x0f) << 16 | out[2] << 8 | out[3]), xs_flow_label(in, 100));
	frame_free(&f);

	/* inline: DA = first SID, Segment List[0] = original DA, SL = LE = n */
	path_n(&p, XS_MODE_INLINE, 3, 0);
	frame_init(&f, 64 + 16, in, mk_ip6(in, 100, 0, 7, 0));
	memcpy(&orig_da, in + 24, 16);
	cr_assert_eq(xs_srv6_push(&p, f.l3, f.len, f.headroom, &out), 100 + 8 + 64);
	cr_assert_eq(out[6], 43);
	cr_assert_eq(out[7], 33, "inline keeps the packet's own hop limit");
	cr_assert_eq(memcmp(out + 24, &p.sids[0], 16), 0);
	cr_assert_eq(out[40], 17, "SRH next header = the original next header");
	cr_assert_eq(out[41], 8);
	cr_assert_eq(out[43], 3);
	cr_assert_eq(out[44], 3);
	cr_assert_eq(memcmp(out + 48, &orig_da, 16), 0);
	cr_assert_eq(memcmp(out + 48 + 48, &p.sids[0], 16), 0, "Segment List[n] = first SID");
	frame_free(&f);
}

Test(srv6_push, payload_length_for_many_sizes)
{
	static const uint32_t sizes6[] = { 40, 41, 48, 1280, 1500, 9000, 65535 - 56 };
	static const uint32_t sizes4[] = { 20, 28, 576, 1500, 9000, 65535 - 56 };
	struct xs_srv6_path p;
	uint8_t *in = malloc(BIG), *out;
	struct frame f;

	path_n(&p, XS_MODE_ENCAP, 3, 0);	/* adds 40 + 8 + 48 = 96 */
	for (size_t i = 0; i < sizeof(sizes6) / sizeof(sizes6[0]); i++) {
		frame_init(&f, 96, in, mk_ip6(in, sizes6[i], 0, 9, 0));
		cr_assert_eq(xs_srv6_push(&p, f.l3, f.len, f.headroom, &out), (int)sizes6[i] + 96);
		cr_assert_eq(out[4] << 8 | out[5], sizes6[i] + 56, "IPv6 inner of %u", sizes6[i]);
		assert_bytes(out + 96, f.orig, f.len, "inner");
		frame_free(&f);
	}
	for (size_t i = 0; i < sizeof(sizes4) / sizeof(sizes4[0]); i++) {
		frame_init(&f, 96, in, mk_ip4(in, sizes4[i], 0, 9, 0));
		cr_assert_eq(xs_srv6_push(&p, f.l3, f.len, f.headroom, &out), (int)sizes4[i] + 96);
		cr_assert_eq(out[4] << 8 | out[5], sizes4[i] + 56, "IPv4 inner of %u", sizes4[i]);
		frame_free(&f);
	}
	free(in);
}

/* ---- errors from push: nothing may be written ---- */

static int push_err(enum xs_encap_mode mode, unsigned int n, const uint8_t *in, uint32_t len,
		    uint32_t headroom)
{
	struct xs_srv6_path p;
	struct frame f;
	uint8_t *out = NULL;
	int ret;

	path_n(&p, mode, n, 0);
	frame_init(&f, headroom, in, len);
	ret = xs_srv6_push(&p, f.l3, f.len, f.headroom, &out);
	if (ret < 0) {
		assert_untouched(&f, xs_encap_mode_name(mode));
		cr_assert_null(out, "*out set on error");
	}
	frame_free(&f);
	return ret;
}

Test(srv6_errors, headroom_one_byte_short_is_enospc)
{
	struct xs_srv6_path p;
	uint8_t in[300];

	for (int m = 0; m < XS_MODE__MAX; m++) {
		for (unsigned int n = 1; n <= XS_SIDS_MAX; n += 5) {
			path_n(&p, m, n, 0);
			for (int v4 = 0; v4 < 2; v4++) {
				uint32_t len = v4 ? mk_ip4(in, 300, 0, 1, 0) : mk_ip6(in, 300, 0, 1, 0);
				uint32_t need = xs_srv6_overhead(&p, v4 ? AF_INET : AF_INET6);

				cr_assert_eq(push_err(m, n, in, len, need - 1), -ENOSPC,
					     "%s %u SIDs IPv%d", xs_encap_mode_name(m), n, v4 ? 4 : 6);
				cr_assert_eq(push_err(m, n, in, len, 0), -ENOSPC);
				cr_assert_eq(push_err(m, n, in, len, need), (int)(len + need));
			}
		}
	}
}

Test(srv6_errors, not_ip_is_eprotonosupport)
{
	uint8_t in[100];

	mk_ip6(in, 100, 0, 1, 0);
	in[0] = 0x50 | (in[0] & 0x0f);
	cr_assert_eq(push_err(XS_MODE_ENCAP, 2, in, 100, 200), -EPROTONOSUPPORT);
	cr_assert_eq(push_err(XS_MODE_INLINE, 2, in, 100, 200), -EPROTONOSUPPORT);
	in[0] = 0x00;
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 2, in, 100, 200), -EPROTONOSUPPORT);
	in[0] = 0xf0;
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 2, in, 1, 200), -EPROTONOSUPPORT);
}

Test(srv6_errors, malformed_inner_lengths_are_einval)
{
	uint8_t in[100];

	for (int m = 0; m < XS_MODE__MAX; m++) {
		cr_assert_eq(push_err(m, 2, in, 0, 200), -EINVAL, "empty");
		mk_ip6(in, 100, 0, 1, 0);
		cr_assert_eq(push_err(m, 2, in, 39, 200), -EINVAL, "IPv6 shorter than its header");
		cr_assert_eq(push_err(m, 2, in, 99, 200), -EINVAL, "IPv6 payload length too big");
		put16(in + 4, 59);
		cr_assert_eq(push_err(m, 2, in, 100, 200), -EINVAL, "IPv6 payload length short");
		put16(in + 4, 0);	/* a jumbogram's 0 is not supported either */
		cr_assert_eq(push_err(m, 2, in, 100, 200), -EINVAL, "IPv6 payload length 0");

		mk_ip4(in, 100, 0, 1, 0);
		cr_assert_eq(push_err(m, 2, in, 19, 200), -EINVAL, "IPv4 shorter than 20");
		cr_assert_eq(push_err(m, 2, in, 99, 200), -EINVAL, "IPv4 total length too big");
		put16(in + 2, 101);
		cr_assert_eq(push_err(m, 2, in, 100, 200), -EINVAL, "IPv4 total length 101");
		put16(in + 2, 100);
		in[0] = 0x44;
		cr_assert_eq(push_err(m, 2, in, 100, 200), -EINVAL, "IHL 4");
		mk_ip4(in, 40, 0, 1, 0);
		in[0] = 0x4f;		/* 60-byte header in a 40-byte packet */
		cr_assert_eq(push_err(m, 2, in, 40, 200), -EINVAL, "IHL beyond total length");
	}
}

Test(srv6_errors, result_over_65535_is_emsgsize)
{
	uint8_t *in = malloc(BIG);

	/* encap, 1 SID adds 40 + 24: the outer payload is inner + 24 */
	mk_ip6(in, 65511, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP, 1, in, 65511, 64), 65511 + 64, "exactly 65535");
	mk_ip6(in, 65512, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP, 1, in, 65512, 64), -EMSGSIZE);
	mk_ip4(in, 65535, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP, 1, in, 65535, 64), -EMSGSIZE);
	cr_assert_eq(push_err(XS_MODE_INLINE, 1, in, 65535, 64), -EMSGSIZE, "IPv4 on inline");
	/* encap.red, 1 SID adds only 40: the largest IPv4 packet still fits */
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 1, in, 65535, 40), 65535 + 40);
	mk_ip6(in, 65535, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 1, in, 65535, 40), 65535 + 40);
	mk_ip6(in, 65536, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 1, in, 65536, 40), -EMSGSIZE);
	mk_ip6(in, 65575, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_ENCAP_RED, 2, in, 65575, 64), -EMSGSIZE);
	/* inline, 1 SID adds 40 to the payload length */
	mk_ip6(in, 65535, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_INLINE, 1, in, 65535, 40), 65535 + 40);
	mk_ip6(in, 65536, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_INLINE, 1, in, 65536, 40), -EMSGSIZE);
	mk_ip6(in, 65575, 0, 1, 0);
	cr_assert_eq(push_err(XS_MODE_INLINE, 16, in, 65575, 400), -EMSGSIZE);
	free(in);
}

/* ---- path setup ---- */

Test(srv6_errors, path_init_rejects_bad_sids_and_sources)
{
	static const char *const bad[] = { "::", "ff02::1", "ff0e::2", "::1", "::ffff:192.0.2.1" };
	struct in6_addr sids[XS_SIDS_MAX + 1], good = a6("fd00:a::1"), b;
	struct xs_srv6_path p;

	sids_n(sids, XS_SIDS_MAX + 1);
	cr_assert_eq(xs_srv6_path__init(&p, XS_MODE_ENCAP, &good, sids, 0, 0), -EINVAL);
	cr_assert_eq(xs_srv6_path__init(&p, XS_MODE_ENCAP, &good, sids, 17, 0), -E2BIG);
	cr_assert_eq(xs_srv6_path__init(&p, XS_MODE_ENCAP, &good, sids, 16, 0), 0);
	cr_assert_eq(xs_srv6_path__init(&p, XS_MODE__MAX, &good, sids, 2, 0), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = a6(bad[i]);
		cr_assert_eq(xs_srv6_path__init(&p, XS_MODE_ENCAP, &b, sids, 2, 0), -EINVAL,
			     "source %s", bad[i]);
		for (unsigned int pos = 0; pos < 3; pos++) {
			sids_n(sids, 3);
			sids[pos] = b;
			cr_assert_eq(xs_srv6_path__init(&p, XS_MODE_INLINE, &good, sids, 3, 0),
				     -EINVAL, "SID %s at %u", bad[i], pos);
		}
	}
}

Test(srv6_parse, overheads)
{
	struct xs_srv6_path p;

	for (unsigned int n = 1; n <= XS_SIDS_MAX; n++) {
		unsigned int encap = 40 + 8 + 16 * n;
		unsigned int red = n == 1 ? 40 : 40 + 8 + 16 * (n - 1);

		path_n(&p, XS_MODE_ENCAP, n, 0);
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET6), encap);
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET), encap);
		cr_assert_eq(xs_srv6_overhead_max(&p), encap);
		path_n(&p, XS_MODE_ENCAP_RED, n, 0);
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET6), red);
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET), red);
		cr_assert_eq(xs_srv6_overhead_max(&p), red);
		path_n(&p, XS_MODE_INLINE, n, 0);
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET6), 8 + 16 * (n + 1));
		cr_assert_eq(xs_srv6_overhead(&p, AF_INET), encap, "IPv4 on inline: encap");
		cr_assert_eq(xs_srv6_overhead_max(&p), encap);
	}
	cr_assert_eq(XS_SRV6_HDR_MAX, 40 + 8 + 16 * 16);
}

Test(srv6_parse, encap_mode_names)
{
	static const char *const bad[] = { "", "Encap", "encap.", "encap.red ", " encap",
					   "inl", "encapred", "red" };

	cr_assert_eq(xs_encap_mode_parse("encap"), XS_MODE_ENCAP);
	cr_assert_eq(xs_encap_mode_parse("encap.red"), XS_MODE_ENCAP_RED);
	cr_assert_eq(xs_encap_mode_parse("inline"), XS_MODE_INLINE);
	for (int m = 0; m < XS_MODE__MAX; m++)
		cr_assert_eq(xs_encap_mode_parse(xs_encap_mode_name(m)), m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(xs_encap_mode_parse(bad[i]), -EINVAL, "'%s'", bad[i]);
	cr_assert_str_eq(xs_encap_mode_name(XS_MODE__MAX), "?");
}

Test(srv6_parse, sid_lists)
{
	struct in6_addr s[XS_SIDS_MAX], want1 = a6("fd00::1"), want2 = a6("fd00::2");
	char err[160], list[800];

	cr_assert_eq(xs_sid_list_parse("fd00::1,fd00::2", s, XS_SIDS_MAX, err, sizeof(err)), 2);
	cr_assert_eq(memcmp(&s[0], &want1, 16), 0);
	cr_assert_eq(memcmp(&s[1], &want2, 16), 0);
	cr_assert_eq(xs_sid_list_parse("  fd00::2 ,\tfd00::1, ", s, XS_SIDS_MAX, err,
				       sizeof(err)), 2);
	cr_assert_eq(memcmp(&s[0], &want2, 16), 0);
	cr_assert_eq(memcmp(&s[1], &want1, 16), 0);
	cr_assert_eq(xs_sid_list_parse("fd00::1 fd00::2 2001:db8::3", s, XS_SIDS_MAX, err,
				       sizeof(err)), 3);

	cr_assert_eq(xs_sid_list_parse("fd00::1,fd00::zz", s, XS_SIDS_MAX, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "'fd00::zz'") && strstr(err, "position 2"), "message: %s", err);
	cr_assert_eq(xs_sid_list_parse("192.0.2.1", s, XS_SIDS_MAX, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "'192.0.2.1'") && strstr(err, "position 1"), "message: %s", err);
	cr_assert_eq(xs_sid_list_parse("fd00::1 ff02::1", s, XS_SIDS_MAX, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "'ff02::1'") && strstr(err, "position 2"), "message: %s", err);
	cr_assert_eq(xs_sid_list_parse("fd00::1,fd00:0000:0000:0000:0000:0000:0000:0000:0001:0000:0000",
				       s, XS_SIDS_MAX, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "position 2") && strstr(err, "too long"), "message: %s", err);

	cr_assert_eq(xs_sid_list_parse("", s, XS_SIDS_MAX, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "empty"), "message: %s", err);
	cr_assert_eq(xs_sid_list_parse(" ,, \t", s, XS_SIDS_MAX, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "empty"), "message: %s", err);

	list[0] = '\0';
	for (int i = 0; i < 16; i++)
		sprintf(list + strlen(list), "%sfd00::%x", i ? "," : "", i + 1);
	cr_assert_eq(xs_sid_list_parse(list, s, XS_SIDS_MAX, err, sizeof(err)), 16);
	strcat(list, ",fd00::11");
	cr_assert_eq(xs_sid_list_parse(list, s, XS_SIDS_MAX, err, sizeof(err)), -E2BIG);
	cr_assert(strstr(err, "too many") && strstr(err, "16"), "message: %s", err);
}

/* ---- flow label ---- */

Test(srv6_label, same_flow_same_label)
{
	uint8_t a[2000], b[2000];

	for (int v4 = 0; v4 < 2; v4++) {
		uint32_t la = v4 ? mk_ip4(a, 100, 0, 5555, 1) : mk_ip6(a, 100, 0, 5555, 1);
		uint32_t label = xs_flow_label(a, la);

		cr_assert(label >= 1 && label <= 0xfffff);
		for (uint32_t len = 60; len < 2000; len += 97) {
			uint32_t lb = v4 ? mk_ip4(b, len, len & 0xfc, 5555, len)
					 : mk_ip6(b, len, len & 0xfc, 5555, len);

			b[v4 ? 8 : 7] = len;		/* TTL / hop limit */
			if (v4)
				put16(b + 4, len);	/* IP ID */
			cr_assert_eq(xs_flow_label(b, lb), label, "IPv%d, %u bytes", v4 ? 4 : 6, len);
		}
		/* and the label really is what the encapsulation carries */
		check_push(XS_MODE_ENCAP, a, la, 2, 0, 0);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * 1000 flows differing only in the source port. The hash is deterministic,
 * so these bounds cannot flake: for a uniform 20-bit hash one expects ~0.5
 * collisions and 62.5 +- 8 labels per top-4-bit bucket; 990 and [20, 130]
 * leave room for any decent hash and fail a broken one (constant, ports
 * ignored, low bits only).
 */
Test(srv6_label, different_flows_spread)
{
	uint32_t labels[1000], buckets[16];
	uint8_t in[100];

	for (int v4 = 0; v4 < 2; v4++) {
		unsigned int distinct = 1;

		memset(buckets, 0, sizeof(buckets));
		for (int i = 0; i < 1000; i++) {
			uint32_t len = v4 ? mk_ip4(in, 100, 0, 20000 + i, 0)
					  : mk_ip6(in, 100, 0, 20000 + i, 0);

			labels[i] = xs_flow_label(in, len);
			cr_assert(labels[i] >= 1 && labels[i] <= 0xfffff);
			buckets[labels[i] >> 16]++;
		}
		qsort(labels, 1000, sizeof(labels[0]), cmp_u32);
		for (int i = 1; i < 1000; i++)
			distinct += labels[i] != labels[i - 1];
		cr_assert_geq(distinct, 990, "IPv%d: %u distinct labels", v4 ? 4 : 6, distinct);
		for (int i = 0; i < 16; i++)
			cr_assert(buckets[i] >= 20 && buckets[i] <= 130,
				  "IPv%d: bucket %d holds %u of 1000", v4 ? 4 : 6, i, buckets[i]);
	}
}

Test(srv6_label, tuple_parts_matter)
{
	uint8_t in[100];
	uint32_t base;

	mk_ip6(in, 100, 0, 1, 0);
	base = xs_flow_label(in, 100);
	put16(in + 42, 4790);
	cr_assert_neq(xs_flow_label(in, 100), base, "destination port");
	mk_ip6(in, 100, 0, 1, 0);
	in[39] ^= 1;
	cr_assert_neq(xs_flow_label(in, 100), base, "destination address");
	mk_ip6(in, 100, 0, 1, 0);
	in[6] = 6;
	cr_assert_neq(xs_flow_label(in, 100), base, "protocol");

	/* ports behind a destination-options header still count */
	mk_ip6(in, 100, 0, 1, 0);
	in[6] = 60;
	in[40] = 17;
	in[41] = 0;
	put16(in + 48, 1111);
	base = xs_flow_label(in, 100);
	put16(in + 48, 2222);
	cr_assert_neq(xs_flow_label(in, 100), base, "port after an extension header");

	cr_assert_eq(xs_flow_label(in, 0), 1, "nothing to hash: 1, never 0");
	in[0] = 0x50;
	cr_assert_eq(xs_flow_label(in, 100), 1);
}

/* every fragment of a datagram has to follow one path: no ports in any */
Test(srv6_label, fragments_of_one_datagram_share_a_label)
{
	uint8_t first[100], later[100];

	mk_ip4(first, 100, 0, 1, 0);
	first[6] = 0x20;			/* MF, offset 0: carries the ports */
	mk_ip4(later, 100, 0, 1, 9);
	later[6] = 0x00;
	later[7] = 10;				/* offset 80, last fragment */
	cr_assert_eq(xs_flow_label(first, 100), xs_flow_label(later, 100));
	mk_ip4(first, 100, 0, 2, 0);
	first[6] = 0x20;
	cr_assert_eq(xs_flow_label(first, 100), xs_flow_label(later, 100), "ports ignored");

	/* IPv6: a fragment header, first or not */
	mk_ip6(first, 100, 0, 1, 0);
	first[6] = 44;
	first[40] = 17;
	mk_ip6(later, 100, 0, 2, 0);
	later[6] = 44;
	later[40] = 17;
	later[43] = 80;
	cr_assert_eq(xs_flow_label(first, 100), xs_flow_label(later, 100));
}
