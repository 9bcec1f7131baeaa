// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Packet builder for tests; see pkt.h. Written from the RFCs (791, 793,
 * 768, 792, 8200, 4443, 1071) rather than from the code under test, so the
 * two do not share a mistake.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "pkt.h"

#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Reserves n zeroed bytes at the end; NULL (and overflow set) if full. */
static uint8_t *grow(struct pkt *p, size_t n)
{
	uint8_t *at;

	if (p->overflow || n > PKT_MAX - p->len) {
		p->overflow = true;
		return NULL;
	}
	at = p->buf + p->len;
	memset(at, 0, n);
	p->len += n;
	return at;
}

/* Writes the previous layer's next-protocol field. */
static void link_next(struct pkt *p, uint16_t ethertype, uint8_t ipproto)
{
	if (p->next_field == PKT_NONE)
		return;
	if (p->next_is_ethertype)
		put16(p->buf + p->next_field, ethertype);
	else
		p->buf[p->next_field] = ipproto;
	p->next_field = PKT_NONE;
}

void pkt_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->l3 = p->l4 = p->payload = p->next_field = PKT_NONE;
}

void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6])
{
	uint8_t *h = grow(p, 14);

	if (!h)
		return;
	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	p->next_field = p->len - 2;
	p->next_is_ethertype = true;
}

void pkt_vlan(struct pkt *p, uint16_t tpid, uint16_t tci)
{
	uint8_t *h;

	link_next(p, tpid, 0);
	h = grow(p, 4);
	if (!h)
		return;
	put16(h, tci);
	p->next_field = p->len - 2;
	p->next_is_ethertype = true;
}

void pkt_ethertype(struct pkt *p, uint16_t type)
{
	link_next(p, type, 0);
}

void pkt_arp_request(struct pkt *p, const uint8_t sha[6], struct in_addr spa,
		     struct in_addr tpa)
{
	uint8_t *h;

	link_next(p, ETHERTYPE_ARP, 0);
	h = grow(p, 28);
	if (!h)
		return;
	put16(h, 1);			/* hardware: Ethernet */
	put16(h + 2, ETHERTYPE_IP);
	h[4] = 6;
	h[5] = 4;
	put16(h + 6, 1);		/* request */
	memcpy(h + 8, sha, 6);
	memcpy(h + 14, &spa, 4);
	memcpy(h + 24, &tpa, 4);	/* target hardware address stays zero */
	p->payload = p->len - 28;
}

void pkt_ipv4(struct pkt *p, const struct pkt_ip4 *ip)
{
	size_t hlen = 20 + ip->opts_len;
	uint8_t *h;

	if (ip->opts_len % 4 || hlen > 60) {
		p->overflow = true;
		return;
	}
	link_next(p, ETHERTYPE_IP, IPPROTO_IPIP);
	h = grow(p, hlen);
	if (!h)
		return;
	h[0] = 0x40 | (uint8_t)(hlen / 4);
	h[1] = ip->tos;
	put16(h + 4, ip->id);
	put16(h + 6, ip->frag);
	h[8] = ip->ttl ? ip->ttl : 64;
	h[9] = 255;			/* reserved; patched by the next layer */
	memcpy(h + 12, &ip->src, 4);
	memcpy(h + 16, &ip->dst, 4);
	if (ip->opts_len)
		memcpy(h + 20, ip->opts, ip->opts_len);
	p->l3 = p->len - hlen;
	p->family = AF_INET;
	p->next_field = p->l3 + 9;
	p->next_is_ethertype = false;
}

void pkt_ipv6(struct pkt *p, const struct pkt_ip6 *ip)
{
	uint8_t *h;

	link_next(p, ETHERTYPE_IPV6, IPPROTO_IPV6);
	h = grow(p, 40);
	if (!h)
		return;
	put32(h, 6u << 28 | (uint32_t)ip->tclass << 20 | (ip->flowlabel & 0xfffff));
	h[6] = PKT_IPV6_NONE;
	h[7] = ip->hop_limit ? ip->hop_limit : 64;
	memcpy(h + 8, &ip->src, 16);
	memcpy(h + 24, &ip->dst, 16);
	p->l3 = p->len - 40;
	p->family = AF_INET6;
	p->next_field = p->l3 + 6;
	p->next_is_ethertype = false;
}

