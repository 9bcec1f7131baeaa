// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpf-stats-hold: turns on the kernel's BPF run-time statistics
 * (run_time_ns, run_cnt per program) for as long as it runs, through
 * bpf_enable_stats() rather than the kernel.bpf_stats_enabled sysctl, so
 * nothing global is left changed when it exits. Prints "ready" once the
 * stats are on, then holds the fd until stdin closes or SIGTERM/SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	char buf[256];
	ssize_t n;
	int fd;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		fprintf(stderr, "bpf-stats-hold: cannot enable BPF run-time stats: %s\n",
			strerror(-fd));
		return EXIT_FAILURE;
	}
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	close(fd);
	return EXIT_SUCCESS;
}
