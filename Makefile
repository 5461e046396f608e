# tsafe: every gate behind `make test`; `make demo` for a first look.
#
# Needs only Rust (rustup) and Node (npm) on the machine: `make deps` installs the pinned Solidity
# toolchain (forge/anvil/cast, solc, OpenZeppelin, forge-std) from package-lock.json.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
FOUNDRY_BIN := $(ROOT)/node_modules/@foundry-rs
# The pinned forge/anvil/cast come first on PATH for every recipe.
export PATH := $(FOUNDRY_BIN)/forge-linux-amd64/bin:$(FOUNDRY_BIN)/anvil-linux-amd64/bin:$(FOUNDRY_BIN)/cast-linux-amd64/bin:$(PATH)

# --- Which solc: one compiler for forge (FOUNDRY_SOLC) and cli/build.rs (TSAFE_SOLC) ---------------
#  1. SOLC=/path/to/solc if given (a bare name is looked up on PATH);
#  2. else a native `solc` on PATH that reports 0.8.37 and is not the shim;
#  3. else the shim over the pinned wasm compiler (toolchain/solc), which foundry.toml and
#     cli/build.rs use by default: then neither variable is passed on, so plain `forge` and
#     `cargo` runs outside make use the same compiler and do not trigger rebuilds.
SOLC_VERSION := 0.8.37
SHIM := $(ROOT)/toolchain/solc
ifneq ($(strip $(SOLC)),)
  SOLC_PATH := $(if $(findstring /,$(SOLC)),$(abspath $(SOLC)),$(shell command -v $(SOLC)))
  ifeq ($(wildcard $(SOLC_PATH)),)
    $(error SOLC=$(SOLC) is neither an existing file nor a command on PATH)
  endif
  SOLC_ORIGIN := SOLC
else
  PATH_SOLC := $(shell command -v solc 2>/dev/null)
  ifneq ($(PATH_SOLC),)
    ifneq ($(realpath $(PATH_SOLC)),$(realpath $(SHIM)))
      ifeq ($(shell grep -qs 'solc shim' '$(PATH_SOLC)' && echo shim),)
        ifneq ($(findstring Version: $(SOLC_VERSION)+,$(shell '$(PATH_SOLC)' --version 2>/dev/null)),)
          SOLC_PATH := $(PATH_SOLC)
          SOLC_ORIGIN := native solc $(SOLC_VERSION) on PATH
        endif
      endif
    endif
  endif
endif
ifneq ($(SOLC_PATH),)
  export FOUNDRY_SOLC := $(SOLC_PATH)
  export TSAFE_SOLC := $(SOLC_PATH)
else
  SOLC_PATH := $(SHIM)
  SOLC_ORIGIN := shim over the pinned wasm solc
  unexport FOUNDRY_SOLC TSAFE_SOLC SOLC
endif

DEPS_STAMP := node_modules/.tsafe-deps

.PHONY: help deps build demo test solc-info bench gas gas-snapshot

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

# npm ci only when node_modules is missing or older than package-lock.json (idempotent).
# .npmrc counts too: it sets how npm resolves the lock (legacy-peer-deps).
deps: $(DEPS_STAMP) ## Install the pinned Solidity toolchain (npm ci) if needed.
$(DEPS_STAMP): package-lock.json package.json .npmrc
	npm ci --no-audit --no-fund
	@touch $@

solc-info: ## Show which solc forge and the CLI build use.
	@echo "solc: $(SOLC_PATH) ($(SOLC_ORIGIN))"

build: deps solc-info ## Build the contracts (forge) and the CLI (cargo, dev profile).
	forge build --sizes
	cargo build --locked

# Dev profile on purpose: `make test` reuses the same build instead of a second cold one.
demo: deps ## Run the narrated demo (tsafe demo) on a throwaway local anvil.
	cargo run --locked --bin tsafe -- demo

# Every gate, in order. cargo test stays last so its summary closes the log: doc tests run
# first, so the closing line is the integration tests' summary, not an empty doc-test run.
test: deps solc-info ## Run every gate: formatting, sizes, forge tests, shim tests, clippy, cargo tests.
	forge fmt --check
	forge build --sizes
	FOUNDRY_PROFILE=ci forge test --gas-snapshot-check=true
	node --test toolchain/solc.test.js
	cargo fmt --all --check
	cargo clippy --locked --workspace --all-targets -- -D warnings
	cargo test --locked --workspace --doc
	cargo test --locked --workspace --all-targets

# Light on CPU: one forge build (cached), one anvil, one node process.
bench: deps ## Gas of tsafe beside Safe 1.4.1/1.5.0 + OZ TimelockController on a fresh anvil (writes bench/RESULTS.md).
	node bench/bench.js --breakdown --out bench/RESULTS.md

gas: bench ## Alias of bench.

gas-snapshot: deps ## Rewrite snapshots/flows.json after an intended gas change.
	forge test --match-path 'test/gas/*' --gas-snapshot-check=false
