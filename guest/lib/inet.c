/* epoll-wasm guest runtime: address text conversion for Linux's AF_INET (2) and AF_INET6
 * (10). wasi-libc's own versions know only WASI's family numbers, so these replace them.
 * Written for this runtime: dotted quads, and IPv6 with "::" and a dotted tail. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "ew.h"

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/* Four decimal parts, each 0..255 without leading zeros: 1 and the bytes, or 0. */
static int parse4(const char *s, unsigned char out[4]) {
  for (int i = 0; i < 4; i++) {
    if (*s < '0' || *s > '9') return 0;
    int v = 0, digits = 0;
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') return 0;
    while (*s >= '0' && *s <= '9') {
      v = v * 10 + (*s++ - '0');
      if (++digits > 3 || v > 255) return 0;
    }
    out[i] = (unsigned char)v;
    if (i < 3 && *s++ != '.') return 0;
  }
  return *s == 0;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Eight groups, one "::" standing for a run of zero groups, an optional dotted tail. */
static int parse6(const char *s, unsigned char out[16]) {
  unsigned short g[8];
  int n = 0, gap = -1;
  if (s[0] == ':') {
    if (s[1] != ':') return 0;
    s += 2;
    gap = 0;
    if (!*s) goto done;
  }
  for (;;) {
    if (n == 8) return 0;
    const char *start = s;
    int v = 0, digits = 0;
    while (hexval(*s) >= 0 && digits < 5) v = v * 16 + hexval(*s++), digits++;
    if (*s == '.' && n <= 6) {
      unsigned char q[4];
      if (!parse4(start, q)) return 0;
      g[n++] = (unsigned short)(q[0] << 8 | q[1]);
      g[n++] = (unsigned short)(q[2] << 8 | q[3]);
      break;
    }
    if (digits == 0 || digits > 4) return 0;
    g[n++] = (unsigned short)v;
    if (!*s) break;
    if (*s++ != ':') return 0;
    if (*s == ':') {
      if (gap >= 0) return 0;
      gap = n;
      if (!*++s) break;
    }
  }
done:
  if (gap < 0 && n != 8) return 0;
  if (gap >= 0 && n == 8) return 0;
  int zeros = 8 - n;
  for (int i = 0, j = 0; i < 8; i++) {
    unsigned short v = gap >= 0 && i >= gap && i < gap + zeros ? 0 : g[j++];
    out[2 * i] = (unsigned char)(v >> 8);
    out[2 * i + 1] = (unsigned char)v;
  }
  return 1;
}

int inet_pton(int af, const char *src, void *dst) {
  if (af == AF_INET) return parse4(src, dst);
  if (af == AF_INET6) return parse6(src, dst);
  errno = EAFNOSUPPORT;
  return -1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size) {
  const unsigned char *a = src;
  char buf[INET6_ADDRSTRLEN];
  if (af == AF_INET) {
    snprintf(buf, sizeof buf, "%d.%d.%d.%d", a[0], a[1], a[2], a[3]);
  } else if (af == AF_INET6) {
    /* The longest run of two or more zero groups becomes "::" (RFC 5952). */
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && !a[2 * j] && !a[2 * j + 1]) j++;
      if (j - i > bestlen) best = i, bestlen = j - i;
      i = j > i ? j : i + 1;
    }
    char *p = buf;
    int mapped = best == 0 && bestlen == 5 && a[10] == 0xff && a[11] == 0xff;
    for (int i = 0; i < 8; i++) {
      if (i == best) {
        p += sprintf(p, i == 0 ? "::" : ":");
        i += bestlen - 1;
        continue;
      }
      if (mapped && i == 6) {
        sprintf(p, "%d.%d.%d.%d", a[12], a[13], a[14], a[15]);
        p += strlen(p);
        break;
      }
      p += sprintf(p, "%x%s", a[2 * i] << 8 | a[2 * i + 1], i < 7 ? ":" : "");
    }
    *p = 0;
  } else {
    errno = EAFNOSUPPORT;
    return NULL;
  }
  if (strlen(buf) >= size) {
    errno = ENOSPC;
    return NULL;
  }
  return strcpy(dst, buf);
}

int inet_aton(const char *cp, struct in_addr *inp) { return parse4(cp, (unsigned char *)&inp->s_addr); }

in_addr_t inet_addr(const char *cp) {
  struct in_addr a;
  return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in) {
  static char buf[INET_ADDRSTRLEN];
  return (char *)inet_ntop(AF_INET, &in, buf, sizeof buf);
}
