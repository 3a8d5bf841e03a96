/*
 * Native Linux baseline for epoll-wasm's benchmarks.
 *
 *   cc -O2 -Wall -o bench/native/build/bench bench/native/bench.c
 *   bench <workload> key=value ...
 *
 * Workloads: ring, pipetest, ctl, harvest, footprint, http, info (see README.md).
 * Every result is one JSON object per line on stdout; nothing else goes to
 * stdout.  Errors go to stderr and the exit status is 1.
 *
 * Timing uses clock_gettime(CLOCK_MONOTONIC).  Each timed workload runs a
 * short untimed warm-up, then `reps` timed repetitions, and reports the best
 * (minimum) time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* errors, clock, output                                               */

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static _Noreturn void die_errno(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (!p)
		die("out of memory");
	return p;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Write s as a JSON string literal. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ------------------------------------------------------------------ */
/* parameters                                                          */

#define MAX_PARAMS 16

struct param {
	const char *key;
	int is_str;
	long long num;
	const char *str;
};

struct params {
	int n;
	struct param p[MAX_PARAMS];
};

static struct param *param_find(struct params *ps, const char *key)
{
	for (int i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].key, key) == 0)
			return &ps->p[i];
	return NULL;
}

static void param_num(struct params *ps, const char *key, long long v)
{
	struct param *p = param_find(ps, key);
	if (!p) {
		if (ps->n >= MAX_PARAMS)
			die("too many parameters");
		p = &ps->p[ps->n++];
		p->key = key;
	}
	p->is_str = 0;
	p->num = v;
	p->str = NULL;
}

static void param_str(struct params *ps, const char *key, const char *v)
{
	struct param *p = param_find(ps, key);
	if (!p) {
		if (ps->n >= MAX_PARAMS)
			die("too many parameters");
		p = &ps->p[ps->n++];
		p->key = key;
	}
	p->is_str = 1;
	p->str = v;
}

static long long pnum(struct params *ps, const char *key)
{
	struct param *p = param_find(ps, key);
	if (!p || p->is_str)
		die("internal: numeric parameter %s missing", key);
	return p->num;
}

static const char *pstr(struct params *ps, const char *key)
{
	struct param *p = param_find(ps, key);
	if (!p || !p->is_str)
		die("internal: string parameter %s missing", key);
	return p->str;
}

/*
 * Parse argv key=value pairs over the defaults already in ps.  Only keys
 * present in the defaults are accepted; a key keeps its default's type
 * (string or positive integer; "dead" may be 0).
 */
static void parse_args(struct params *ps, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i])
			die("bad argument '%s' (expected key=value)", argv[i]);
		*eq = '\0';
		const char *key = argv[i], *val = eq + 1;
		struct param *p = param_find(ps, key);
		if (!p)
			die("unknown parameter '%s'", key);
		if (p->is_str) {
			p->str = val;
		} else {
			char *end;
			errno = 0;
			long long v = strtoll(val, &end, 10);
			if (errno || end == val || *end || v < (strcmp(key, "dead") == 0 ? 0 : 1))
				die("parameter %s must be a positive integer, got '%s'", key, val);
			p->num = v;
		}
	}
}

/* Start a result line: {"name":..,"impl":"linux","params":{..} */
static void line_begin(const char *name, struct params *ps)
{
	printf("{\"name\":");
	json_str(stdout, name);
	printf(",\"impl\":\"linux\",\"params\":{");
	for (int i = 0; ps && i < ps->n; i++) {
		if (i)
			putchar(',');
		json_str(stdout, ps->p[i].key);
		putchar(':');
		if (ps->p[i].is_str)
			json_str(stdout, ps->p[i].str);
		else
			printf("%lld", ps->p[i].num);
	}
	putchar('}');
}

