# trustack - build the library (static + shared + pkg-config), the CLI, and run the tests.
#
#   make                 build into build/ (CC=clang works too)
#   make test-fast       build, then the fast tier (seeded, cli, lib suites): the inner loop
#   make check           build, run the test suite, then again under ASan+UBSan
#   make install         PREFIX=/usr/local DESTDIR=
#   make SAN=1           sanitizer build into build-san/
#   make TSAN=1          ThreadSanitizer build into build-tsan/ (make check-tsan runs suites with it)
CC      ?= cc
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
VERSION := 0.1.0

ifeq ($(SAN),1)
B       ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1 -g
else ifeq ($(TSAN),1)
B       ?= build-tsan
SANFLAGS := -fsanitize=thread
OPT     := -O1 -g
else
B       ?= build
SANFLAGS :=
OPT     ?= -O2 -g
endif

CFLAGS  ?=
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALLCFLAGS := -std=gnu11 $(OPT) $(WARN) -fPIC -pthread -Iinclude $(SANFLAGS) $(CFLAGS)
# The library is sealed: only TRUSTACK_API (include/trustack.h) has default visibility, and the
# version script exports trustack_* alone from libtrustack.so (tests/lib/suite_sealed.sh).
# programs/ sees include/ only: the CLI is a client of the public API like any other. The one
# exception is lib/common/vec.h, the growable arrays: header-only (static inline, system headers
# only), so it reaches nothing of the library; the CLI grows its arrays the same way.
CLICFLAGS := $(ALLCFLAGS) -Ilib/common
LIBCFLAGS := $(ALLCFLAGS) -Ilib -fvisibility=hidden
# libzstd: zstd-compressed core files (lib/proc/core_zstd.c, reached only from
# trustack_proc__open_core, so static users of libtrustack.a that open no core need not link it)
LIBS    := -lelf -ldw -lZydis -lzstd -lpthread
# The CLI links elfutils and its compression libraries statically when their archives are
# installed: loading them at every start was 0.3 of the 6 million instructions of a warm
# `trustack stacks` (--version: 1.05 -> 0.74 ms). STATIC_ELFUTILS=0 links them dynamically.
STATIC_ELFUTILS ?= $(shell for a in libdw.a libelf.a libz.a liblzma.a libbz2.a libzstd.a; do \
	f=$$($(CC) -print-file-name=$$a); [ -f "$$f" ] || exit 0; done; echo 1)
ifeq ($(STATIC_ELFUTILS),1)
CLI_LIBS := -Wl,-Bstatic -ldw -lelf -lz -llzma -lbz2 -lzstd -Wl,-Bdynamic -lZydis -lpthread
else
CLI_LIBS := $(LIBS)
endif

LIB_SRC := $(wildcard lib/*/*.c lib/arch/*/*.c)
# Zydis decodes x86-64 for the analysis. A build for another machine (a cross build for arm64:
# make CC=aarch64-linux-gnu-gcc B=build-a64) leaves the x86-64 decoder out by default: x86-64
# files are then read but not analysed, and Zydis is not needed. ZYDIS=1 or 0 overrides.
ZYDIS ?= $(if $(filter x86_64-%,$(shell $(CC) -dumpmachine)),1,0)
ifeq ($(ZYDIS),0)
LIB_SRC := $(filter-out lib/arch/x86/decode.c lib/arch/x86/decode_fast.c,$(LIB_SRC))
LIBCFLAGS += -DTS_NO_ZYDIS
LIBS := $(filter-out -lZydis,$(LIBS))
CLI_LIBS := $(filter-out -lZydis,$(CLI_LIBS))
endif
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_SRC := $(wildcard programs/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)

all: $(B)/trustack $(B)/libtrustack.a $(B)/libtrustack.so $(B)/trustack.pc

