// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xsteer top: a live view of the daemon's flows, sorted by rate. */
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
#include "cli/client.h"
#include "lib/config.h"
#include "lib/out.h"

const struct xs_opt top_opts[] = {
	XS_OPT_TENANT,
	{ "interval", 'i', "TIME", "refresh period, e.g. 500ms, 2s", "1s" },
	{ "top", 'n', "N", "flows shown", "as many as fit" },
	{ "iterations", 0, "N", "stop after N refreshes (0: until q or Ctrl-C)", "0" },
	XS_COMMON_OPTS,
	{ NULL },
};

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
	static const struct cli_col cols[] = {
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
	printf("xsteer top - tenant %s - %s - tracked %llu, heavy %llu, steered %llu, paths %llu/%llu resolved\n\n",
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
			cli_human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "rate", json_object_new_string(buf));
		}
		if (json_object_object_get_ex(row, "bytes", &v)) {
			cli_human_rate(json_object_get_uint64(v), buf, sizeof(buf));
			json_object_object_add(row, "bytes_h", json_object_new_string(buf));
		}
		json_object_array_add(shown, json_object_get(row));
	}
	if (json_object_array_length(shown))
		cli_render(shown, cols);
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

		status = cli_ask(a, cli_request("status"));
		req = cli_request("flows");
		json_object_object_add(req, "top", json_object_new_uint64(rows));
		json_object_object_add(req, "sort", json_object_new_string("rate"));
		/* every refresh: the tracked flows, no walk of a million mice */
		json_object_object_add(req, "tracked", json_object_new_boolean(1));
		flows = status ? cli_ask(a, req) : (json_object_put(req), NULL);
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