static void line_end(void)
{
	printf("}\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* fd limit                                                            */

static long long fd_limit;

static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die_errno("getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			die_errno("setrlimit");
	}
	fd_limit = rl.rlim_cur == RLIM_INFINITY ? (long long)1 << 30 : (long long)rl.rlim_cur;
}

/* Number of fds currently open in this process. */
static long long open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 3;
	long long n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* How many more fds we may open, keeping `reserve` spare. */
static long long fds_available(long long reserve)
{
	long long n = fd_limit - open_fd_count() - reserve;
	return n > 0 ? n : 0;
}

/*
 * Open up to `want` non-blocking eventfds with the given initial counter.
 * Stops early (without error) on EMFILE/ENFILE.  Returns the count opened.
 */
static int open_eventfds(int *fds, long long want, unsigned initval)
{
	int n = 0;
	while (n < want) {
		int fd = eventfd(initval, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				break;
			die_errno("eventfd");
		}
		fds[n++] = fd;
	}
	return n;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

static void ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev;
	memset(&ev, 0, sizeof ev);
	ev.events = events;
	ev.data.u64 = data;
	if (epoll_ctl(ep, op, fd, &ev) != 0)
		die_errno("epoll_ctl");
}

/* ------------------------------------------------------------------ */
/* ring / pipetest                                                     */

enum { MODE_EPOLL, MODE_POLL };

/* Warm-up size for ring/pipetest (writes forwarded in the untimed run). */
#define WARMUP_WRITES 1000

struct ring {
	int n, mode, ep;
	int *rfd, *wfd;
	struct pollfd *pfd;
};

static void ring_setup(struct ring *r, int n, int mode)
{
	r->n = n;
	r->mode = mode;
	r->ep = -1;
	r->rfd = xcalloc(n, sizeof(int));
	r->wfd = xcalloc(n, sizeof(int));
	r->pfd = NULL;
	for (int i = 0; i < n; i++) {
		int p[2];
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
			die_errno("pipe2");
		r->rfd[i] = p[0];
		r->wfd[i] = p[1];
	}
	if (mode == MODE_EPOLL) {
		r->ep = epoll_create1(EPOLL_CLOEXEC);
		if (r->ep < 0)
			die_errno("epoll_create1");
		for (int i = 0; i < n; i++)
			ep_ctl(r->ep, EPOLL_CTL_ADD, r->rfd[i], EPOLLIN, (uint64_t)i);
	} else {
		r->pfd = xcalloc(n, sizeof(struct pollfd));
		for (int i = 0; i < n; i++) {
			r->pfd[i].fd = r->rfd[i];
			r->pfd[i].events = POLLIN;
		}
	}
}

static void ring_teardown(struct ring *r)
{
	close_all(r->rfd, r->n);
	close_all(r->wfd, r->n);
	if (r->ep >= 0)
		close(r->ep);
	free(r->rfd);
	free(r->wfd);
	free(r->pfd);
}

static inline void put_byte(int fd)
{
	if (write(fd, "e", 1) != 1)
		die_errno("write");
}

/* Returns 1 if a byte was read, 0 if the pipe was empty. */
static inline int take_byte(int fd)
{
	char c;
	ssize_t k = read(fd, &c, 1);
	if (k == 1)
		return 1;
	if (k < 0 && errno == EAGAIN)
		return 0;
	die_errno("read");
	return 0;
}

/*
 * One run of the libevent-style ring: seed `active` pipes spread evenly,
 * then loop non-blocking waits; every read forwards one byte to the next
 * pipe while writes remain.  Ends when all `writes` are done and every byte
 * has been read (so all pipes are empty again).  Returns elapsed ns and the
 * number of events handled (reads) in *events_out.
 */
static uint64_t ring_run(struct ring *r, int active, long long writes,
			 long long *events_out, long long *waits_out)
{
	const int n = r->n;
	const int space = n / active;
	long long fired = 0, reads = 0, left = writes, waits = 0;
	struct epoll_event evs[64];

	uint64_t t0 = now_ns();
	for (int i = 0; i < active; i++, fired++)
		put_byte(r->wfd[i * space]);

	if (r->mode == MODE_EPOLL) {
		while (reads < fired) {
			int k = epoll_wait(r->ep, evs, 64, 0);
			waits++;
			if (k < 0) {
				if (errno == EINTR)
					continue;
				die_errno("epoll_wait");
			}
			for (int j = 0; j < k; j++) {
				int idx = (int)evs[j].data.u64;
				if (!take_byte(r->rfd[idx]))
					continue;
				reads++;
				if (left > 0) {
					int nx = idx + 1 == n ? 0 : idx + 1;
					put_byte(r->wfd[nx]);
					left--;
					fired++;
				}
			}
		}
	} else {
		struct pollfd *pfd = r->pfd;
		while (reads < fired) {
			int k = poll(pfd, (nfds_t)n, 0);
			waits++;
			if (k < 0) {
				if (errno == EINTR)
					continue;
				die_errno("poll");
			}
			for (int i = 0; i < n && k > 0; i++) {
				if (!pfd[i].revents)
					continue;
				k--;
				if (!(pfd[i].revents & POLLIN))
					die("poll: unexpected revents 0x%x on pipe %d", pfd[i].revents, i);
				if (!take_byte(r->rfd[i]))
					continue;
				reads++;
				if (left > 0) {
					int nx = i + 1 == n ? 0 : i + 1;
					put_byte(r->wfd[nx]);
					left--;
					fired++;
				}
			}
		}
	}
	uint64_t t1 = now_ns();
	*events_out = reads;
	*waits_out = waits;
	return t1 - t0;
}

/*
 * Runs the ring on n pipes with `active` tokens until `writes` writes, best of `reps` after
 * a warm-up. Returns 0 (after printing an "unavailable" line) when n pipes do not fit.
 */
static int ring_measure(const char *name, struct params *ps, long long n, int mode, long long active,
			long long writes, long long reps, uint64_t *best, long long *best_events,
			long long *best_waits)
{
	if (n > (fd_limit - 10) / 2) { /* needs n*2+10 fds */
		line_begin(name, ps);
		printf(",\"unavailable\":\"fd limit %lld\"", fd_limit);
		line_end();
		return 0;
	}
	struct ring r;
	ring_setup(&r, (int)n, mode);
	long long events = 0, waits = 0;
	*best = UINT64_MAX;
	*best_events = *best_waits = 0;
	ring_run(&r, (int)active, writes < WARMUP_WRITES ? writes : WARMUP_WRITES, &events, &waits); /* warm-up */
	for (long long i = 0; i < reps; i++) {
		uint64_t t = ring_run(&r, (int)active, writes, &events, &waits);
		if (t < *best) {
			*best = t;
			*best_events = events;
			*best_waits = waits;
		}
	}
	ring_teardown(&r);
	return 1;
}

static int cmd_ring(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "pipes", 1000);
	param_num(&ps, "active", 100);
	param_num(&ps, "writes", 100000);
	param_str(&ps, "mode", "epoll");
	param_num(&ps, "reps", 3);
	parse_args(&ps, argc, argv);

	long long n = pnum(&ps, "pipes"), a = pnum(&ps, "active");
	long long w = pnum(&ps, "writes"), reps = pnum(&ps, "reps");
	const char *mode_s = pstr(&ps, "mode");
	int mode;
	if (strcmp(mode_s, "epoll") == 0)
		mode = MODE_EPOLL;
	else if (strcmp(mode_s, "poll") == 0)
		mode = MODE_POLL;
	else
		die("mode must be epoll or poll, got '%s'", mode_s);
	const char *name = mode == MODE_EPOLL ? "ring" : "ring_poll";
	if (a > n)
		die("active (%lld) must not exceed pipes (%lld)", a, n);

	uint64_t best;
	long long best_events, best_waits;
	if (!ring_measure(name, &ps, n, mode, a, w, reps, &best, &best_events, &best_waits))
		return 0;

	line_begin(name, &ps);
	printf(",\"ns_per_event\":%.3f,\"events\":%lld,\"waits\":%lld,\"elapsed_ns\":%llu",
	       (double)best / (double)best_events, best_events, best_waits,
	       (unsigned long long)best);
	line_end();
	return 0;
}

