/* handle.h - the public struct trustack_elf handle, shared by the files that implement the API. */
#ifndef TS_HANDLE_H
#define TS_HANDLE_H

#include "elf/image.h"

struct trustack_elf { struct ts_image *img; };

#endif
