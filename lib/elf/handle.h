/*
 * handle.h - what the public struct trustack_elf holds, for the library files that implement
 * public entry points on it (analysis/check.c, the table writers, the unwinder); opened and
 * closed in handle.c.
 */
#ifndef TS_ELF_HANDLE_H
#define TS_ELF_HANDLE_H

#include "elf/image.h"

struct trustack_elf {
	struct ts_image *img;
};

#endif