static int cmd_pipetest(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "pipes", 256);
	param_num(&ps, "tokens", 16);
	param_num(&ps, "passes", 100000);
	param_num(&ps, "reps", 3);
	parse_args(&ps, argc, argv);

	long long n = pnum(&ps, "pipes"), t = pnum(&ps, "tokens");
	long long m = pnum(&ps, "passes"), reps = pnum(&ps, "reps");
	if (t > n)
		die("tokens (%lld) must not exceed pipes (%lld)", t, n);
	uint64_t best;
	long long best_events, best_waits;
	if (!ring_measure("pipetest", &ps, n, MODE_EPOLL, t, m, reps, &best, &best_events, &best_waits))
		return 0;

	line_begin("pipetest", &ps);
	printf(",\"ns_per_event\":%.3f,\"tokens_per_sec\":%.0f,\"events\":%lld,\"waits\":%lld,\"elapsed_ns\":%llu",
	       (double)best / (double)best_events,
	       (double)m * 1e9 / (double)best, best_events, best_waits,
	       (unsigned long long)best);
	line_end();
	return 0;
}

/* ------------------------------------------------------------------ */
/* ctl                                                                 */

static int cmd_ctl(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "watches", 100000);
	param_num(&ps, "reps", 3);
	parse_args(&ps, argc, argv);
	long long want = pnum(&ps, "watches"), reps = pnum(&ps, "reps");

	long long avail = fds_available(16); /* spare: epoll fd, stdio, ... */
	long long target = want < avail ? want : avail;
	int *fds = xcalloc((size_t)(target ? target : 1), sizeof(int));
	int n = open_eventfds(fds, target, 0);
	if (n == 0)
		die("could not open any eventfd");
	param_num(&ps, "watches_used", n);

	uint64_t best[3] = { UINT64_MAX, UINT64_MAX, UINT64_MAX };
	for (long long rep = -1; rep < reps; rep++) { /* rep -1 = warm-up */
		int ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0)
			die_errno("epoll_create1");
		uint64_t t0 = now_ns();
		for (int i = 0; i < n; i++)
			ep_ctl(ep, EPOLL_CTL_ADD, fds[i], EPOLLIN, (uint64_t)i);
		uint64_t t1 = now_ns();
		for (int i = 0; i < n; i++)
			ep_ctl(ep, EPOLL_CTL_MOD, fds[i], EPOLLIN, (uint64_t)i + 1);
		uint64_t t2 = now_ns();
		for (int i = 0; i < n; i++)
			if (epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL) != 0)
				die_errno("epoll_ctl DEL");
		uint64_t t3 = now_ns();
		close(ep);
		if (rep < 0)
			continue;
		uint64_t d[3] = { t1 - t0, t2 - t1, t3 - t2 };
		for (int k = 0; k < 3; k++)
			if (d[k] < best[k])
				best[k] = d[k];
	}
	close_all(fds, n);
	free(fds);

	static const char *ops[3] = { "add", "mod", "del" };
	for (int k = 0; k < 3; k++) {
		param_str(&ps, "op", ops[k]);
		line_begin("ctl", &ps);
		printf(",\"ns_per_op\":%.3f,\"elapsed_ns\":%llu",
		       (double)best[k] / (double)n, (unsigned long long)best[k]);
		line_end();
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* harvest                                                             */

static int cmd_harvest(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "fds", 100000);
	param_num(&ps, "maxevents", 64);
	param_num(&ps, "events", 1000000);
	param_num(&ps, "reps", 3);
	parse_args(&ps, argc, argv);
	long long want = pnum(&ps, "fds"), maxev = pnum(&ps, "maxevents");
	long long target_events = pnum(&ps, "events"), reps = pnum(&ps, "reps");
	if (maxev > 1 << 20)
		die("maxevents too large");

	long long avail = fds_available(16);
	long long target = want < avail ? want : avail;
	int *fds = xcalloc((size_t)(target ? target : 1), sizeof(int));
	int n = open_eventfds(fds, target, 1); /* counter 1: always readable */
	if (n == 0)
		die("could not open any eventfd");
	param_num(&ps, "fds_used", n);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die_errno("epoll_create1");
	for (int i = 0; i < n; i++)
		ep_ctl(ep, EPOLL_CTL_ADD, fds[i], EPOLLIN, (uint64_t)i);

	struct epoll_event *evs = xcalloc((size_t)maxev, sizeof *evs);
	uint64_t best = UINT64_MAX;
	long long best_got = 0, best_waits = 0;
	for (long long rep = -1; rep < reps; rep++) { /* rep -1 = warm-up */
		/* warm-up: enough events to visit every fd at least once */
		long long goal = target_events;
		if (rep < 0 && goal > n + 100000LL)
			goal = n + 100000LL;
		long long got = 0, waits = 0;
		uint64_t t0 = now_ns();
		while (got < goal) {
			int k = epoll_wait(ep, evs, (int)maxev, 0);
			waits++;
			if (k < 0) {
				if (errno == EINTR)
					continue;
				die_errno("epoll_wait");
			}
			if (k == 0)
				die("epoll_wait returned no events from always-ready set");
			got += k;
		}
		uint64_t el = now_ns() - t0;
		if (rep >= 0 && el < best) {
			best = el;
			best_got = got;
			best_waits = waits;
		}
	}
	close(ep);
	close_all(fds, n);
	free(fds);
	free(evs);

	line_begin("harvest", &ps);
	printf(",\"ns_per_event\":%.3f,\"events_returned\":%lld,\"waits\":%lld,\"elapsed_ns\":%llu",
	       (double)best / (double)best_got, best_got, best_waits,
	       (unsigned long long)best);
	line_end();
	return 0;
}

