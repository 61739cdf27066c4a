# salient — plain GNU Makefile, dependencies found with pkg-config.
#
#   make            library, CLI (build/salient) and pkg-config file
#   make run        install missing Debian packages, build, run the main job
#   make test       the whole suite: normal build, then ASan+UBSan build
#   make bench      build and run the benchmarks in bench/ (never timed in tests)
#   make SAN=1 ...  the same targets in build-san/ with sanitizers
#   make install    PREFIX=/usr/local

VERSION := 0.1.0
PREFIX  ?= /usr/local
CC      ?= cc

ifeq ($(SAN),1)
BUILD   ?= build-san
OPT     ?= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else
BUILD   ?= build
OPT     ?= -O2 -g
endif

PKGS      := gsl yaml-0.1 sqlite3 libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?=
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) -fopenmp -fPIC \
              -Iinclude -Isrc $(PKG_CFLAGS) -DSAL_VERSION=\"$(VERSION)\" $(CFLAGS)
LDLIBS  := $(PKG_LIBS) -lm -fopenmp $(LDFLAGS)

# Open MPI for 'mpirun -np K build/salient ensemble|calibrate ...': used when pkg-config
# finds it (Debian: libopenmpi-dev), MPI=0 to build without, MPI=1 to insist.
# Only the CLI's ensemble and calibrate commands use it: cli/ensemble_mpi.c
# and cli/calibrate_mpi.c are compiled with it (without, they are one
# process), and the CLI linked with it.
MPI ?= auto
ifneq ($(MPI),0)
MPI_CFLAGS := $(shell pkg-config --cflags ompi-c 2>/dev/null)
MPI_LIBS   := $(shell pkg-config --libs ompi-c 2>/dev/null)
ifeq ($(MPI_LIBS),)
ifeq ($(MPI),1)
$(error MPI=1 but pkg-config finds no ompi-c: install libopenmpi-dev)
endif
else
$(BUILD)/obj/cli/ensemble_mpi.o: ALL_CFLAGS += -DSAL_MPI $(MPI_CFLAGS)
$(BUILD)/obj/cli/calibrate_mpi.o: ALL_CFLAGS += -DSAL_MPI $(MPI_CFLAGS)
$(BUILD)/salient: LDLIBS += $(MPI_LIBS)
endif
endif

LIB_SRC  := $(wildcard src/*/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)

# Files carried inside the binaries (tools/embed.c turns each into a C array):
# the charting library bundled into every report.html, and the report's own
# style and script (src/out/report.css, src/out/report.js), in the library.
# Add a line per file: the symbol, then the file.
EMBED_LIB := sal_chartjs=/usr/share/javascript/chart.js/chart.min.js \
             sal_report_css=src/out/report.css sal_report_js=src/out/report.js \
             sal_report_discover_js=src/out/report_discover.js \
             sal_report_calib_js=src/out/report_calib.js
embed_sym  = $(word 1,$(subst =, ,$(1)))
embed_file = $(word 2,$(subst =, ,$(1)))
LIB_OBJ  += $(foreach e,$(EMBED_LIB),$(BUILD)/gen/$(call embed_sym,$(e)).o)
# The flagship scenario and its theses, in the CLI (the main job, 'salient
# theses' with no file).
EMBED_CLI := sal_flagship_yaml=scenarios/kursk-2024.yaml \
             sal_flagship_theses=scenarios/kursk-2024.theses.yaml \
             sal_flagship_obs=scenarios/kursk-2024.observations.yaml
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  += $(foreach e,$(EMBED_CLI),$(BUILD)/gen/$(call embed_sym,$(e)).o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

LIB      := $(BUILD)/libsalient.a
CLI      := $(BUILD)/salient

.PHONY: all run test tests deps install clean
all: $(LIB) $(CLI) $(BUILD)/salient.pc

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $<

define embed_rule
$(BUILD)/gen/$(call embed_sym,$(1)).c: $(call embed_file,$(1)) $(BUILD)/tools/embed
	@mkdir -p $$(dir $$@)
	$(BUILD)/tools/embed $(call embed_sym,$(1)) $$< $$@
endef
$(foreach e,$(EMBED_LIB) $(EMBED_CLI),$(eval $(call embed_rule,$(e))))

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/salient.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: salient\nDescription: simulate wars with third-state interventions\nVersion: %s\nRequires.private: %s\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lsalient\nLibs.private: -lm -fopenmp\n' \
	  '$(PREFIX)' '$(VERSION)' '$(PKGS)' > $@

tests: $(TESTS) $(CLI) $(BUILD)/tools/dbseal

# A test tool: seals a results database edited by a test (tools/dbseal.c).
$(BUILD)/tools/dbseal: tools/dbseal.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

deps:
	@sh scripts/deps.sh

# The README's first command: the main job.
run: deps
	@$(MAKE) --no-print-directory all
	$(CLI)

# The README's second command: the whole suite, plain and sanitized.
test: deps
	@sh scripts/test.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/salient $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/salient/*.h $(DESTDIR)$(PREFIX)/include/salient/
	install -m 644 $(BUILD)/salient.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Benchmarks (bench/bench_*.c): built and run by hand, never part of the tests.
# bench_speed also runs bench/duel_numpy.py (python3-numpy, checked by
# `scripts/deps.sh bench`).  SPEED_ARGS="SECS REPS" sets its seconds per
# repetition and repetitions (default 0.25 5).
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCHES   := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
SPEED_ARGS ?=
.PHONY: bench bench-deps
bench-deps:
	@sh scripts/deps.sh bench

bench: bench-deps $(BENCHES)
	@for b in $(BENCHES); do echo "== $$b"; \
	  case $$b in *bench_speed) $$b $(SPEED_ARGS);; *) $$b;; esac || exit 1; done

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BENCH_FLAGS) -o $@ $< $(LIB) $(LDLIBS) $(BENCH_LIBS)

# The vectorised duel (bench/duel_simd.h) takes its logs from glibc's vector
# math library, libmvec, where the C library has one.
MVEC_PATH := $(shell $(CC) -print-file-name=libmvec.so 2>/dev/null)
ifneq ($(MVEC_PATH),libmvec.so)
$(BUILD)/bench/bench_speed: BENCH_FLAGS = -DDUEL_MVEC
$(BUILD)/bench/bench_speed: BENCH_LIBS = -lmvec
endif
$(BUILD)/bench/bench_speed: bench/duel_simd.h

# Fuzzing (fuzz/): libFuzzer harnesses built with clang, ASan and UBSan in
# build-fuzz/, then run one after the other for FUZZ_TIME seconds each
# (fuzz/run.sh; FUZZ=harness to run only one).  The library is compiled
# again for them with coverage instrumentation.  `make test` replays the
# regressions and seeds without libFuzzer (tests/test_fuzz_replay.c).
FUZZ_BUILD := build-fuzz
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ       ?= scenario expr battle engine obs
FUZZ_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -O1 -g -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all -fopenmp \
              -Iinclude -Isrc $(PKG_CFLAGS) -DSAL_VERSION=\"$(VERSION)\"
FUZZ_OBJ   := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS  := $(patsubst fuzz/fuzz_%.c,$(FUZZ_BUILD)/fuzz_%,$(wildcard fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/libsalient-fuzz.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libsalient-fuzz.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libsalient-fuzz.a $(LDLIBS)

$(BUILD)/tests/test_fuzz_replay: $(wildcard fuzz/fuzz_*.c)

-include $(FUZZ_OBJ:.o=.d)
