/*
 * handle.h - what the public struct trustack_elf holds, for the library files that implement
 * public entry points on it (check.c, the table writers).
 */
#ifndef TS_HANDLE_H
#define TS_HANDLE_H

#include "elf/image.h"

struct trustack_elf {
	struct ts_image *img;
};

#endif
