/* zydis_decode: the decode-only baseline for bench/run.sh, part B.
 *
 * Opens an ELF file with libelf, finds .text and decodes it linearly from start to end with
 * ZydisDecoderDecodeFull (64-bit long mode, 64-bit stack width: every operand decoded, as an
 * analyser needs them). On a decode failure it skips one byte. Prints the instruction count,
 * the number of failures, the .text size and the seconds spent in the decode loop alone
 * (CLOCK_MONOTONIC; reading the file is not included).
 *
 * Build: cc -O2 bench/zydis_decode.c -lZydis -lelf
 * Usage: zydis_decode FILE
 * Output (one line): instructions=N failures=N text_bytes=N decode_seconds=S
 */
#define _POSIX_C_SOURCE 200809L
#include <Zydis/Zydis.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(stderr, "zydis_decode: libelf: %s\n", elf_errmsg(-1));
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    size_t shstrndx;
    if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        fprintf(stderr, "zydis_decode: %s: not an ELF file: %s\n", argv[1], elf_errmsg(-1));
        return 2;
    }
    const uint8_t *text = NULL;
    size_t text_size = 0;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name || strcmp(name, ".text") != 0 || sh.sh_type != SHT_PROGBITS)
            continue;
        Elf_Data *d = elf_rawdata(scn, NULL);
        if (!d || !d->d_buf) {
            fprintf(stderr, "zydis_decode: %s: cannot read .text: %s\n", argv[1], elf_errmsg(-1));
            return 2;
        }
        text = d->d_buf;
        text_size = d->d_size;
        break;
    }
    if (!text) {
        fprintf(stderr, "zydis_decode: %s: no .text section\n", argv[1]);
        return 2;
    }
    /* Touch every page first so that the timed loop measures decoding, not page faults
     * (trustack's figure includes its own reading of the file; the decode-only baseline
     * is meant to be the cheapest conceivable pass). */
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < text_size; i += 4096)
        sink ^= text[i];
    (void)sink;

    ZydisDecoder dec;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64))) {
        fprintf(stderr, "zydis_decode: ZydisDecoderInit failed\n");
        return 2;
    }
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    uint64_t count = 0, failures = 0, len_sum = 0;
    size_t off = 0;
    double t0 = now();
    while (off < text_size) {
        if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, text + off, text_size - off, &insn, ops))) {
            count++;
            len_sum += insn.length;
            off += insn.length;
        } else {
            failures++;
            off++;
        }
    }
    double t1 = now();
    printf("instructions=%llu failures=%llu text_bytes=%zu decode_seconds=%.4f\n",
           (unsigned long long)count, (unsigned long long)failures, text_size, t1 - t0);
    if (len_sum + failures != text_size)
        fprintf(stderr, "zydis_decode: internal: lengths do not add up\n");
    elf_end(elf);
    close(fd);
    return 0;
}
