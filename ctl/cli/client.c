// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Commands that ask the running daemon (over its control socket): status,
 * flows, paths, stats, path add|del. The daemon answers in JSON; with -j it
 * is printed as is, otherwise the same document is rendered as a table.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <json-c/json.h>
#include "cli/commands.h"
#include "lib/config.h"
#include "lib/ctlsock.h"
#include "lib/out.h"

#define XS_OPT_TENANT { "tenant", 't', "NAME", "tenant whose daemon to ask", NULL }, \
	{ "socket", 0, "PATH", "control socket", "/run/xsteer/<tenant>.sock" }

const struct xs_opt status_opts[] = { XS_OPT_TENANT, XS_COMMON_OPTS, { NULL } };
const struct xs_opt paths_opts[] = { XS_OPT_TENANT, XS_COMMON_OPTS, { NULL } };
const struct xs_opt top_opts[] = {
	XS_OPT_TENANT,
	{ "interval", 'i', "TIME", "refresh period, e.g. 500ms, 2s", "1s" },
	{ "top", 'n', "N", "flows shown", "as many as fit" },
	{ "iterations", 0, "N", "stop after N refreshes (0: until q or Ctrl-C)", "0" },
	XS_COMMON_OPTS,
	{ NULL },
};
const struct xs_opt path_opts[] = {
	XS_OPT_TENANT,
	{ "id", 'i', "ID", "path id (0-255)", NULL },
	{ "segments", 's', "SIDS", "SID list for 'add', e.g. fd00:a::1,fd00:e::6", NULL },
	{ "pool", 0, "POOL", "heavy, default or disjoint", "heavy" },
	{ "prefix", 0, "PREFIX", "destinations the path serves", "::/0" },
	{ "encap", 0, "MODE", "encap, encap.red or inline", "the tenant's" },
	{ "name", 0, "NAME", "a label", "cli" },
	XS_COMMON_OPTS,
	{ NULL },
};

static int socket_path(struct xs_args *a, char *buf, size_t len)
{
	const char *sock = xs_arg(a, "socket"), *tenant = xs_arg(a, "tenant");

	if (sock) {
		snprintf(buf, len, "%s", sock);
		return 0;
	}
	if (!tenant) {
		xs_error("%s: give --tenant NAME (or --socket PATH)", a->cmd->name);
		return -EINVAL;
	}
	if (!xs_tenant_name_ok(tenant)) {
		xs_error("%s: bad tenant name '%s'", a->cmd->name, tenant);
		return -EINVAL;
	}
	snprintf(buf, len, "/run/xsteer/%s.sock", tenant);
	return 0;
}

/* One request; the reply, or NULL with the error already reported. */
static json_object *ask(struct xs_args *a, json_object *req)
{
	char path[256];
	json_object *rep, *err;

	if (socket_path(a, path, sizeof(path))) {
		json_object_put(req);
		return NULL;
	}
	rep = xs_ctl_call(path, req);
	json_object_put(req);
	if (rep && json_object_is_type(rep, json_type_object) &&
	    json_object_object_get_ex(rep, "error", &err)) {
		xs_error("%s", json_object_get_string(err));
		json_object_put(rep);
		return NULL;
	}
	return rep;
}

static json_object *request(const char *cmd)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "cmd", json_object_new_string(cmd));
	return r;
}

static void print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Columns of a table rendered from an array of JSON objects. */
struct col {
	const char *key, *hdr;
	int width;
};

static void render(json_object *arr, const struct col *cols)
{
	size_t i, n = json_object_array_length(arr);
	char buf[64];

	out_list_begin();
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(arr, i), *v;
		const struct col *c;

		out_row_begin();
		for (c = cols; c->key; c++) {
			const char *s = "-";

			if (json_object_object_get_ex(row, c->key, &v) && v) {
				if (json_object_is_type(v, json_type_double))
					snprintf(buf, sizeof(buf), "%.1f", json_object_get_double(v));
				else if (json_object_is_type(v, json_type_array))
					snprintf(buf, sizeof(buf), "%zu SIDs",
						 json_object_array_length(v));
				else
					snprintf(buf, sizeof(buf), "%s", json_object_get_string(v));
				s = buf;
			}
			out_col_str(c->key, c->hdr, c->width, s);
		}
		out_row_end();
	}
	out_list_end();
}

static void human_rate(uint64_t bps, char *buf, size_t len)
{
	if (bps >= 1000000000)
		snprintf(buf, len, "%.2fG", bps / 1e9);
	else if (bps >= 1000000)
		snprintf(buf, len, "%.1fM", bps / 1e6);
	else if (bps >= 1000)
		snprintf(buf, len, "%.1fk", bps / 1e3);
	else
		snprintf(buf, len, "%llu", (unsigned long long)bps);
}

int cmd_status(struct xs_args *a)
{
	json_object *rep = ask(a, request("status"));

	if (!rep)
		return -EIO;
	if (out_is_json()) {
		print_json(rep);
	} else {
		json_object_object_foreach(rep, k, v)
			printf("%-20s %s\n", k, json_object_get_string(v));
	}
	json_object_put(rep);
	return 0;
}

