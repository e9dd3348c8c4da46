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

.PHONY: all build test-deps buildkit base-images test vet demo clean fuzz

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

## test: test-deps, then go vet and go test -race with real builds
test: test-deps
	go vet ./...
	go test $(GO_TEST_FLAGS) ./...

## demo: build examples/ml-service single-stage and multi-stage, print both sizes
demo: test-deps build
	scripts/demo.sh

## fuzz: fuzz the Dockerfile parser and every lint rule for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	go test -run='^$$' -fuzz=FuzzLint -fuzztime=$(FUZZTIME) ./pkg/rules/

## clean: remove bin/ (the cache stays; rm -rf $(PLIMSOLL_CACHE) to drop it)
clean:
	rm -rf bin

## docs-images: docs/img/*.png, the markdown reports as a GitHub comment shows them (headless Chromium; run make demo first to refresh compare)
.PHONY: docs-images
docs-images: build
	scripts/screenshots.sh
