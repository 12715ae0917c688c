/*
 * handle.h - what the public struct trustack_elf is: the library's internal image of the file.
 */
#ifndef TS_HANDLE_H
#define TS_HANDLE_H

#include "elf/image.h"

struct trustack_elf {
	struct ts_image *img;
};

#endif