int cmd_flows_daemon(struct xs_args *a, uint32_t top, const char *sort)
{
	static const struct col cols[] = {
		{ "proto", "PROTO", -6 }, { "src", "SRC", -26 }, { "sport", "SPORT", 5 },
		{ "dst", "DST", -26 }, { "dport", "DPORT", 5 }, { "rate", "RATE", 8 },
		{ "bytes", "BYTES", 12 }, { "class", "CLASS", -5 }, { "path", "PATH", 4 },
		{ "idle_s", "IDLE(s)", 7 }, { NULL, NULL, 0 },
	};
	json_object *req = request("flows"), *rep;
	size_t i;
	char buf[32];

	json_object_object_add(req, "top", json_object_new_uint64(top));
	json_object_object_add(req, "sort", json_object_new_string(sort));
	rep = ask(a, req);
	if (!rep)
		return -EIO;
	if (out_is_json()) {
		print_json(rep);
	} else {
		for (i = 0; i < json_object_array_length(rep); i++) {
			json_object *row = json_object_array_get_idx(rep, i), *v;

			if (json_object_object_get_ex(row, "rate_bps", &v)) {
				human_rate(json_object_get_uint64(v), buf, sizeof(buf));
				json_object_object_add(row, "rate", json_object_new_string(buf));
			}
		}
		if (json_object_array_length(rep))
			render(rep, cols);
		else
			printf("no flows\n");
	}
	json_object_put(rep);
	return 0;
}

static int print_paths(json_object *rep)
{
	static const struct col cols[] = {
		{ "id", "ID", 3 }, { "name", "NAME", -12 }, { "pool", "POOL", -8 },
		{ "mode", "MODE", -9 }, { "prefix", "PREFIX", -20 }, { "first_sid", "FIRST SID", -20 },
		{ "segments", "SIDS", 7 }, { "resolved", "NEXTHOP", 7 }, { "flows", "FLOWS", 5 },
		{ "load", "LOAD", 8 }, { NULL, NULL, 0 },
	};
	size_t i;
	char buf[32];

	if (out_is_json()) {
		print_json(rep);
		return 0;
	}
	for (i = 0; i < json_object_array_length(rep); i++) {
		json_object *row = json_object_array_get_idx(rep, i), *v;

		if (json_object_object_get_ex(row, "segments", &v) && json_object_array_length(v))
			json_object_object_add(row, "first_sid", json_object_get(
				json_object_array_get_idx(v, 0)));
		if (json_object_object_get_ex(row, "load_bps", &v)) {
			human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "load", json_object_new_string(buf));
		}
	}
	if (json_object_array_length(rep))
		render(rep, cols);
	else
		printf("no paths\n");
	return 0;
}

int cmd_paths(struct xs_args *a)
{
	json_object *rep = ask(a, request("paths"));
	int err;

	if (!rep)
		return -EIO;
	err = print_paths(rep);
	json_object_put(rep);
	return err;
}

int cmd_stats_daemon(struct xs_args *a)
{
	static const char *const formats[] = { "table", "json", "prometheus", NULL };
	int fmt = xs_arg_choice(a, "format", formats, out_is_json() ? 1 : 0);
	json_object *rep, *v;

	if (fmt < 0)
		return fmt;
	if (fmt == 1)
		out_init(true);
	if (fmt == 2) {
		rep = ask(a, request("metrics"));
		if (!rep)
			return -EIO;
		if (json_object_object_get_ex(rep, "text", &v))
			fputs(json_object_get_string(v), stdout);
		json_object_put(rep);
		return 0;
	}
	rep = ask(a, request("stats"));

	if (!rep)
		return -EIO;
	if (out_is_json()) {
		print_json(rep);
	} else {
		json_object_object_foreach(rep, group, members) {
			json_object_object_foreach(members, k, v)
				printf("%-11s %-28s %s\n", group, k, json_object_get_string(v));
		}
	}
	json_object_put(rep);
	return 0;
}

int cmd_path(struct xs_args *a)
{
	const char *action = a->argc ? a->argv[0] : NULL;
	static const char *const keys[][2] = {
		{ "segments", "segments" }, { "pool", "pool" }, { "prefix", "prefix" },
		{ "encap", "mode" }, { "name", "name" },
	};
	json_object *req, *rep;
	uint32_t id;
	size_t i;
	int err;

	if (!action || a->argc > 1 || (strcmp(action, "add") && strcmp(action, "del"))) {
		xs_error("path: expected one action: add or del");
		return -EINVAL;
	}
	if (!xs_arg(a, "id")) {
		xs_error("path %s: --id is required", action);
		return -EINVAL;
	}
	err = xs_arg_u32(a, "id", 0, 255, 0, &id);
	if (err)
		return err;
	if (!strcmp(action, "add") && !xs_arg(a, "segments")) {
		xs_error("path add: --segments is required");
		return -EINVAL;
	}
	req = request(!strcmp(action, "add") ? "path-add" : "path-del");
	json_object_object_add(req, "id", json_object_new_uint64(id));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (xs_arg(a, keys[i][0]))
			json_object_object_add(req, keys[i][1],
					       json_object_new_string(xs_arg(a, keys[i][0])));
	rep = ask(a, req);
	if (!rep)
		return -EIO;
	err = print_paths(rep);
	json_object_put(rep);
	return err;
}

