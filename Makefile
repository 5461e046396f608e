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

.PHONY: help deps venv build demo test solc-info slither halmos halmos-long coverage coverage-contracts coverage-cli mutate bench gas gas-snapshot storage-layout

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

# npm ci only when node_modules is missing or older than package-lock.json (idempotent).
# .npmrc counts too: it sets how npm resolves the lock (legacy-peer-deps).
deps: $(DEPS_STAMP) ## Install the pinned Solidity toolchain (npm ci) if needed.
# A node_modules that is a symlink (a git worktree sharing another checkout's toolchain) is never
# reinstalled from here: npm ci would empty the directory it points to, under the other checkout's feet.
$(DEPS_STAMP): package-lock.json package.json .npmrc
	@if [ -L node_modules ]; then \
	  echo "node_modules is a symlink to $$(readlink node_modules): not running npm ci through it;" \
	    "run make deps in that checkout, or replace the link with a directory" >&2; \
	  test -e $@; \
	else \
	  echo "npm ci --no-audit --no-fund"; npm ci --no-audit --no-fund && touch $@; \
	fi

# The verification tools (slither, halmos) live in a project-local virtual environment, pinned with every
# dependency in requirements-verify.txt; recreated only when that file changes (idempotent).
PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.tsafe-verify
# A .venv that is a symlink (a git worktree sharing another checkout's tools) is used as it is, never recreated
# from here (as for node_modules above): a checkout whose requirements-verify.txt is newer than the stamp would
# otherwise delete the link and install a second environment.
venv: $(VENV_STAMP) ## Create .venv/ with the pinned slither and halmos (pip) if needed.
$(VENV_STAMP): requirements-verify.txt
	@if [ -L $(VENV) ]; then \
	  echo "$(VENV) is a symlink to $$(readlink $(VENV)): not recreating it; run make venv in that checkout" >&2; \
	  test -e $@; \
	else \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) \
	    && $(VENV)/bin/pip install --quiet --disable-pip-version-check --requirement requirements-verify.txt \
	    && touch $@; \
	fi

solc-info: ## Show which solc forge and the CLI build use.
	@echo "solc: $(SOLC_PATH) ($(SOLC_ORIGIN))"

build: deps solc-info ## Build the contracts (forge) and the CLI (cargo, dev profile).
	forge build --sizes
	cargo build --locked

# Dev profile on purpose: `make test` reuses the same build instead of a second cold one.
demo: deps ## Run the narrated demo (tsafe demo) on a throwaway local anvil.
	cargo run --locked --bin tsafe -- demo

# Every gate, in order. slither and halmos (in .venv/, created from requirements-verify.txt: needs python3 with
# venv and pip) run after the forge tests, each on its own build. cargo test stays last so its summary closes the
# log: doc tests run first, so the closing line is the integration tests' summary, not an empty doc-test run.
test: deps solc-info ## Run every gate: formatting, sizes, forge tests, storage layout, NatSpec, toolchain tests, slither, the mutation driver's tests, halmos, clippy, cargo tests.
	forge fmt --check
	forge build --sizes
	FOUNDRY_PROFILE=ci forge test --gas-snapshot-check=true
	node toolchain/storage-layout.js
	node toolchain/natspec.js
	node --test toolchain/
	$(MAKE) --no-print-directory slither
	$(VENV)/bin/python -m unittest discover -s toolchain -p 'test_*.py'
	$(MAKE) --no-print-directory halmos
	cargo fmt --all --check
	cargo clippy --locked --workspace --all-targets -- -D warnings
	cargo test --locked --workspace --doc
	cargo test --locked --workspace --all-targets

# slither reads its own build (profile `slither` in foundry.toml: out-slither/, cache-slither/, legacy pipeline,
# contracts only), so it never runs `forge clean` on the normal build. It reports every finding, disabled or not
# (--show-ignored-findings); the gate accepts a medium/high one only if the line right before its flagged statement
# says `// slither-disable-next-line <detector>: <why>`, and fails on a disable comment that justifies nothing. No
# baseline. See docs/slither-triage.md and toolchain/slither_gate.py.
SLITHER_OUT := out-slither
slither: deps venv ## Static analysis: fail on any medium/high slither finding not justified at its line.
	rm -rf $(SLITHER_OUT) cache-slither
	FOUNDRY_PROFILE=slither forge build --build-info --skip './test/**' './script/**'
	$(VENV)/bin/slither . --foundry-ignore-compile --foundry-out-directory $(SLITHER_OUT) --fail-none \
	  --show-ignored-findings --json $(SLITHER_OUT)/slither.json > $(SLITHER_OUT)/slither.log 2>&1 \
	  || { cat $(SLITHER_OUT)/slither.log; exit 1; }
	$(VENV)/bin/python toolchain/slither_gate.py $(SLITHER_OUT)/slither.json contracts

