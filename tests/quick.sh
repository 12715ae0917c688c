# tests/quick.sh - sourced by the suites: the one meaning of TS_QUICK. Set, non-empty and not
# "0": the quick tier (CI, `scripts/test.sh`), where the slow suites run a documented subset.
# Unset, empty or "0": everything.
ts_quick() {
    case "${TS_QUICK:-0}" in
    0 | '') return 1 ;;
    *) return 0 ;;
    esac
}
