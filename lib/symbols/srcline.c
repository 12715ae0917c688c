/*
 * srcline.c - source lines through libdwfl: the module is reported at its link-time addresses
 * and libdwfl's standard callbacks find the debug information in the file itself, through
 * /usr/lib/debug/.build-id/xx/rest.debug or through .gnu_debuglink (beside the file, in .debug/,
 * under /usr/lib/debug). Opened on the first query, so names alone cost nothing.
 */
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "symbols/symbols.h"

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = NULL, /* libdwfl's default: beside the file, .debug/, /usr/lib/debug */
};

static void open_dwfl(struct trustack_symbols *s)
{
	s->dwfl_tried = true;
	Dwfl *d = dwfl_begin(&callbacks);
	if (!d)
		return;
	dwfl_report_begin(d);
	/* base 0 without p_vaddr: the module sits at its link-time addresses (bias read below) */
	/* opened as every input is (a FIFO is refused, not waited on); libdwfl owns the descriptor */
	int fd = ts_open_input(s->path, NULL, NULL, 0);
	Dwfl_Module *m = fd >= 0 ? dwfl_report_elf(d, s->name, s->path, fd, 0, false) : NULL;
	dwfl_report_end(d, NULL, NULL);
	if (!m) {
		dwfl_end(d);
		return;
	}
	Dwarf_Addr bias = 0;
	if (!dwfl_module_getdwarf(m, &bias)) {
		dwfl_end(d); /* no DWARF anywhere: every query answers "not found" */
		return;
	}
	s->dwfl = d, s->dwfl_mod = m, s->dwfl_bias = bias;
}

int ts_symbols_srcline(struct trustack_symbols *s, uint64_t addr, const char **file, int *line)
{
	struct ts_linememo *m = &s->lines;
	if (m->path && !m->loaded) {
		m->loaded = true;
		ts_linememo_load(m, s->facts.build_id, s->facts.build_id_len);
	}
	const char *mf;
	int ml;
	if (m->path && ts_linememo_find(m, addr, &mf, &ml)) {
		if (ml <= 0)
			return -TRUSTACK_E_NOTFOUND;
		*file = mf, *line = ml;
		return 0;
	}
	if (!s->dwfl_tried && s->path)
		open_dwfl(s);
	Dwfl_Line *l = s->dwfl ? dwfl_module_getsrc(s->dwfl_mod, addr + s->dwfl_bias) : NULL;
	int ln = 0;
	const char *f = l ? dwfl_lineinfo(l, NULL, &ln, NULL, NULL, NULL) : NULL;
	/* "no line" is kept only when there is debug information that says so: without any, a
	 * debug package installed later must still be looked at */
	if (m->path && (s->dwfl || (f && ln > 0)))
		(void)ts_linememo_add(m, addr, f && ln > 0 ? f : "", f && ln > 0 ? ln : 0);
	if (!f || ln <= 0)
		return -TRUSTACK_E_NOTFOUND;
	free(s->last_file);
	s->last_file = strdup(f);
	if (!s->last_file)
		return -TRUSTACK_E_NOMEM;
	*file = s->last_file, *line = ln;
	return 0;
}

void ts_symbols_srcline_free(struct trustack_symbols *s)
{
	ts_linememo_close(&s->lines, s->facts.build_id, s->facts.build_id_len);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	s->dwfl = NULL;
	free(s->last_file);
	s->last_file = NULL;
}
