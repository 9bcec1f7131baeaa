// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One netlink request and its replies (libmnl), for rtnetlink and genetlink alike. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include "lib/nl.h"

int xs_nl_request(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

int xs_nl_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	int ret;

	nl = mnl_socket_open(bus);
	if (!nl)
		return -errno;
	ret = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ? -errno :
	      xs_nl_request(nl, nlh, cb, data);
	mnl_socket_close(nl);
	return ret;
}
