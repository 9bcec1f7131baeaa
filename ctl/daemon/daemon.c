// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The daemon's life: enter the tenant namespace, attach or adopt the XDP
 * program, start the datapath and the control socket, drop capabilities,
 * run the main loop until a signal stops it, tear down.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xdp/xs_shared.h"
#include "lib/loader.h"
#include "daemon/controller.h"
#include "lib/ctlsock.h"
#include "daemon/internal.h"
#include "daemon/lock.h"
#include "afxdp/datapath.h"
#include "lib/flowfmt.h"
#include "lib/log.h"
#include "daemon/metrics.h"
#include "lib/netdev.h"
#include "lib/nexthop.h"
#include "lib/out.h"
#include "lib/pin.h"

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

	if (!if_nametoindex(ifname)) {
		xs_error("host-side interface '%s' not found (give --host-if, or run "
			 "'xsteer-netns up' first)", ifname);
		return -ENODEV;
	}
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]); i++)
		if (xs_netdev_offload(ifname, feats[i].cmd) > 0)
			snprintf(on + strlen(on), sizeof(on) - strlen(on), "%s%s",
				 on[0] ? ", " : "", feats[i].name);
	if (on[0]) {
		xs_error("host-side interface '%s' has %s on: local senders' frames would "
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
		xs_error("network namespace '%s' not found (%s): %s", name, path, strerror(-err));
		return err;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		xs_error("cannot enter network namespace '%s': %s", name, strerror(-err));
	}
	close(fd);
	return err;
}

/*
 * Keep only what the running daemon still uses: CAP_NET_ADMIN, for the
 * RTM_NEWNEIGH (NTF_USE) that makes the kernel resolve a next hop. Map
 * reads and writes go through fds opened at start (no CAP_BPF needed on
 * this kernel: tests/ns/test-harden steers with CAP_NET_ADMIN alone); the
 * AF_XDP sockets exist already. The bounding set goes down to the same, the
 * ambient and inheritable sets are emptied and no_new_privs is set, so
 * nothing this process runs or becomes can get another capability back.
 * The uid stays 0: the daemon removes its socket and lock under the
 * root-only /run/xsteer at exit, rewrites the metrics textfile in a root
 * directory and rereads a root-owned config on SIGHUP. Without
 * CAP_DAC_OVERRIDE and CAP_FOWNER, uid 0 reaches only what root owns with
 * owner permissions.
 */