# Symbolic proofs (check_* functions in test/halmos, bounds in each file's header) with their own build
# (profile `halmos`: out-halmos/, legacy pipeline). One solver thread: the machine is shared. A branching query
# gets 200 ms (halmos' default, 1 ms, keeps infeasible paths alive and multiplies them: minutes instead of seconds).
HALMOS := FOUNDRY_PROFILE=halmos $(VENV)/bin/halmos --forge-build-out out-halmos --solver-threads 1 \
	  --solver-timeout-branching 200ms --no-status
halmos: deps venv ## Symbolic proofs: halmos check_* in test/halmos (about 2 minutes here).
	$(HALMOS)

# prove_* are the same kind of proof, over functions whose paths take the solver longer than `make test` can afford
# on this machine (changeThreshold over all arguments: 247 s on the merged contract; setDelay: 98 s before the merge; the setCap, removeCap,
# quarantine and allowSelector ones: more than 4 minutes each, unfinished): run by hand, not in `make test`.
halmos-long: deps venv ## Symbolic proofs too long for make test: halmos prove_* in test/halmos.
	$(HALMOS) --function prove_

# Coverage (not in `make test`). Contracts: forge coverage turns the optimizer and via-IR off (legacy pipeline, no
# artifacts written to out/), runs every forge test but the gas snapshots (they assert optimised gas figures) and the
# bytecode scan of Attack09 (it reads out/, which a coverage run does not write), and leaves snapshots/flows.json
# alone; toolchain/coverage.js then prints line and branch coverage of contracts/ and fails below 95 %.
COVERAGE_OUT := out-coverage
coverage: coverage-contracts coverage-cli ## Line and branch coverage of the contracts (floor 95 %) and of the CLI.

coverage-contracts: deps
	mkdir -p $(COVERAGE_OUT)
	forge coverage --no-match-path 'test/gas/*' --no-match-test 'test_Attack09_NoDelegatecallOrSelfdestructInCode' \
	  --gas-snapshot-emit=false --report lcov --report-file $(COVERAGE_OUT)/contracts.lcov \
	  > $(COVERAGE_OUT)/forge-coverage.log 2>&1 || { tail -n 40 $(COVERAGE_OUT)/forge-coverage.log; exit 1; }
	node toolchain/coverage.js $(COVERAGE_OUT)/contracts.lcov --prefix contracts/ --min 95

# CLI: cargo-llvm-cov (installed here, pinned, with rustup's llvm-tools if missing) runs the unit tests and
# cli/tests/it (which spawn anvil) instrumented, in target/llvm-cov-target: the normal build is untouched. The first
# run rebuilds every dependency instrumented (about 30 min on 2 shared cores; the tests take about a minute).
# forge build first: tests/it/bytecode.rs compares the CLI's bytecode with out/. Lines, regions and functions;
# branch coverage needs nightly (cargo +nightly llvm-cov --branch). cli/tests/ and tests.rs files are not counted.
LLVM_COV_VERSION := 0.9.1
coverage-cli: deps solc-info
	rustup component list --installed | grep '^llvm-tools' > /dev/null || rustup component add llvm-tools-preview
	cargo llvm-cov --version 2> /dev/null | grep -x 'cargo-llvm-cov $(LLVM_COV_VERSION)' > /dev/null \
	  || cargo install --locked cargo-llvm-cov --version $(LLVM_COV_VERSION)
	forge build
	cargo llvm-cov --locked -p tsafe --all-targets --summary-only

