/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a network device is and can do: XDP features, driver, offloads, queues, MTU, MAC. */
#ifndef XS_NETDEV_H
#define XS_NETDEV_H

#include <stddef.h>
#include <stdint.h>

/* enum netdev_xdp_act from linux/netdev.h (newer than Debian's headers) */
#define XS_XDP_ACT_BASIC	(1ULL << 0)
#define XS_XDP_ACT_REDIRECT	(1ULL << 1)
#define XS_XDP_ACT_NDO_XMIT	(1ULL << 2)

/* 0 and *features set, or -errno (-EOPNOTSUPP: kernel too old to say). */
int xs_netdev_xdp_features(int ifindex, uint64_t *features);
/* Driver name via the ethtool ioctl, e.g. "veth", "macvlan". */
int xs_netdev_driver(const char *ifname, char *drv, size_t len);
/* An ethtool get (ETHTOOL_GTXCSUM, GTSO, GGSO...): 1 on, 0 off, or -errno. */
int xs_netdev_offload(const char *ifname, uint32_t cmd);
/* RX queues (ethtool channels: combined, else rx); 1 when the driver does not say. */
uint32_t xs_netdev_rx_queues(const char *ifname);
int xs_netdev_mtu(const char *ifname, uint32_t *mtu);
int xs_netdev_mac(const char *ifname, uint8_t mac[6]);

#endif
