// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsteer run: attach (or adopt) the XDP program, start the AF_XDP datapath
 * with the given SRv6 paths, keep next hops fresh, stop cleanly on SIGTERM.
 * The XDP program stays attached after exit: steered flows fail open onto
 * the kernel path, and the next run adopts the pinned state.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include "xs_shared.h"
#include "commands.h"
#include "datapath.h"
#include "log.h"
#include "nexthop.h"
#include "out.h"
#include "pin.h"
#include "srv6.h"

const struct xs_opt run_opts[] = {
	XS_ATTACH_OPTS,
	{ "netns", 0, "NAME", "enter this network namespace first (/run/netns/NAME)", NULL },
	{ "host-if", 0, "IF", "host-side veth end: its offloads are checked before entering --netns", NULL },
	{ "path", 'p', "SPEC", "SRv6 paths: 'ID,MODE,SRC,SID[,SID...]', several separated by ';'", NULL },
	{ "hop-limit", 0, "N", "outer hop limit", "64" },
	{ "frames", 0, "N", "UMEM frames per queue", "4096" },
	{ "ring-size", 0, "N", "AF_XDP ring size (power of two)", "2048" },
	{ "batch", 0, "N", "frames per RX batch", "64" },
	{ "no-need-wakeup", 0, NULL, "kick TX after every batch instead of on need_wakeup", NULL },
	{ "no-encap", 0, NULL, "benchmarks only: steered frames leave without SRv6 headers", NULL },
	XS_COMMON_OPTS,
	{ NULL },
};

struct run_path {
	uint32_t id;
	struct xs_srv6_path p;
	bool resolved;
	bool published;
	uint8_t mac[6];
	char desc[64];
};

static int parse_one_path(char *spec, uint8_t hop_limit, struct run_path *rp)
{
	char *id_s = strtok(spec, ","), *mode_s = strtok(NULL, ","), *src_s = strtok(NULL, ",");
	char *sids_s = strtok(NULL, ""), err[160], *end;
	struct in6_addr src, sids[XS_SIDS_MAX];
	unsigned long id;
	int mode, n, rc;

	if (!id_s || !mode_s || !src_s || !sids_s) {
		xs_error("run: bad --path '%s': expected ID,MODE,SRC,SID[,SID...]", spec);
		return -EINVAL;
	}
	id = strtoul(id_s, &end, 10);
	if (*end || id >= XS_PATHS_MAX) {
		xs_error("run: bad path id '%s': expected 0 to %d", id_s, XS_PATHS_MAX - 1);
		return -EINVAL;
	}
	mode = xs_encap_mode_parse(mode_s);
	if (mode < 0) {
		xs_error("run: bad encap mode '%s' for path %lu: expected encap, encap.red or inline",
			 mode_s, id);
		return -EINVAL;
	}
	if (inet_pton(AF_INET6, src_s, &src) != 1) {
		xs_error("run: bad source address '%s' for path %lu", src_s, id);
		return -EINVAL;
	}
	n = xs_sid_list_parse(sids_s, sids, XS_SIDS_MAX, err, sizeof(err));
	if (n < 0) {
		xs_error("run: path %lu: %s", id, err);
		return n;
	}
	rc = xs_srv6_path__init(&rp->p, mode, &src, sids, n, hop_limit);
	if (rc) {
		xs_error("run: path %lu: unusable source address '%s'", id, src_s);
		return rc;
	}
	rp->id = id;
	snprintf(rp->desc, sizeof(rp->desc), "path %lu (%s, %d SIDs)", id, mode_s, n);
	return 0;
}

static int parse_paths(const char *arg, uint8_t hop_limit, struct run_path **out, int *nout)
{
	char *copy, *save = NULL, *tok;
	struct run_path *rp = NULL, *tmp;
	int n = 0, err = 0, i;

	*out = NULL;
	*nout = 0;
	if (!arg)
		return 0;
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		tmp = realloc(rp, (n + 1) * sizeof(*rp));
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		rp = tmp;
		memset(&rp[n], 0, sizeof(rp[n]));
		err = parse_one_path(tok, hop_limit, &rp[n]);
		if (err)
			break;
		for (i = 0; i < n; i++)
			if (rp[i].id == rp[n].id) {
				xs_error("run: path id %u given twice", rp[n].id);
				err = -EINVAL;
			}
		if (err)
			break;
		n++;
	}
	free(copy);
	if (err) {
		free(rp);
		return err;
	}
	*out = rp;
	*nout = n;
	return 0;
}