/* ------------------------------------------------------------------ */
/* footprint                                                           */

/* Look a cache up in /proc/slabinfo.  Returns 1 if found. */
static int slabinfo_lookup(const char *cache, long long *active, long long *objsize)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	if (!f)
		return 0;
	char line[512], name[128];
	int found = 0;
	while (fgets(line, sizeof line, f)) {
		long long act, num, osz;
		if (sscanf(line, "%127s %lld %lld %lld", name, &act, &num, &osz) == 4 &&
		    strcmp(name, cache) == 0) {
			*active = act;
			*objsize = osz;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/* /sys/kernel/slab/<cache>/slab_size: works for merged (aliased) caches. */
static int sysfs_slab_size(const char *cache, long long *size)
{
	char path[256];
	snprintf(path, sizeof path, "/sys/kernel/slab/%s/slab_size", cache);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fscanf(f, "%lld", size) == 1 && *size > 0;
	fclose(f);
	return ok;
}

struct cache_size {
	const char *cache;
	long long sizeof_fallback;
	long long bytes;
	const char *source;
};

static void cache_size_resolve(struct cache_size *c)
{
	long long act, osz;
	if (slabinfo_lookup(c->cache, &act, &osz)) {
		c->bytes = osz;
		c->source = "slabinfo";
	} else if (sysfs_slab_size(c->cache, &osz)) {
		c->bytes = osz;
		c->source = "sysfs";
	} else {
		c->bytes = c->sizeof_fallback;
		c->source = "sizeof";
	}
}

static int cmd_footprint(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "watches", 1000000);
	parse_args(&ps, argc, argv);
	long long want = pnum(&ps, "watches");

	/*
	 * Per-watch kernel objects: one struct epitem (cache eventpoll_epi)
	 * and, for a file with a single wait queue such as an eventfd, one
	 * struct eppoll_entry (cache eventpoll_pwq).  sizeof fallbacks are
	 * for x86-64 Linux >= 5.11 (eppoll_entry became 64 bytes when its
	 * list_head was replaced by a single next pointer; it was 72 before).
	 */
	struct cache_size cs[2] = {
		{ "eventpoll_epi", 128, 0, NULL },
		{ "eventpoll_pwq", 64, 0, NULL },
	};
	for (int i = 0; i < 2; i++)
		cache_size_resolve(&cs[i]);

	const char *source;
	static char srcbuf[64];
	if (strcmp(cs[0].source, cs[1].source) == 0)
		source = cs[0].source;
	else {
		snprintf(srcbuf, sizeof srcbuf, "%s+%s", cs[0].source, cs[1].source);
		source = srcbuf;
	}

	/*
	 * Sanity measurement: add as many eventfd watches as the fd limit
	 * allows and count how many eventpoll_epi objects appear in
	 * /proc/slabinfo (only possible when that cache is not merged).
	 */
	long long avail = fds_available(32);
	long long target = want < avail ? want : avail;
	int *fds = xcalloc((size_t)(target ? target : 1), sizeof(int));
	long long a0, a1, osz;
	int have_epi = slabinfo_lookup("eventpoll_epi", &a0, &osz);
	int n = open_eventfds(fds, target, 0);
	param_num(&ps, "watches_used", n);
	double measured = -1;
	if (n > 0) {
		int ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0)
			die_errno("epoll_create1");
		if (have_epi)
			slabinfo_lookup("eventpoll_epi", &a0, &osz);
		for (int i = 0; i < n; i++)
			ep_ctl(ep, EPOLL_CTL_ADD, fds[i], EPOLLIN, (uint64_t)i);
		if (have_epi && slabinfo_lookup("eventpoll_epi", &a1, &osz))
			measured = (double)(a1 - a0) / (double)n;
		close(ep);
	}
	close_all(fds, n);
	free(fds);

	line_begin("footprint", &ps);
	printf(",\"bytes_per_watch\":%lld,\"source\":", cs[0].bytes + cs[1].bytes);
	json_str(stdout, source);
	for (int i = 0; i < 2; i++) {
		printf(",");
		json_str(stdout, cs[i].cache);
		printf(":{\"bytes\":%lld,\"source\":", cs[i].bytes);
		json_str(stdout, cs[i].source);
		printf("}");
	}
	if (measured >= 0)
		printf(",\"epi_objs_per_watch_measured\":%.4f", measured);
	line_end();
	return 0;
}

