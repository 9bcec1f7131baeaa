/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names for what the datapath stores as numbers: protocols, addresses, stats. */
#ifndef XS_FLOWFMT_H
#define XS_FLOWFMT_H

#include <stdbool.h>
#include <stddef.h>
#include "xdp/xs_shared.h"

extern const char *const xs_stat_names[XS_STAT__MAX];

const char *xs_proto_name(unsigned int proto, char *buf, size_t len);
/* IPv4-mapped addresses print as dotted quads when the key says IPv4. */
const char *xs_addr_str(const __u32 addr[4], bool v4, char *buf, size_t len);
bool xs_key_is_v4(const struct xs_flow_key *k);

#endif
