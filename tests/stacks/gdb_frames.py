# gdb_frames.py - run inside gdb on a core (tests/stacks/suite_core.sh): one line per thread,
# "T <tid> <pc> <pc> ...", the pcs of gdb's frames innermost first, inline frames and tail-call
# frames left out: gdb makes those up from the debug information (an inlined call shares its
# caller's pc; a function that left by a tail call has no frame on the machine stack, gdb shows
# one from DW_TAG_call_site), trustack lists the machine's frames. A frame gdb marks as a signal frame
# (<signal handler called>) is kept: trustack lists the trampoline as a frame too.
import gdb

# trustack lists every frame down to the outermost one (_start, clone3); gdb stops at main unless told
gdb.execute("set backtrace past-main on")
gdb.execute("set backtrace past-entry on")

for inf in gdb.inferiors():
    for th in inf.threads():
        th.switch()
        pcs = []
        f = gdb.newest_frame()
        while f is not None and len(pcs) < 512:
            if f.type() not in (gdb.INLINE_FRAME, gdb.TAILCALL_FRAME):
                pcs.append("%x" % f.pc())
            try:
                f = f.older()
            except gdb.error:
                break
        print("T %d %s" % (th.ptid[1], " ".join(pcs)))
