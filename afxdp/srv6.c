// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include "srv6.h"

#define NH_IPV4		4
#define NH_IPV6		41
#define NH_ROUTING	43
#define NH_HOPOPTS	0
#define SRH_TYPE	4

const char *const xs_encap_mode_names[XS_MODE__MAX + 1] = {
	[XS_MODE_ENCAP] = "encap",
	[XS_MODE_ENCAP_RED] = "encap.red",
	[XS_MODE_INLINE] = "inline",
	[XS_MODE__MAX] = NULL,
};

const char *xs_encap_mode_name(enum xs_encap_mode m)
{
	return m < XS_MODE__MAX ? xs_encap_mode_names[m] : "?";
}

int xs_encap_mode_parse(const char *s)
{
	for (int i = 0; i < XS_MODE__MAX; i++)
		if (!strcmp(s, xs_encap_mode_names[i]))
			return i;
	return -EINVAL;
}

static int addr_usable(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_V4MAPPED(a);
}

/* SRH header with n entries: Hdr Ext Len counts 8-octet units after the first 8. */
static void srh_fill(uint8_t *buf, unsigned int entries, unsigned int segs_left)
{
	struct ipv6_sr_hdr *srh = (struct ipv6_sr_hdr *)buf;

	memset(srh, 0, XS_SRH_HLEN);
	srh->hdrlen = entries * 2;
	srh->type = SRH_TYPE;
	srh->segments_left = segs_left;
	srh->first_segment = entries - 1;	/* Last Entry */
}

int xs_srv6_path__init(struct xs_srv6_path *p, enum xs_encap_mode mode,
		       const struct in6_addr *src, const struct in6_addr *sids,
		       unsigned int nsids, uint8_t hop_limit)
{
	struct ipv6hdr *ip6;
	unsigned int i, entries;
	uint8_t *seg;

	if (!nsids || mode >= XS_MODE__MAX || !addr_usable(src))
		return -EINVAL;
	if (nsids > XS_SIDS_MAX)
		return -E2BIG;
	for (i = 0; i < nsids; i++)
		if (!addr_usable(&sids[i]))
			return -EINVAL;

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->nsids = nsids;
	p->hop_limit = hop_limit ? hop_limit : XS_HOP_LIMIT_DEFAULT;
	p->src = *src;
	memcpy(p->sids, sids, nsids * sizeof(*sids));

	/*
	 * Outer header template. Segment List[0] is the last segment, so the
	 * list is written in reverse. encap.red leaves sids[0] out of the list
	 * (Last Entry = n-2) but Segments Left stays n-1 (RFC 8754 4.1.1).
	 */
	entries = mode == XS_MODE_ENCAP_RED ? nsids - 1 : nsids;
	p->srh_len = entries ? XS_SRH_HLEN + 16 * entries : 0;
	p->tmpl_len = XS_IP6_HLEN + p->srh_len;
	ip6 = (struct ipv6hdr *)p->tmpl;
	ip6->version = 6;
	ip6->nexthdr = p->srh_len ? NH_ROUTING : NH_IPV6;	/* patched per packet */
	ip6->hop_limit = p->hop_limit;
	ip6->saddr = *src;
	ip6->daddr = sids[0];
	if (p->srh_len) {
		srh_fill(p->tmpl + XS_IP6_HLEN, entries, nsids - 1);
		seg = p->tmpl + XS_IP6_HLEN + XS_SRH_HLEN;
		for (i = 0; i < entries; i++)
			memcpy(seg + 16 * i, &sids[nsids - 1 - i], 16);
	}

	/* Inline SRH: [0] = original destination, [1..n] = sids reversed. */
	if (mode == XS_MODE_INLINE) {
		p->inl_len = XS_SRH_HLEN + 16 * (nsids + 1);
		srh_fill(p->inl, nsids + 1, nsids);
		seg = p->inl + XS_SRH_HLEN;
		for (i = 1; i <= nsids; i++)
			memcpy(seg + 16 * i, &sids[nsids - i], 16);
	}
	return 0;
}

