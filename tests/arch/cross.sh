# cross.sh - sourced by the tests/arch suites that build a cross corpus: compiling into a cache and
# reading check's warnings. The sourcing suite sets cache, work and TRUSTACK.

# Compile (kind o) or link (kind exe) FILES with CC and FLAGS into the cache, keyed by compiler,
# options and the files' contents; print the path.
compile() {
    local cc=$1 flags=$2 kind=$3 key out; shift 3
    key=$( { echo "$cc $flags $kind"; cat "$@"; } | sha1sum | cut -c1-16)
    out=$cache/$key.$kind
    if [ ! -s "$out" ]; then
        if [ "$kind" = o ]; then
            $cc $flags -c "$@" -o "$out.tmp" 2>>"$work/compile.err" || return 1
        else
            $cc $flags "$@" -o "$out.tmp" 2>>"$work/compile.err" || return 1
        fi
        mv "$out.tmp" "$out"
    fi
    echo "$out"
}

# The warnings of FILES with RULES (none: empty), and a check that could not analyse them (exit 2
# or a crash) as a line of its own ending in [check-error].
warnings() {
    local rules=$1 out rc; shift
    out=$("$TRUSTACK" check --rules="$rules" "$@" 2>&1); rc=$?
    grep -E '\[[a-z-]+\]$' <<<"$out"
    if [ $rc -gt 1 ]; then
        echo "check exited $rc: $(grep -v '\]$' <<<"$out" | head -1) [check-error]"
    fi
    return 0
}
