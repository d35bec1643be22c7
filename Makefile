# shq — build, install, test, benchmark.
#   make install   installs missing system packages (as root; otherwise prints the apt command),
#                  builds a release binary and installs it into $(PREFIX)/bin (default ~/.local/bin).
#   make test      builds once (debug, with tests) and runs every suite, terminal scenarios included.
#   make bench     builds release and writes Docs/benchmarks.md.

PREFIX ?= $(HOME)/.local
BINDIR ?= $(PREFIX)/bin
SWIFT ?= swift
# Everything the build, the tests and the benchmarks need from Debian.
APT_PACKAGES := pkg-config libsqlite3-dev libzstd-dev sqlite3 tmux zsh hyperfine python3-venv
# Release: Swift runtime linked statically (start-up ~3 ms instead of ~9 ms, no runtime to install).
RELEASE_FLAGS := -c release --static-swift-stdlib
RELEASE_BIN = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/shq

.PHONY: all build deps install test bench clean

all: build

# Installs what is missing. As root (CI, containers) it runs apt-get; otherwise it prints the command.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || exit 1; \
	  else \
	    echo "missing system packages; run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

install: build
	install -d $(BINDIR)
	install -m 0755 $(RELEASE_BIN) $(BINDIR)/shq
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "note: add $(BINDIR) to your PATH";; esac
	@echo "installed $(BINDIR)/shq — try: shq save -c 'echo hello' && shq history"

# One debug build (sources and tests), then all suites against it. The terminal scenarios drive
# .build/debug/shq through tmux.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build $(RELEASE_FLAGS)
	SHQ_BIN=$(RELEASE_BIN) bash bench/run.sh

clean:
	rm -rf .build
