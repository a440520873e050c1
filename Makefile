# pxacl developer targets. Only Go is needed: `make opa` builds the OPA CLI
# pinned in go.mod into ./bin.

GO       ?= go
BIN      := $(CURDIR)/bin
OPA      := $(BIN)/opa
PXACL    := bin/pxacl --config-dir examples/pbs
# Fuzz budgets are execution counts, not durations: Go 1.26's coordinator can
# report a spurious "context deadline exceeded" when a duration runs out
# (golang/go#75804, fixed in Go 1.27), and a count has no deadline.
FUZZTIME ?= 100000x
FUZZTIME_NATIVE ?= 3000x
# FuzzDiff applies every patch with OPA's own bundle activation: fewer runs.
FUZZTIME_DIFF ?= 20000x
# opa test's default per-test timeout (5 s) is hit on a busy machine under
# --coverage (eval_cancel_error: context deadline exceeded); a test that is
# really stuck still fails, after this long.
OPA_TEST_TIMEOUT ?= 10m

# the OPA release the Go module depends on (e.g. v1.22.2); evaluated lazily
OPA_VERSION = $(shell $(GO) list -m -f '{{.Version}}' github.com/open-policy-agent/opa)

.PHONY: all build run opa test bench fmt lint

all: build

build:
	@# -buildvcs=auto records the commit for `pxacl --version` even where GOFLAGS turns it off
	$(GO) build -buildvcs=auto -o bin/pxacl ./cmd/pxacl

run: build
	$(PXACL) user permissions john@pbs
	$(PXACL) user permissions 'john@pbs!client1' --path /datastore/store1
	$(PXACL) check 'pve-backup-user@pbs!pve-node-01' /datastore/store1 Datastore.Prune || true
	$(PXACL) explain 'john@pbs!client1' /datastore/store1/ns1 Datastore.Backup
	$(PXACL) bundle build -o bin/pxacl.tar.gz

opa:
	@v='$(OPA_VERSION)'; \
	if [ -z "$$v" ]; then echo 'cannot read the OPA version from go.mod' >&2; exit 1; fi; \
	if [ -x '$(OPA)' ] && '$(OPA)' version 2>/dev/null | grep -qx "Version: $${v#v}"; then \
		echo "bin/opa $$v is up to date"; \
	else \
		echo "installing OPA $$v into bin/"; \
		GOBIN='$(BIN)' $(GO) install "github.com/open-policy-agent/opa@$$v"; \
	fi

test: opa
	$(GO) vet ./...
	$(OPA) fmt --list --fail policies tests/examples policytest/testdata/rego
	$(OPA) check --strict policies tests/examples policytest/testdata/rego
	$(OPA) test policies --timeout $(OPA_TEST_TIMEOUT)
	@# coverage of the Rego policies and their tests (fails below 95%)
	$(OPA) test policies --timeout $(OPA_TEST_TIMEOUT) --coverage --threshold 95 > bin/rego-coverage.json
	@grep '"coverage"' bin/rego-coverage.json | tail -1
	PXACL_OPA=$(OPA) $(GO) test ./...
	$(GO) test -run='^$$' -fuzz='^FuzzParseUserCfg$$' -fuzztime=$(FUZZTIME) ./config/pbs
	$(GO) test -run='^$$' -fuzz='^FuzzParseACLCfg$$' -fuzztime=$(FUZZTIME) ./config/pbs
	$(GO) test -run='^$$' -fuzz='^FuzzParseDomainsCfg$$' -fuzztime=$(FUZZTIME) ./config/pbs
	$(GO) test -run='^$$' -fuzz='^FuzzAuthid$$' -fuzztime=$(FUZZTIME) ./authid
	$(GO) test -run='^$$' -fuzz='^FuzzParsePVEUserCfg$$' -fuzztime=$(FUZZTIME) ./config/pve
	$(GO) test -run='^$$' -fuzz='^FuzzNativeMatchesRego$$' -fuzztime=$(FUZZTIME_NATIVE) ./evaluator/native
	$(GO) test -run='^$$' -fuzz='^FuzzParseTFA$$' -fuzztime=$(FUZZTIME) ./tfa
	$(GO) test -run='^$$' -fuzz='^FuzzParseURI$$' -fuzztime=$(FUZZTIME) ./tfa
	$(GO) test -run='^$$' -fuzz='^FuzzValue$$' -fuzztime=$(FUZZTIME) ./internal/safetext
	$(GO) test -run='^$$' -fuzz='^FuzzValidate$$' -fuzztime=$(FUZZTIME) ./pveexpr
	$(GO) test -run='^$$' -fuzz='^FuzzDotted$$' -fuzztime=$(FUZZTIME) ./aclpath
	$(GO) test -run='^$$' -fuzz='^FuzzParsePVEDomainsCfg$$' -fuzztime=$(FUZZTIME) ./config/pve
	$(GO) test -run='^$$' -fuzz='^FuzzTokenCfg$$' -fuzztime=$(FUZZTIME) ./config/pve/store
	$(GO) test -run='^$$' -fuzz='^FuzzParseCounters$$' -fuzztime=$(FUZZTIME) ./tfa
	$(GO) test -run='^$$' -fuzz='^FuzzDiff$$' -fuzztime=$(FUZZTIME_DIFF) ./bundle/delta

bench: build opa
	$(GO) test -run='^$$' -bench=. -benchtime=2s ./evaluator ./bundle
	$(GO) test -run='^$$' -bench=BenchmarkWhoCan -benchtime=20x -benchmem ./whocan
	OPA=$(OPA) PXACL=bin/pxacl scripts/bench-opa.sh
	OPA=$(OPA) PXACL=bin/pxacl scripts/bench-floor.sh
	@if command -v wrk > /dev/null; then PXACL=bin/pxacl scripts/bench-serve.sh; else echo "skipping scripts/bench-serve.sh: wrk not installed (apt-get install wrk)"; fi

fmt: opa
	gofmt -w .
	$(OPA) fmt -w policies tests/examples policytest/testdata/rego

lint: opa
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...
	$(OPA) check --strict policies
