#!/usr/bin/env python3
"""a64-gdbstub.py - how fast can verify-unwind's ground truth come from qemu-aarch64's gdbstub?

Starts `qemu-aarch64 -L SYSROOT -cpu max,pauth-impdef=on -g PORT PROG`, connects a minimal GDB
remote-protocol client and single-steps PROG for --steps steps in one of these modes:
  step      `s` alone (the stop reply: no registers)
  regs      `s`, then `g` (every general register, pc, sp, pstate)
  stack     `s`, `g`, then `m sp,64` (the words a call check and a frame record need)
  point     `s`, `g`, then `m sp,LEN` for the stack up to LEN bytes (what an unwind at a point
            reads; --every N: only every N-th step, the others as `regs`)
Prints steps, seconds and steps per second. Measurement only (docs/unwind.md, "arm64").
"""
import argparse
import os
import socket
import subprocess
import sys
import time


def pkt(data):
    return b"$" + data + b"#" + ("%02x" % (sum(data) & 0xFF)).encode()


class Stub:
    def __init__(self, port):
        for _ in range(200):
            try:
                self.s = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.02)
        else:
            sys.exit("no gdbstub on port %d" % port)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.ack = True
        self.pending_ack = False

    def _read_packet(self):
        while True:
            i = self.buf.find(b"$")
            if i >= 0:
                j = self.buf.find(b"#", i)
                if j >= 0 and len(self.buf) >= j + 3:
                    data = self.buf[i + 1:j]
                    self.buf = self.buf[j + 3:]
                    if self.ack:
                        self.pending_ack = True  # sent with the next command: one segment
                    return data
            # QEMU writes its "+" and the reply separately: acknowledge at once, or its Nagle
            # waits for our delayed ACK (Linux clears TCP_QUICKACK again after use)
            self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def cmd(self, data):
        # the acknowledgement of the last reply goes in the same segment as the next command
        # (two small writes in a row meet the peer's delayed ACK: tens of ms each)
        self.s.sendall((b"+" if self.pending_ack else b"") + pkt(data))
        self.pending_ack = False
        return self._read_packet()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prog")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--mode", default="step", choices=["step", "regs", "stack", "point"])
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--len", type=int, default=4096)
    ap.add_argument("--sysroot", default="/usr/aarch64-linux-gnu")
    ap.add_argument("--port", type=int, default=21000 + os.getpid() % 20000)
    a = ap.parse_args()
    q = subprocess.Popen(["qemu-aarch64", "-L", a.sysroot, "-cpu", "max,pauth-impdef=on", "-g", str(a.port), a.prog],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    st = Stub(a.port)
    st.cmd(b"qSupported:multiprocess+")
    r = st.cmd(b"QStartNoAckMode")
    if r == b"OK":
        st.ack = False
    st.cmd(b"?")
    t0 = time.monotonic()
    n = 0
    reads = 0
    try:
        for n in range(1, a.steps + 1):
            r = st.cmd(b"s")
            if not r.startswith(b"T") and not r.startswith(b"S"):
                break  # exited
            if a.mode == "step":
                continue
            g = st.cmd(b"g")
            if a.mode == "regs":
                continue
            sp = int.from_bytes(bytes.fromhex(g[31 * 16:32 * 16].decode()), "little")
            if a.mode == "stack":
                st.cmd(b"m%x,40" % sp)
                reads += 64
            elif n % a.every == 0:
                left = a.len
                addr = sp
                while left > 0:
                    k = min(left, 2048)
                    m = st.cmd(b"m%x,%x" % (addr, k))
                    if m.startswith(b"E"):
                        break
                    reads += len(m) // 2
                    addr += k
                    left -= k
    except EOFError:
        pass
    dt = time.monotonic() - t0
    q.kill()
    q.wait()
    print("mode=%s every=%d steps=%d seconds=%.2f steps/s=%.0f stack-bytes-read=%d noack=%s" %
          (a.mode, a.every, n, dt, n / dt, reads, not st.ack))


if __name__ == "__main__":
    main()
