/*
 * stacks_core.c - what `trustack stacks --core FILE` adds to the output of a live snapshot: the
 * signal that killed the process and where, and the modules whose files could not be used (gone,
 * or another build than the core's: their frames are unreliable, the warning says which).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stacks.h"

const char *st_signal_name(int sig)
{
	const char *n = sig > 0 ? sigabbrev_np(sig) : NULL;
	static __thread char buf[24];
	if (n) {
		snprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

void st_core_warnings(const struct trustack_proc *p, const char *file)
{
	const struct trustack_core_info *ci = trustack_proc__core(p);
	if (!ci)
		return;
	if (ci->missing_bytes)
		fprintf(stderr, "trustack stacks: warning: %s is truncated: %" PRIu64 " bytes of the process' memory "
				"are cut off (reads there fail; traces through them are unreliable)\n",
			file, ci->missing_bytes);
	for (size_t i = 0; i < trustack_proc__module_count(p); i++) {
		const struct trustack_module *m = trustack_proc__module(p, i);
		if (m->problem)
			fprintf(stderr, "trustack stacks: warning: %s: %s; its frames are unreliable\n",
				base_name(m->path), m->problem);
	}
}

void st_core_print_text(const struct trustack_proc *p, const char *file)
{
	const struct trustack_core_info *ci = trustack_proc__core(p);
	if (!ci)
		return;
	printf("Core %s: process %d (%s)", file, ci->pid, ci->comm);
	if (ci->signal) {
		printf(", %s", st_signal_name(ci->signal));
		if (ci->si_code)
			printf(" (code %d%s", ci->si_code, ci->has_addr ? "" : ")");
		if (ci->has_addr)
			printf("%saddress 0x%" PRIx64 ")", ci->si_code ? ", " : " (", ci->addr);
		printf(" in thread %d", ci->crash_tid);
	} else {
		printf(", no signal recorded (thread %d first)", ci->crash_tid);
	}
	printf("\n\n");
}

void st_core_print_json(const struct trustack_proc *p, const char *file)
{
	const struct trustack_core_info *ci = trustack_proc__core(p);
	if (!ci)
		return;
	printf(",\"core\":{\"file\":");
	json_str(stdout, file);
	printf(",\"name\":");
	json_str(stdout, ci->comm);
	printf(",\"args\":");
	json_str(stdout, ci->args);
	printf(",\"crash_tid\":%d,\"signal\":%d,\"signal_name\":", ci->crash_tid, ci->signal);
	if (ci->signal)
		json_str(stdout, st_signal_name(ci->signal));
	else
		printf("null");
	printf(",\"si_code\":%d,\"addr\":", ci->si_code);
	if (ci->has_addr)
		printf("%" PRIu64, ci->addr);
	else
		printf("null");
	printf(",\"compressed\":%s,\"missing_bytes\":%" PRIu64 ",\"modules\":[", ci->compressed ? "true" : "false",
	       ci->missing_bytes);
	bool first = true;
	for (size_t i = 0; i < trustack_proc__module_count(p); i++) {
		const struct trustack_module *m = trustack_proc__module(p, i);
		if (m->kind != TRUSTACK_MODULE_FILE && !m->problem)
			continue;
		printf("%s{\"path\":", first ? "" : ",");
		json_str(stdout, m->path);
		printf(",\"file\":");
		if (m->file)
			json_str(stdout, m->file);
		else
			printf("null");
		printf(",\"problem\":");
		if (m->problem)
			json_str(stdout, m->problem);
		else
			printf("null");
		printf("}");
		first = false;
	}
	printf("]}");
}