/* ---- xsteer top ---- */

static struct termios top_saved;
static bool top_raw;

static void top_restore(void)
{
	if (top_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &top_saved);
	top_raw = false;
	if (isatty(STDOUT_FILENO))
		fputs("\033[?25h", stdout);	/* cursor back */
}

static void top_signal(int sig)
{
	top_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void top_frame(json_object *status, json_object *flows, unsigned int rows, bool tty)
{
	static const struct col cols[] = {
		{ "proto", "PROTO", -6 }, { "src", "SRC", -24 }, { "sport", "SPORT", 5 },
		{ "dst", "DST", -24 }, { "dport", "DPORT", 5 }, { "rate", "RATE", 8 },
		{ "bytes_h", "BYTES", 8 }, { "class", "CLASS", -5 }, { "path", "PATH", 4 },
		{ "age_s", "AGE(s)", 7 }, { NULL, NULL, 0 },
	};
	json_object *v, *shown = json_object_new_array();
	char buf[32], when[16];
	time_t t = time(NULL);
	size_t i, n = json_object_array_length(flows);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("xsteer top - tenant %s - %s - flows %llu, heavy %llu, steered %llu, paths %llu/%llu resolved\n\n",
	       json_object_object_get_ex(status, "tenant", &v) ? json_object_get_string(v) : "?",
	       when,
	       (unsigned long long)(json_object_object_get_ex(status, "flows_tracked", &v) ?
				    json_object_get_uint64(v) : 0),
	       (unsigned long long)(json_object_object_get_ex(status, "heavy_hitters", &v) ?
				    json_object_get_uint64(v) : 0),
	       (unsigned long long)(json_object_object_get_ex(status, "steered", &v) ?
				    json_object_get_uint64(v) : 0),
	       (unsigned long long)(json_object_object_get_ex(status, "paths_resolved", &v) ?
				    json_object_get_uint64(v) : 0),
	       (unsigned long long)(json_object_object_get_ex(status, "paths", &v) ?
				    json_object_get_uint64(v) : 0));
	for (i = 0; i < n && i < rows; i++) {
		json_object *row = json_object_array_get_idx(flows, i);

		if (json_object_object_get_ex(row, "rate_bps", &v)) {
			human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "rate", json_object_new_string(buf));
		}
		if (json_object_object_get_ex(row, "bytes", &v)) {
			human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "bytes_h", json_object_new_string(buf));
		}
		json_object_array_add(shown, json_object_get(row));
	}
	if (json_object_array_length(shown))
		render(shown, cols);
	else
		printf("no flows\n");
	if (tty)
		printf("\nq: quit\n");
	fflush(stdout);
	json_object_put(shown);
}

int cmd_top(struct xs_args *a)
{
	uint32_t rows, iters;
	uint64_t ms = 1000;
	struct winsize ws;
	bool tty = isatty(STDOUT_FILENO);
	json_object *req, *status, *flows;
	unsigned int done = 0;
	int err;

	if (xs_arg(a, "interval") && (xs_parse_duration_ms(xs_arg(a, "interval"), &ms) ||
				      ms < 100 || ms > 3600000)) {
		xs_error("invalid value '%s' for --interval: expected 100ms to 1h, e.g. 500ms, 2s",
			 xs_arg(a, "interval"));
		return -EINVAL;
	}
	rows = tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row > 8 ? ws.ws_row - 6 : 20;
	err = xs_arg_u32(a, "top", 1, 100000, rows, &rows);
	err = err ?: xs_arg_u32(a, "iterations", 0, UINT32_MAX, 0, &iters);
	if (err)
		return err;
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &top_saved)) {
		struct termios raw = top_saved;

		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		top_raw = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		signal(SIGINT, top_signal);
		signal(SIGTERM, top_signal);
		atexit(top_restore);
	}
	if (tty)
		fputs("\033[?25l", stdout);	/* no cursor while refreshing */
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char c;

		status = ask(a, request("status"));
		req = request("flows");
		json_object_object_add(req, "top", json_object_new_uint64(rows));
		json_object_object_add(req, "sort", json_object_new_string("rate"));
		flows = status ? ask(a, req) : (json_object_put(req), NULL);
		if (!status || !flows) {
			json_object_put(status);
			top_restore();
			return -EIO;
		}
		top_frame(status, flows, rows, tty);
		json_object_put(status);
		json_object_put(flows);
		if (iters && ++done >= iters)
			break;
		if (top_raw) {
			if (poll(&pfd, 1, ms) == 1 && read(STDIN_FILENO, &c, 1) == 1 &&
			    (c == 'q' || c == 'Q'))
				break;
		} else {
			usleep(ms * 1000);
		}
	}
	top_restore();
	return 0;
}