static int drop_caps(void)
{
	cap_value_t keep[] = { CAP_NET_ADMIN };
	cap_value_t c;
	cap_t caps;
	int err = 0;

	/*
	 * The bounding set first: that needs CAP_SETPCAP, which goes next. A
	 * launcher that gave no CAP_SETPCAP (a unit's CapabilityBoundingSet=
	 * without it) leaves its own small set; no_new_privs keeps it out of
	 * reach anyway.
	 */
	for (c = 0; (err = prctl(PR_CAPBSET_READ, c, 0, 0, 0)) >= 0; c++) {
		if (!err || c == CAP_NET_ADMIN || !prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			continue;
		if (errno != EPERM)
			return -errno;
		pr_info("bounding set not reduced (no CAP_SETPCAP)\n");
		break;
	}
	err = 0;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		return -errno;
	caps = cap_init();	/* all clear, inheritable too */
	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	return err;
}

/*
 * One daemon per tenant, and one per interface and network namespace,
 * enforced before anything is touched: a second one must not adopt the
 * program, take the queues' XSKMAP slots or replace the socket. A tenant's
 * daemon takes both locks (in the tenant's namespace, after entering it),
 * so one started without --tenant on the same interface is refused too.
 */
static int take_lock(struct xs_daemon *d)
{
	char what[96];
	struct stat st;
	int err;

	if (d->o->tenant) {
		snprintf(d->lock_path, sizeof(d->lock_path), XS_RUN_DIR "/%s.lock", d->o->tenant);
		snprintf(what, sizeof(what), "tenant '%s'", d->o->tenant);
		d->lock_fd = xs_lock_take(d->lock_path, what);
		if (d->lock_fd < 0)
			return d->lock_fd;
	}
	if (stat("/proc/self/ns/net", &st)) {
		err = -errno;
		xs_error("cannot identify the network namespace: %s", strerror(-err));
		return err;
	}
	snprintf(d->dev_lock_path, sizeof(d->dev_lock_path), XS_RUN_DIR "/dev-%s-%llu.lock",
		 d->cfg.dev, (unsigned long long)st.st_ino);
	snprintf(what, sizeof(what), "interface '%s' in this network namespace", d->cfg.dev);
	d->dev_lock_fd = xs_lock_take(d->dev_lock_path, what);
	return d->dev_lock_fd < 0 ? d->dev_lock_fd : 0;
}

/*
 * sketch-admit-bytes 0: the smaller of heavy-bytes / 8 and what heavy-rate
 * sends in half a sketch window. By bytes alone, a flow heavy by its rate
 * (heavy-rate 20M with heavy-bytes 1G: 2.5 MB a second, 125 MB to admit)
 * would never be admitted above the fill level, nor any with heavy-bytes 0.
 */
static uint64_t sketch_admit_default(const struct xs_cfg *c)
{
	uint64_t win_ms = c->sketch_window_ms ? c->sketch_window_ms
					      : XS_SKETCH_WINDOW_NS_DEFAULT / 1000000;
	/* in double: heavy-rate may be set out of reach, and times a minute wrap */
	double by_rate = (double)c->heavy_rate_bps / 8 * (double)win_ms / 2000;
	uint64_t admit = c->heavy_bytes ? c->heavy_bytes >> XS_SKETCH_ADMIT_SHIFT : UINT64_MAX;

	if (by_rate < (double)admit)
		admit = (uint64_t)by_rate;
	return admit ? admit : 1;
}

void xs_daemon_xdp_config(const struct xs_cfg *c, struct xs_config *x)
{
	x->heavy_bytes = c->heavy_bytes;
	x->rto_gap_ns = c->rto_gap_ms * 1000000ULL;
	x->sig_period_ns = c->scan_period_ms * 1000000ULL;
	x->sig_threshold = c->cong_threshold;
	x->flowlet_gap_ns = c->flowlet_gap_us * 1000ULL;
	x->sketch_window_ns = c->sketch_window_ms * 1000000ULL;
	x->sketch_admit_bytes = c->sketch_admit_bytes ? c->sketch_admit_bytes
						       : sketch_admit_default(c);
	x->flow_reserve = c->flow_reserve;
}

int daemon_check_reserve(const struct xs_daemon *d, const struct xs_cfg *c, char *err,
			 size_t n)
{
	if (!c->flow_reserve || c->flow_reserve < d->ct.max)
		return 0;
	snprintf(err, n, "[tables] flow-reserve: bad value '%u': must be below the running "
		 "flow table's size (%u entries; flow-table-size changes at a restart)",
		 c->flow_reserve, d->ct.max);
	return -EINVAL;
}

int daemon_write_xdp_config(struct xs_daemon *d)
{
	struct xs_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(d->config_fd, &zero, &cfg))
		memset(&cfg, 0, sizeof(cfg));
	cfg.xsk_frame_max = xs_dp_frame_max();
	xs_daemon_xdp_config(&d->cfg, &cfg);
	cfg.cand_bytes = d->cand_bytes;	/* from the classifier's settings (scan.c) */
	return bpf_map_update_elem(d->config_fd, &zero, &cfg, 0) ? -errno : 0;
}

/*
 * The kernel's routes, rules, neighbours, addresses or links changed: the
 * XDP fast path looks every flow's next hop up again (xs_config.fib_gen),
 * and its admission takes the interface's MAC and rp_filter as they are
 * now (read at attach before; a change needed a re-attach).
 * A read-modify-write of the map: a bump lost to a racing writer is made
 * good by the cache's own age bound (XS_NH_MAX_AGE_NS).
 */
static void bump_fib_gen(struct xs_daemon *d)
{
	struct xs_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(d->config_fd, &zero, &cfg))
		return;
	cfg.fib_gen++;
	xs_admit_config(d->cfg.dev, &cfg);
	if (bpf_map_update_elem(d->config_fd, &zero, &cfg, 0))
		pr_debug("cannot bump the FIB generation: %s\n", strerror(errno));
}

/*
 * A program left attached by another version of xsteer (the daemon adopts
 * what it finds) must have the maps this build reads and writes: a smaller
 * xs_config would silently drop the fields it does not know.
 */
