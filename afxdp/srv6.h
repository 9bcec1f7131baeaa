/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SRv6 header engine: pure C, no I/O. A path (1 to 16 SIDs, a source
 * address, a mode) is turned once into a header template; per packet the
 * template is copied in front of the packet and only what varies is
 * patched (payload length, traffic class, flow label, next header).
 *
 *   encap      RFC 8986 H.Encaps: outer IPv6 + SRH (RFC 8754) + inner packet
 *   encap.red  H.Encaps.Red: first SID only in the destination address;
 *              with a single SID, no SRH at all
 *   inline     SRH inserted after the IPv6 header of an IPv6 packet; the
 *              original destination becomes Segment List[0]. IPv4 packets
 *              on an inline path are encapsulated (encap) instead.
 */
#ifndef XS_SRV6_H
#define XS_SRV6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define XS_SIDS_MAX		16
#define XS_IP6_HLEN		40
#define XS_SRH_HLEN		8
/* largest header xsteer ever adds: outer IPv6 + SRH of 16 SIDs, or an
 * inline SRH of 16 SIDs + the original destination */
#define XS_SRV6_HDR_MAX		(XS_IP6_HLEN + XS_SRH_HLEN + 16 * XS_SIDS_MAX)
#define XS_HOP_LIMIT_DEFAULT	64

enum xs_encap_mode {
	XS_MODE_ENCAP = 0,
	XS_MODE_ENCAP_RED,
	XS_MODE_INLINE,
	XS_MODE__MAX,
};

struct xs_srv6_path {
	enum xs_encap_mode mode;
	uint8_t nsids;
	uint8_t hop_limit;
	struct in6_addr src;
	struct in6_addr sids[XS_SIDS_MAX];	/* sids[0]: first to visit */

	/* encap / encap.red (and inline's IPv4 fallback: enc_*) */
	uint8_t tmpl[XS_SRV6_HDR_MAX];
	uint16_t tmpl_len;	/* outer IPv6 + SRH */
	uint16_t srh_len;	/* 0: no SRH (encap.red with one SID) */

	/* inline: SRH with Segment List[1..n]; [0] is patched per packet */
	uint8_t inl[XS_SRH_HLEN + 16 * (XS_SIDS_MAX + 1)];
	uint16_t inl_len;
};

/* the names, indexed by enum xs_encap_mode, NULL after the last */
extern const char *const xs_encap_mode_names[XS_MODE__MAX + 1];
const char *xs_encap_mode_name(enum xs_encap_mode m);
/* "encap", "encap.red" or "inline"; -EINVAL otherwise */
int xs_encap_mode_parse(const char *s);

/*
 * Build the templates. -EINVAL: no SIDs, a bad mode, or an unusable SID or
 * source (unspecified, multicast, loopback); -E2BIG: more than 16 SIDs.
 */
int xs_srv6_path__init(struct xs_srv6_path *p, enum xs_encap_mode mode,
		       const struct in6_addr *src, const struct in6_addr *sids,
		       unsigned int nsids, uint8_t hop_limit);

/* Bytes the path adds to a packet of the family (AF_INET / AF_INET6). */
unsigned int xs_srv6_overhead(const struct xs_srv6_path *p, int family);
/* Largest overhead of the path over both families (for MTU settings). */
unsigned int xs_srv6_overhead_max(const struct xs_srv6_path *p);

/*
 * Push the SRv6 headers onto the IP packet at l3 (l3_len bytes), using the
 * headroom bytes in front of it. On success *out is the new start of the
 * packet and the new length is returned. -ENOSPC: not enough headroom;
 * -EPROTONOSUPPORT: not IPv4/IPv6; -EINVAL: malformed inner header;
 * -EMSGSIZE: the result would exceed 65535 bytes.
 */
int xs_srv6_push(const struct xs_srv6_path *p, uint8_t *l3, uint32_t l3_len,
		 uint32_t headroom, uint8_t **out);

/*
 * RFC 6437 flow label for the outer header: a hash of the inner 5-tuple
 * (addresses and protocol only when there are no ports), never 0.
 */
uint32_t xs_flow_label(const uint8_t *l3, uint32_t len);

/*
 * Parse a SID list, "fd00::1,fd00::2" (commas or spaces). Returns the number
 * of SIDs or -errno with err naming the bad SID and its position.
 */
int xs_sid_list_parse(const char *s, struct in6_addr *sids, unsigned int max,
		      char *err, size_t errlen);

#endif