static void add_ext(struct pkt *p, uint8_t type, size_t off)
{
	if (p->n_ext == PKT_MAX_EXT) {
		p->overflow = true;
		return;
	}
	p->ext[p->n_ext] = off;
	p->ext_type[p->n_ext++] = type;
	p->next_field = off;
	p->next_is_ethertype = false;
}

void pkt_ipv6_ext(struct pkt *p, uint8_t type, size_t len)
{
	uint8_t *h;

	if (len < 8 || len % 8 || len > 8 * 256 ||
	    (type != PKT_IPV6_HOPOPTS && type != PKT_IPV6_DSTOPTS &&
	     type != PKT_IPV6_ROUTING)) {
		p->overflow = true;
		return;
	}
	link_next(p, 0, type);
	h = grow(p, len);
	if (!h)
		return;
	h[0] = PKT_IPV6_NONE;
	h[1] = (uint8_t)(len / 8 - 1);
	if (type == PKT_IPV6_ROUTING) {
		h[2] = 253;		/* routing type: RFC 4727 experiment */
		h[3] = 0;		/* segments left */
	} else {
		h[2] = 1;		/* PadN over the rest of the header */
		h[3] = (uint8_t)(len - 4);
	}
	add_ext(p, type, p->len - len);
}

void pkt_ipv6_frag(struct pkt *p, uint16_t offset, bool more, uint32_t id)
{
	uint8_t *h;

	if (offset % 8) {
		p->overflow = true;
		return;
	}
	link_next(p, 0, PKT_IPV6_FRAGMENT);
	h = grow(p, 8);
	if (!h)
		return;
	h[0] = PKT_IPV6_NONE;
	put16(h + 2, offset | (more ? 1 : 0));
	put32(h + 4, id);
	add_ext(p, PKT_IPV6_FRAGMENT, p->len - 8);
}

static void start_l4(struct pkt *p, uint8_t proto, size_t hlen)
{
	link_next(p, 0, proto);
	if (!grow(p, hlen))
		return;
	p->l4 = p->len - hlen;
	p->payload = p->len;
	p->l4_proto = proto;
}

void pkt_tcp(struct pkt *p, const struct pkt_tcp *t)
{
	size_t hlen = 20 + t->opts_len;
	uint8_t *h;

	if (t->opts_len % 4 || hlen > 60) {
		p->overflow = true;
		return;
	}
	start_l4(p, IPPROTO_TCP, hlen);
	if (p->overflow)
		return;
	h = p->buf + p->l4;
	put16(h, t->sport);
	put16(h + 2, t->dport);
	put32(h + 4, t->seq);
	put32(h + 8, t->ack);
	h[12] = (uint8_t)(hlen / 4) << 4;
	h[13] = t->flags;
	put16(h + 14, t->window ? t->window : 65535);
	if (t->opts_len)
		memcpy(h + 20, t->opts, t->opts_len);
}

void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	start_l4(p, IPPROTO_UDP, 8);
	if (p->overflow)
		return;
	put16(p->buf + p->l4, sport);
	put16(p->buf + p->l4 + 2, dport);
}

void pkt_icmp(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	uint8_t *h;

	start_l4(p, p->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 8);
	if (p->overflow)
		return;
	h = p->buf + p->l4;
	h[0] = type;
	h[1] = code;
	put16(h + 4, id);
	put16(h + 6, seq);
}

void pkt_proto(struct pkt *p, uint8_t proto)
{
	start_l4(p, proto, 0);
}