static int check_map_layout(struct xs_daemon *d)
{
	const struct { int fd; const char *name; __u32 key, value; } want[] = {
		{ d->flows_fd, XS_MAP_FLOWS, sizeof(struct xs_flow_key), sizeof(struct xs_flow_stats) },
		{ d->steer_fd, XS_MAP_STEER, sizeof(struct xs_flow_key), sizeof(struct xs_steer_entry) },
		{ d->config_fd, XS_MAP_CONFIG, sizeof(__u32), sizeof(struct xs_config) },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(want[i].fd, &info, &len))
			return -errno;
		if (info.key_size == want[i].key && info.value_size == want[i].value)
			continue;
		xs_error("the XDP program on %s is from another version of xsteer: its map %s "
			 "has %u-byte keys and %u-byte values, this build's %u and %u; run "
			 "'xsteer detach --dev %s' and start again", d->cfg.dev, want[i].name,
			 info.key_size, info.value_size, want[i].key, want[i].value, d->cfg.dev);
		return -EPROTO;
	}
	return 0;
}

static int open_maps(struct xs_daemon *d)
{
	const char *dir = d->cfg.pin_dir;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	d->flows_fd = xs_pin_open_map(dir, XS_MAP_FLOWS);
	d->steer_fd = xs_pin_open_map(dir, XS_MAP_STEER);
	d->config_fd = xs_pin_open_map(dir, XS_MAP_CONFIG);
	d->xsks_fd = xs_pin_open_map(dir, XS_MAP_XSKS);
	d->stats_fd = xs_pin_open_map(dir, XS_MAP_STATS);
	d->events_fd = xs_pin_open_map(dir, XS_MAP_EVENTS);
	if (d->flows_fd < 0 || d->steer_fd < 0 || d->config_fd < 0 || d->xsks_fd < 0 ||
	    d->stats_fd < 0 || d->events_fd < 0)
		return -ENOENT;
	err = bpf_obj_get_info_by_fd(d->flows_fd, &info, &len);
	if (err)
		return err;
	err = check_map_layout(d);
	if (err)
		return err;
	d->keys = calloc(SCAN_BATCH, sizeof(*d->keys));
	d->vals = calloc(SCAN_BATCH, sizeof(*d->vals));
	if (!d->keys || !d->vals)
		return -ENOMEM;
	d->rb = ring_buffer__new(d->events_fd, daemon_on_event, d, NULL);
	if (!d->rb)
		return -errno;
	/* the controller tracks at most what the datapath's table holds */
	d->flows_max = info.max_entries;
	return xs_ctab_init(&d->ct, info.max_entries);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int setup_xdp(struct xs_daemon *d)
{
	struct xs_attach_req r = {
		.dev = d->cfg.dev,
		.uplink = d->cfg.uplink,
		.mode = d->cfg.xdp_mode,
		.fastpath = d->cfg.fastpath,
		.flow_size = d->cfg.flow_table_size,
		.steer_size = d->cfg.steer_table_size,
	};

	r.ifindex = if_nametoindex(r.dev);
	r.up_ifindex = if_nametoindex(r.uplink);
	if (!r.ifindex || !r.up_ifindex) {
		xs_error("interface '%s' not found in the tenant namespace",
			 r.ifindex ? r.uplink : r.dev);
		return -ENODEV;
	}
	snprintf(r.dir, sizeof(r.dir), "%s", d->cfg.pin_dir);
	if (xs_attached(r.ifindex)) {
		pr_info("adopting the XDP program already on %s (maps in %s)\n", r.dev, r.dir);
		return 0;
	}
	return xs_attach(&r);
}

/* The AF_XDP sockets, the paths' templates and next hops, then what a previous daemon steered. */
static int start_datapath(struct xs_daemon *d)
{
	struct xs_dp_config dcfg = {
		.host_if = d->cfg.dev,
		.uplink_if = d->cfg.uplink,
		.xsks_map_fd = d->xsks_fd,
		.frames = d->cfg.umem_frames,
		.ring_size = d->cfg.ring_size,
		.batch = d->cfg.batch,
		.queues = xs_netdev_rx_queues(d->cfg.dev),
		.no_need_wakeup = d->o->no_need_wakeup,
		.no_encap = d->o->no_encap,
	};
	unsigned int i;
	int err;

	xs_netdev_mtu(d->cfg.uplink, &dcfg.uplink_mtu);
	err = xs_netdev_mac(d->cfg.uplink, dcfg.uplink_mac);
	dcfg.beat_map_fd = xs_pin_open_map(d->cfg.pin_dir, XS_MAP_XSK_BEAT);
	err = err ?: xs_dp__create(&d->dp, &dcfg);
	if (dcfg.beat_map_fd >= 0)
		close(dcfg.beat_map_fd);	/* mapped by the datapath */
	if (err) {
		xs_error("cannot set up AF_XDP on '%s' and '%s': %s", d->cfg.dev, d->cfg.uplink,
			 strerror(-err));
		return err;
	}
	for (i = 0; i < d->cfg.npaths; i++) {
		err = path_install(d, &d->cfg.paths[i]);
		if (err)
			return err;
	}
	/* give neighbour discovery a moment before traffic is steered */
	for (i = 0; i < 40 && resolve_all(d, false); i++)
		usleep(25000);
	resolve_all(d, true);
	adopt_steered(d);

	err = xs_dp_start(d->dp);
	if (err)
		xs_error("cannot start the datapath: %s", strerror(-err));
	return err;
}

static json_object *api_handler(void *ctx, const char *req, size_t len)
{
	return xs_api_handle(ctx, req, len);
}

static int block_signals(struct xs_daemon *d)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return 0;
}