unsigned int xs_srv6_overhead(const struct xs_srv6_path *p, int family)
{
	if (p->mode == XS_MODE_INLINE && family == AF_INET6)
		return p->inl_len;
	return p->tmpl_len;
}

unsigned int xs_srv6_overhead_max(const struct xs_srv6_path *p)
{
	unsigned int a = xs_srv6_overhead(p, AF_INET), b = xs_srv6_overhead(p, AF_INET6);

	return a > b ? a : b;
}

/* A small, well-mixing hash (murmur3's finalizer over the tuple words). */
static uint32_t mix(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

static uint32_t fmix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	return h ^ (h >> 16);
}

static uint32_t load32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

uint32_t xs_flow_label(const uint8_t *l3, uint32_t len)
{
	uint32_t h = 0x5eed, ports = 0, off, i;
	uint8_t proto;
	int has_ports = 1;

	/* byte offsets, no struct pointers: l3 is 2 mod 4 behind Ethernet */
	if (len >= sizeof(struct iphdr) && (l3[0] >> 4) == 4) {
		h = mix(h, load32(l3 + 12));	/* saddr */
		h = mix(h, load32(l3 + 16));	/* daddr */
		proto = l3[9];
		off = (l3[0] & 0x0f) * 4;
		/* any fragment, the first too: all of a datagram on one path */
		if ((l3[6] & 0x3f) || l3[7])
			has_ports = 0;
	} else if (len >= XS_IP6_HLEN && (l3[0] >> 4) == 6) {
		for (i = 8; i < 40; i += 4)
			h = mix(h, load32(l3 + i));
		proto = l3[6];
		off = XS_IP6_HLEN;
		/* skip hop-by-hop, routing, destination options (bounded) */
		for (i = 0; i < 8 && (proto == 0 || proto == 43 || proto == 60) &&
			    off + 2 <= len; i++) {
			proto = l3[off];
			off += (l3[off + 1] + 1) * 8;
		}
		if (proto == 44)	/* fragment: no ports to trust */
			has_ports = 0;
	} else {
		return 1;
	}
	if (has_ports && (proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
			  proto == IPPROTO_SCTP) && off + 4 <= len)
		ports = load32(l3 + off);
	h = mix(h, proto);
	h = mix(h, ports);
	h = fmix(h) & 0xFFFFF;
	return h ? h : 1;
}

static int inner_tc(const uint8_t *l3, int *family)
{
	if ((l3[0] >> 4) == 4) {
		*family = AF_INET;
		return l3[1];				/* TOS */
	}
	*family = AF_INET6;
	return ((l3[0] & 0x0f) << 4) | (l3[1] >> 4);	/* traffic class */
}

static void set_vtcfl(uint8_t *ip6, uint8_t tc, uint32_t label)
{
	uint32_t w = htonl(6u << 28 | (uint32_t)tc << 20 | (label & 0xFFFFF));

	memcpy(ip6, &w, 4);
}

static int push_encap(const struct xs_srv6_path *p, uint8_t *l3, uint32_t l3_len,
		      uint32_t headroom, uint8_t **out)
{
	uint32_t total = l3_len + p->tmpl_len;
	uint8_t *hdr = l3 - p->tmpl_len;
	uint16_t plen;
	int family, tc;
	uint8_t nh;

	if (headroom < p->tmpl_len)
		return -ENOSPC;
	if (total - XS_IP6_HLEN > 0xFFFF)
		return -EMSGSIZE;
	tc = inner_tc(l3, &family);
	nh = family == AF_INET ? NH_IPV4 : NH_IPV6;

	memcpy(hdr, p->tmpl, p->tmpl_len);
	set_vtcfl(hdr, tc, xs_flow_label(l3, l3_len));
	plen = htons(total - XS_IP6_HLEN);
	memcpy(hdr + 4, &plen, 2);
	if (p->srh_len)
		hdr[XS_IP6_HLEN] = nh;		/* SRH next header */
	else
		hdr[6] = nh;			/* IPv6 next header */
	*out = hdr;
	return total;
}

