/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where xsteer pins its maps, and opening them again. */
#ifndef XS_PIN_H
#define XS_PIN_H

#include <stddef.h>

#define XS_PIN_ROOT "/sys/fs/bpf/xsteer"

/* dir = --pin-dir, or XS_PIN_ROOT/<dev>. -EINVAL when neither is known. */
int xs_pin_dir(const char *opt, const char *dev, char *dir, size_t len);
/* dir/name into buf, '.' in name as '_' (bpffs); -ENAMETOOLONG if it does not fit. */
int xs_pin_path(const char *dir, const char *name, char *buf, size_t len);
/* The directory (or its nearest existing parent) must be on a bpffs. */
int xs_pin_dir_prepare(const char *dir);
/* The same; made gets the topmost directory it created ("" if none). */
int xs_pin_dir_create(const char *dir, char *made, size_t len);
/* Remove the empty directories from dir up to made (xs_pin_dir_create's). */
void xs_pin_dir_unmake(const char *dir, const char *made);
/* Open a pinned map of dir by name; errors say what is missing. */
int xs_pin_open_map(const char *dir, const char *name);
/* Remove the pins of every xsteer map in dir, then dir itself. */
int xs_pin_remove(const char *dir);

#endif
