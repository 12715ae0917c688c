/*
 * gdbstub.h - a small client of the GDB remote serial protocol, for single-stepping a program
 * inside an emulator's gdbstub (QEMU's user mode: lib/proc/emustep.c). One connection, one
 * command at a time, all-stop; no machine knowledge (register layouts are lib/arch's).
 */
#ifndef TS_GDBSTUB_H
#define TS_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ts_gdb;

/*
 * Every wait on the stub is bounded: a stub that is silent for reply_ms while we wait for its
 * reply (or does not take our packet) ends the call with -TRUSTACK_E_IO and ts_gdb_timed_out();
 * cancel_fd (-1: none), once readable, ends any wait with -TRUSTACK_E_INTR (a signalfd of the
 * signals that should stop us: the caller cleans up, then lets them act).
 */
struct ts_gdb_bounds {
	unsigned connect_ms;  /* how long the stub may take to start listening */
	unsigned reply_ms;    /* how long it may stay silent when a reply is due */
	int cancel_fd;
};

/*
 * Connect to the stub listening at where: a path (a unix socket) or a TCP port on 127.0.0.1
 * (decimal digits). The stub's process (pid, our child) is still starting: retried until
 * b->connect_ms, or until pid has exited (then -TRUSTACK_E_NOPROC). 0 or -TRUSTACK_E_*.
 */
int ts_gdb_connect(const char *where, pid_t pid, const struct ts_gdb_bounds *b, struct ts_gdb **out);
void ts_gdb_close(struct ts_gdb *g);
/* Did the last failed call fail because the stub stayed silent for reply_ms? */
bool ts_gdb_timed_out(const struct ts_gdb *g);

/*
 * Send one packet and wait for the reply packet (its payload NUL-terminated in *reply, valid
 * until the next call; run-length encoding expanded). The previous reply is acknowledged in the
 * same write as this command. Returns the reply's length, or -TRUSTACK_E_IO (connection lost,
 * malformed reply, no reply within reply_ms), -TRUSTACK_E_INTR (cancel_fd became readable).
 */
int ts_gdb_cmd(struct ts_gdb *g, const char *cmd, const char **reply);

/* The general registers (`g`), hex-decoded: at least want bytes into buf. 0 or -TRUSTACK_E_*. */
int ts_gdb_regs(struct ts_gdb *g, uint8_t *buf, size_t want);

/* Register number n (`p`): want bytes into buf. 0 or -TRUSTACK_E_* (QEMU answers `p` only
 * after the client has read target.xml: ts_gdb_cmd "qXfer:features:read:target.xml:0,fff"). */
int ts_gdb_reg(struct ts_gdb *g, unsigned n, uint8_t *buf, size_t want);

/* len bytes of the target's memory at addr (`m`, in pieces). 0, or -TRUSTACK_E_IO when some
 * byte cannot be read. */
int ts_gdb_read(struct ts_gdb *g, uint64_t addr, void *buf, size_t len);

/* A stop reply (`S`, `T`: stopped with a signal; `W`: exited with a status; `X`: killed by a
 * signal). */
struct ts_gdb_stop {
	char kind;       /* 'S' (also for 'T'), 'W' or 'X'; 0: not a stop reply */
	int value;       /* the signal (GDB's numbering, as Linux's for the common ones) or status */
	long tid;        /* T's thread:[pPID.]TID, else 0 */
};
bool ts_gdb_parse_stop(const char *reply, struct ts_gdb_stop *out);

/* Statistics: packets sent, bytes received. */
void ts_gdb_counts(const struct ts_gdb *g, uint64_t *packets, uint64_t *bytes);

#endif
