// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the control protocol's request handler
 * (xs_api_handle() in ctl/daemon/api.c: JSON parse, the command table, each
 * command's typed members), built with ASan and UBSan.
 *
 *   make build/tests/fuzz-api
 *   mkdir -p build/fuzz-corpus/api
 *   build/tests/fuzz-api -max_total_time=600 -rss_limit_mb=2048 \
 *       -artifact_prefix=build/fuzz-api- build/fuzz-corpus/api tests/fuzz/seeds-api
 *
 * Input: one request line as a client sends it (without the newline).
 * The daemon state is real and in memory, built once with the daemon's own
 * init functions: the defaults of a tenant with an SR source, the path
 * selector, the controller's flow table with a few flows, one path; no
 * datapath and no BPF maps (their fds are -1, so map reads fail as they
 * would with the maps gone). State carries over between inputs, as in a
 * running daemon: path-add and path-del change it. Checked: every request
 * gets a reply that is a JSON object or array and serialises, and an
 * error reply says why.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/internal.h"

static struct xs_daemon *d;

static void add_flow(const char *src, const char *dst, uint16_t sport, uint16_t dport,
		     uint8_t proto, uint64_t bytes)
{
	struct xs_flow_key k = { .proto = proto, .sport = htons(sport), .dport = htons(dport) };
	struct xs_cflow *f;

	inet_pton(AF_INET6, src, k.saddr);
	inet_pton(AF_INET6, dst, k.daddr);
	f = xs_ctab_get(&d->ct, &k);
	if (!f)
		abort();
	f->last_seen_ns = now_ns();
	xs_class_update(&d->cc, &f->cls, bytes, now_ns());
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xs_cfg_path cp = { .id = 1, .pool = XS_POOL_HEAVY, .nsids = 2, .plen = 64 };

	(void)argc;
	(void)argv;
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	xs_cfg_defaults(&d->cfg, "fz");
	inet_pton(AF_INET6, "fd00:f::1", &d->cfg.sr_source);
	d->cfg.sr_source_set = true;
	d->flows_fd = d->steer_fd = d->config_fd = d->xsks_fd = -1;
	d->stats_fd = d->events_fd = d->sig_fd = -1;
	d->start_ns = now_ns();
	xs_pathsel_init(&d->ps);
	daemon_class_cfg(d);
	if (xs_ctab_init(&d->ct, 64))
		abort();
	add_flow("fd00:1::1", "fd00:2::1", 40000, 5201, 6, 90000000);
	add_flow("fd00:1::1", "fd00:2::1", 20052, 9002, 17, 2480);
	add_flow("::ffff:192.0.2.1", "::ffff:198.51.100.1", 1234, 53, 17, 120);
	snprintf(cp.name, sizeof(cp.name), "via-a");
	inet_pton(AF_INET6, "fd00:a::1", &cp.sids[0]);
	inet_pton(AF_INET6, "fd00:e::6", &cp.sids[1]);
	inet_pton(AF_INET6, "fd00:2::", &cp.prefix);
	if (path_install(d, &cp))
		abort();
	return 0;
}

/*
 * ASan's quarantine holds freed memory back to catch a late use; its
 * default 256 MB, churned by many small runs, costs more in page faults
 * than the parser does. 16 MB still covers what one input frees.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	json_object *rep, *e;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';	/* as the server hands it over */
	rep = xs_api_handle(d, line, size);
	if (!rep || !(json_object_is_type(rep, json_type_object) ||
		      json_object_is_type(rep, json_type_array)))
		abort();
	if (!json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN))
		abort();
	if (json_object_object_get_ex(rep, "error", &e) &&
	    (!json_object_is_type(e, json_type_string) || !json_object_get_string_len(e)))
		abort();
	json_object_put(rep);
	free(line);
	return 0;
}