static int offload_on(const char *ifname, uint32_t cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	struct ifreq ifr = { .ifr_data = (void *)&ev };
	int fd, on;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	on = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : (int)ev.data;
	close(fd);
	return on;
}

/*
 * Frames from local sockets leave the host-side veth with partial checksums
 * and as GSO super-frames unless these offloads are off; AF_XDP would then
 * see (and send) packets whose checksum is not filled in.
 */
static int check_host_offloads(const char *ifname)
{
	static const struct { uint32_t cmd; const char *name; } feats[] = {
		{ ETHTOOL_GTXCSUM, "tx-checksumming" },
		{ ETHTOOL_GTSO, "tcp-segmentation-offload" },
		{ ETHTOOL_GGSO, "generic-segmentation-offload" },
	};
	char on[128] = "";
	size_t i;
	int v;

	if (!if_nametoindex(ifname)) {
		xs_error("run: host-side interface '%s' (--host-if) not found", ifname);
		return -ENODEV;
	}
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]); i++) {
		v = offload_on(ifname, feats[i].cmd);
		if (v > 0)
			snprintf(on + strlen(on), sizeof(on) - strlen(on), "%s%s",
				 on[0] ? ", " : "", feats[i].name);
	}
	if (on[0]) {
		xs_error("run: host-side interface '%s' has %s on: local senders' frames would "
			 "carry partial checksums or be GSO super-frames; fix: "
			 "ethtool -K %s tx off tso off gso off", ifname, on, ifname);
		return -EINVAL;
	}
	return 0;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		xs_error("run: network namespace '%s' not found (%s): %s", name, path,
			 strerror(-err));
		return err;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		xs_error("run: cannot enter network namespace '%s': %s", name, strerror(-err));
	}
	close(fd);
	return err;
}

/* Returns how many paths are still unresolved. */
static int resolve_paths(struct xs_dp *dp, struct run_path *rp, int n, bool verbose)
{
	struct xs_nexthop nh;
	int i, err, left = 0;

	for (i = 0; i < n; i++) {
		err = xs_nexthop_resolve(&rp[i].p.sids[0], &nh);
		if (err) {
			if (verbose || rp[i].resolved)
				pr_warn("%s: next hop of first SID unresolved: %s\n", rp[i].desc,
					err == -EAGAIN ? "no neighbour entry yet" : strerror(-err));
			if (rp[i].resolved || !rp[i].published)
				xs_dp_set_path(dp, rp[i].id, &rp[i].p, NULL);
			rp[i].resolved = false;
			rp[i].published = true;
			left++;
			continue;
		}
		if (rp[i].resolved && !memcmp(nh.mac, rp[i].mac, 6))
			continue;
		memcpy(rp[i].mac, nh.mac, 6);
		rp[i].resolved = true;
		rp[i].published = true;
		xs_dp_set_path(dp, rp[i].id, &rp[i].p, nh.mac);
		pr_info("%s: next hop %02x:%02x:%02x:%02x:%02x:%02x via ifindex %d\n",
			rp[i].desc, nh.mac[0], nh.mac[1], nh.mac[2], nh.mac[3], nh.mac[4],
			nh.mac[5], nh.oif);
	}
	return left;
}

static void print_dp_stats(struct xs_dp *dp)
{
	struct xs_dp_stats s;

	xs_dp_stats_sum(dp, &s);
	out_obj_begin();
#define XS_DP_PRINT(n, d) out_kv_u64(#n, s.n);
	XS_DP_STATS(XS_DP_PRINT)
#undef XS_DP_PRINT
	out_obj_end();
}

static int set_frame_max(const char *dir)
{
	struct xs_config cfg;
	__u32 zero = 0;
	int fd, err = 0;

	fd = xs_pin_open_map(dir, XS_MAP_CONFIG);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		memset(&cfg, 0, sizeof(cfg));
	cfg.xsk_frame_max = xs_dp_frame_max();
	if (bpf_map_update_elem(fd, &zero, &cfg, 0))
		err = -errno;
	close(fd);
	return err;
}