void pkt_payload(struct pkt *p, const void *data, size_t len)
{
	uint8_t *at = grow(p, len);
	size_t i;

	if (!at)
		return;
	if (p->payload == PKT_NONE)
		p->payload = p->len - len;
	if (data) {
		memcpy(at, data, len);
		return;
	}
	for (i = 0; i < len; i++)
		at[i] = (uint8_t)(i * 7 + 1);
}

void pkt_pad(struct pkt *p, size_t len)
{
	if (p->len < len)
		grow(p, len - p->len);
}

uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += get16(b + i);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t pkt_ipv4_hdr_csum(const void *iph)
{
	const uint8_t *h = iph;
	size_t hlen = (h[0] & 0x0f) * 4u;
	uint32_t sum;

	/* every word but the checksum field (bytes 10-11) */
	sum = pkt_csum_add(0, h, 10);
	sum = pkt_csum_add(sum, h + 12, hlen > 12 ? hlen - 12 : 0);
	return pkt_csum_fold(sum);
}

void pkt_ipv4_fix_csum(struct pkt *p)
{
	if (p->family != AF_INET || p->l3 == PKT_NONE)
		return;
	put16(p->buf + p->l3 + 10, pkt_ipv4_hdr_csum(p->buf + p->l3));
}

/* Pseudo-header sum (RFC 793 / RFC 8200 8.1) for an upper layer of len bytes. */
static uint32_t pseudo_sum(const struct pkt *p, uint8_t proto, size_t len)
{
	const uint8_t *ip = p->buf + p->l3;
	uint8_t w[4];
	uint32_t sum;

	if (p->family == AF_INET) {
		sum = pkt_csum_add(0, ip + 12, 8);
		sum += proto;
		sum += (uint32_t)len;
		return sum;
	}
	sum = pkt_csum_add(0, ip + 8, 32);
	put32(w, (uint32_t)len);
	sum = pkt_csum_add(sum, w, 4);
	return sum + proto;
}

static void l4_csum(struct pkt *p)
{
	uint8_t *h = p->buf + p->l4;
	size_t len = p->len - p->l4;
	size_t field;
	uint32_t sum;
	uint16_t c;

	switch (p->l4_proto) {
	case IPPROTO_TCP:
		field = 16;
		break;
	case IPPROTO_UDP:
		put16(h + 4, (uint16_t)len);
		field = 6;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		field = 2;
		break;
	default:
		return;
	}
	if (len < field + 2)
		return;
	put16(h + field, 0);
	sum = p->l4_proto == IPPROTO_ICMP ? 0 : pseudo_sum(p, p->l4_proto, len);
	c = pkt_csum_fold(pkt_csum_add(sum, h, len));
	if (c == 0 && p->l4_proto == IPPROTO_UDP)
		c = 0xffff;		/* 0 means "no checksum" in UDP */
	put16(h + field, c);
}

size_t pkt_finish(struct pkt *p)
{
	if (p->overflow)
		return 0;
	if (p->l3 != PKT_NONE && p->family == AF_INET) {
		put16(p->buf + p->l3 + 2, (uint16_t)(p->len - p->l3));
		pkt_ipv4_fix_csum(p);
	} else if (p->l3 != PKT_NONE && p->family == AF_INET6) {
		put16(p->buf + p->l3 + 4, (uint16_t)(p->len - p->l3 - 40));
	}
	if (p->l3 != PKT_NONE && p->l4 != PKT_NONE)
		l4_csum(p);
	return p->len;
}

static size_t ext_len(const struct pkt *p, int i)
{
	if (p->ext_type[i] == PKT_IPV6_FRAGMENT)
		return 8;
	return (p->buf[p->ext[i] + 1] + 1u) * 8;
}

