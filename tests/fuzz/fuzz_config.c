// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the configuration parser (ctl/lib/config.c, with the
 * libinih it drives), built with ASan and UBSan.
 *
 *   make build/tests/fuzz-config
 *   mkdir -p build/fuzz-corpus/config
 *   build/tests/fuzz-config -max_total_time=600 -rss_limit_mb=2048 \
 *       -artifact_prefix=build/fuzz-config- build/fuzz-corpus/config tests/fuzz/seeds-config
 *
 * Input: the file's bytes. Each input is parsed over the defaults of a
 * tenant, as `xsteer run --tenant fz --config FILE` would. Besides memory
 * and undefined-behaviour errors, it checks that a refusal always says why
 * (a non-empty message) and that what the parser accepts the validator
 * accepts too. (That a refused file leaves the configuration alone is a
 * unit test: comparing the 80 kB struct here would halve the exec rate.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/config.h"

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
	static struct xs_cfg c;
	char err[512];

	if (size > XS_CFG_SIZE_MAX)
		return -1;	/* read_file refuses these before parsing */
	xs_cfg_defaults(&c, "fz");
	err[0] = '\0';
	if (!xs_cfg_load_buf(&c, "fuzz.conf", (const char *)data, size, err, sizeof(err))) {
		if (xs_cfg_validate(&c, err, sizeof(err)))
			abort();	/* accepted by the parser, refused by the validator */
	} else if (!err[0]) {
		abort();	/* refused without a reason */
	}
	return 0;
}
