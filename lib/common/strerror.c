/* strerror.c - the text of every TRUSTACK_E_* code (the one table of them). */
#include "trustack.h"

const char *trustack_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case TRUSTACK_OK: return "success";
	case TRUSTACK_E_IO: return "cannot read the file";
	case TRUSTACK_E_FORMAT: return "malformed ELF file";
	case TRUSTACK_E_UNSUPPORTED: return "unsupported ELF file";
	case TRUSTACK_E_NOMEM: return "out of memory";
	case TRUSTACK_E_ARG: return "invalid argument";
	case TRUSTACK_E_NOTFOUND: return "not found";
	case TRUSTACK_E_NOPROC: return "no such process";
	case TRUSTACK_E_PERM: return "not permitted to trace the process";
	case TRUSTACK_E_ZOMBIE: return "the process is a zombie";
	case TRUSTACK_E_INTR: return "interrupted by a signal";
	case TRUSTACK_E_SYS: return "system call failed";
	default: return "unknown error";
	}
}