size_t pkt_fragment(const struct pkt *whole, size_t offset, size_t len,
		    uint32_t id, struct pkt *out)
{
	size_t unfrag, total, field, data;
	int i, last = -1;
	uint8_t *h;

	if (whole->overflow || whole->l3 == PKT_NONE || offset % 8)
		return 0;
	pkt_init(out);
	out->family = whole->family;
	out->l3 = whole->l3;

	if (whole->family == AF_INET) {
		const uint8_t *ip = whole->buf + whole->l3;

		unfrag = whole->l3 + (ip[0] & 0x0f) * 4u;
		total = whole->l3 + get16(ip + 2) - unfrag;
		if (offset >= total || offset / 8 > 0x1fff)
			return 0;
		if (len > total - offset)
			len = total - offset;
		if (offset + len < total && len % 8)
			return 0;
		memcpy(out->buf, whole->buf, unfrag);
		memcpy(out->buf + unfrag, whole->buf + unfrag + offset, len);
		out->len = unfrag + len;
		h = out->buf + out->l3;
		put16(h + 2, (uint16_t)(out->len - out->l3));
		put16(h + 4, (uint16_t)id);
		put16(h + 6, (get16(h + 6) & 0x4000) |
			     (offset + len < total ? 0x2000 : 0) |
			     (uint16_t)(offset / 8));
		pkt_ipv4_fix_csum(out);
		data = unfrag;
	} else {
		/* Unfragmentable part: up to the last hop-by-hop or routing header. */
		unfrag = whole->l3 + 40;
		field = whole->l3 + 6;
		for (i = 0; i < whole->n_ext; i++) {
			if (whole->ext_type[i] == PKT_IPV6_HOPOPTS ||
			    whole->ext_type[i] == PKT_IPV6_ROUTING) {
				last = i;
				unfrag = whole->ext[i] + ext_len(whole, i);
				field = whole->ext[i];
			}
		}
		total = whole->l3 + 40 + get16(whole->buf + whole->l3 + 4) - unfrag;
		if (offset >= total || offset > 0xfff8)
			return 0;
		if (len > total - offset)
			len = total - offset;
		if (offset + len < total && len % 8)
			return 0;
		if (unfrag + 8 + len > PKT_MAX)
			return 0;
		memcpy(out->buf, whole->buf, unfrag);
		h = out->buf + unfrag;
		h[0] = whole->buf[field];
		h[1] = 0;
		put16(h + 2, (uint16_t)(offset | (offset + len < total ? 1 : 0)));
		put32(h + 4, id);
		out->buf[field] = PKT_IPV6_FRAGMENT;
		memcpy(h + 8, whole->buf + unfrag + offset, len);
		out->len = unfrag + 8 + len;
		put16(out->buf + out->l3 + 4, (uint16_t)(out->len - out->l3 - 40));
		for (i = 0; i <= last; i++) {
			out->ext[i] = whole->ext[i];
			out->ext_type[i] = whole->ext_type[i];
		}
		out->n_ext = last + 1;
		out->ext[out->n_ext] = unfrag;
		out->ext_type[out->n_ext++] = PKT_IPV6_FRAGMENT;
		data = unfrag + 8;
		/* fragmentable extension headers that this fragment holds */
		for (i = last + 1; i < whole->n_ext && out->n_ext < PKT_MAX_EXT; i++) {
			if (whole->ext[i] - unfrag >= offset + len || whole->ext[i] - unfrag < offset)
				continue;
			out->ext[out->n_ext] = data + (whole->ext[i] - unfrag - offset);
			out->ext_type[out->n_ext++] = whole->ext_type[i];
		}
	}
	/*
	 * unfrag: where the fragmentable part starts in whole; data: in out.
	 * L4 and payload offsets carry over only into the first fragment.
	 */
	if (offset == 0 && whole->l4 != PKT_NONE && whole->l4 >= unfrag) {
		out->l4 = data + (whole->l4 - unfrag);
		out->l4_proto = whole->l4_proto;
		if (whole->payload != PKT_NONE && out->l4 <= out->len)
			out->payload = data + (whole->payload - unfrag);
	}
	return out->len;
}

struct in_addr pkt_a4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "pkt: bad IPv4 address '%s'\n", s);
		abort();
	}
	return a;
}

struct in6_addr pkt_a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1) {
		fprintf(stderr, "pkt: bad IPv6 address '%s'\n", s);
		abort();
	}
	return a;
}
