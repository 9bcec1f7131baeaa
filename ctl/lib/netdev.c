// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a network device is and can do: XDP features (netdev genetlink), and
 * through the one interface ioctl helper: ethtool (driver, offloads, channels),
 * MTU, MAC address.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/sockios.h>
#include <libmnl/libmnl.h>
#include "lib/netdev.h"
#include "lib/nl.h"

/* linux/netdev.h (6.3+) */
#define XS_NETDEV_CMD_DEV_GET		1
#define XS_NETDEV_A_DEV_IFINDEX		1
#define XS_NETDEV_A_DEV_XDP_FEATURES	3

static int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int xdp_features_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == XS_NETDEV_A_DEV_XDP_FEATURES &&
		    mnl_attr_validate(attr, MNL_TYPE_U64) >= 0)
			*(uint64_t *)data = mnl_attr_get_u64(attr);
	return MNL_CB_OK;
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

int xs_netdev_xdp_features(int ifindex, uint64_t *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	uint64_t feat = 0;
	int err;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}

	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "netdev");
	err = xs_nl_request(nl, nlh, genl_family_cb, &family);
	if (err || !family) {
		err = -EOPNOTSUPP;	/* no netdev family: kernel < 6.3 */
		goto out;
	}

	nlh = genl_msg(buf, family, XS_NETDEV_CMD_DEV_GET);
	mnl_attr_put_u32(nlh, XS_NETDEV_A_DEV_IFINDEX, ifindex);
	err = xs_nl_request(nl, nlh, xdp_features_cb, &feat);
	if (!err)
		*features = feat;
out:
	mnl_socket_close(nl);
	return err;
}

/* One interface ioctl (SIOCETHTOOL, SIOCGIFMTU, SIOCGIFHWADDR...). */
static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* One ethtool command (cmd points at its struct, first field .cmd). */
static int ethtool(const char *ifname, void *cmd)
{
	struct ifreq ifr = { .ifr_data = cmd };

	return if_ioctl(ifname, SIOCETHTOOL, &ifr);
}

int xs_netdev_driver(const char *ifname, char *drv, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	int err = ethtool(ifname, &info);

	if (!err)
		snprintf(drv, len, "%s", info.driver);
	return err;
}

int xs_netdev_offload(const char *ifname, uint32_t cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	int err = ethtool(ifname, &ev);

	return err ? err : (int)ev.data;
}

uint32_t xs_netdev_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };

	if (ethtool(ifname, &ch))
		return 1;
	if (ch.combined_count)
		return ch.combined_count;
	return ch.rx_count ? ch.rx_count : 1;
}

int xs_netdev_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr = {};
	int err = if_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = ifr.ifr_mtu;
	return err;
}

int xs_netdev_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int err = if_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}
