// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Values as people write them (SI rates and sizes, durations, prefixes,
 * tenant names) and back: what the config file, the command line and the
 * messages share.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "lib/parse.h"

/*
 * "DIGITS[.DIGITS]" followed by anything: the integer part, and where the
 * fraction's digits start and how many there are. NULL when no number.
 */
static const char *parse_decimal(const char *s, uint64_t *ip, const char **fs, size_t *nf,
				 bool *overflow)
{
	uint64_t v = 0;

	*overflow = false;
	*fs = NULL;
	*nf = 0;
	if (!s || !xs_is_digit(*s))
		return NULL;
	for (; xs_is_digit(*s); s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			*overflow = true;
		else
			v = v * 10 + d;
	}
	if (*s == '.') {
		s++;
		if (!xs_is_digit(*s))
			return NULL;
		*fs = s;
		while (xs_is_digit(*s))
			s++;
		*nf = s - *fs;
	}
	*ip = v;
	return s;
}

/*
 * ip.fraction x mult (a power of ten). *inexact: a non-zero digit below
 * the unit of the result. -ERANGE on overflow.
 */
static int scale(uint64_t ip, const char *fs, size_t nf, uint64_t mult, uint64_t *out,
		 bool *inexact)
{
	uint64_t v, frac = 0, w = mult;

	*inexact = false;
	if (ip > UINT64_MAX / mult)
		return -ERANGE;
	v = ip * mult;
	for (size_t i = 0; i < nf; i++) {
		unsigned int d = fs[i] - '0';

		if (w < 10) {
			if (d)
				*inexact = true;
			continue;
		}
		w /= 10;
		frac += d * w;
	}
	if (v > UINT64_MAX - frac)
		return -ERANGE;
	*out = v + frac;
	return 0;
}

int xs_parse_si(const char *s, uint64_t *out)
{
	static const struct { char c; uint64_t mult; } si[] = {
		{ 'k', 1000ULL }, { 'K', 1000ULL }, { 'M', 1000000ULL },
		{ 'G', 1000000000ULL }, { 'T', 1000000000000ULL },
	};
	uint64_t ip, mult = 1, v;
	const char *fs, *p;
	bool overflow, inexact;
	size_t nf;

	p = parse_decimal(s, &ip, &fs, &nf, &overflow);
	if (!p)
		return -EINVAL;
	if (*p) {
		size_t i;

		for (i = 0; i < sizeof(si) / sizeof(si[0]); i++)
			if (si[i].c == *p)
				break;
		if (i == sizeof(si) / sizeof(si[0]) || p[1])
			return -EINVAL;
		mult = si[i].mult;
	}
	if (overflow || scale(ip, fs, nf, mult, &v, &inexact))
		return -ERANGE;
	if (inexact)
		return -EINVAL;		/* "1.5" or "1.0005k": not a whole number */
	*out = v;
	return 0;
}

int xs_parse_duration_us(const char *s, uint64_t *out)
{
	static const struct { const char *unit; uint64_t us; } units[] = {
		{ "us", 1ULL }, { "ms", 1000ULL }, { "s", 1000000ULL },
		{ "m", 60000000ULL }, { "h", 3600000000ULL },
	};
	uint64_t ip, us;
	const char *fs, *p;
	bool overflow, inexact;
	size_t nf, i;

	p = parse_decimal(s, &ip, &fs, &nf, &overflow);
	if (!p || !*p)
		return -EINVAL;		/* a bare number has no unit: ambiguous */
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit))
			break;
	if (i == sizeof(units) / sizeof(units[0]))
		return -EINVAL;
	if (overflow || scale(ip, fs, nf, units[i].us, &us, &inexact))
		return -ERANGE;
	*out = us + inexact;	/* round up to the microsecond */
	return 0;
}

int xs_parse_duration_ms(const char *s, uint64_t *out)
{
	uint64_t us;
	int rc = xs_parse_duration_us(s, &us);

	if (!rc)	/* round up to the millisecond */
		*out = us / 1000 + !!(us % 1000);
	return rc;
}

