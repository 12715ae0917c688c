# Used by propose-false-alarms.sh (after common.awk). Inputs, in order: symbol records,
# "objdump -dr --no-show-raw-insn" output, objtool's output, objtool-false-alarms.txt.
# Variables: obj (object basename), all (1: also propose warnings already listed).

function noreturn_libc(s) {
    return s ~ /^(exit|_exit|_Exit|abort|__assert_fail|__assert_perror_fail|__assert|longjmp|_longjmp|siglongjmp|__longjmp_chk|__stack_chk_fail|__fortify_fail|__chk_fail|err|errx|verr|verrx|pthread_exit|quick_exit|thrd_exit|__cxa_throw|__cxa_rethrow|__cxa_bad_cast|__cxa_bad_typeid|__cxa_throw_bad_array_new_length|__cxa_call_unexpected|__cxa_call_terminate|__cxa_pure_virtual|__cxa_deleted_virtual|_Unwind_Resume|_ZSt9terminatev)$/ ||
           s ~ /^_ZSt[0-9]+__throw_[a-z_]+/
}

# Why does a call to s never return? "" if it may return.
function why_noreturn(s) {
    if (noreturn_libc(s)) return s " is a noreturn library function"
    if (s in localnr) return s " never returns (" localnr[s] ")"
    return ""
}

function insn(f, k) { return "    " f "+" hexstr(A[f, k] - start[f]) ":  " T[f, k] (R[f, k] != "" ? "    <" R[f, k] ">" : "") }
# previous instruction that is not padding
function prevreal(f, k) {
    for (k--; k >= 1; k--) if (T[f, k] !~ /^(nop|xchg +%ax,%ax|data16|cs nop)/) return k
    return 0
}
function context(f, k, before, after,    i, s) {
    s = ""
    for (i = k - before; i <= k + after; i++) if (i >= 1 && i <= n[f]) s = s insn(f, i) "\n"
    return s
}
# target of a call instruction: relocation symbol, else the <name> objdump shows
function calltarget(f, k,    t) {
    if (T[f, k] !~ /^call/) return ""
    if (R[f, k] != "") return R[f, k]
    t = T[f, k]
    if (match(t, /<[^>+]+>/)) return substr(t, RSTART + 1, RLENGTH - 2)
    return ""
}
function findinsn(f, off,    k) {
    for (k = 1; k <= n[f]; k++) if (A[f, k] - start[f] == off) return k
    return 0
}

# ---- symbols ----
FILENAME == ARGV[1] { if ($1 == "S") { add_sym($2, $3, $4, $5); size[$5] = $4 + 0 } next }

# ---- disassembly ----
FILENAME == ARGV[2] {
    if ($0 ~ /^[0-9a-f]+ <.*>:$/) {
        cur = $2; sub(/^</, "", cur); sub(/>:$/, "", cur)
        start[cur] = hex2num($1); n[cur] = 0
        fend = (cur in size && size[cur] > 0) ? start[cur] + size[cur] : -1
        nf++; fname[nf] = cur
        next
    }
    if (cur == "") next
    if ($0 ~ /^\t\t\t[0-9a-f]+: R_X86_64_/) {        # relocation of the previous instruction
        r = $3; sub(/[-+]0x[0-9a-f]+$/, "", r)
        if (n[cur] > 0) R[cur, n[cur]] = r
        next
    }
    if ($0 ~ /^ +[0-9a-f]+:\t/) {
        a = $1; sub(/:$/, "", a); a = hex2num(a)
        if (fend >= 0 && a >= fend) next               # alignment padding after the symbol
        t = $0; sub(/^ +[0-9a-f]+:\t/, "", t); gsub(/\t/, " ", t); sub(/ +$/, "", t)
        n[cur]++; A[cur, n[cur]] = a; T[cur, n[cur]] = t; R[cur, n[cur]] = ""
        last[cur] = hexstr(a - start[cur])
    }
    next
}

# ---- objtool warnings ----
FILENAME == ARGV[3] {
    if (!parse_objtool($0)) next
    nw++; wf[nw] = P_func; wo[nw] = P_off; wm[nw] = P_msg; wl[nw] = $0
    next
}

