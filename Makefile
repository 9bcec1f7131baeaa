# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# xsteer: everything builds out of tree, under $(BUILD).

BUILD     ?= build
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
PKGS      := libxdp libbpf libelf zlib json-c libmnl inih libcap libcurl
ARCH_INC  := /usr/include/$(shell $(CC) -dumpmachine)

CFLAGS    ?= -O2 -g
# includes name their room: "xdp/xs_shared.h", "afxdp/srv6.h" (-I.),
# "lib/log.h", "daemon/controller.h", "cli/cmd.h" (-Ictl)
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
             -I$(BUILD) -I. -Ictl
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -Wall -Werror -Ixdp -I$(ARCH_INC)

PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
# xsteer-netns looks for cgmark.bpf.o in /usr/local/lib/xsteer and
# /usr/lib/xsteer (another PREFIX needs its --cgmark-obj)
LIBDIR    ?= $(PREFIX)/lib/xsteer
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/xsteer
# systemd reads units from /usr/local/lib/systemd/system and /usr/lib/...
UNITDIR   ?= $(PREFIX)/lib/systemd/system
# bash-completion reads $XDG_DATA_DIRS/bash-completion/completions
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

BPF_HDRS  := $(wildcard xdp/*.h)
# ctl/ has four rooms: cli/ (one file per command), daemon/ (the
# controller), lib/ (what both use), fleet/ (fleet mode's etcd side)
CTL_SRCS  := $(wildcard ctl/*/*.c)
CTL_HDRS  := $(wildcard ctl/*/*.h)
CTL_OBJS  := $(CTL_SRCS:%.c=$(BUILD)/%.o)
AFX_SRCS  := $(wildcard afxdp/*.c)
AFX_OBJS  := $(AFX_SRCS:%.c=$(BUILD)/%.o)
# objects shared with the tests (everything but the entry point)
LIB_OBJS  := $(filter-out $(BUILD)/ctl/cli/main.o,$(CTL_OBJS)) $(AFX_OBJS)

UNIT_SRCS := $(wildcard tests/unit/*.c)
BPFT_SRCS := $(wildcard tests/bpf/*.c)
TESTLIB   := $(wildcard tests/lib/*.c)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean deps check-deps test tests install uninstall bench bench-xdp bench-srv6 \
	bench-detect bench-scale bench-hot demo demo-fleet fuzz

all: check-deps $(BUILD)/xsteer $(BUILD)/netns/cgmark.bpf.o

check-deps:
	@scripts/install-deps --check

deps:
	scripts/install-deps

# A BPF object must not reach glibc's headers: -target bpf is neither of
# glibc's ABIs, so a machine without 32-bit libc headers fails on
# gnu/stubs-32.h. The dependency list clang writes is checked every build.
define bpf_compile
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MD -MF $@.d -c $< -o $@
	@if grep -qE '/(sys|gnu|bits)/|features\.h' $@.d; then \
		echo "$<: includes glibc headers (BPF code may use only standalone UAPI headers):" >&2; \
		tr ' ' '\n' < $@.d | grep -E '/(sys|gnu|bits)/|features\.h' | sed 's/^/  /' >&2; \
		rm -f $@; exit 1; fi
endef

$(BUILD)/xdp/%.bpf.o: xdp/%.bpf.c $(BPF_HDRS)
	$(bpf_compile)

# cgroup/sock_create program netns/xsteer-netns attaches for --match cgroup=
$(BUILD)/netns/cgmark.bpf.o: netns/cgmark.bpf.c
	$(bpf_compile)

$(BUILD)/%.skel.h: $(BUILD)/xdp/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .skel.h,,$(@F))_bpf > $@

$(BUILD)/ctl/%.o: ctl/%.c $(CTL_HDRS) $(BPF_HDRS) $(wildcard afxdp/*.h) $(BUILD)/xsteer.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/afxdp/%.o: afxdp/%.c $(wildcard afxdp/*.h) $(BPF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c $(CTL_HDRS) $(wildcard afxdp/*.h tests/lib/*.h) $(BPF_HDRS) $(BUILD)/xsteer.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/lib -c $< -o $@

$(BUILD)/xsteer: $(CTL_OBJS) $(AFX_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/unit-tests: $(UNIT_SRCS:%.c=$(BUILD)/%.o) $(TESTLIB:%.c=$(BUILD)/%.o) $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcriterion

$(BUILD)/tests/bpf-tests: $(BPFT_SRCS:%.c=$(BUILD)/%.o) $(TESTLIB:%.c=$(BUILD)/%.o) $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcriterion

# libFuzzer target: the SRv6 engine and the ICMP builder compiled straight in,
# with ASan and UBSan (see the top of tests/fuzz/fuzz_srv6.c)
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(BUILD)/tests/fuzz-srv6: tests/fuzz/fuzz_srv6.c afxdp/srv6.c afxdp/icmp.c afxdp/srv6.h afxdp/icmp.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. \
		$(filter %.c,$^) -o $@

# libFuzzer target: the real XDP program through BPF_PROG_TEST_RUN (root),
# checked against the harness's own parse (see the top of tests/fuzz/fuzz_xdp.c)
$(BUILD)/tests/fuzz-xdp: tests/fuzz/fuzz_xdp.c $(BUILD)/xsteer.skel.h $(BPF_HDRS) tests/lib/xdp_world.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(BUILD) -Ixdp \
		$(filter %.c,$^) -o $@ $(LDLIBS)

# the config parser (with the libinih it drives) and the control protocol's
# request handler (with the daemon code it reaches), also compiled straight in
FUZZ_CC := $(CLANG) $(FUZZ_FLAGS) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(BUILD) -I. -Ictl

$(BUILD)/tests/fuzz-config: tests/fuzz/fuzz_config.c ctl/lib/config.c ctl/lib/cfgfile.c ctl/lib/cfgkey.c ctl/lib/cfgcheck.c \
		ctl/lib/parse.c afxdp/srv6.c \
		$(CTL_HDRS) $(BPF_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter %.c,$^) -o $@ $(LDLIBS)

$(BUILD)/tests/fuzz-api: tests/fuzz/fuzz_api.c $(wildcard ctl/lib/*.c ctl/daemon/*.c ctl/fleet/*.c) $(AFX_SRCS) \
		$(CTL_HDRS) $(BPF_HDRS) $(BUILD)/xsteer.skel.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter %.c,$^) -o $@ $(LDLIBS)

FUZZ_TARGETS := srv6 xdp config api
FUZZ_SECS ?= 600

tests: all $(BUILD)/tests/unit-tests $(BUILD)/tests/bpf-tests \
		$(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz-%) \
		$(BUILD)/tests/tc-drop.bpf.o $(BUILD)/tests/tc-ce.bpf.o $(BUILD)/tests/etcd-check \
		$(BUILD)/tests/bench-scale-helper

# tests/ns/test-etcd's driver: the etcd client against a real etcd
$(BUILD)/tests/etcd-check: $(BUILD)/tests/fleet/etcd_check.o $(BUILD)/ctl/fleet/etcd.o \
		$(BUILD)/ctl/fleet/etcd_http.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# tc programs of tests/ns/test-congestion: a lossy link, a CE-marking router
$(BUILD)/tests/tc-drop.bpf.o $(BUILD)/tests/tc-ce.bpf.o: $(BUILD)/tests/%.bpf.o: tests/ns/%.bpf.c
	$(bpf_compile)

# Installs what is missing (root), builds, runs every suite; goes on after
# a failure and fails at the end if any did.
test: deps
	$(MAKE) tests
	BUILD=$(BUILD) XS_STRICT=1 tests/run-all

# Long fuzz runs, one target after the other (FUZZ_SECS each, default 600;
# `make fuzz FUZZ_TARGETS=config` for one); the corpus grows under $(BUILD).
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz-%)
	@for t in $(FUZZ_TARGETS); do \
		seeds=tests/fuzz/seeds-$$t; [ -d $$seeds ] || seeds=tests/fuzz/seeds; \
		mkdir -p $(BUILD)/fuzz-corpus/$$t; \
		echo "=== fuzz-$$t, $(FUZZ_SECS) s"; \
		$(BUILD)/tests/fuzz-$$t -max_total_time=$(FUZZ_SECS) -rss_limit_mb=2048 -print_final_stats=1 \
			$$( [ $$t = xdp ] && echo -max_len=1515 ) \
			-artifact_prefix=$(BUILD)/fuzz-$$t- $(BUILD)/fuzz-corpus/$$t $$seeds || exit 1; \
	done

# The README's first command: installs what is missing, builds, runs the demo.
demo: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/demo $(DEMO_ARGS)

# Fleet mode: two hosts, with and without etcd's shared view (scripts/demo-fleet).
demo-fleet: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/demo-fleet $(DEMO_ARGS)

# every benchmark, one after the other (never in parallel: they measure CPU)
bench: all $(BUILD)/tests/bpf-stats-hold $(BUILD)/tests/xdp-pass.bpf.o $(BUILD)/tests/xdp-redirect.bpf.o \
		$(BUILD)/tests/xdp-count-drop.bpf.o $(BUILD)/tests/bench-detect \
		$(BUILD)/tests/bench-scale-helper
	BUILD=$(BUILD) tests/bench/bench-xdp
	BUILD=$(BUILD) tests/bench/bench-srv6
	BUILD=$(BUILD) tests/bench/bench-detect
	BUILD=$(BUILD) tests/bench/bench-scale

bench-xdp: all $(BUILD)/tests/bpf-stats-hold $(BUILD)/tests/xdp-pass.bpf.o $(BUILD)/tests/xdp-redirect.bpf.o
	BUILD=$(BUILD) tests/bench/bench-xdp

bench-srv6: all $(BUILD)/tests/xdp-count-drop.bpf.o
	BUILD=$(BUILD) tests/bench/bench-srv6

# heavy-hitter detection of the XDP program over synthetic traces (issue 12)
bench-detect: all $(BUILD)/tests/bench-detect
	BUILD=$(BUILD) tests/bench/bench-detect

# the program's cost per packet with hot caches (BPF_PROG_TEST_RUN)
bench-hot: all $(BUILD)/tests/bench-hot $(BUILD)/tests/xdp-pass.bpf.o
	$(BUILD)/tests/bench-hot $(BUILD)/tests/xdp-pass.bpf.o

# the controller with 10k/100k/1M flows in its pinned flow map (issue 12)
bench-scale: all $(BUILD)/tests/bench-scale-helper
	BUILD=$(BUILD) tests/bench/bench-scale

$(BUILD)/tests/bench-detect: $(BUILD)/tests/bench/bench-detect.o $(TESTLIB:%.c=$(BUILD)/%.o)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lm

$(BUILD)/tests/bench-hot: $(BUILD)/tests/bench/bench-hot.o $(TESTLIB:%.c=$(BUILD)/%.o)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/bench-scale-helper: $(BUILD)/tests/bench/bench-scale-helper.o
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/bpf-stats-hold: tests/bench/bpf-stats-hold.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

$(BUILD)/tests/xdp-pass.bpf.o $(BUILD)/tests/xdp-count-drop.bpf.o $(BUILD)/tests/xdp-redirect.bpf.o: \
		$(BUILD)/tests/%.bpf.o: tests/bench/%.bpf.c
	$(bpf_compile)

# DESTDIR stages the tree (packaging); the unit names the final $(SBINDIR).
# After a real install: systemctl daemon-reload.
install: all
	install -D -m 0755 $(BUILD)/xsteer $(DESTDIR)$(SBINDIR)/xsteer
	install -D -m 0755 netns/xsteer-netns $(DESTDIR)$(SBINDIR)/xsteer-netns
	install -D -m 0644 $(BUILD)/netns/cgmark.bpf.o $(DESTDIR)$(LIBDIR)/cgmark.bpf.o
	install -D -m 0644 man/xsteer.8 $(DESTDIR)$(MANDIR)/man8/xsteer.8
	install -D -m 0644 man/xsteer-netns.8 $(DESTDIR)$(MANDIR)/man8/xsteer-netns.8
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/xsteer@.service > $(DESTDIR)$(UNITDIR)/xsteer@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/xsteer@.service
	install -D -m 0644 completion/xsteer.bash $(DESTDIR)$(BASHCOMPDIR)/xsteer
	install -D -m 0644 docs/xsteer.conf.example $(DESTDIR)$(DOCDIR)/xsteer.conf.example
	install -D -m 0644 systemd/xsteer.env.example $(DESTDIR)$(DOCDIR)/xsteer.env.example

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/xsteer $(DESTDIR)$(SBINDIR)/xsteer-netns \
		$(DESTDIR)$(LIBDIR)/cgmark.bpf.o \
		$(DESTDIR)$(MANDIR)/man8/xsteer.8 $(DESTDIR)$(MANDIR)/man8/xsteer-netns.8 \
		$(DESTDIR)$(UNITDIR)/xsteer@.service $(DESTDIR)$(BASHCOMPDIR)/xsteer \
		$(DESTDIR)$(DOCDIR)/xsteer.conf.example $(DESTDIR)$(DOCDIR)/xsteer.env.example
	for d in $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR); do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d"; done

clean:
	rm -rf $(BUILD)
