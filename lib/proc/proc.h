/*
 * proc.h - internals of process access: /proc/PID/maps, ELF identity of mapped files, the
 * ptrace attach/detach machinery and the snapshot object.
 */
#ifndef TS_PROC_H
#define TS_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trustack.h"

/* One line of /proc/PID/maps. */
struct ts_map {
	uint64_t start, end, offset;
	uint64_t inode;
	unsigned dev_major, dev_minor;
	bool r, w, x;
	char *path;      /* "" for anonymous; " (deleted)" stripped, see deleted */
	bool deleted;
};

struct ts_maps {
	struct ts_map *v;
	size_t n;
};

/* Parse /proc/PID/maps. Returns 0, -TRUSTACK_E_NOPROC, -TRUSTACK_E_PERM or -TRUSTACK_E_NOMEM. */
int ts_maps_read(int pid, struct ts_maps *out);
void ts_maps_free(struct ts_maps *m);
/* The mapping holding addr, or NULL. */
const struct ts_map *ts_maps_find(const struct ts_maps *m, uint64_t addr);

/* Group mappings into modules (struct trustack_module, arrays owned by *mods). */
struct ts_modules {
	struct trustack_module *v;
	size_t n;
};
int ts_modules_build(const struct ts_maps *maps, struct ts_modules *out);
/* Fill bias and build-id of every module: ELF headers from the file (/proc/PID/map_files, then
 * the path) or, for the vDSO and files we cannot open, from the target's memory. */
void ts_modules_identify(int pid, const struct ts_maps *maps, struct ts_modules *mods);
void ts_modules_free(struct ts_modules *mods);

/* ELF identity from an image read through rd: load segments and the build-id. */
typedef int (*ts_image_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);
struct ts_elf_ident {
	bool is_elf;
	uint16_t machine;
	size_t nload;
	struct { uint64_t vaddr, offset, filesz; } load[16];
	uint8_t build_id_len;
	uint8_t build_id[32];
};
/* Returns 0, or -TRUSTACK_E_FORMAT when the bytes are not a readable ELF64 LE image. */
int ts_elf_ident_read(ts_image_read_fn rd, void *ctx, struct ts_elf_ident *out);
/* Load bias of a module mapped with file offset map_offset at map_start; false when no load
 * segment covers that offset. */
bool ts_elf_ident_bias(const struct ts_elf_ident *id, uint64_t map_start, uint64_t map_offset, uint64_t *bias);

/* Read remote memory with one process_vm_readv split into pages, so a partial read stops at the
 * first unreadable page. Returns the bytes read (>= 0) or -errno. */
ssize_t ts_vm_read(int pid, uint64_t addr, void *buf, size_t len);

/* A small /proc text file (status, stat) into buf, NUL-terminated: its length, 0 when it cannot
 * be read (the task is gone). Files longer than size-1 are cut. */
size_t ts_proc_read_text(const char *path, char *buf, size_t size);

/* The first regular executable file called name in a directory of $PATH (as execvp searches),
 * malloc'd; NULL if none (singlestep.c). */
char *ts_path_search(const char *name);

/* Monotonic clock in ns. */
uint64_t ts_now_ns(void);

/* The snapshot object. */
struct trustack_proc {
	int pid;
	int memfd; /* /proc/PID/mem, opened on first need, -1 */
	struct trustack_proc_thread *threads;
	uint8_t **stacks; /* owned copies, parallel to threads */
	size_t nthreads;
	struct trustack_proc_skipped *skipped;
	char **skipped_reasons;
	size_t nskipped;
	struct ts_maps maps;
	struct ts_modules mods;
	size_t last_hit; /* the thread whose stack served the last read */
	/* A core file (core.c) instead of a live process: its reads and its teardown. Reached
	 * through these pointers, so a program that never opens a core links none of its reader
	 * (nor libzstd). */
	struct ts_core *core;
	int (*core_read)(struct ts_core *c, uint64_t addr, void *buf, size_t len);
	void (*core_free)(struct ts_core *c);
	const struct trustack_core_info *core_info;
};

#endif
