// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-scale-helper: the two things tests/bench/bench-scale needs done in
 * C, on the pinned maps of a running daemon.
 *
 *   fill PIN_DIR N [CANDIDATES]
 *	writes N synthetic flows into PIN_DIR/xs_flows with
 *	bpf_map_update_batch (keys fd00:3::/64 + index -> fd00:2::1 UDP;
 *	10 packets, 1000 bytes, last seen now: mice that stay); the first
 *	CANDIDATES of them (default 0) have 1 MiB instead, and are last seen
 *	an hour ahead: past the candidate threshold and never quiet, so the
 *	controller tracks them all run. Prints the time it took.
 *
 *   probe PIN_DIR --count N --threshold BYTES [--sport PORT]
 *	from the namespace it runs in, N times: a new UDP flow
 *	[fd00:1::1]:PORT -> [fd00:2::1]:9 sends packets of 1448 bytes (L3)
 *	up to just below the threshold, waits until the XDP program has
 *	counted them (the flow map), then sends the packet that crosses the
 *	threshold and polls PIN_DIR/xs_steer until the controller's entry for
 *	the flow appears. Prints each delay (send of the crossing packet to
 *	the entry, µs) and p50/p99/max. A random 20-200 ms pause between
 *	samples puts them at random points of the controller's scan cycle.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include "xdp/xs_shared.h"

#define PROBE_PAYLOAD	1400
#define PROBE_L3	(40 + 8 + PROBE_PAYLOAD)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int open_pinned(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "bench-scale-helper: cannot open %s: %s\n", path, strerror(errno));
	return fd;
}

static int cmd_fill(const char *dir, uint32_t n, uint32_t ncand)
{
	const uint32_t batch = 8192;
	struct xs_flow_key *keys = calloc(batch, sizeof(*keys));
	struct xs_flow_stats *vals = calloc(batch, sizeof(*vals));
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	uint64_t t0 = now_ns(), now;
	uint32_t i, k, done = 0;
	int fd, err = 0;

	fd = open_pinned(dir, XS_MAP_FLOWS);
	if (fd < 0 || !keys || !vals) {
		err = fd < 0 ? fd : -ENOMEM;
		goto out;
	}
	while (done < n) {
		uint32_t cnt = n - done < batch ? n - done : batch;

		now = now_ns();
		for (k = 0; k < cnt; k++) {
			struct xs_flow_key *key = &keys[k];
			struct xs_flow_stats *v = &vals[k];

			i = done + k;
			memset(key, 0, sizeof(*key));
			key->saddr[0] = htonl(0xfd000003);
			key->saddr[3] = htonl(i);
			key->daddr[0] = htonl(0xfd000002);
			key->daddr[3] = htonl(1);
			key->sport = htons((uint16_t)(1024 + i % 60000));
			key->dport = htons(9);
			key->proto = IPPROTO_UDP;
			memset(v, 0, sizeof(*v));
			v->packets = 10;
			v->bytes = i < ncand ? 1 << 20 : 1000;
			v->first_seen_ns = v->last_seen_ns = now;
			/* a candidate looks active all run (a quiet one is let go after 1 s) */
			if (i < ncand)
				v->last_seen_ns = now + 3600000000000ULL;
		}
		if (bpf_map_update_batch(fd, keys, vals, &cnt, &o)) {
			err = -errno;
			fprintf(stderr, "bench-scale-helper: update_batch after %u flows: %s\n",
				done, strerror(errno));
			goto out;
		}
		done += cnt;
	}
	printf("filled %u flows in %.2f s\n", n, (double)(now_ns() - t0) / 1e9);
out:
	if (fd >= 0)
		close(fd);
	free(keys);
	free(vals);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL),
			       .tv_nsec = (long)(ns % 1000000000ULL) };

	nanosleep(&ts, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One flow: returns the delay in ns, or 0 when no entry came within 10 s. */
static uint64_t probe_one(int flows_fd, int steer_fd, uint16_t sport, uint64_t thr)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6, .sin6_port = htons(sport) };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	static char payload[PROBE_PAYLOAD];
	struct xs_flow_key key = {};
	struct xs_flow_stats st;
	struct xs_steer_entry e;
	uint64_t before = (thr - 1) / PROBE_L3, i, t0, t1, deadline;
	int s;

	inet_pton(AF_INET6, "fd00:1::1", &src.sin6_addr);
	inet_pton(AF_INET6, "fd00:2::1", &dst.sin6_addr);
	memcpy(key.saddr, &src.sin6_addr, 16);
	memcpy(key.daddr, &dst.sin6_addr, 16);
	key.sport = src.sin6_port;
	key.dport = dst.sin6_port;
	key.proto = IPPROTO_UDP;

	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(s, (struct sockaddr *)&dst, sizeof(dst))) {
		fprintf(stderr, "bench-scale-helper: UDP socket [fd00:1::1]:%u: %s\n", sport,
			strerror(errno));
		if (s >= 0)
			close(s);
		return 0;
	}
	/* up to just below the threshold, paced so no queue drops them */
	for (i = 0; i < before; i++) {
		if (send(s, payload, sizeof(payload), 0) < 0)
			sleep_ns(1000000);
		if (i % 32 == 31)
			sleep_ns(1000000);
	}
	deadline = now_ns() + 5000000000ULL;
	while (now_ns() < deadline) {
		if (!bpf_map_lookup_elem(flows_fd, &key, &st) && st.bytes >= before * PROBE_L3)
			break;
		sleep_ns(1000000);
	}
	if (bpf_map_lookup_elem(flows_fd, &key, &st) || st.bytes + PROBE_L3 < thr ||
	    st.bytes >= thr) {
		fprintf(stderr, "bench-scale-helper: flow %u: the flow map does not hold %llu bytes\n",
			sport, (unsigned long long)(before * PROBE_L3));
		close(s);
		return 0;
	}
	t0 = now_ns();
	if (send(s, payload, sizeof(payload), 0) < 0) {
		close(s);
		return 0;
	}
	deadline = t0 + 10000000000ULL;
	t1 = 0;
	while ((t1 = now_ns()) < deadline) {
		if (!bpf_map_lookup_elem(steer_fd, &key, &e))
			break;
		sleep_ns(50000);
	}
	close(s);
	return t1 < deadline ? t1 - t0 : 0;
}