/* ------------------------------------------------------------------ */
/* http: the 2002 thread's headline shape over TCP on loopback          */

#define HTTP_REQ "GET / HTTP/1.0\r\n\r\n"
#define HTTP_RESP "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"

/*
 * C active and D dead (idle) connections to one server, all in this process. A round: every
 * active client writes a request; the server waits (epoll, or poll over every connection),
 * reads each request and writes a response; every client reads its response. Reports ns per
 * request (one request = one event to the server).
 */
static int cmd_http(int argc, char **argv)
{
	struct params ps = { 0 };
	param_num(&ps, "active", 100);
	param_num(&ps, "dead", 0);
	param_num(&ps, "requests", 100000);
	param_str(&ps, "mode", "epoll");
	param_num(&ps, "reps", 3);
	parse_args(&ps, argc, argv);
	long long C = pnum(&ps, "active"), D = pnum(&ps, "dead"), R = pnum(&ps, "requests"), reps = pnum(&ps, "reps");
	int poll_mode = strcmp(pstr(&ps, "mode"), "poll") == 0;
	long long n = C + D;
	if (2 * n + 16 > fd_limit) {
		line_begin("http", &ps);
		printf(",\"unavailable\":\"fd limit %lld\"", fd_limit);
		line_end();
		return 0;
	}
	/* 127.0.0.1, an ephemeral port; TCP_NODELAY on every connection (no Nagle holds). */
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, len) != 0 || getsockname(l, (struct sockaddr *)&a, &len) != 0 || listen(l, 4096) != 0)
		die_errno("listen");
	int one = 1;
	int *cl = xcalloc(n, sizeof(int)), *sv = xcalloc(n, sizeof(int));
	for (long long i = 0; i < n; i++) {
		cl[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (cl[i] < 0 || (connect(cl[i], (struct sockaddr *)&a, len) != 0 && errno != EINPROGRESS))
			die_errno("connect");
		sv[i] = accept4(l, NULL, NULL, SOCK_NONBLOCK);
		if (sv[i] < 0)
			die_errno("accept4");
		setsockopt(cl[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		setsockopt(sv[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	int ep = -1;
	struct pollfd *pfd = NULL;
	if (poll_mode) {
		pfd = xcalloc(n, sizeof(struct pollfd));
		for (long long i = 0; i < n; i++) {
			pfd[i].fd = sv[i];
			pfd[i].events = POLLIN;
		}
	} else {
		ep = epoll_create1(0);
		for (long long i = 0; i < n; i++)
			ep_ctl(ep, EPOLL_CTL_ADD, sv[i], EPOLLIN, (uint64_t)i);
	}
	struct epoll_event evs[64];
	char buf[256];
	uint64_t best = UINT64_MAX;
	for (long long rep = -1; rep < reps; rep++) { /* rep -1: warm-up */
		long long target = rep < 0 ? (R < 1000 ? R : 1000) : R, done = 0;
		uint64_t t0 = now_ns();
		while (done < target) {
			for (long long i = 0; i < C; i++)
				if (write(cl[i], HTTP_REQ, sizeof HTTP_REQ - 1) != sizeof HTTP_REQ - 1)
					die_errno("write request");
			long long served = 0;
			while (served < C) {
				if (poll_mode) {
					int got = poll(pfd, (nfds_t)n, 0);
					if (got < 0)
						die_errno("poll");
					for (long long i = 0; i < n; i++) {
						if (!pfd[i].revents)
							continue;
						if (read(sv[i], buf, sizeof buf) <= 0)
							die_errno("read request");
						if (write(sv[i], HTTP_RESP, sizeof HTTP_RESP - 1) != sizeof HTTP_RESP - 1)
							die_errno("write response");
						served++;
					}
				} else {
					int got = epoll_wait(ep, evs, 64, 0);
					if (got < 0)
						die_errno("epoll_wait");
					for (int j = 0; j < got; j++) {
						int fd = sv[evs[j].data.u64];
						if (read(fd, buf, sizeof buf) <= 0)
							die_errno("read request");
						if (write(fd, HTTP_RESP, sizeof HTTP_RESP - 1) != sizeof HTTP_RESP - 1)
							die_errno("write response");
						served++;
					}
				}
			}
			for (long long i = 0; i < C; i++)
				if (read(cl[i], buf, sizeof buf) != sizeof HTTP_RESP - 1)
					die_errno("read response");
			done += C;
		}
		uint64_t t = now_ns() - t0;
		if (rep >= 0 && t < best)
			best = t;
		if (rep == reps - 1) {
			line_begin(poll_mode ? "http_poll" : "http", &ps);
			printf(",\"ns_per_request\":%.3f,\"requests\":%lld", (double)best / (double)done, done);
			line_end();
		}
	}
	close_all(cl, (int)n);
	close_all(sv, (int)n);
	close(l);
	if (ep >= 0)
		close(ep);
	free(cl);
	free(sv);
	free(pfd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* info                                                                */

static int cmd_info(int argc, char **argv)
{
	struct params ps = { 0 };
	parse_args(&ps, argc, argv);

	struct utsname u;
	if (uname(&u) != 0)
		die_errno("uname");

	char cpu[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof line, f)) {
			if (strncmp(line, "model name", 10) == 0) {
				char *c = strchr(line, ':');
				if (c) {
					c++;
					while (*c == ' ' || *c == '\t')
						c++;
					size_t l = strcspn(c, "\n");
					if (l >= sizeof cpu)
						l = sizeof cpu - 1;
					memcpy(cpu, c, l);
					cpu[l] = '\0';
				}
				break;
			}
		}
		fclose(f);
	}

	line_begin("info", &ps);
	printf(",\"kernel\":");
	json_str(stdout, u.release);
	printf(",\"cpu\":");
	json_str(stdout, cpu);
	printf(",\"cpus\":%ld,\"fd_limit\":%lld", sysconf(_SC_NPROCESSORS_ONLN), fd_limit);
	line_end();
	return 0;
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr,
		"usage: bench <workload> key=value ...\n"
		"  ring      pipes=1000 active=100 writes=100000 mode=epoll|poll reps=3\n"
		"  pipetest  pipes=256 tokens=16 passes=100000 reps=3\n"
		"  ctl       watches=100000 reps=3\n"
		"  harvest   fds=100000 maxevents=64 events=1000000 reps=3\n"
		"  footprint watches=1000000\n"
		"  http      active=100 dead=0 requests=100000 mode=epoll|poll reps=3\n"
		"  info\n");
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	raise_fd_limit();
	const char *w = argv[1];
	argc -= 2;
	argv += 2;
	if (strcmp(w, "ring") == 0)
		return cmd_ring(argc, argv);
	if (strcmp(w, "pipetest") == 0)
		return cmd_pipetest(argc, argv);
	if (strcmp(w, "ctl") == 0)
		return cmd_ctl(argc, argv);
	if (strcmp(w, "harvest") == 0)
		return cmd_harvest(argc, argv);
	if (strcmp(w, "footprint") == 0)
		return cmd_footprint(argc, argv);
	if (strcmp(w, "http") == 0)
		return cmd_http(argc, argv);
	if (strcmp(w, "info") == 0)
		return cmd_info(argc, argv);
	fprintf(stderr, "bench: unknown workload '%s'\n", w);
	usage();
	return 1;
}