int cmd_run(struct xs_args *a)
{
	struct xs_dp_config dcfg = {};
	struct xs_attach_req r;
	struct xs_nl_watch *nlw = NULL;
	struct run_path *paths = NULL;
	struct xs_dp *dp = NULL;
	struct pollfd pfd[2];
	uint32_t hop_limit;
	time_t last_resolve = 0;
	sigset_t mask;
	int npaths = 0, sfd = -1, xsks_fd = -1, err;
	bool stop = false;

	err = xs_arg_u32(a, "hop-limit", 1, 255, XS_HOP_LIMIT_DEFAULT, &hop_limit);
	err = err ?: parse_paths(xs_arg(a, "path"), hop_limit, &paths, &npaths);
	err = err ?: xs_arg_u32(a, "frames", 64, 1U << 20, XS_DP_FRAMES_DEFAULT, &dcfg.frames);
	err = err ?: xs_arg_u32(a, "ring-size", 64, 1U << 16, XS_DP_RING_DEFAULT, &dcfg.ring_size);
	err = err ?: xs_arg_u32(a, "batch", 1, 1024, XS_DP_BATCH_DEFAULT, &dcfg.batch);
	if (err)
		goto out;
	if (dcfg.ring_size & (dcfg.ring_size - 1)) {
		xs_error("invalid value '%u' for --ring-size: must be a power of two", dcfg.ring_size);
		err = -EINVAL;
		goto out;
	}
	if (dcfg.frames < 2 * dcfg.ring_size) {
		xs_error("--frames %u is too few for --ring-size %u: give at least %u",
			 dcfg.frames, dcfg.ring_size, 2 * dcfg.ring_size);
		err = -EINVAL;
		goto out;
	}
	if (xs_arg(a, "host-if")) {
		err = check_host_offloads(xs_arg(a, "host-if"));
		if (err)
			goto out;
	}
	if (xs_arg(a, "netns")) {
		err = enter_netns(xs_arg(a, "netns"));
		if (err)
			goto out;
	}
	err = xs_attach_parse(a, &r);
	if (err)
		goto out;
	if (!r.uplink) {
		xs_error("run: --uplink is required");
		err = -EINVAL;
		goto out;
	}
	if (xs_attached(r.ifindex))
		pr_info("adopting the XDP program already on %s (maps in %s)\n", r.dev, r.dir);
	else if ((err = xs_attach(&r)))
		goto out;

	err = set_frame_max(r.dir);
	xsks_fd = err ? err : xs_pin_open_map(r.dir, XS_MAP_XSKS);
	if (xsks_fd < 0) {
		err = xsks_fd;
		goto out;
	}

	/* block the signals before threads start, so all go to the signalfd */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	dcfg.host_if = r.dev;
	dcfg.uplink_if = r.uplink;
	dcfg.xsks_map_fd = xsks_fd;
	dcfg.no_need_wakeup = xs_flag(a, "no-need-wakeup");
	dcfg.no_encap = xs_flag(a, "no-encap");
	err = xs_dp__create(&dp, &dcfg);
	if (err) {
		xs_error("cannot set up AF_XDP on '%s' and '%s': %s", r.dev, r.uplink,
			 strerror(-err));
		goto out;
	}
	/* give neighbour discovery a moment before traffic is steered */
	for (int i = 0; i < 40 && resolve_paths(dp, paths, npaths, false); i++)
		usleep(25000);
	resolve_paths(dp, paths, npaths, true);
	err = xs_dp_start(dp);
	if (err) {
		xs_error("cannot start the datapath: %s", strerror(-err));
		goto out;
	}
	nlw = xs_nl_watch__create();
	pr_info("datapath running: %d queue(s) on %s, uplink %s (MTU %u), %d path(s)\n",
		xs_dp_queue_count(dp), r.dev, r.uplink, xs_dp_uplink_mtu(dp), npaths);
	if (!out_is_json())
		printf("xsteer running on %s (uplink %s, %d queue(s), %d path(s)); SIGTERM stops\n",
		       r.dev, r.uplink, xs_dp_queue_count(dp), npaths);
	fflush(stdout);

	while (!stop) {
		pfd[0].fd = sfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = nlw ? xs_nl_watch_fd(nlw) : -1;
		pfd[1].events = POLLIN;
		poll(pfd, 2, 250);
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1)
					print_dp_stats(dp);
				else if (si.ssi_signo != SIGHUP)
					stop = true;
			}
		}
		/* re-resolve on any route/neighbour/link change, and every second */
		if ((nlw && (pfd[1].revents & POLLIN) && xs_nl_watch_drain(nlw) > 0) ||
		    time(NULL) != last_resolve) {
			last_resolve = time(NULL);
			xs_dp_refresh_mtu(dp);
			resolve_paths(dp, paths, npaths, false);
		}
	}
	xs_dp_stop(dp);
	print_dp_stats(dp);
	err = 0;
out:
	xs_nl_watch__destroy(nlw);
	xs_dp__destroy(dp);
	if (xsks_fd >= 0)
		close(xsks_fd);
	if (sfd >= 0)
		close(sfd);
	free(paths);
	return err;
}
