/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Leveled logging to stderr; libbpf's and libxdp's output goes through it. */
#ifndef XS_LOG_H
#define XS_LOG_H

enum xs_log_level {
	XS_LOG_WARN = 0,
	XS_LOG_INFO,
	XS_LOG_DEBUG,
};

void xs_log_set_level(enum xs_log_level lvl);
enum xs_log_level xs_log_get_level(void);
/* Route libbpf and libxdp messages through ours, one level quieter. */
void xs_log_init_libs(void);
void xs_log(enum xs_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_warn(...)  xs_log(XS_LOG_WARN, __VA_ARGS__)
#define pr_info(...)  xs_log(XS_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xs_log(XS_LOG_DEBUG, __VA_ARGS__)

#endif