static int push_inline(const struct xs_srv6_path *p, uint8_t *l3, uint32_t l3_len,
		       uint32_t headroom, uint8_t **out)
{
	uint8_t *start = l3 - p->inl_len, *srh;
	uint32_t plen;

	if (headroom < p->inl_len)
		return -ENOSPC;
	plen = (uint32_t)(l3[4] << 8 | l3[5]) + p->inl_len;
	if (plen > 0xFFFF)
		return -EMSGSIZE;

	/* move the IPv6 header forward, then the SRH goes between */
	memmove(start, l3, XS_IP6_HLEN);
	srh = start + XS_IP6_HLEN;
	memcpy(srh, p->inl, p->inl_len);
	srh[0] = start[6];				/* next header */
	memcpy(srh + XS_SRH_HLEN, start + 24, 16);	/* Segment List[0] = DA */
	start[6] = NH_ROUTING;
	memcpy(start + 24, &p->sids[0], 16);
	start[4] = plen >> 8;				/* payload length */
	start[5] = plen;
	*out = start;
	return l3_len + p->inl_len;
}

int xs_srv6_push(const struct xs_srv6_path *p, uint8_t *l3, uint32_t l3_len,
		 uint32_t headroom, uint8_t **out)
{
	unsigned int ver;

	if (l3_len < 1)
		return -EINVAL;
	ver = l3[0] >> 4;
	if (ver == 4) {
		unsigned int ihl = l3[0] & 0x0f;

		if (l3_len < sizeof(struct iphdr) || ihl < 5 || ihl * 4 > l3_len ||
		    (uint32_t)(l3[2] << 8 | l3[3]) != l3_len)
			return -EINVAL;
		return push_encap(p, l3, l3_len, headroom, out);
	}
	if (ver != 6)
		return -EPROTONOSUPPORT;
	if (l3_len < XS_IP6_HLEN || (uint32_t)(l3[4] << 8 | l3[5]) + XS_IP6_HLEN != l3_len)
		return -EINVAL;
	/* a hop-by-hop header must stay first: encapsulate such packets */
	if (p->mode == XS_MODE_INLINE && l3[6] != NH_HOPOPTS)
		return push_inline(p, l3, l3_len, headroom, out);
	return push_encap(p, l3, l3_len, headroom, out);
}

int xs_sid_list_parse(const char *s, struct in6_addr *sids, unsigned int max,
		      char *err, size_t errlen)
{
	char tok[INET6_ADDRSTRLEN + 1];
	unsigned int n = 0;
	size_t len;

	for (;;) {
		s += strspn(s, ", \t");
		if (!*s)
			break;
		len = strcspn(s, ", \t");
		if (n == max) {
			snprintf(err, errlen, "too many SIDs: at most %u", max);
			return -E2BIG;
		}
		if (len >= sizeof(tok)) {
			snprintf(err, errlen, "bad SID '%.*s...' (position %u): too long",
				 16, s, n + 1);
			return -EINVAL;
		}
		memcpy(tok, s, len);
		tok[len] = '\0';
		if (inet_pton(AF_INET6, tok, &sids[n]) != 1) {
			snprintf(err, errlen, "bad SID '%s' (position %u): not an IPv6 address",
				 tok, n + 1);
			return -EINVAL;
		}
		if (!addr_usable(&sids[n])) {
			snprintf(err, errlen,
				 "bad SID '%s' (position %u): unspecified, loopback, multicast "
				 "or IPv4-mapped", tok, n + 1);
			return -EINVAL;
		}
		n++;
		s += len;
	}
	if (!n) {
		snprintf(err, errlen, "empty SID list");
		return -EINVAL;
	}
	return n;
}
