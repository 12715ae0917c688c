# Offset of each function's last instruction (within the symbol's size, so alignment padding
# after the function does not count). Inputs: the "S <section> <value> <size> <name>" symbol
# list, then "objdump -d" output. Prints "L <function> 0x<offset>".
function h(s,    i, n) {
    n = 0; s = tolower(s)
    for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return n
}
function flush() { if (cur != "") printf "L %s 0x%x\n", cur, lastaddr - start }
NR == FNR { if ($1 == "S") size[$5] = $4 + 0; next }
/^[0-9a-f]+ <.*>:$/ {
    flush()
    cur = $2; sub(/^</, "", cur); sub(/>:$/, "", cur)
    start = h($1); lastaddr = start
    end = (cur in size && size[cur] > 0) ? start + size[cur] : -1
    next
}
/^ +[0-9a-f]+:\t/ {
    a = $1; sub(/:$/, "", a); a = h(a)
    if (end < 0 || a < end) lastaddr = a
}
END { flush() }
