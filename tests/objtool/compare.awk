# Compare objtool's warnings on one object with trustack's (used by suite_objtool.sh).
#
# Input files (each may be empty), named by the variables symsf, otf, tsf and alf:
#   SYMS     "S <section> <value-hex> <size-dec> <function>" per FUNC symbol and
#            "L <function> <last-instruction-offset-hex>" per function (from objdump)
#   OBJTOOL  objtool's output
#   TRUSTACK trustack's text output
#   ALARMS   tests/objtool/objtool-false-alarms.txt
# Variables: obj (object basename), build (build name), prefix (test name prefix).
# Prints PASS/FAIL lines per objtool warning, INFO lines for trustack-only warnings, and one
# PASS line when both tools are silent.

# Related kinds: objtool and trustack may describe the same defect from a different angle
# (e.g. objtool reports a scratch %rbp at the ret, trustack at the call).
function related(ok, tk) {
    if (ok == tk) return 1
    if (ok == "other") return 1
    return index(" " fam[ok] " ", " " tk " ") > 0
}

BEGIN {
    fam["call-without-frame"] = "fp-scratch fp-clobbered"
    fam["fp-scratch"] = "call-without-frame fp-clobbered return-modified-frame sibling-call-modified-frame"
    fam["return-modified-frame"] = "fp-scratch fp-clobbered stack-mismatch undefined-stack unsupported-stack-op"
    fam["sibling-call-modified-frame"] = "return-modified-frame fp-scratch fp-clobbered stack-mismatch undefined-stack unresolved-indirect-jump"
    fam["stack-mismatch"] = "undefined-stack unsupported-stack-op return-modified-frame"
    fam["undefined-stack"] = "stack-mismatch unsupported-stack-op return-modified-frame fp-clobbered"
    fam["unsupported-stack-op"] = "undefined-stack stack-mismatch unsupported-realign"
    fam["unsupported-realign"] = "unsupported-stack-op undefined-stack"
    fam["falls-through"] = ""
    fam["unreachable"] = ""

}


FILENAME == symsf && $1 == "S" { add_sym($2, $3, $4, $5); next }
FILENAME == symsf && $1 == "L" { last[$2] = $3; next }

# objtool
FILENAME == otf {
    if (!parse_objtool($0)) next
    nob++
    of[nob] = P_func; oo[nob] = P_off; om[nob] = P_msg; ok_[nob] = okind(P_msg); oraw[nob] = $0
    next
}

# trustack: FILE: warning: trustack: FUNC+0xOFF: MESSAGE [KIND]
FILENAME == tsf {
    if ($0 !~ /: warning: trustack: /) next
    rest = $0; sub(/^.*: warning: trustack: /, "", rest)
    p = index(rest, ": ")
    loc = p ? substr(rest, 1, p - 1) : rest
    f = loc; sub(/\+0x[0-9a-fA-F]+$/, "", f)
    o = (f == loc) ? "?" : loc; sub(/^.*\+0x/, "", o); if (o != "?") o = hexstr(hex2num(o))
    k = rest
    if (match(k, /\[[^]]*\][ \t]*$/)) { k = substr(k, RSTART + 1); sub(/\][ \t]*$/, "", k) } else k = "?"
    ntr++; tf[ntr] = f; to[ntr] = o; tk[ntr] = k; traw[ntr] = $0
    next
}

# false alarms: "<obj>|<build>/<obj> <func>+0x<off> <message>  # reason"
FILENAME == alf {
    l = $0
    if (l ~ /^[ \t]*(#|$)/) next
    reason = ""
    p = index(l, "#")
    if (p) { reason = trim(substr(l, p + 1)); l = substr(l, 1, p - 1) }
    l = trim(l)
    split(l, w, /[ \t]+/)
    o1 = w[1]; fo = w[2]
    m = l; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", m); m = trim(m)
    if (o1 != obj && o1 != build "/" obj) next
    f = fo; sub(/\+0x[0-9a-fA-F]+$/, "", f)
    o = fo; sub(/^.*\+0x/, "", o)
    key = f SUBSEP hexstr(hex2num(o)) SUBSEP m
    alarm[key] = (reason == "" ? "no reason given" : reason)
    if (!((f SUBSEP m) in alarm2)) alarm2[f SUBSEP m] = alarm[key] " [entry for " fo "]"
    next
}

END {
    for (j = 1; j <= ntr; j++) used[j] = 0
    for (i = 1; i <= nob; i++) {
        name = prefix "/" of[i] "+" oo[i] " " ok_[i]
        best = 0; bestj = 0
        for (j = 1; j <= ntr; j++) {
            q = 0
            if (same(tf[j], of[i])) {
                if (tk[j] == ok_[i] && to[j] == oo[i]) q = 5
                else if (tk[j] == ok_[i]) q = 4
                else if (related(ok_[i], tk[j])) q = 3
            } else if (base(tf[j]) == base(of[i]) && related(ok_[i], tk[j])) q = 2
            if (q > best) { best = q; bestj = j }
        }
        for (j = 1; j <= ntr; j++)
            if (same(tf[j], of[i]) || base(tf[j]) == base(of[i])) used[j] = 1
        key = of[i] SUBSEP oo[i] SUBSEP om[i]
        if (!(key in alarm) && ((of[i] SUBSEP om[i]) in alarm2)) {
            # same function and message listed at another offset (another build or version)
            alarm[key] = alarm2[of[i] SUBSEP om[i]]
        }
        if (best > 0) {
            how = (best == 5) ? "exact" : (best == 4) ? "same kind, other offset" : (best == 3) ? "related kind" : "related function"
            print "PASS " name ": trustack " tf[bestj] "+" to[bestj] " [" tk[bestj] "] (" how ")"
            if (key in alarm)
                print "INFO " name ": listed as an objtool false alarm (" alarm[key] ") but trustack warns here too: possible trustack false alarm"
        } else if (key in alarm) {
            print "PASS " name ": objtool false alarm: " alarm[key]
        } else {
            print "FAIL " name ": trustack has no matching warning for: " oraw[i]
            seen = 0
            for (j = 1; j <= ntr; j++) if (same(tf[j], of[i]) || base(tf[j]) == base(of[i])) { print "    trustack in that function: " traw[j]; seen = 1 }
            if (!seen) print "    (trustack reports nothing in " of[i] ")"
            print "    if this is an objtool false alarm, add to objtool-false-alarms.txt (after checking objdump -dr):"
            print "    " obj " " of[i] "+" oo[i] " " om[i] "  # <reason>"
        }
    }
    extra = 0
    for (j = 1; j <= ntr; j++)
        if (!used[j] && ++extra <= 20)
            print "INFO " prefix ": trustack-only warning (objtool silent in this function): " tf[j] "+" to[j] " [" tk[j] "]"
    if (extra > 20) print "INFO " prefix ": ... and " (extra - 20) " more trustack-only warnings"
    if (nob == 0 && ntr == 0) print "PASS " prefix ": objtool and trustack both silent"
}