/* Everything up to the main loop, in order; 0 or -errno (reported). */
static int daemon_start(struct xs_daemon *d)
{
	char why[200];
	int err;

	/* [fleet]'s settings and credential files, before anything is attached */
	err = daemon_fleet_create(d);
	if (err)
		return err;
	if (d->cfg.host_if[0]) {
		err = check_host_offloads(d->cfg.host_if);
		if (err)
			return err;
	}
	if (d->cfg.netns[0]) {
		err = enter_netns(d->cfg.netns);
		if (err)
			return err;
	}
	err = take_lock(d);
	if (err)
		return err;
	/* a crashed daemon's textfile still says xsteer_up 1: it goes now */
	if (d->cfg.metrics_file[0] && !unlink(d->cfg.metrics_file))
		pr_info("removed the metrics file '%s' a previous daemon left\n",
			d->cfg.metrics_file);
	err = xs_pin_dir_create(d->cfg.pin_dir, d->pin_made, sizeof(d->pin_made));
	err = err ?: setup_xdp(d);
	err = err ?: open_maps(d);
	if (err)
		return err;
	/* an adopted program's table may be smaller than the file says */
	err = daemon_check_reserve(d, &d->cfg, why, sizeof(why));
	if (err) {
		xs_error("%s", why);
		return err;
	}
	err = daemon_write_xdp_config(d);
	if (err) {
		xs_error("cannot write the XDP config map: %s", strerror(-err));
		return err;
	}
	block_signals(d);
	err = start_datapath(d);
	if (err)
		return err;
	if (d->cfg.ctl_socket[0]) {
		err = xs_ctl_server__create(&d->ctl, d->cfg.ctl_socket, api_handler, d);
		if (err)
			return err;
	}
	d->nlw = xs_nl_watch__create();
	if (!d->o->keep_caps) {
		err = drop_caps();
		if (err) {
			xs_error("cannot drop capabilities: %s", strerror(-err));
			return err;
		}
	}
	/*
	 * Capabilities and the signal mask are per thread and inherited: the
	 * fleet's threads start with neither our capabilities nor our signals.
	 */
	err = daemon_fleet_start(d);
	if (err)
		return err;
	pr_info("datapath: %d queue(s) on %s, uplink %s (MTU %u), %u path(s); adopted %llu "
		"steered flow(s)\n", xs_dp_queue_count(d->dp), d->cfg.dev, d->cfg.uplink,
		xs_dp_uplink_mtu(d->dp), d->cfg.npaths, (unsigned long long)d->st.adopted);
	if (!out_is_json())
		printf("xsteer running on %s (uplink %s, %d queue(s), %u path(s)); SIGTERM stops\n",
		       d->cfg.dev, d->cfg.uplink, xs_dp_queue_count(d->dp), d->cfg.npaths);
	fflush(stdout);
	return 0;
}

