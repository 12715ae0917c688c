/*
 * gdbstub.c - the GDB remote serial protocol, client side (gdbstub.h).
 *
 * Packets are `$payload#cs`; each is acknowledged with `+`. QEMU 7.2 has no no-ack mode, and
 * writes its `+` and its reply separately: the client acknowledges a reply in the same write as
 * its next command, so that two small writes in a row never wait for the other side (measured
 * with bench/a64-gdbstub.py; docs/unwind.md, "arm64").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/vec.h"
#include "proc/gdbstub.h"
#include "trustack.h"

struct ts_gdb {
	int fd;
	bool tcp;
	bool timed_out;     /* the last wait ended at its deadline */
	unsigned reply_ms;
	int cancel_fd;
	bool ack_due;       /* the last reply is not acknowledged yet */
	char in[65536];     /* bytes received, not yet consumed: in[inpos, inlen) */
	size_t inpos, inlen;
	char *reply;        /* the last reply's payload, decoded */
	size_t reply_cap;
	char *out;          /* the packet being sent */
	size_t out_cap;
	uint64_t packets, bytes;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int try_connect(const char *where, bool *tcp)
{
	bool is_port = *where && strspn(where, "0123456789") == strlen(where);
	int fd = socket(is_port ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int rc;
	if (is_port) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(where)),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
		int one = 1;
		if (!rc)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		if (strlen(where) >= sizeof(a.sun_path)) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(a.sun_path, where);
		rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (rc) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*tcp = is_port;
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * Wait until fd (-1: none) has events, cancel_fd is readable, or ms have passed. 1: fd is
 * ready; 0: the time is up; -TRUSTACK_E_INTR: cancelled. Signals that interrupt poll() are
 * waited through (the deadline stays).
 */
static int wait_fd(int fd, short events, int cancel_fd, unsigned ms)
{
	uint64_t deadline = now_ms() + ms;
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = cancel_fd, .events = POLLIN } };
		uint64_t now = now_ms();
		int n = poll(p, 2, now >= deadline ? 0 : (int)(deadline - now));
		if (n < 0 && errno != EINTR)
			return -TRUSTACK_E_IO;
		if (n > 0 && p[1].revents)
			return -TRUSTACK_E_INTR;
		if (n > 0 && p[0].revents)
			return 1;
		if (n == 0 && now_ms() >= deadline)
			return 0;
	}
}

int ts_gdb_connect(const char *where, pid_t pid, const struct ts_gdb_bounds *b, struct ts_gdb **out)
{
	*out = NULL;
	struct ts_gdb *g = calloc(1, sizeof(*g));
	if (!g)
		return -TRUSTACK_E_NOMEM;
	g->reply_ms = b->reply_ms;
	g->cancel_fd = b->cancel_fd;
	uint64_t deadline = now_ms() + b->connect_ms;
	for (;;) {
		g->fd = try_connect(where, &g->tcp);
		if (g->fd >= 0)
			break;
		int st, rc = errno == ENAMETOOLONG ? -TRUSTACK_E_ARG : -TRUSTACK_E_NOPROC;
		if (rc == -TRUSTACK_E_NOPROC && now_ms() < deadline && !(pid > 0 && waitpid(pid, &st, WNOHANG) == pid))
			rc = wait_fd(-1, 0, b->cancel_fd, 10); /* the stub is not listening yet */
		if (rc < 0) {
			free(g);
			return rc;
		}
	}
	*out = g;
	return 0;
}

bool ts_gdb_timed_out(const struct ts_gdb *g)
{
	return g->timed_out;
}

void ts_gdb_close(struct ts_gdb *g)
{
	if (!g)
		return;
	close(g->fd);
	free(g->reply);
	free(g->out);
	free(g);
}

