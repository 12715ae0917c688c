/*
 * perf.h - internals of the perf.data reader: the file (reader.c) and the address spaces of
 * the processes it describes (space.c).
 */
#ifndef TS_PERF_H
#define TS_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

struct ts_arch;

/* One event attribute (perf_event_attr) as far as the reader needs it. */
struct ts_perf_event {
	uint64_t sample_type, read_format, regs_user, branch_type;
	uint32_t stack_user;
	bool sample_id_all;
	char *name;       /* from HEADER_EVENT_DESC, or NULL */
	uint64_t *ids;    /* the sample ids that name this event */
	size_t nids;
};

/* A build-id the file recorded for a path (HEADER_BUILD_ID). */
struct ts_perf_buildid {
	const char *path; /* into the mapped file, NUL-terminated within the entry */
	uint8_t id[32];
	uint8_t len;
};

/* A record in the order it is read: by timestamp, file order among equals. */
struct ts_perf_rec {
	uint64_t time;
	uint64_t off;     /* of its header in the file */
};

/* A file a process mapped: opened once, whatever number of processes map it. */
struct ts_perf_file {
	char *path;       /* as recorded */
	bool failed;      /* cannot be read, or not an ELF file: its code is unknown */
	bool identified, mismatch_counted, mapped, vdso, elf_failed;
	uint8_t build_id[32], build_id_len; /* of the file on disk */
	uint16_t machine;
	size_t nload;
	struct { uint64_t vaddr, offset, filesz; } load[16];
	struct trustack_elf *elf; /* for the unwinder's tables, opened on first need */
	const uint8_t *image;     /* the vDSO: our own image (when it is the recorded one) */
	size_t image_len;
};

/* An executable mapping of a process. */
struct ts_perf_map {
	uint64_t start, end, pgoff;
	int file;                   /* index into the files (by path: also names special mappings) */
	enum trustack_module_kind kind;
	uint8_t build_id[32], build_id_len; /* recorded (MMAP2 or the build-id table), 0: none */
	struct trustack_range exec; /* [start, end) for struct trustack_module */
	struct trustack_module mod; /* what trustack_perf__module_at gives */
	bool in_u;                  /* added to the process' unwinder */
};

struct ts_perf_proc {
	int pid;
	struct ts_perf_map *maps;   /* ascending, not overlapping */
	size_t nmaps, capmaps;
	struct trustack_unwinder *u; /* for the maps as they are now; NULL: to be built */
};

struct ts_perf_comm {
	int tid;
	char comm[16];
};

/* What the unwinder's memory callback sees: the sample being unwound and its process. */
struct ts_perf_readctx {
	struct trustack_perf *p;
	struct ts_perf_proc *proc;
	uint64_t stack_lo;          /* regs.sp: the copy's first byte */
	const uint8_t *stack;
	size_t stack_size;
	uint64_t fail_addr;         /* the last read that failed */
	bool failed;
};

struct trustack_perf {
	struct trustack_perf_opts opts;
	char *cache_dir, *root;
	const struct ts_arch *arch;
	const uint8_t *map;         /* the whole file, mapped read-only */
	size_t size;
	uint64_t data_off, data_size;
	uint64_t truncated;         /* bytes of records the header promised and the file lacks */
	uint64_t bad_off;           /* the first record that could not be framed (0: none) */
	uint16_t bad_size;
	bool bad_reported;
	int cur_pid;                /* the process of the last sample returned */
	struct trustack_perf_info info;
	struct trustack_perf_stats stats;
	char osrelease[80];
	struct ts_perf_event *events;
	size_t nevents;
	struct ts_perf_buildid *bids;
	size_t nbids, capbids;
	struct ts_perf_rec *recs;
	size_t nrecs, caprecs, next;
	uint64_t *chain;            /* the current sample's callchain, decoded */
	size_t capchain;
	struct ts_perf_file *files;
	size_t nfiles, capfiles;
	struct ts_perf_proc *procs;
	size_t nprocs, capprocs;
	struct ts_perf_comm *comms;
	size_t ncomms, capcomms;
	struct ts_perf_readctx rd;
	uint64_t *pcs;              /* a callchain's user part */
	size_t cappcs;
};

/* Little-endian loads from the file (perf.data is read in its own byte order, whatever ours). */
static inline uint16_t ts_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t ts_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t ts_le64(const uint8_t *b)
{
	return (uint64_t)ts_le32(b) | (uint64_t)ts_le32(b + 4) << 32;
}

/* space.c: the records that change the processes, and the unwinding of a sample. */
void ts_perf_mmap(struct trustack_perf *p, int pid, uint64_t start, uint64_t len, uint64_t pgoff, const char *path,
		  bool exec, const uint8_t *build_id, size_t build_id_len);
void ts_perf_comm(struct trustack_perf *p, int pid, int tid, const char *comm, bool exec);
void ts_perf_fork(struct trustack_perf *p, int pid, int ppid, int tid, int ptid);
void ts_perf_exit(struct trustack_perf *p, int pid, int tid);
void ts_perf_space_free(struct trustack_perf *p);

#endif
