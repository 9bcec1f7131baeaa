// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The daemon's configuration file (INI, parsed by libinih).
 *
 * libinih hands its handler no line number in Debian's build
 * (INI_HANDLER_LINENO is 0), so the file is fed through our own reader
 * (ini_parse_stream): it counts lines, and since inih calls the handler for
 * a line before it reads the next one, the count is the handler's line. The
 * reader also
 *  - handles section headers itself, so that an empty or misspelt section
 *    is an error too (inih only reports keys);
 *  - strips leading blanks, so that an indented line is an ordinary line
 *    and never a continuation of the previous value (inih's multi-line
 *    values are on in Debian's build, INI_ALLOW_MULTILINE);
 *  - rejects overlong lines and lines that are neither comment, section nor
 *    "key = value", stopping at the first problem.
 * Comments: lines starting with ';' or '#'; inline, ';' after a blank
 * ("batch = 64 ; per RX batch"), as inih has INI_ALLOW_INLINE_COMMENTS=1
 * with the prefix ";". '#' is a comment only at the start of a line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "lib/cfgkey.h"
#include "lib/config.h"
#include "lib/parse.h"

/*
 * Debian's libinih (r55) takes its line buffer size from this variable at
 * run time (the buffer is a VLA of ini_max_line bytes); upstream's is a
 * compile-time constant (200). Where it exists, raise it so a path of 16
 * full-length SIDs fits on one line; elsewhere the reader reports lines
 * longer than what inih can take.
 */
extern int ini_max_line __attribute__((weak));
#define LINE_MAX_WANTED	1024


static const char *const path_keys[PK__N] = { "id", "pool", "prefix", "segments", "mode" };

/* ---- loading ---- */

void xs_cfg_vemit(char *err, size_t errlen, const char *file, int line, const char *fmt,
		  va_list ap)
{
	size_t off = 0;
	int r;

	if (!err || !errlen)
		return;
	err[0] = '\0';
	if (file) {
		r = line > 0 ? snprintf(err, errlen, "%s:%d: ", file, line)
			     : snprintf(err, errlen, "%s: ", file);
		if (r < 0 || (size_t)r >= errlen)
			return;
		off = r;
	}
	vsnprintf(err + off, errlen - off, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
fail(struct ld *st, int line, const char *fmt, ...)
{
	va_list ap;

	if (st->stop)
		return;
	st->stop = true;
	va_start(ap, fmt);
	xs_cfg_vemit(st->err, st->errlen, st->file, line, fmt, ap);
	va_end(ap);
}

/* A value as shown in a message: at most 64 characters, controls as '?'. */
const char *xs_cfg_shown(const char *v, char *buf, size_t n)
{
	size_t i, len = strlen(v), max = 64;

	if (n < max + 4)
		max = n > 4 ? n - 4 : 0;
	for (i = 0; i < len && i < max; i++)
		buf[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	if (len > max) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static void sect_label(const struct ld *st, char *buf, size_t n)
{
	if (st->sect == XS_SECT_PATH)
		snprintf(buf, n, "[path %s]", st->c->paths[st->path].name);
	else
		snprintf(buf, n, "[%s]", xs_cfg_sect_names[st->sect]);
}

static bool path_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len < 1 || len >= sizeof(((struct xs_cfg_path *)0)->name))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || xs_is_digit(*s) ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void begin_section(struct ld *st, char *text)
{
	char *word, *rest, sh[80];
	size_t wl;
	enum xs_cfg_sect s;

	/* text is what stands between '[' and ']' */
	while (xs_is_blank(*text))
		text++;
	wl = strlen(text);
	while (wl && xs_is_blank(text[wl - 1]))
		text[--wl] = '\0';
	word = text;
	wl = strcspn(word, " \t");
	rest = word + wl;
	while (xs_is_blank(*rest))
		rest++;

	for (s = XS_SECT_XSTEER; s < XS_SECT__N; s++)
		if (strlen(xs_cfg_sect_names[s]) == wl && !strncmp(word, xs_cfg_sect_names[s], wl))
			break;
	if (s == XS_SECT__N || (s != XS_SECT_PATH && *rest)) {
		fail(st, st->lineno, "[%s]: unknown section (expected [xsteer], [classifier], "
		     "[tables] or [path NAME])", xs_cfg_shown(text, sh, sizeof(sh)));
		return;
	}
	if (s != XS_SECT_PATH) {
		if (st->sect_line[s]) {
			fail(st, st->lineno, "[%s]: section given twice (first at line %d)",
			     xs_cfg_sect_names[s], st->sect_line[s]);
			return;
		}
		st->sect_line[s] = st->lineno;
		st->sect = s;
		return;
	}

	/* [path NAME] */
	struct xs_cfg *c = st->c;
	struct xs_cfg_path *p;

	if (!*rest) {
		fail(st, st->lineno, "[path]: a path section needs a name: [path NAME]");
		return;
	}
	if (!path_name_ok(rest)) {
		fail(st, st->lineno, "[path %s]: bad path name '%s': expected 1 to %zu letters, "
		     "digits, '-', '_' or '.'", xs_cfg_shown(rest, sh, sizeof(sh)), sh,
		     sizeof(p->name) - 1);
		return;
	}
	for (unsigned int i = 0; i < c->npaths; i++) {
		if (strcmp(c->paths[i].name, rest))
			continue;
		if (i >= st->first_path)
			fail(st, st->lineno, "[path %s]: section given twice (first at line %d)",
			     rest, st->pl[i - st->first_path].hdr);
		else
			fail(st, st->lineno, "[path %s]: a path of this name exists already", rest);
		return;
	}
	if (c->npaths >= XS_PATHS_MAX) {
		fail(st, st->lineno, "[path %s]: too many paths: at most %d", rest, XS_PATHS_MAX);
		return;
	}
	p = &c->paths[c->npaths];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", rest);
	p->pool = XS_POOL_HEAVY;
	p->mode = c->encap_mode;	/* settled after the whole file is read */
	p->plen = 0;			/* ::/0 */
	memset(&st->pl[c->npaths - st->first_path], 0, sizeof(st->pl[0]));
	st->pl[c->npaths - st->first_path].hdr = st->lineno;
	st->path = c->npaths++;
	st->sect = XS_SECT_PATH;
}

/* Like inih: a '=' or ':' before any inline comment (';' after a blank). */
static bool has_separator(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '=' || *p == ':')
			return true;
		if (*p == ';' && p > s && xs_is_blank(p[-1]))
			return false;
	}
	return false;
}

static char *reader(char *str, int num, void *stream)
{
	struct ld *st = stream;
	char *s, sh[80];
	ssize_t n;
	size_t len, max;

	if (st->stop)
		return NULL;
	n = getline(&st->line, &st->cap, st->f);
	if (n < 0) {
		if (ferror(st->f))
			fail(st, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	st->lineno++;
	s = st->line;
	if (strlen(s) != (size_t)n) {
		fail(st, st->lineno, "the line holds a NUL byte: not a text file?");
		return NULL;
	}
	if (st->lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;		/* UTF-8 byte order mark */
	while (xs_is_blank(*s))
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	max = num > 3 ? num - 3 : 0;	/* inih wants room for "\r\n\0" */
	if (len > max) {
		fail(st, st->lineno, "line too long: at most %zu characters", max);
		return NULL;
	}

	if (*s == '[') {
		char *end = strchr(s, ']'), *after;

		if (!end) {
			fail(st, st->lineno, "'%s': a section header needs a closing ']'",
			     xs_cfg_shown(s, sh, sizeof(sh)));
			return NULL;
		}
		after = end + 1;
		while (xs_is_blank(*after))
			after++;
		if (*after && *after != ';' && *after != '#') {
			fail(st, st->lineno, "'%s': unexpected text after the section header",
			     xs_cfg_shown(s, sh, sizeof(sh)));
			return NULL;
		}
		*end = '\0';
		begin_section(st, s + 1);
		if (st->stop)
			return NULL;
		/* hand inih the bare header: it keeps the section name itself */
		snprintf(str, num, "[%s]", s + 1);
		return str;
	}
	if (*s && *s != ';' && *s != '#' && !has_separator(s)) {
		fail(st, st->lineno, "'%s': expected 'key = value', '[section]' or a comment",
		     xs_cfg_shown(s, sh, sizeof(sh)));
		return NULL;
	}
	memcpy(str, s, len + 1);
	return str;
}

/* Edit distance, for "did you mean". */
static unsigned int distance(const char *a, const char *b)
{
	unsigned int d[40], la = strlen(a), lb = strlen(b), prev, tmp;

	if (la >= 40 || lb >= 40)
		return 99;
	for (unsigned int j = 0; j <= lb; j++)
		d[j] = j;
	for (unsigned int i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (unsigned int j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = prev + (a[i - 1] != b[j - 1]);
			if (d[j - 1] + 1 < d[j])
				d[j] = d[j - 1] + 1;
			if (tmp + 1 < d[j])
				d[j] = tmp + 1;
			prev = tmp;
		}
	}
	return d[lb];
}

static void unknown_key(struct ld *st, const char *label, const char *name)
{
	const char *best = NULL, *elsewhere = NULL;
	unsigned int bd = 3, i;
	char sh[80], list[400];
	size_t off = 0;

	list[0] = '\0';
	for (i = 0; i < K__N; i++) {
		if (xs_cfg_schema[i].sect != st->sect) {
			if (!strcmp(xs_cfg_schema[i].name, name))
				elsewhere = xs_cfg_sect_names[xs_cfg_schema[i].sect];
			continue;
		}
		if (distance(name, xs_cfg_schema[i].name) < bd) {
			bd = distance(name, xs_cfg_schema[i].name);
			best = xs_cfg_schema[i].name;
		}
		off += snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "",
				xs_cfg_schema[i].name);
	}
	if (st->sect == XS_SECT_PATH) {
		for (i = 0; i < PK__N; i++) {
			if (distance(name, path_keys[i]) < bd) {
				bd = distance(name, path_keys[i]);
				best = path_keys[i];
			}
			off += snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "",
					path_keys[i]);
		}
	} else {
		for (i = 0; i < PK__N; i++)
			if (!strcmp(path_keys[i], name))
				elsewhere = "path NAME";
	}
	/* "device" for "dev", "heavy" for "heavy-rate": one starts the other */
	for (i = 0; !best && i < K__N + PK__N; i++) {
		const char *k = i < K__N ? xs_cfg_schema[i].name : path_keys[i - K__N];
		size_t lk = strlen(k), ln = strlen(name);

		if ((i < K__N ? xs_cfg_schema[i].sect : XS_SECT_PATH) != st->sect || lk < 3 || ln < 3)
			continue;
		if (!strncmp(name, k, lk < ln ? lk : ln))
			best = k;
	}
	xs_cfg_shown(name, sh, sizeof(sh));
	if (elsewhere)
		fail(st, st->lineno, "%s %s: unknown key here: it belongs in [%s]", label, sh,
		     elsewhere);
	else if (best)
		fail(st, st->lineno, "%s %s: unknown key: did you mean '%s'?", label, sh, best);
	else
		fail(st, st->lineno, "%s %s: unknown key (known here: %s)", label, sh, list);
}

static void bad_value(struct ld *st, const char *label, const char *name, const char *val,
		      const char *why)
{
	char sh[80];

	fail(st, st->lineno, "%s %s: bad value '%s': %s", label, name,
	     xs_cfg_shown(val, sh, sizeof(sh)), why);
}

static void path_id(struct ld *st, const char *label, const char *val)
{
	struct xs_cfg *c = st->c;
	struct xs_cfg_path *p = &c->paths[st->path];
	char why[200];
	const char *q = val;
	unsigned long id = 0;

	for (; xs_is_digit(*q) && q - val < 4; q++)
		id = id * 10 + (*q - '0');
	if (q == val || *q || id >= XS_PATHS_MAX) {
		snprintf(why, sizeof(why), "expected a whole number from 0 to %d",
			 XS_PATHS_MAX - 1);
		bad_value(st, label, "id", val, why);
		return;
	}
	for (unsigned int i = 0; i < c->npaths; i++)
		if (i != st->path && c->paths[i].id == id &&
		    (i < st->first_path || st->pl[i - st->first_path].key[PK_ID])) {
			snprintf(why, sizeof(why), "already used by [path %s]",
				 c->paths[i].name);
			bad_value(st, label, "id", val, why);
			return;
		}
	p->id = id;
}

static void path_prefix(struct ld *st, const char *label, const char *val)
{
	struct xs_cfg_path *p = &st->c->paths[st->path];
	char why[200], sug[64];
	int rc;
	struct in6_addr a;
	uint8_t plen;

	rc = xs_parse_prefix(val, &a, &plen);
	if (rc == -EDOM) {
		xs_fmt_prefix(&a, plen, sug, sizeof(sug));
		snprintf(why, sizeof(why), "host bits are set: did you mean %s?", sug);
	} else if (rc == -ERANGE) {
		snprintf(why, sizeof(why), "the prefix length must be 0 to 128 (IPv6) "
			 "or 0 to 32 (IPv4)");
	} else if (rc) {
		snprintf(why, sizeof(why), "expected a prefix like fd00:2::/64 or "
			 "198.51.100.0/24");
	}
	if (rc) {
		bad_value(st, label, "prefix", val, why);
		return;
	}
	p->prefix = a;
	p->plen = plen;
}

static void path_key(struct ld *st, const char *label, int pk, const char *val)
{
	struct xs_cfg *c = st->c;
	struct xs_cfg_path *p = &c->paths[st->path];
	char why[200], sug[64];
	int rc;

	switch (pk) {
	case PK_ID:
		path_id(st, label, val);
		return;
	case PK_POOL:
		rc = xs_pool_parse(val);
		if (rc < 0) {
			xs_choices_join(xs_pool_names, sug, sizeof(sug));
			snprintf(why, sizeof(why), "expected %s", sug);
			bad_value(st, label, "pool", val, why);
			return;
		}
		p->pool = rc;
		return;
	case PK_PREFIX:
		path_prefix(st, label, val);
		return;
	case PK_SEGMENTS:
		rc = xs_sid_list_parse(val, p->sids, XS_SIDS_MAX, why, sizeof(why));
		if (rc < 0) {
			p->nsids = 0;
			bad_value(st, label, "segments", val, why);
			return;
		}
		p->nsids = rc;
		return;
	case PK_MODE:
		rc = xs_encap_mode_parse(val);
		if (rc < 0) {
			xs_choices_join(xs_encap_mode_names, sug, sizeof(sug));
			snprintf(why, sizeof(why), "expected %s", sug);
			bad_value(st, label, "mode", val, why);
			return;
		}
		p->mode = rc;
		return;
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct ld *st = user;
	char label[64], why[200], sh[80];
	union kval v;
	int *seen = NULL;
	int i;

	(void)section;	/* the reader tracks sections (with their lines) */
	if (st->stop)
		return 0;
	if (!*name) {
		fail(st, st->lineno, "a key name is missing before '='");
		return 0;
	}
	if (st->sect == XS_SECT_NONE) {
		fail(st, st->lineno, "%s: key outside any section: put it under [xsteer], "
		     "[classifier], [tables] or [path NAME]", xs_cfg_shown(name, sh, sizeof(sh)));
		return 0;
	}
	if (!value)
		value = "";
	sect_label(st, label, sizeof(label));

	if (st->sect == XS_SECT_PATH) {
		for (i = 0; i < PK__N; i++)
			if (!strcmp(name, path_keys[i]))
				break;
		if (i < PK__N)
			seen = &st->pl[st->path - st->first_path].key[i];
	} else {
		for (i = 0; i < K__N; i++)
			if (xs_cfg_schema[i].sect == st->sect && !strcmp(name, xs_cfg_schema[i].name))
				break;
		if (i < K__N)
			seen = &st->key_line[i];
	}
	if (!seen) {
		unknown_key(st, label, name);
		return 0;
	}
	if (*seen) {
		fail(st, st->lineno, "%s %s: key given twice (first at line %d)", label, name,
		     *seen);
		return 0;
	}
	if (st->sect == XS_SECT_PATH) {
		path_key(st, label, i, value);
	} else if (xs_key_parse(&xs_cfg_schema[i], value, &v, why, sizeof(why))) {
		bad_value(st, label, name, value, why);
	} else {
		xs_key_store(st->c, &xs_cfg_schema[i], &v);
	}
	if (st->stop)
		return 0;
	*seen = st->lineno;
	return 1;
}

/* After the whole file: path modes, derived values, what is missing. */
static void finish(struct ld *st)
{
	struct xs_cfg *c = st->c;

	if (st->key_line[K_HEAVY_RATE] && !st->key_line[K_HEAVY_RATE_LOW])
		c->heavy_rate_low_bps = c->heavy_rate_bps / 2;
	for (unsigned int i = st->first_path; i < c->npaths; i++) {
		struct xs_cfg_path *p = &c->paths[i];
		struct path_lines *pl = &st->pl[i - st->first_path];

		if (!pl->key[PK_MODE])
			p->mode = c->encap_mode;
		if (!pl->key[PK_ID]) {
			fail(st, 0, "[path %s]: 'id' is missing", p->name);
			return;
		}
		if (!pl->key[PK_SEGMENTS]) {
			fail(st, 0, "[path %s]: 'segments' is missing", p->name);
			return;
		}
	}
	if (xs_cfg_check(c, st, st->err, st->errlen))
		st->stop = true;
}

int xs_cfg_load_buf(struct xs_cfg *c, const char *file, const char *data, size_t size, char *err,
		    size_t errlen)
{
	struct ld *st;
	int old_max = 0, rc, ret = 0;

	if (err && errlen)
		err[0] = '\0';
	st = calloc(1, sizeof(*st));
	if (st)
		st->c = malloc(sizeof(*c));
	if (!st || !st->c) {
		free(st);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	memcpy(st->c, c, sizeof(*c));
	st->file = file;
	st->err = err;
	st->errlen = errlen;
	st->first_path = c->npaths;
	/* fmemopen wants a byte at least: an empty file reads as one newline */
	st->f = fmemopen((void *)(size ? data : "\n"), size ? size : 1, "r");
	if (!st->f) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		goto out;
	}

	if (&ini_max_line) {
		old_max = ini_max_line;
		if (ini_max_line < LINE_MAX_WANTED)
			ini_max_line = LINE_MAX_WANTED;
	}
	rc = ini_parse_stream(reader, st, handler, st);
	if (&ini_max_line)
		ini_max_line = old_max;

	if (!st->stop && rc == -2)
		fail(st, 0, "out of memory");
	else if (!st->stop && rc)
		fail(st, rc > 0 ? rc : 0, "cannot parse");	/* the reader should catch all */
	if (!st->stop)
		finish(st);
	if (st->stop)
		ret = -EINVAL;
	else
		memcpy(c, st->c, sizeof(*c));
out:
	if (st->f)
		fclose(st->f);
	free(st->line);
	free(st->c);
	free(st);
	return ret;
}
