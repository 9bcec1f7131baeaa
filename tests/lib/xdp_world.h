/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The world the XDP program is run in by the BPF table test and the XDP
 * fuzz target: one network namespace, an `ip -batch` script of veth pairs,
 * addresses, permanent neighbours and routes (forwarded, no neighbour,
 * unreachable, a 1280-byte MTU), and the MACs both check frames against.
 */
#ifndef XS_TEST_XDP_WORLD_H
#define XS_TEST_XDP_WORLD_H

#include <stdint.h>

static const uint8_t MAC_IN0[6]	 = { 0x02, 0, 0, 0, 0x01, 0x00 };
static const uint8_t MAC_OUT0[6] = { 0x02, 0, 0, 0, 0x02, 0x00 };
static const uint8_t MAC_GW[6]	 = { 0x02, 0, 0, 0, 0x02, 0x02 };

static const char *const xs_xdp_world =
	"link set lo up\n"
	"link add xin0 address 02:00:00:00:01:00 type veth peer name xin1 address 02:00:00:00:01:01\n"
	"link add xout0 address 02:00:00:00:02:00 type veth peer name xout1 address 02:00:00:00:02:01\n"
	"link add xmtu0 address 02:00:00:00:03:00 mtu 1280 type veth peer name xmtu1 address 02:00:00:00:03:01 mtu 1280\n"
	"link set xin1 up\n"
	"link set xout1 up\n"
	"link set xmtu1 up\n"
	"link set xin0 up\n"
	"link set xout0 up\n"
	"link set xmtu0 up\n"
	"addr add 192.0.2.1/24 dev xin0\n"
	"addr add fd00:1::1/64 dev xin0 nodad\n"
	"addr add 198.51.100.1/25 dev xout0\n"
	"addr add fd00:2::1/64 dev xout0 nodad\n"
	"addr add 198.51.100.129/25 dev xmtu0\n"
	"addr add fd00:3::1/64 dev xmtu0 nodad\n"
	"neigh add 198.51.100.2 lladdr 02:00:00:00:02:02 dev xout0 nud permanent\n"
	"neigh add fd00:2::2 lladdr 02:00:00:00:02:02 dev xout0 nud permanent\n"
	"neigh add 198.51.100.130 lladdr 02:00:00:00:03:02 dev xmtu0 nud permanent\n"
	"neigh add fd00:3::2 lladdr 02:00:00:00:03:02 dev xmtu0 nud permanent\n"
	"route add 203.0.113.0/26 via 198.51.100.2 dev xout0\n"
	"route add 203.0.113.64/26 via 198.51.100.3 dev xout0\n"
	"route add unreachable 203.0.113.128/26\n"
	"route add 203.0.113.192/26 via 198.51.100.130 dev xmtu0\n"
	"route add fd00:d0::/64 via fd00:2::2 dev xout0\n"
	"route add fd00:d1::/64 via fd00:2::3 dev xout0\n"
	"route add unreachable fd00:d2::/64\n"
	"route add fd00:d3::/64 via fd00:3::2 dev xmtu0\n";

#endif