# ---- existing entries ----
FILENAME == ARGV[4] {
    l = $0
    if (l ~ /^[ \t]*(#|$)/) next
    p = index(l, "#"); if (p) l = substr(l, 1, p - 1)
    l = trim(l); split(l, w, /[ \t]+/)
    if (w[1] != obj && w[1] !~ ("/" obj "$")) next
    m = l; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", m); m = trim(m)
    f = w[2]; sub(/\+0x[0-9a-fA-F]+$/, "", f)
    listed[f SUBSEP m] = 1
    next
}

END {
    # Local functions that never return: no ret, no jmp leaving the function, and the last
    # instruction calls something that never returns. Iterate to a fixed point.
    changed = 1
    while (changed) {
        changed = 0
        for (i = 1; i <= nf; i++) {
            f = fname[i]
            if ((f in localnr) || n[f] == 0) continue
            ok = 1
            for (k = 1; k <= n[f] && ok; k++) {
                t = T[f, k]
                if (t ~ /^(ret|repz ret|rep ret|bnd ret)/) ok = 0
                else if (t ~ /^(jmp|bnd jmp)/) {
                    if (t ~ /\*/) ok = 0
                    else if (!match(t, /<[^>]*>/) || substr(t, RSTART + 1, RLENGTH - 2) !~ ("^" f "(\\+0x[0-9a-f]+)?$")) ok = 0
                }
            }
            if (!ok) continue
            c = calltarget(f, n[f])
            if (c == "" || c == f) continue
            y = why_noreturn(c)
            if (y == "") continue
            localnr[f] = "ends in a call to " c; changed = 1
        }
    }
    for (i = 1; i <= nw; i++) {
        f = wf[i]; off = wo[i]; m = wm[i]; kind = okind(m)
        if (!all && ((f SUBSEP m) in listed)) continue
        reason = ""; ev = ""
        if (!(f in n)) {                                 # objdump labelled an alias
            for (j = 1; j <= nsym; j++) if (same(sname[j], f) && (sname[j] in n)) { g = sname[j]; break }
        } else g = f
        if (kind == "falls-through" && (g in n) && n[g] > 0) {
            # objtool reports a .cold fragment's fall-through under the parent's name
            cand[1] = g; cand[2] = g ".cold"; nc = 2
            for (j = 1; j <= 9; j++) cand[++nc] = g ".cold." j
            for (q = 1; q <= nc; q++) {
                h = cand[q]
                if (!(h in n) || n[h] == 0) continue
                k = n[h]; c = calltarget(h, k); y = why_noreturn(c)
                if (q == 1) ev = context(h, k, 3, 0)
                if (y != "") {
                    ev = context(h, k, 3, 0)
                    reason = (q == 1 ? "ends" : "its cold part " h " ends") " with call " c ", which never returns (" y "); objtool 6.1 does not know it, so it sees a fall-through"
                    break
                }
            }
        } else if (kind == "stack-mismatch" && (g in n)) {
            k = findinsn(g, hex2num(off))
            if (k > 1) {
                ev = context(g, k, 3, 1)
                c = calltarget(g, prevreal(g, k)); y = why_noreturn(c)
                if (y != "") reason = "the call " c " just before never returns (" y "); objtool follows the impossible fall-through into +" off ", which other paths reach with a different stack height"
                for (j = (k > 6 ? k - 6 : 1); j <= k + 6 && j <= n[g]; j++)
                    if (T[g, j] ~ /^or[q]? +\$0x0,(0x[0-9a-f]+)?\(%rsp\)/ && reason == "") reason = "stack-clash probe loop (sub $0x1000,%rsp; or $0x0,(%rsp); cmp; jne): the loop head is reached with different stack heights"
            }
        } else if (kind == "unreachable" && (g in n)) {
            k = findinsn(g, hex2num(off))
            if (k > 0) {
                ev = context(g, k, 1, 4)
                hops = 0
                for (j = k; j <= n[g] && j < k + 80; j++) {
                    c = calltarget(g, j)
                    if (c == "_Unwind_Resume" || c == "__cxa_begin_catch" || c == "__cxa_end_catch" || c == "_ZSt9terminatev" || c == "__cxa_call_terminate") {
                        reason = "C++ landing pad (its path calls " c "), reached only through the unwinder's .gcc_except_table, which objtool does not read"
                        ev = ev "    ...\n" insn(g, j) "\n"
                        break
                    }
                    if (T[g, j] ~ /^(ret|jmp +\*)/) break
                    if (T[g, j] ~ /^jmp / && hops < 5 && match(T[g, j], /<[^>]*\+0x[0-9a-f]+>/)) {
                        tgt = substr(T[g, j], RSTART + 1, RLENGTH - 2); sub(/^.*\+0x/, "", tgt)
                        jj = findinsn(g, hex2num(tgt)); if (jj == 0) break
                        j = jj - 1; hops++
                    }
                }
            }
        } else if (kind == "sibling-call-modified-frame" && (g in n)) {
            k = findinsn(g, hex2num(off))
            if (k > 0) {
                ev = context(g, k, 3, 0)
                if (T[g, k] ~ /^(jmp|notrack jmp) +\*%r/) reason = "indirect jmp through a register inside the function (GNU computed goto, no jump-table relocation): objtool takes it for a sibling call; CHECK the source"
            }
        }
        print "# " wl[i]
        if (ev != "") { printf "# evidence (objdump -dr):\n"; s = ev; gsub(/\n$/, "", s); gsub(/\n/, "\n#", s); print "#" s }
        print obj " " f "+" off " " m "  # " (reason != "" ? reason : "TODO: no known pattern, look at the disassembly")
    }
}