# Mutation testing (not in `make test`): slither-mutate's mutant generators (through toolchain/mutate.py, which builds
# each mutant once instead of twice) on a throwaway copy of the tree in MUTATE_DIR (the mutants are written into the
# sources there), build profile `mutate` (legacy pipeline, no optimizer, no size limit: ~20-40 s a build instead of
# minutes). Per mutant: forge test over test/unit, test/attacks and test/fuzz (32 fuzz runs), fail-fast, without the
# invariant campaigns (too slow per mutant), the gas snapshots (they assert optimised gas) and the bytecode scan of
# Attack09 (it reads out/). Select with MUTATE_CONTRACTS=file,file and MUTATE_MUTATORS=CR,ROR,... (default: all of
# slither-mutate's). Per-file totals and the survivors: mutate-results/summary.md (kept across runs: delete the
# directory for a fresh campaign). Results and their triage: docs/mutation.md.
MUTATE_DIR ?= /tmp/tsafe-mutate
MUTATE_CONTRACTS ?= contracts/safe/SafeProposals.sol,contracts/safe/SafeCaps.sol,contracts/libraries/RollingCap.sol,contracts/safe/SafeEvacuation.sol,contracts/libraries/ConfigRules.sol,contracts/TreasurySafeLens.sol,contracts/TreasurySafe.sol
MUTATE_MUTATORS ?=
# Narrow a run: MUTATE_FUNCTIONS=_chargeCaps,freeze (function names, any visibility), MUTATE_LINES=126-302 or 126-.
MUTATE_FUNCTIONS ?=
MUTATE_LINES ?=
# MUTATE_ROR_SKIP_KNOWN=docs/mutation-campaign.jsonl: no ROR mutant an earlier campaign tested (to run the ones that
# slither-mutate's own ROR garbled before toolchain/mutate.py repaired it, without repeating the others).
MUTATE_ROR_SKIP_KNOWN ?=
MUTATE_TIMEOUT ?= 300
MUTATE_RESULTS := $(ROOT)/mutate-results
MUTATE_TEST := forge test --match-path 'test/{unit,attacks,fuzz}/*' \
	--no-match-test test_Attack09_NoDelegatecallOrSelfdestructInCode --gas-snapshot-emit=false --fail-fast \
	--skip './test/invariant/**' './test/halmos/**' './test/gas/**' './test/script/**' './script/**'
# Needs the slither of .venv (make venv); not a prerequisite here, so a worktree whose .venv links to another
# checkout's is used as it is, never recreated.
mutate: deps ## Mutation testing on a throwaway copy (MUTATE_CONTRACTS=a.sol,b.sol): kill rate per contract.
	@test -x $(VENV)/bin/slither-mutate || { echo "no $(VENV)/bin/slither-mutate: run make venv" >&2; exit 1; }
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR) $(MUTATE_RESULTS)
	tar --exclude=./out --exclude=./cache --exclude=./target --exclude=./.git --exclude='./out-*' \
	  --exclude='./cache-*' --exclude=./mutate-results -cf - . | tar -C $(MUTATE_DIR) -xf -
	cd $(MUTATE_DIR) && FOUNDRY_PROFILE=mutate nice -n 10 $(ROOT)/$(VENV)/bin/python toolchain/mutate.py \
	  --files '$(MUTATE_CONTRACTS)' $(if $(MUTATE_MUTATORS),--mutators '$(MUTATE_MUTATORS)') \
	  $(if $(MUTATE_FUNCTIONS),--functions '$(MUTATE_FUNCTIONS)') $(if $(MUTATE_LINES),--lines '$(MUTATE_LINES)') \
	  $(if $(MUTATE_ROR_SKIP_KNOWN),--ror-skip-known '$(MUTATE_ROR_SKIP_KNOWN)') \
	  --timeout $(MUTATE_TIMEOUT) --results $(MUTATE_RESULTS) --test-cmd "$(MUTATE_TEST)"

# Light on CPU: one forge build (cached), one anvil, one node process.
bench: deps ## Gas of tsafe beside Safe 1.4.1/1.5.0 + OZ TimelockController on a fresh anvil (writes bench/RESULTS.md).
	node bench/bench.js --breakdown --out bench/RESULTS.md

gas: bench ## Alias of bench.

storage-layout: deps ## Rewrite snapshots/storage-layout.json after an intended storage change.
	node toolchain/storage-layout.js --update

gas-snapshot: deps ## Rewrite snapshots/flows.json after an intended gas change.
	forge test --match-path 'test/gas/*' --gas-snapshot-check=false
