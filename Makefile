# plimsoll: `make demo` and `make test` are the two commands of the README.
# Both install what they need first (scripts/test-deps.sh: runc, debootstrap,
# busybox-static from Debian; buildkitd+buildctl built from go.mod's pin;
# local base images), cached under $(PLIMSOLL_CACHE), so a second run is fast.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c

export PLIMSOLL_CACHE ?= $(HOME)/.cache/plimsoll
export GOFLAGS ?= -buildvcs=false
BUILDKIT_VERSION := $(shell go list -m -f '{{.Version}}' github.com/moby/buildkit)
BUILDKIT_BIN := $(PLIMSOLL_CACHE)/buildkit-$(BUILDKIT_VERSION)
# Tests and the demo find the cached buildkitd and buildctl first.
export PATH := $(BUILDKIT_BIN):$(PATH)

GO_TEST_FLAGS ?= -race
# make test also fuzzes each parser for this long (bounded, so CI stays fast).
CI_FUZZTIME ?= 15s

.PHONY: all build test-deps buildkit base-images test vet lint demo clean fuzz bench

all: build

## build: bin/plimsoll
build:
	go build -o bin/plimsoll ./cmd/plimsoll

## test-deps: runc debootstrap busybox-static, buildkitd/buildctl, base images
test-deps:
	scripts/test-deps.sh

buildkit:
	scripts/test-deps.sh buildkit

base-images:
	scripts/test-deps.sh images

## vet: go vet ./...
vet:
	go vet ./...

## lint: golangci-lint (pinned, installed into $(PLIMSOLL_CACHE)/tools when
## missing or another version) with .golangci.yml
GOLANGCI_LINT_VERSION := 2.15.0
GOLANGCI_LINT := $(PLIMSOLL_CACHE)/tools/golangci-lint
LINT_FLAGS ?= --concurrency 2
lint:
	@if [ "$$("$(GOLANGCI_LINT)" version --short 2>/dev/null)" != "$(GOLANGCI_LINT_VERSION)" ]; then \
	  echo "installing golangci-lint v$(GOLANGCI_LINT_VERSION) into $(PLIMSOLL_CACHE)/tools"; \
	  GOBIN="$(PLIMSOLL_CACHE)/tools" GOFLAGS= go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION)"; \
	fi
	"$(GOLANGCI_LINT)" run $(LINT_FLAGS) ./...

## test: test-deps, then go vet and go test -race with real builds
test: test-deps
	go vet ./...
	go test $(GO_TEST_FLAGS) ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(CI_FUZZTIME)

## demo: build examples/ml-service single-stage and multi-stage, print both sizes
demo: test-deps build
	scripts/demo.sh

## fuzz: fuzz the parsers for FUZZTIME each (default 30s): Dockerfile + every
## lint rule, the layer reader, the tree merge, the OCI stream reader
FUZZTIME ?= 30s
FUZZ_TARGETS := FuzzLint:./pkg/rules/ FuzzReadLayer:./pkg/analyze/ FuzzMerge:./pkg/analyze/ FuzzFromOCIStream:./pkg/analyze/
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "go test -run='^$$' -fuzz=^$${t%%:*}$$ -fuzztime=$(FUZZTIME) $${t#*:}"; \
	  go test -run='^$$' -fuzz="^$${t%%:*}$$" -fuzztime=$(FUZZTIME) "$${t#*:}" || exit 1; \
	done

## bench: dive v0.13.1 and plimsoll analyze side by side on generated images
## (scripts/bench-analyze.sh: medians of REPS runs and dive/plimsoll ratios,
## written to $PLIMSOLL_BENCH_DIR/figures.md). The full set is a ~1.2 GB
## image; `make bench SMALL=1` uses the ~8 MB set for a quick run.
## The Go benchmarks (run them one package at a time; medians via benchstat):
##   lint:    go test -run='^$$' -bench=. -count=6 ./pkg/rules/
##   build:   go test -run='^$$' -bench=. -count=6 -timeout=30m ./pkg/buildkit/   (needs make test-deps)
##   analyze: go test -run='^$$' -bench=. -count=6 ./internal/benchgen/ ./pkg/analyze/
bench:
	scripts/bench-analyze.sh

## clean: remove bin/ (the cache stays; rm -rf $(PLIMSOLL_CACHE) to drop it)
clean:
	rm -rf bin

## docs-images: docs/img/*.png, the markdown reports as a GitHub comment shows them (headless Chromium; run make demo first to refresh compare)
.PHONY: docs-images
docs-images: build
	scripts/screenshots.sh
