# Shared awk functions for the objtool comparison (used with -f before compare.awk/propose.awk).
# Symbol records "S <section> <value-hex> <size-dec> <name>" go through add_sym(); last[] maps a
# function to the offset of its last instruction ("0x..").

function hex2num(h,    i, c, n) {
    h = tolower(h); sub(/^0x/, "", h); n = 0
    for (i = 1; i <= length(h); i++) {
        c = index("0123456789abcdef", substr(h, i, 1))
        if (c == 0) return -1
        n = n * 16 + c - 1
    }
    return n
}
function hexstr(n) { return sprintf("0x%x", n) }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# objtool message -> trustack kind
function okind(msg) {
    if (msg ~ /^call without frame pointer save\/setup/) return "call-without-frame"
    if (msg ~ /^return with modified stack frame/) return "return-modified-frame"
    if (msg ~ /^sibling call from callable instruction with modified stack frame/) return "sibling-call-modified-frame"
    if (msg ~ /^BP used as a scratch register/) return "fp-scratch"
    if (msg ~ /^stack state mismatch/) return "stack-mismatch"
    if (msg ~ /falls through to next function/ || msg ~ /^unexpected end of section/) return "falls-through"
    if (msg ~ /^unreachable instruction/) return "unreachable"
    if (msg ~ /^undefined stack state/) return "undefined-stack"
    if (msg ~ /^unsupported stack register modification/ || msg ~ /^unknown stack-related instruction/) return "unsupported-stack-op"
    if (msg ~ /^unsupported stack pointer realignment/) return "unsupported-realign"
    return "other"
}

function base(f) { sub(/\.cold(\.[0-9]+)?$/, "", f); return f }
function lastof(f,    i) {
    if (f in last) return last[f]
    for (i = 1; i <= nsym; i++) if (same(sname[i], f) && (sname[i] in last)) return last[sname[i]]
    return "?"
}
function same(a, b) { return a == b || ((a in alias) && (b in alias) && alias[a] == alias[b]) }

function add_sym(sec, val, size, name) {
    nsym++; ssec[nsym] = sec; sval[nsym] = hex2num(val); ssize[nsym] = size + 0; sname[nsym] = name
    alias[name] = sec SUBSEP sval[nsym]     # symbols at the same address are the same function
}

function parse_objtool(line,    rest, loc, o, a, sec, i, best, func_, off, msg) {
    # Sets P_func, P_off (hex string or "?") and P_msg from one objtool warning line.
    if (line !~ /: warning: objtool: /) return 0
    rest = line; sub(/^.*: warning: objtool: /, "", rest)
    func_ = ""; off = ""; msg = rest
    if (match(rest, /^[^ :]+\(\) falls through to next function /)) {
        func_ = rest; sub(/\(\) falls through.*$/, "", func_)
        msg = substr(rest, length(func_) + 4)
        off = lastof(func_)
    } else if (match(rest, /^[^ :]+\+0x[0-9a-fA-F]+: /)) {
        loc = substr(rest, 1, RLENGTH - 2); msg = substr(rest, RLENGTH + 1)
        func_ = loc; sub(/\+0x[0-9a-fA-F]+$/, "", func_)
        o = loc; sub(/^.*\+0x/, "", o); off = hexstr(hex2num(o))
        if (func_ ~ /^\./) {          # section+offset: find the function containing it
            a = hex2num(o); sec = func_
            for (i = 1; i <= nsym; i++)
                if (ssec[i] == sec && a >= sval[i] && a < sval[i] + ssize[i]) {
                    func_ = sname[i]; off = hexstr(a - sval[i]); break
                }
        }
    } else if (match(rest, /^[^ ]+: /)) {
        loc = substr(rest, 1, RLENGTH - 2); msg = substr(rest, RLENGTH + 1)
        func_ = loc; sub(/\(\)$/, "", func_)
        if (func_ ~ /^\./ && msg ~ /^unexpected end of section/) {
            # the function that runs off the end: the last FUNC symbol of the section
            best = -1; sec = func_
            for (i = 1; i <= nsym; i++)
                if (ssec[i] == sec && (sval[i] > best || (sval[i] == best && sec == ".text." sname[i]))) {
                    best = sval[i]; func_ = sname[i]
                }
        }
        off = lastof(func_)
    } else {
        func_ = "?"; off = "?"
    }
    P_func = func_; P_off = off; P_msg = trim(msg)
    return 1
}
