/* opts.c - the size rule of the API's structs for callers built against another header (opts.h). */
#include "common/opts.h"

int ts_opts_load_resized(void *dst, size_t dst_sz, const void *user, size_t user_sz)
{
	memset(dst, 0, dst_sz);
	if (user_sz < sizeof(size_t))
		return -TRUSTACK_E_ARG;
	if (user_sz > dst_sz) {
		/* a newer header: only if this library knows every field the caller used */
		const unsigned char *extra = (const unsigned char *)user + dst_sz;
		for (size_t i = 0; i < user_sz - dst_sz; i++)
			if (extra[i])
				return -TRUSTACK_E_ARG;
	}
	memcpy(dst, user, user_sz < dst_sz ? user_sz : dst_sz);
	memcpy(dst, &dst_sz, sizeof(dst_sz));
	return 0;
}