static void print_stats(struct xs_daemon *d)
{
	json_object *st = ctl_stats(d);

	puts(json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(st);
}

/* SIGHUP reloads, SIGUSR1 prints the counters; returns true to stop. */
static bool on_signal(struct xs_daemon *d)
{
	struct signalfd_siginfo si;

	if (read(d->sig_fd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (si.ssi_signo == SIGHUP)
		daemon_reload(d);
	else if (si.ssi_signo == SIGUSR1)
		print_stats(d);
	else
		return true;
	return false;
}

/* Every period a scan, every second (or after a route change) the next hops and the metrics file. */
static void main_loop(struct xs_daemon *d)
{
	uint64_t next_scan = now_ns(), next_resolve = 0, now;
	struct pollfd pfd[5];
	bool stop = false;
	uint32_t mtu;

	while (!stop) {
		uint64_t period = d->cfg.scan_period_ms * 1000000ULL;
		struct timespec timeout;

		now = now_ns();
		if (now >= next_scan) {
			daemon_scan(d);
			/* on a grid: a late wake-up does not push every later scan */
			next_scan += period;
			if (next_scan <= now)
				next_scan = now + period;
			daemon_fleet_rebalance(d, now);
		}
		if (now >= next_resolve) {
			if (!xs_netdev_mtu(d->cfg.uplink, &mtu))
				xs_dp_set_uplink_mtu(d->dp, mtu);
			resolve_all(d, false);
			write_textfile(d);
			daemon_fleet_publish(d, false);
			next_resolve = now + 1000000000ULL;
		}
		/* to the nanosecond: poll's milliseconds made every scan late */
		now = now_ns();
		timeout.tv_sec = next_scan > now ? (next_scan - now) / 1000000000ULL : 0;
		timeout.tv_nsec = next_scan > now ? (next_scan - now) % 1000000000ULL : 0;
		pfd[0] = (struct pollfd){ .fd = d->sig_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->nlw ? xs_nl_watch_fd(d->nlw) : -1, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = ring_buffer__epoll_fd(d->rb), .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = xs_ctl_server_fd(d->ctl), .events = POLLIN };
		pfd[4] = (struct pollfd){ .fd = daemon_fleet_fd(d), .events = POLLIN };
		if (ppoll(pfd, 5, &timeout, NULL) > 0) {
			if (pfd[0].revents & POLLIN)
				stop = on_signal(d);
			if ((pfd[1].revents & POLLIN) && xs_nl_watch_drain(d->nlw) > 0) {
				bump_fib_gen(d);
				next_resolve = 0;
			}
			if (pfd[2].revents & POLLIN)
				ring_buffer__consume(d->rb);
			if (pfd[4].revents & POLLIN)
				daemon_fleet_policy(d);
		}
		/* never blocks; every turn, so idle clients time out */
		xs_ctl_server_run(d->ctl);
	}
}

static void daemon_free(struct xs_daemon *d)
{
	daemon_fleet_free(d);
	xs_ctl_server__destroy(d->ctl);
	xs_nl_watch__destroy(d->nlw);
	xs_dp__destroy(d->dp);
	ring_buffer__free(d->rb);
	xs_ctab_free(&d->ct);
	close_fd(&d->flows_fd);
	close_fd(&d->steer_fd);
	close_fd(&d->config_fd);
	close_fd(&d->xsks_fd);
	close_fd(&d->stats_fd);
	close_fd(&d->events_fd);
	close_fd(&d->sig_fd);
	free(d->keys);
	free(d->vals);
	/* last: everything else is gone */
	xs_lock_release(d->dev_lock_path, d->dev_lock_fd);
	xs_lock_release(d->lock_path, d->lock_fd);
	free(d);
}

int xs_daemon_run(struct xs_cfg *cfg, const struct xs_daemon_opts *o)
{
	struct xs_daemon *d;
	int err;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->o = o;
	d->flows_fd = d->steer_fd = d->config_fd = -1;
	d->xsks_fd = d->stats_fd = d->events_fd = d->sig_fd = d->lock_fd = -1;
	d->dev_lock_fd = -1;
	d->start_ns = now_ns();
	d->seed = (unsigned int)d->start_ns ^ (unsigned int)getpid();
	/* a client that closes early must not kill us (writes use MSG_NOSIGNAL too) */
	signal(SIGPIPE, SIG_IGN);
	xs_pathsel_init(&d->ps);
	daemon_class_cfg(d);

	err = daemon_start(d);
	if (!err) {
		main_loop(d);
		xs_dp_stop(d->dp);
		if (d->cfg.metrics_file[0])
			unlink(d->cfg.metrics_file);	/* stale figures would mislead */
		print_stats(d);
	} else {
		/* leave no empty pin directories; one that holds pins stays */
		xs_pin_dir_unmake(d->cfg.pin_dir, d->pin_made);
	}
	daemon_free(d);
	return err;
}
