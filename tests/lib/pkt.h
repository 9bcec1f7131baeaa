/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A packet builder for tests: Ethernet, 802.1Q/802.1ad tags, IPv4 with
 * options, IPv6 with a chain of extension headers, TCP, UDP, ICMP, ICMPv6,
 * with lengths and checksums computed from scratch by pkt_finish().
 *
 * Layers are appended in wire order; each append patches the previous
 * layer's "next protocol" field (EtherType, IPv4 protocol, IPv6 next
 * header), so a chain is built by calling the functions in order:
 *
 *	struct pkt p;
 *	pkt_init(&p);
 *	pkt_eth(&p, dmac, smac);
 *	pkt_ipv6(&p, &(struct pkt_ip6){ .src = ..., .dst = ... });
 *	pkt_ipv6_ext(&p, PKT_IPV6_DSTOPTS, 8);
 *	pkt_udp(&p, 1234, 53);
 *	pkt_payload(&p, NULL, 100);	  (NULL: a deterministic pattern)
 *	pkt_finish(&p);
 *
 * After pkt_finish() the bytes may be edited to make a packet malformed
 * (p.buf, p.len and the recorded offsets stay valid).
 *
 * All multi-byte arguments are in host byte order unless named *_be.
 */
#ifndef XS_TEST_PKT_H
#define XS_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define PKT_MAX		4096	/* a page: what BPF_PROG_TEST_RUN takes */
#define PKT_MAX_EXT	32	/* IPv6 extension headers per packet */
#define PKT_NONE	((size_t)-1)

#define PKT_IPV6_HOPOPTS	0
#define PKT_IPV6_ROUTING	43
#define PKT_IPV6_FRAGMENT	44
#define PKT_IPV6_DSTOPTS	60
#define PKT_IPV6_NONE		59

/* TCP flag bits, as in byte 13 of the header. */
#define PKT_TCP_FIN	0x01
#define PKT_TCP_SYN	0x02
#define PKT_TCP_RST	0x04
#define PKT_TCP_PSH	0x08
#define PKT_TCP_ACK	0x10
#define PKT_TCP_URG	0x20
#define PKT_TCP_ECE	0x40
#define PKT_TCP_CWR	0x80

struct pkt {
	uint8_t buf[PKT_MAX];
	size_t len;
	bool overflow;		/* an append did not fit: the packet is invalid */

	/* offsets into buf, PKT_NONE when absent */
	size_t l3;		/* IPv4 / IPv6 header */
	size_t l4;		/* TCP / UDP / ICMP / ICMPv6 header, or payload */
	size_t payload;
	size_t next_field;	/* byte or EtherType to patch on the next append */
	bool next_is_ethertype;

	int family;		/* AF_INET, AF_INET6 or 0 */
	uint8_t l4_proto;	/* what l4 holds, 0 when unknown */
	size_t ext[PKT_MAX_EXT];	/* IPv6 extension header offsets */
	uint8_t ext_type[PKT_MAX_EXT];
	int n_ext;
};

struct pkt_ip4 {
	struct in_addr src, dst;
	uint8_t ttl;		/* 0 means 64 */
	uint8_t tos;
	uint16_t id;
	uint16_t frag;		/* flags (DF 0x4000, MF 0x2000) | offset/8 */
	const uint8_t *opts;	/* options, padded by the caller to 4n bytes */
	size_t opts_len;
};

struct pkt_ip6 {
	struct in6_addr src, dst;
	uint8_t hop_limit;	/* 0 means 64 */
	uint8_t tclass;
	uint32_t flowlabel;	/* 20 bits */
};

struct pkt_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;		/* PKT_TCP_* */
	uint16_t window;	/* 0 means 65535 */
	const uint8_t *opts;	/* padded by the caller to 4n bytes */
	size_t opts_len;
};

void pkt_init(struct pkt *p);

