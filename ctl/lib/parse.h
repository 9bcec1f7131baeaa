/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Values as people write them (rates, sizes, durations, prefixes, tenant names) and back. */
#ifndef XS_PARSE_H
#define XS_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* tenant names: 1..10 of [a-z0-9-], not starting with '-' ("xs-NAME-h" fits IFNAMSIZ) */
#define XS_TENANT_MAX	10

#define XS_MS_HOUR	(3600ULL * 1000)

static inline bool xs_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool xs_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/*
 * "10M", "1.5G", "500k" (decimal SI: k/K, M, G, T; no unit text, no sign)
 * into *out; -ERANGE past UINT64_MAX, -EINVAL otherwise (also when the
 * result is not a whole number: "1.5", "1.0005k").
 */
int xs_parse_si(const char *s, uint64_t *out);
/*
 * "100ms", "2s", "1m", "1.5h", "500us" into milliseconds, rounded up (500us
 * is 1 ms). The unit (us, ms, s, m, h) is required: a bare number is
 * -EINVAL. -ERANGE on overflow.
 */
int xs_parse_duration_ms(const char *s, uint64_t *out);
/*
 * "fd00:2::/64" or "198.51.100.0/24" (IPv4-mapped, plen + 96); the length
 * is required. -EINVAL: syntax; -ERANGE: length too long; -EDOM: host bits
 * set below the length (*pfx and *plen then hold the masked prefix, for a
 * "did you mean").
 */
int xs_parse_prefix(const char *s, struct in6_addr *pfx, uint8_t *plen);
/* Any bit set at or after plen? */
bool xs_host_bits_set(const struct in6_addr *a, unsigned int plen);
/* 1..XS_TENANT_MAX characters of [a-z0-9-], not starting with '-' */
bool xs_tenant_name_ok(const char *name);

/* The same, microseconds (rounded up). */
int xs_parse_duration_us(const char *s, uint64_t *out);

/* Back into text, exactly: "100M", "1.5G", else digits. */
void xs_fmt_si(uint64_t v, char *buf, size_t n);
/* "2s", "1m", "1h", "150ms"; xs_fmt_us adds "us" when not whole ms. */
void xs_fmt_ms(uint64_t ms, char *buf, size_t n);
void xs_fmt_us(uint64_t us, char *buf, size_t n);
/* "fd00:2::/64", or "198.51.100.0/24" for an IPv4-mapped prefix */
void xs_fmt_prefix(const struct in6_addr *a, uint8_t plen, char *buf, size_t n);

/*
 * Enumerated values (encap modes, pools, XDP modes, fast paths) are each one
 * NULL-terminated list of names, the index being the value.
 */
int xs_choice_parse(const char *const *names, const char *s);	/* index or -EINVAL */
/* "encap, encap.red or inline" */
void xs_choices_join(const char *const *names, char *buf, size_t n);

#endif