bool xs_host_bits_set(const struct in6_addr *a, unsigned int plen)
{
	for (unsigned int bit = plen; bit < 128; bit++)
		if (a->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return true;
	return false;
}

int xs_parse_prefix(const char *s, struct in6_addr *pfx, uint8_t *plen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash, *p;
	struct in6_addr a;
	unsigned int len = 0, max;
	bool masked = false;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (!slash || slash == s || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, slash - s);
	addr[slash - s] = '\0';
	for (p = slash + 1; xs_is_digit(*p) && p - slash <= 3; p++)
		len = len * 10 + (*p - '0');
	if (p == slash + 1 || *p)
		return -EINVAL;
	if (strchr(addr, ':')) {
		if (inet_pton(AF_INET6, addr, &a) != 1)
			return -EINVAL;
		max = 128;
	} else {
		struct in_addr a4;

		if (inet_pton(AF_INET, addr, &a4) != 1)
			return -EINVAL;
		memset(&a, 0, sizeof(a));
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], &a4, 4);
		max = 32;
		len += 96;
		max += 96;
	}
	if (len > max)
		return -ERANGE;
	masked = xs_host_bits_set(&a, len);
	for (unsigned int bit = len; bit < 128; bit++)
		a.s6_addr[bit / 8] &= ~(0x80 >> (bit % 8));
	*pfx = a;
	*plen = len;
	return masked ? -EDOM : 0;
}

bool xs_tenant_name_ok(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	if (len < 1 || len > XS_TENANT_MAX || name[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || xs_is_digit(c) || c == '-'))
			return false;
	}
	return true;
}

/* ---- formatting values back (for messages and the round trip) ---- */

/* exact: "100M", "1.5G", "0", else plain digits */
void xs_fmt_si(uint64_t v, char *buf, size_t n)
{
	static const struct { char c; uint64_t mult; } si[] = {
		{ 'T', 1000000000000ULL }, { 'G', 1000000000ULL }, { 'M', 1000000ULL },
		{ 'k', 1000ULL },
	};

	for (size_t i = 0; i < sizeof(si) / sizeof(si[0]); i++) {
		uint64_t m = si[i].mult;

		if (v < m || v % (m / 10))
			continue;
		if (v % m)
			snprintf(buf, n, "%llu.%llu%c", (unsigned long long)(v / m),
				 (unsigned long long)(v % m / (m / 10)), si[i].c);
		else
			snprintf(buf, n, "%llu%c", (unsigned long long)(v / m), si[i].c);
		return;
	}
	snprintf(buf, n, "%llu", (unsigned long long)v);
}

void xs_fmt_ms(uint64_t ms, char *buf, size_t n)
{
	if (ms && !(ms % XS_MS_HOUR))
		snprintf(buf, n, "%lluh", (unsigned long long)(ms / XS_MS_HOUR));
	else if (ms && !(ms % 60000))
		snprintf(buf, n, "%llum", (unsigned long long)(ms / 60000));
	else if (ms && !(ms % 1000))
		snprintf(buf, n, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, n, "%llums", (unsigned long long)ms);
}

void xs_fmt_us(uint64_t us, char *buf, size_t n)
{
	if (us % 1000)
		snprintf(buf, n, "%lluus", (unsigned long long)us);
	else
		xs_fmt_ms(us / 1000, buf, n);
}

void xs_fmt_prefix(const struct in6_addr *a, uint8_t plen, char *buf, size_t n)
{
	char s[INET6_ADDRSTRLEN];

	if (plen >= 96 && IN6_IS_ADDR_V4MAPPED(a)) {
		inet_ntop(AF_INET, &a->s6_addr[12], s, sizeof(s));
		snprintf(buf, n, "%s/%u", s, plen - 96);
	} else {
		inet_ntop(AF_INET6, a, s, sizeof(s));
		snprintf(buf, n, "%s/%u", s, plen);
	}
}

/* ---- enumerated values: one NULL-terminated list of names per set ---- */

int xs_choice_parse(const char *const *names, const char *s)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

void xs_choices_join(const char *const *names, char *buf, size_t n)
{
	size_t cnt = 0, off = 0;

	while (names[cnt])
		cnt++;
	buf[0] = '\0';
	for (size_t i = 0; i < cnt && off < n; i++)
		off += snprintf(buf + off, n - off, "%s%s",
				i == 0 ? "" : i + 1 == cnt ? " or " : ", ", names[i]);
}