/* Ethernet; the EtherType is set by what follows (or pkt_ethertype()). */
void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6]);
/* A VLAN tag: tpid 0x8100 (802.1Q) or 0x88a8 (802.1ad); tci = PCP|DEI|VID. */
void pkt_vlan(struct pkt *p, uint16_t tpid, uint16_t tci);
/* Sets the pending EtherType explicitly (for non-IP payloads). */
void pkt_ethertype(struct pkt *p, uint16_t type);
/* An ARP request (Ethernet/IPv4) for tpa from spa. */
void pkt_arp_request(struct pkt *p, const uint8_t sha[6], struct in_addr spa,
		     struct in_addr tpa);

void pkt_ipv4(struct pkt *p, const struct pkt_ip4 *h);
void pkt_ipv6(struct pkt *p, const struct pkt_ip6 *h);
/*
 * An IPv6 extension header of type PKT_IPV6_HOPOPTS, _DSTOPTS or _ROUTING,
 * len bytes in all (a multiple of 8, at least 8), filled with PadN options
 * (hop-by-hop, destination options) or as a routing header of type 253
 * (RFC 4727 experimental) with segments left 0, which nodes skip.
 */
void pkt_ipv6_ext(struct pkt *p, uint8_t type, size_t len);
/* An IPv6 fragment header: offset in bytes (multiple of 8), M flag, id. */
void pkt_ipv6_frag(struct pkt *p, uint16_t offset, bool more, uint32_t id);

void pkt_tcp(struct pkt *p, const struct pkt_tcp *h);
void pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport);
/* ICMP (IPv4) or ICMPv6, by the network layer below; id/seq for echo. */
void pkt_icmp(struct pkt *p, uint8_t type, uint8_t code, uint16_t id, uint16_t seq);
/* Any other protocol: sets the next-protocol field, the rest is payload. */
void pkt_proto(struct pkt *p, uint8_t proto);

/* Payload bytes; data NULL: byte i is (uint8_t)(i * 7 + 1). */
void pkt_payload(struct pkt *p, const void *data, size_t len);

/*
 * Fills in IPv4 total length and header checksum, IPv6 payload length,
 * UDP length and the TCP/UDP/ICMP/ICMPv6 checksums over what follows the
 * L4 header in the packet. Returns the length, 0 on overflow.
 */
size_t pkt_finish(struct pkt *p);

/*
 * Splits a finished, unfragmented IPv4 or IPv6 packet: *out gets the
 * fragment carrying bytes [offset, offset + len) of the fragmentable part
 * (offset a multiple of 8), with MF set unless it reaches the end. L4
 * checksums stay those of the whole datagram, as a real sender's. IPv4:
 * the header, options included, is copied into every fragment. IPv6: the
 * fragment header goes after the last hop-by-hop or routing header.
 * Returns the fragment's length, 0 on bad arguments.
 */
size_t pkt_fragment(const struct pkt *whole, size_t offset, size_t len,
		    uint32_t id, struct pkt *out);

/* After pkt_finish(): pads with zero bytes to at least len bytes, as a
 * NIC pads to the Ethernet minimum frame (60); IP lengths stay. */
void pkt_pad(struct pkt *p, size_t len);

/* RFC 1071 sum of len bytes added to sum, not folded or complemented. */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
/*
 * Folds and complements a sum: the checksum in host order (write it
 * big-endian; compare it with ntohs() of the field).
 */
uint16_t pkt_csum_fold(uint32_t sum);
/* The checksum an IPv4 header must carry, ignoring what its field holds
 * (host order, as pkt_csum_fold()). */
uint16_t pkt_ipv4_hdr_csum(const void *iph);
/* Recomputes the IPv4 header checksum in place (after editing a header). */
void pkt_ipv4_fix_csum(struct pkt *p);

/* Parses "a.b.c.d" / IPv6 text; aborts on a typo in the test. */
struct in_addr pkt_a4(const char *s);
struct in6_addr pkt_a6(const char *s);

#endif /* XS_TEST_PKT_H */