static int fill(struct ts_gdb *g)
{
	if (g->inpos == g->inlen)
		g->inpos = g->inlen = 0;
	if (g->inlen == sizeof(g->in)) { /* keep the unread part */
		memmove(g->in, g->in + g->inpos, g->inlen - g->inpos);
		g->inlen -= g->inpos, g->inpos = 0;
	}
	if (g->tcp) { /* the stub's separate `+` and reply must not wait for our delayed ACK */
		int one = 1;
		setsockopt(g->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
	ssize_t n;
	do {
		int w = wait_fd(g->fd, POLLIN, g->cancel_fd, g->reply_ms);
		if (w <= 0) {
			g->timed_out = w == 0;
			return w < 0 ? w : -TRUSTACK_E_IO;
		}
		n = recv(g->fd, g->in + g->inlen, sizeof(g->in) - g->inlen, MSG_DONTWAIT);
	} while (n < 0 && (errno == EINTR || errno == EAGAIN));
	if (n <= 0)
		return -TRUSTACK_E_IO;
	g->inlen += (size_t)n;
	g->bytes += (uint64_t)n;
	return 0;
}

/* The next byte, or a negative -TRUSTACK_E_* */
static int next_byte(struct ts_gdb *g)
{
	if (g->inpos == g->inlen) {
		int rc = fill(g);
		if (rc)
			return rc;
	}
	return (unsigned char)g->in[g->inpos++];
}

/* Bounds on what a stub may send for one reply (ours are at most a few KiB): a stub that sends
 * bytes without end is as broken as a silent one. */
#define MAX_SKIPPED (1u << 20)  /* before the packet's `$` */
#define MAX_REPLY (16u << 20)   /* its payload, decoded */

static int put_reply(struct ts_gdb *g, size_t *n, char c)
{
	if (*n >= MAX_REPLY)
		return -TRUSTACK_E_IO;
	if (TS_RESERVE(g->reply, *n + 2, g->reply_cap, 4096))
		return -TRUSTACK_E_NOMEM;
	g->reply[(*n)++] = c;
	return 0;
}

/* The next packet's payload into g->reply (acknowledgements before it skipped). */
static int read_packet(struct ts_gdb *g)
{
	int c;
	size_t skipped = 0;
	do
		c = next_byte(g);
	while (c >= 0 && c != '$' && ++skipped < MAX_SKIPPED);
	if (c < 0)
		return c;
	if (c != '$')
		return -TRUSTACK_E_IO;
	size_t n = 0;
	unsigned sum = 0;
	int rc;
	for (;;) {
		c = next_byte(g);
		if (c < 0)
			return c;
		if (c == '#')
			break;
		sum += (unsigned)c;
		if (c == '*' && n) { /* run-length: the previous character, (next - 29) more times */
			int r = next_byte(g);
			if (r < 0)
				return r;
			sum += (unsigned)r;
			for (int k = 0; k < r - 29; k++)
				if ((rc = put_reply(g, &n, g->reply[n - 1])))
					return rc;
			continue;
		}
		if ((rc = put_reply(g, &n, (char)c)))
			return rc;
	}
	int h = next_byte(g), l = h < 0 ? h : next_byte(g);
	if (l < 0)
		return l;
	if (hexval(h) < 0 || hexval(l) < 0 || (unsigned)(hexval(h) << 4 | hexval(l)) != (sum & 0xff))
		return -TRUSTACK_E_IO;
	if ((rc = put_reply(g, &n, 0)))
		return rc;
	g->ack_due = true;
	return (int)(n - 1);
}

int ts_gdb_cmd(struct ts_gdb *g, const char *cmd, const char **reply)
{
	size_t len = strlen(cmd);
	if (TS_RESERVE(g->out, len + 6, g->out_cap, 256))
		return -TRUSTACK_E_NOMEM;
	size_t n = 0;
	if (g->ack_due)
		g->out[n++] = '+';
	unsigned sum = 0;
	g->out[n++] = '$';
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)(g->out[n++] = cmd[i]);
	n += (size_t)snprintf(g->out + n, 4, "#%02x", sum & 0xff);
	g->timed_out = false;
	for (size_t done = 0; done < n;) {
		int ready = wait_fd(g->fd, POLLOUT, g->cancel_fd, g->reply_ms); /* a stub that reads nothing */
		if (ready <= 0) {
			g->timed_out = ready == 0;
			return ready < 0 ? ready : -TRUSTACK_E_IO;
		}
		ssize_t w = send(g->fd, g->out + done, n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -TRUSTACK_E_IO;
		done += (size_t)w;
	}
	g->ack_due = false;
	g->packets++;
	int rc = read_packet(g);
	if (rc < 0)
		return rc;
	*reply = g->reply;
	return rc;
}

static int unhex(const char *s, size_t nhex, uint8_t *out)
{
	for (size_t i = 0; i < nhex / 2; i++) {
		int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
		if (h < 0 || l < 0)
			return -TRUSTACK_E_IO;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

int ts_gdb_regs(struct ts_gdb *g, uint8_t *buf, size_t want)
{
	const char *r;
	int n = ts_gdb_cmd(g, "g", &r);
	if (n < 0)
		return n;
	if ((size_t)n < 2 * want || r[0] == 'E')
		return -TRUSTACK_E_IO;
	return unhex(r, 2 * want, buf);
}

int ts_gdb_reg(struct ts_gdb *g, unsigned n, uint8_t *buf, size_t want)
{
	char cmd[16];
	snprintf(cmd, sizeof(cmd), "p%x", n);
	const char *r;
	int len = ts_gdb_cmd(g, cmd, &r);
	if (len < 0)
		return len;
	if ((size_t)len < 2 * want || r[0] == 'E')
		return -TRUSTACK_E_IO;
	return unhex(r, 2 * want, buf);
}

int ts_gdb_read(struct ts_gdb *g, uint64_t addr, void *buf, size_t len)
{
	enum { PIECE = 2048 }; /* well inside QEMU's packet buffer */
	for (size_t done = 0; done < len;) {
		size_t take = len - done < PIECE ? len - done : PIECE;
		char cmd[48];
		snprintf(cmd, sizeof(cmd), "m%llx,%zx", (unsigned long long)(addr + done), take);
		const char *r;
		int n = ts_gdb_cmd(g, cmd, &r);
		if (n < 0)
			return n;
		if ((size_t)n != 2 * take || unhex(r, 2 * take, (uint8_t *)buf + done))
			return -TRUSTACK_E_IO;
		done += take;
	}
	return 0;
}

bool ts_gdb_parse_stop(const char *r, struct ts_gdb_stop *out)
{
	memset(out, 0, sizeof(*out));
	if (!r[0] || !strchr("STWX", r[0]) || hexval(r[1]) < 0 || hexval(r[2]) < 0)
		return false;
	out->kind = r[0] == 'T' ? 'S' : r[0];
	out->value = hexval(r[1]) << 4 | hexval(r[2]);
	const char *t = r[0] == 'T' ? strstr(r, "thread:") : NULL;
	if (t) {
		t += 7;
		const char *dot = *t == 'p' ? strchr(t, '.') : NULL;
		out->tid = strtol(dot ? dot + 1 : t, NULL, 16);
	}
	return true;
}

void ts_gdb_counts(const struct ts_gdb *g, uint64_t *packets, uint64_t *bytes)
{
	*packets = g->packets;
	*bytes = g->bytes;
}