static int cmd_probe(const char *dir, int argc, char **argv)
{
	uint64_t thr = 262144, *d;
	uint32_t count = 20, sport = 50000, n = 0, miss = 0, i;
	int flows_fd, steer_fd;

	for (i = 0; i + 1 < (uint32_t)argc; i += 2) {
		if (!strcmp(argv[i], "--count"))
			count = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--threshold"))
			thr = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--sport"))
			sport = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else {
			fprintf(stderr, "bench-scale-helper: probe: unknown option '%s'\n", argv[i]);
			return EXIT_FAILURE;
		}
	}
	if (!count || thr <= PROBE_L3) {
		fprintf(stderr, "bench-scale-helper: probe: --count > 0, --threshold > %u\n",
			PROBE_L3);
		return EXIT_FAILURE;
	}
	flows_fd = open_pinned(dir, XS_MAP_FLOWS);
	steer_fd = open_pinned(dir, XS_MAP_STEER);
	d = calloc(count, sizeof(*d));
	if (flows_fd < 0 || steer_fd < 0 || !d)
		return EXIT_FAILURE;
	srand((unsigned int)now_ns());
	for (i = 0; i < count; i++) {
		uint64_t ns = probe_one(flows_fd, steer_fd, (uint16_t)(sport + i), thr);

		if (ns) {
			d[n++] = ns;
			printf("sample %u: %.2f ms\n", i, (double)ns / 1e6);
		} else {
			miss++;
			printf("sample %u: no steer entry within 10 s\n", i);
		}
		fflush(stdout);
		sleep_ns((20 + (uint64_t)(rand() % 181)) * 1000000ULL);
	}
	if (n) {
		qsort(d, n, sizeof(*d), cmp_u64);
		printf("delay_ms p50 %.2f p99 %.2f max %.2f samples %u missed %u\n",
		       (double)d[(n - 1) / 2] / 1e6, (double)d[(n * 99 + 99) / 100 - 1] / 1e6,
		       (double)d[n - 1] / 1e6, n, miss);
	} else {
		printf("delay_ms p50 - p99 - max - samples 0 missed %u\n", miss);
	}
	free(d);
	close(flows_fd);
	close(steer_fd);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "fill"))
		return cmd_fill(argv[2], (uint32_t)strtoul(argv[3], NULL, 0),
				argc >= 5 ? (uint32_t)strtoul(argv[4], NULL, 0) : 0);
	if (argc >= 3 && !strcmp(argv[1], "probe"))
		return cmd_probe(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: bench-scale-helper fill PIN_DIR N [CANDIDATES]\n"
			"       bench-scale-helper probe PIN_DIR [--count N] [--threshold BYTES] [--sport PORT]\n");
	return EXIT_FAILURE;
}
