#!/usr/bin/env bash
# The machine boundary: one place knows a machine. Everything machine-specific (register names
# and layouts, relocation types, opcode bytes, host conditionals) lives in lib/arch/<machine>/,
# and lib/arch/arch.c, the registry, is the only generic file that lists the machines. This
# suite fails when a file under lib/ or programs/ outside lib/arch/ names one, so that arm64
# and s390x land as folders (docs/machines.md).
#
# TS_BOUNDARY_ROOT checks another tree (e.g. an old commit's, to see the suite fail on it).
set -u
top=${TS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
root=${TS_BOUNDARY_ROOT:-$top}

ok() { echo "PASS arch/$1"; }
bad() { echo "FAIL arch/$1: $2"; }

# What names a machine: ELF machine and relocation constants, ptrace/ucontext register layouts
# and their indices, compiler machine macros, register enums, and the raw opcode bytes generic
# code used to compare against (x86 call rel32 0xe8, nop 0x90).
pattern='\bEM_(X86_64|AARCH64|S390|386|ARM|RISCV|PPC64)\b|\bR_(X86_64|AARCH64|390|386|ARM|RISCV|PPC64)_|\bREG_(R[A-Z0-9]+|E[A-Z]+)\b|\buser_regs_struct\b|\buser_pt_regs\b|\buc_mcontext\b|\bgregs\[|__x86_64__|__i386__|__aarch64__|__s390x__|__riscv\b|\b(X86|AARCH64|ARM64|S390X?)_[A-Z0-9_]+|[=!]= *0x(e8|90)\b'

cd "$root" || { bad boundary "no tree at $root"; exit 1; }
hits=$(grep -rnE "$pattern" lib programs --include='*.c' --include='*.h' --include='*.S' 2>/dev/null |
    grep -v '^lib/arch/')
if [ -z "$hits" ]; then
    ok no-machine-names-outside-lib-arch
else
    bad no-machine-names-outside-lib-arch "$(printf '%s\n' "$hits" | wc -l) lines name a machine:"
    printf '%s\n' "$hits" | head -n 40 | sed 's/^/    /'
fi

# inside lib/arch, only the registry and the machine folders: arch.h (the interface) names none
hits=$(grep -nE "$pattern" lib/arch/arch.h 2>/dev/null)
if [ -z "$hits" ]; then ok interface-names-no-machine; else
    bad interface-names-no-machine "lib/arch/arch.h names a machine:"; printf '%s\n' "$hits" | sed 's/^/    /'; fi

# every machine folder defines a descriptor, and the registry lists it
missing=""
for d in lib/arch/*/; do
    [ -d "$d" ] || continue
    names=$(grep -rhoE '^const struct ts_arch ts_arch_[a-z0-9_]+' "$d" 2>/dev/null | awk '{print $4}')
    [ -n "$names" ] || { missing+=" ${d}(no descriptor)"; continue; }
    for n in $names; do
        grep -qE "&$n\b" lib/arch/arch.c || missing+=" $n(not in lib/arch/arch.c)"
    done
done
if [ -z "$missing" ]; then ok registry-lists-every-machine; else bad registry-lists-every-machine "$missing"; fi