HDRS := $(wildcard include/*.h lib/*/*.h lib/arch/*.h lib/arch/*/*.h programs/*.h)

$(B)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIBCFLAGS) -c $< -o $@

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CLICFLAGS) -c $< -o $@

# Made anew each time: `ar r` into an existing archive keeps the members of deleted or renamed
# sources, which then clash with their successors at link time.
$(B)/libtrustack.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/libtrustack.so: $(LIB_OBJ) lib/libtrustack.map
	$(CC) $(ALLCFLAGS) -shared -Wl,-soname,libtrustack.so.0 -Wl,--version-script=lib/libtrustack.map \
		-o $@ $(LIB_OBJ) $(LIBS)

$(B)/trustack: $(CLI_OBJ) $(B)/libtrustack.a
	$(CC) $(ALLCFLAGS) -o $@ $(CLI_OBJ) $(B)/libtrustack.a $(CLI_LIBS)

$(B)/trustack.pc: Makefile
	@mkdir -p $(B)
	printf 'prefix=%s\nlibdir=%s\nincludedir=%s/include\n\nName: trustack\nDescription: trustworthy stack traces: stack analysis and reliable unwinding\nVersion: %s\nLibs: -L$${libdir} -ltrustack\nLibs.private: -lelf -ldw -lZydis -lzstd -lpthread\nCflags: -I$${includedir}\n' \
		'$(PREFIX)' '$(LIBDIR)' '$(PREFIX)' '$(VERSION)' > $@

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(B)/trustack $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(B)/libtrustack.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(B)/libtrustack.so $(DESTDIR)$(LIBDIR)/libtrustack.so.$(VERSION)
	ln -sf libtrustack.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libtrustack.so.0
	ln -sf libtrustack.so.0 $(DESTDIR)$(LIBDIR)/libtrustack.so
	install -m 644 include/trustack.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(B)/trustack.pc $(DESTDIR)$(LIBDIR)/pkgconfig/

# The inner loop (README "Tests" has its measured time): the build, the seeded cases, the
# CLI contract and the library's unit, boundary and module tests.
FAST_SUITES := */@(seeded|cli|lib)/suite_*.sh

test-fast: all
	TS_QUICK=1 TS_ONLY='$(FAST_SUITES)' bash tests/run.sh

check: all
	bash tests/run.sh
	$(MAKE) SAN=1 all
	TRUSTACK=$(CURDIR)/build-san/trustack TS_WORK=$(CURDIR)/build-san/test-work TS_QUICK=1 TS_SAN=1 bash tests/run.sh

# ThreadSanitizer over the suites that run the analysis on threads (tests/seeded holds the
# determinism suite). Not part of check: a TSAN process starts slowly, this takes 10+ minutes.
# The unwind suite is left out: TSAN delivers asynchronous signals at points of its own, so its
# signal cases (the interrupted context's unwind) cannot pass; run it with TS_TSAN=1 by hand
# for the rest (tests/unwind/suite_unwind.sh).
check-tsan:
	$(MAKE) TSAN=1 all
	for s in seeded cli corpus; do \
		TRUSTACK=$(CURDIR)/build-tsan/trustack TS_WORK=$(CURDIR)/build-tsan/test-work TS_QUICK=1 TS_TSAN=1 \
		TSAN_OPTIONS=halt_on_error=1 TS_ONLY="*/$$s/*" bash tests/run.sh || exit 1; done

clean:
	rm -rf build build-san build-tsan

.PHONY: all install check check-tsan test-fast clean verify-full

# verify-unwind over every test program in every variant (gcc/clang, -O0..-O3, FP or not):
# tens of millions of single-stepped points, ~30-60 minutes on 2 cores (make check runs a subset)
verify-full: all
	VERIFY_FULL=1 TS_ONLY='*/unwind/suite_verify.sh' bash tests/run.sh

# ---- fuzzing (tests/fuzz/README.md) -------------------------------------------------------------
# make fuzz: the libFuzzer targets build-fuzz/fuzz_<name> (clang with libclang-rt-14-dev), one per
# tests/fuzz/fuzz_<name>.c. The lib sources are compiled once into build-fuzz/obj/ with ASan+UBSan
# and coverage (no libFuzzer main), then linked into each target. Separate from build/, build-san/.
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -fsanitize=address,undefined -fno-sanitize-recover=undefined -g -O1 -pthread \
		-Iinclude -Ilib
FUZZ_LIB_OBJ := $(patsubst %.c,build-fuzz/obj/%.o,$(wildcard lib/*/*.c lib/arch/*/*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,build-fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HDRS    := $(wildcard include/*.h lib/*/*.h lib/arch/*.h tests/fuzz/*.h)

fuzz: $(FUZZ_TARGETS)

build-fuzz/obj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(FUZZ_HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) -lelf -ldw -lZydis -lzstd -lpthread

.PHONY: fuzz
