// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include "icmp.h"

#define ICMP_HLEN 8
#define XS_IP_DF  0x4000

uint32_t xs_csum_add(uint32_t sum, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t xs_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static int icmp6_is_error(const uint8_t *orig, uint32_t len)
{
	uint8_t nh = orig[6];
	uint32_t off = 40;
	int i;

	/* skip extension headers to find an ICMPv6 error (bounded) */
	for (i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60) && off + 2 <= len; i++) {
		nh = orig[off];
		off += (orig[off + 1] + 1) * 8;
	}
	return nh == IPPROTO_ICMPV6 && off < len && orig[off] < 128;
}

static int too_big6(const uint8_t *orig, uint32_t orig_len, uint32_t mtu,
		    const struct in6_addr *src, uint8_t *out, uint32_t cap)
{
	/*
	 * Headers are built in aligned copies: behind Ethernet, orig and out
	 * are 2 mod 4, too little for struct ipv6hdr / in6_addr accesses.
	 */
	struct ipv6hdr oip, ip = { 0 };
	struct icmp6hdr ic = { 0 };
	uint32_t quote, len, sum;
	uint8_t ph[8] = { 0 };

	if (orig_len < sizeof(oip) || (orig[0] >> 4) != 6)
		return -EINVAL;
	memcpy(&oip, orig, sizeof(oip));
	if (IN6_IS_ADDR_UNSPECIFIED(&oip.saddr) || IN6_IS_ADDR_MULTICAST(&oip.saddr) ||
	    IN6_IS_ADDR_MULTICAST(&oip.daddr) || icmp6_is_error(orig, orig_len))
		return -EPERM;

	quote = orig_len;
	if (quote > XS_ICMP6_ERR_MAX - sizeof(ip) - ICMP_HLEN)
		quote = XS_ICMP6_ERR_MAX - sizeof(ip) - ICMP_HLEN;
	len = sizeof(ip) + ICMP_HLEN + quote;
	if (cap < len)
		return -ENOSPC;
	if (mtu < 1280)
		mtu = 1280;	/* never advertise below the IPv6 minimum */

	ip.version = 6;
	ip.payload_len = htons(ICMP_HLEN + quote);
	ip.nexthdr = IPPROTO_ICMPV6;
	ip.hop_limit = 255;
	ip.saddr = *src;
	ip.daddr = oip.saddr;
	ic.icmp6_type = ICMPV6_PKT_TOOBIG;
	ic.icmp6_code = 0;
	ic.icmp6_mtu = htonl(mtu);
	memmove(out + sizeof(ip) + ICMP_HLEN, orig, quote);

	/* pseudo-header: addresses, upper-layer length, next header */
	sum = xs_csum_add(0, &ip.saddr, 32);
	ph[2] = (ICMP_HLEN + quote) >> 8;
	ph[3] = (ICMP_HLEN + quote) & 0xff;
	ph[7] = IPPROTO_ICMPV6;
	sum = xs_csum_add(sum, ph, sizeof(ph));
	sum = xs_csum_add(sum, &ic, ICMP_HLEN);
	sum = xs_csum_add(sum, out + sizeof(ip) + ICMP_HLEN, quote);
	ic.icmp6_cksum = xs_csum_fold(sum);
	memcpy(out, &ip, sizeof(ip));
	memcpy(out + sizeof(ip), &ic, ICMP_HLEN);
	return len;
}

static int icmp4_is_error(const struct iphdr *ip, const uint8_t *orig, uint32_t len)
{
	uint32_t off = ip->ihl * 4;
	uint8_t t;

	if (ip->protocol != IPPROTO_ICMP || (ip->frag_off & htons(0x1fff)) || off >= len)
		return 0;
	t = orig[off];
	return t == ICMP_DEST_UNREACH || t == ICMP_SOURCE_QUENCH || t == ICMP_REDIRECT ||
	       t == ICMP_TIME_EXCEEDED || t == ICMP_PARAMETERPROB;
}

static int too_big4(const uint8_t *orig, uint32_t orig_len, uint32_t mtu,
		    uint32_t src, uint8_t *out, uint32_t cap)
{
	/* aligned copies, as in too_big6 */
	struct iphdr oip, ip = { 0 };
	struct icmphdr ic = { 0 };
	uint32_t quote, len, saddr;

	if (orig_len < sizeof(oip))
		return -EINVAL;
	memcpy(&oip, orig, sizeof(oip));
	if (oip.ihl < 5 || orig_len < oip.ihl * 4u)
		return -EINVAL;
	saddr = ntohl(oip.saddr);
	if (!(oip.frag_off & htons(XS_IP_DF)) || !saddr || saddr == 0xffffffff ||
	    (saddr >> 28) == 0xe || icmp4_is_error(&oip, orig, orig_len))
		return -EPERM;
	/* RFC 1191's field is 16 bits; an MTU below 68 means no usable path */
	if (mtu > 0xffff)
		mtu = 0xffff;

	quote = orig_len;
	if (quote > XS_ICMP4_ERR_MAX - sizeof(ip) - ICMP_HLEN)
		quote = XS_ICMP4_ERR_MAX - sizeof(ip) - ICMP_HLEN;
	len = sizeof(ip) + ICMP_HLEN + quote;
	if (cap < len)
		return -ENOSPC;

	ip.version = 4;
	ip.ihl = 5;
	ip.tos = 0xc0;		/* internetwork control, as routers send errors */
	ip.tot_len = htons(len);
	ip.frag_off = htons(XS_IP_DF);
	ip.ttl = 64;
	ip.protocol = IPPROTO_ICMP;
	ip.saddr = src;
	ip.daddr = oip.saddr;
	ip.check = xs_csum_fold(xs_csum_add(0, &ip, sizeof(ip)));
	ic.type = ICMP_DEST_UNREACH;
	ic.code = ICMP_FRAG_NEEDED;
	ic.un.frag.mtu = htons(mtu);
	memmove(out + sizeof(ip) + ICMP_HLEN, orig, quote);
	ic.checksum = xs_csum_fold(xs_csum_add(xs_csum_add(0, &ic, ICMP_HLEN),
					       out + sizeof(ip) + ICMP_HLEN, quote));
	memcpy(out, &ip, sizeof(ip));
	memcpy(out + sizeof(ip), &ic, ICMP_HLEN);
	return len;
}

int xs_icmp_too_big(const uint8_t *orig, uint32_t orig_len, uint32_t mtu,
		    const struct in6_addr *src6, uint32_t src4,
		    uint8_t *out, uint32_t cap)
{
	if (!orig_len)
		return -EINVAL;
	switch (orig[0] >> 4) {
	case 6:
		return too_big6(orig, orig_len, mtu, src6, out, cap);
	case 4:
		return too_big4(orig, orig_len, mtu, src4, out, cap);
	}
	return -EINVAL;
}
