// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "lib/log.h"

static enum xs_log_level log_level = XS_LOG_INFO;

void xs_log_set_level(enum xs_log_level lvl)
{
	log_level = lvl;
}

enum xs_log_level xs_log_get_level(void)
{
	return log_level;
}

static void xs_vlog(enum xs_log_level lvl, const char *prefix,
		    const char *fmt, va_list ap)
{
	if (lvl > log_level)
		return;
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
}

void xs_log(enum xs_log_level lvl, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[XS_LOG_WARN] = "xsteer: ",
		[XS_LOG_INFO] = "xsteer: ",
		[XS_LOG_DEBUG] = "xsteer: debug: ",
	};
	va_list ap;

	va_start(ap, fmt);
	xs_vlog(lvl, prefix[lvl], fmt, ap);
	va_end(ap);
}

/* The libraries' warnings are our info, their info our debug. */
static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	enum xs_log_level ours = lvl == LIBBPF_WARN ? XS_LOG_INFO : XS_LOG_DEBUG;

	xs_vlog(ours, "libbpf: ", fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level lvl, const char *fmt, va_list ap)
{
	enum xs_log_level ours = lvl == LIBXDP_WARN ? XS_LOG_INFO : XS_LOG_DEBUG;

	xs_vlog(ours, "", fmt, ap);	/* libxdp prefixes "libxdp: " itself */
	return 0;
}

void xs_log_init_libs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
