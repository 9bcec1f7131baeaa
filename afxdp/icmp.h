/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP errors the datapath sends back to the sender when a packet would
 * not fit the uplink after encapsulation: ICMPv6 Packet Too Big (RFC 4443)
 * and ICMPv4 Destination Unreachable / Fragmentation Needed (RFC 1191), as
 * a router would, so the sender's path MTU discovery works. Pure C.
 */
#ifndef XS_ICMP_H
#define XS_ICMP_H

#include <netinet/in.h>
#include <stdint.h>

/* RFC 4443: an ICMPv6 error must fit the IPv6 minimum MTU. */
#define XS_ICMP6_ERR_MAX	1280
/* RFC 1812 4.3.2.3: as much of the original as fits in 576 bytes. */
#define XS_ICMP4_ERR_MAX	576

/*
 * Build the ICMP error answering the IP packet orig (orig_len bytes) with
 * the given MTU, from src6 (IPv6) or src4 (IPv4, network order), into out
 * (cap bytes). Returns the L3 length, or:
 *   -EPERM       no error may be sent (orig is itself an ICMP error, its
 *                source is unspecified/multicast/broadcast, or IPv4 without
 *                DF: the caller drops and counts it)
 *   -EINVAL      orig is malformed
 *   -ENOSPC      cap too small
 */
int xs_icmp_too_big(const uint8_t *orig, uint32_t orig_len, uint32_t mtu,
		    const struct in6_addr *src6, uint32_t src4,
		    uint8_t *out, uint32_t cap);

/* Internet checksum helpers (RFC 1071), also used by tests. */
uint32_t xs_csum_add(uint32_t sum, const void *data, uint32_t len);
uint16_t xs_csum_fold(uint32_t sum);

#endif
