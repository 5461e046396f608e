#!/usr/bin/env bash
# bench/gas.sh: what a user pays for tsafe's three flows, measured from real transaction receipts.
#
# Usage: bench/gas.sh [--out FILE] [--breakdown]   (from anywhere; needs `make deps`, i.e. npm ci)
#
# Spawns a fresh anvil (own port, killed on exit), deploys the factory with script/Deploy.s.sol and
# an OpenZeppelin ERC-20 (not counted), then for each flow a fresh safe (3 owners, threshold 2,
# 1 guardian, 1 cap), so every flow is the first use of its storage:
#   deploy   the createSafe transaction;
#   eth      queue (two off-chain EIP-712 signatures, cast wallet sign --no-hash) + execute after the
#            delay, one transfer of 1 ETH, the safe capped at 10 ETH per day;
#   erc20    the same with a transfer of 1,000 tokens, the safe capped at 250,000 tokens per 7 days.
# Transfers go once to a fresh address (worst case: the ETH transfer pays 25,000 to create the account,
# the token transfer 20,000 for a new balance slot) and once to an existing holder.
#
# Prints a markdown report on stdout (progress on stderr); --out also writes it to FILE.
# --breakdown appends, per counted transaction, its gas by opcode (bench/breakdown.js).
# Every number is a receipt's gasUsed: 21,000 base + calldata + execution, after refunds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOUNDRY_BIN="$ROOT/node_modules/@foundry-rs"
export PATH="$FOUNDRY_BIN/forge-linux-amd64/bin:$FOUNDRY_BIN/anvil-linux-amd64/bin:$FOUNDRY_BIN/cast-linux-amd64/bin:$PATH"

OUT=""
BREAKDOWN=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT="${2:?--out needs a file}"; shift 2 ;;
        --breakdown) BREAKDOWN=1; shift ;;
        -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "gas.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

for tool in forge anvil cast node; do
    command -v "$tool" >/dev/null || { echo "gas.sh: $tool not found: run 'make deps' (npm ci) first" >&2; exit 1; }
done

log() { echo "gas.sh: $*" >&2; }

# anvil's first dev accounts (mnemonic "test test … junk"): public test keys, never real funds.
KEYS=(
    0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
    0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
    0x5de4111afa1a4b94908f83ce8f4e4d2cd4a8cae6e27a1fa19b4beaf3bd6e1b59
    0x7c852118294e51e653712a81e05800f77b3cc5da9a27ae4e4cf6c2c0c2ac5b54
    0x47e179ec197488593b187f80a00eb0da91f1b9d0b3f2f8bd7b3e6e1d2ba8b4ef
)
DEPLOYER="${KEYS[0]}"
OWNER_KEYS=("${KEYS[1]}" "${KEYS[2]}" "${KEYS[3]}")
OWNERS=()
for k in "${OWNER_KEYS[@]}"; do OWNERS+=("$(cast wallet address --private-key "$k")"); done
GUARDIAN="$(cast wallet address --private-key "${KEYS[4]}")"
# An existing account with ETH: anvil's account 9 (it also receives tokens below).
EXISTING=0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
# A fresh, never-used address, derived from a label so every run uses the same one.
FRESH="$(cast to-check-sum-address "0x$(cast keccak 'tsafe.bench.fresh-recipient' | cut -c27-66)")"
# The safes' recovery address (never used by these flows), derived from a label like FRESH.
RECOVERY="$(cast to-check-sum-address "0x$(cast keccak 'tsafe.bench.recovery' | cut -c27-66)")"

NATIVE=0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE
DELAY=172800       # 2 days
GRACE=1209600      # 14 days
FREEZE=259200      # 3 days
salt() { printf '0x%064x' "$1"; }
SALT0="$(salt 0)"

INIT_SIG="(address[],uint256,address[],uint32,uint32,uint32,(address,uint128,uint32)[],address,address)"
CALLS_SIG="(address,uint256,bytes)[]"

# --- anvil ----------------------------------------------------------------------------------------
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export ETH_RPC_URL="http://127.0.0.1:$PORT"
# Pinned hardfork (= foundry.toml evm_version) and genesis time: same gas on every run and machine.
# --breakdown needs geth-style step traces (debug_traceTransaction); tracing does not change gas.
anvil --port "$PORT" --hardfork prague --timestamp 1750000000 --silent ${BREAKDOWN:+--steps-tracing} &
ANVIL_PID=$!
trap 'kill "$ANVIL_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do cast chain-id >/dev/null 2>&1 && break; sleep 0.2; done
cast chain-id >/dev/null || { echo "gas.sh: anvil did not start on port $PORT" >&2; exit 1; }
log "anvil $(anvil --version | head -1 | awk '{print $3}') on port $PORT (hardfork prague)"

# --- helpers --------------------------------------------------------------------------------------
# send KEY ARGS…: sends a transaction, prints its hash (anvil mines it at once).
send() { local key="$1"; shift; cast send --async --private-key "$key" "$@"; }
gas_of() { cast receipt "$1" gasUsed; }
# Intrinsic gas of a transaction: 21,000 + 4 per zero and 16 per non-zero calldata byte (the EIP-7623
# floor, 10 per zero and 40 per non-zero byte, stays below that for every transaction here).
intrinsic_of() {
    local input zeros=0 total i
    input="$(cast tx "$1" input)"
    input="${input#0x}"
    total=$(( ${#input} / 2 ))
    for (( i = 0; i < ${#input}; i += 2 )); do [[ "${input:i:2}" == "00" ]] && zeros=$((zeros + 1)); done
    echo $(( 21000 + 4 * zeros + 16 * (total - zeros) ))
}
# config CAP_ASSET CAP_LIMIT CAP_PERIOD: the safe's InitConfig as a cast tuple.
config() {
    local owners
    owners="$(IFS=,; echo "${OWNERS[*]}")"
    echo "([$owners],2,[$GUARDIAN],$DELAY,$GRACE,$FREEZE,[($1,$2,$3)],$RECOVERY,0x0000000000000000000000000000000000000000)"
}

# Functions below return through globals (GAS, SAFE), not $(…): ROWS must survive, and a subshell
# would lose it.
ROWS=()    # markdown table rows: flow | tx | gasUsed | intrinsic | execution
TXS=()     # "flow / tx / hash" of every counted transaction, for --breakdown
# row FLOW TX HASH [hidden]: records the transaction's gas in GAS and, unless hidden, in the table.
row() {
    local intr
    GAS="$(gas_of "$3")"; intr="$(intrinsic_of "$3")"
    [[ -n "${4:-}" ]] && return
    ROWS+=("| $1 | $2 | $GAS | $intr | $((GAS - intr)) |")
    TXS+=("$1 / $2 / $3")
}

# new_safe LABEL CONFIG SALT [hidden]: deploys a safe; sets SAFE and GAS.
new_safe() {
    local hash
    SAFE="$(cast call "$FACTORY" "predictSafeAddress($INIT_SIG,bytes32)(address)" "$2" "$3")"
    hash="$(send "$DEPLOYER" "$FACTORY" "createSafe($INIT_SIG,bytes32)" "$2" "$3")"
    row "$1" createSafe "$hash" "${4:-}"
    [[ "$(cast code "$SAFE")" != "0x" ]] || { echo "gas.sh: createSafe did not deploy $SAFE" >&2; exit 1; }
}

# flow LABEL SAFE CALLS: queue with two owner signatures, wait out the delay, execute; sets GAS to the sum.
flow() {
    local label="$1" safe="$2" calls="$3" digest sigs q e qgas
    digest="$(cast call "$safe" "hashProposal($CALLS_SIG,bytes32,uint32)(bytes32)" "$calls" "$SALT0" 0)"
    sigs="[(${OWNERS[0]},$(cast wallet sign --no-hash --private-key "${OWNER_KEYS[0]}" "$digest"))"
    sigs+=",(${OWNERS[1]},$(cast wallet sign --no-hash --private-key "${OWNER_KEYS[1]}" "$digest"))]"
    # Owner 0 collects the signatures and queues; anyone could.
    q="$(send "${OWNER_KEYS[0]}" "$safe" "queue($CALLS_SIG,bytes32,(address,bytes)[])" "$calls" "$SALT0" "$sigs")"
    row "$label" queue "$q"; qgas="$GAS"
    cast rpc anvil_increaseTime "$DELAY" >/dev/null
    cast rpc evm_mine >/dev/null
    # A keeper executes (anyone may).
    e="$(send "$DEPLOYER" "$safe" "execute($CALLS_SIG,bytes32,uint32)" "$calls" "$SALT0" 0)"
    row "$label" execute "$e"
    [[ "$(cast call "$safe" "proposalState(bytes32)(uint8)" "$digest")" == "6" ]] \
        || { echo "gas.sh: $label: proposal not executed" >&2; exit 1; }
    GAS=$((qgas + GAS))
    ROWS+=("| **$label** | **queue + execute** | **$GAS** | | |")
}

# --- not counted: factory, token ------------------------------------------------------------------
# Only what the bench needs: the deploy script, the token (test/gas) and their imports.
log "building script/Deploy.s.sol and test/gas/FlowGas.t.sol (forge build)"
(cd "$ROOT" && forge build script/Deploy.s.sol test/gas/FlowGas.t.sol >/dev/null)
log "deploying the factory with script/Deploy.s.sol"
DEPLOY_OUT="$(cd "$ROOT" && forge script script/Deploy.s.sol --rpc-url "$ETH_RPC_URL" --broadcast --private-key "$DEPLOYER" 2>&1)" \
    || { echo "$DEPLOY_OUT" >&2; exit 1; }
FACTORY="$(awk '/^ *factory: contract TreasurySafeFactory/ {print $NF}' <<<"$DEPLOY_OUT")"
[[ -n "$FACTORY" && "$(cast code "$FACTORY")" != "0x" ]] || { echo "gas.sh: no factory at '$FACTORY'" >&2; exit 1; }
# json FILE EXPR: evaluates EXPR on the parsed JSON file `j` (node: jq is not a prerequisite).
json() { node -e 'const j=require(process.argv[1]); console.log(eval(process.argv[2]))' "$1" "$2"; }
FACTORY_GAS="$(cast to-dec "$(json "$ROOT/broadcast/Deploy.s.sol/31337/run-latest.json" 'j.receipts[0].gasUsed')")"
TOKEN_CODE="$(json "$ROOT/out/FlowGas.t.sol/GasToken.json" 'j.bytecode.object')"
TOKEN="$(cast receipt "$(send "$DEPLOYER" --create "$TOKEN_CODE")" contractAddress)"
send "$DEPLOYER" "$TOKEN" "mint(address,uint256)" "$EXISTING" 1000000000000000000 >/dev/null
log "factory $FACTORY, token $TOKEN"

ETH_CONFIG="$(config "$NATIVE" 10000000000000000000 86400)"
TOKEN_CONFIG="$(config "$TOKEN" 250000000000000000000000 604800)"
ETH_CALL() { echo "[($1,1000000000000000000,0x)]"; }
TOKEN_CALL() { echo "[($TOKEN,0,$(cast calldata 'transfer(address,uint256)' "$1" 1000000000000000000000))]"; }

# --- counted --------------------------------------------------------------------------------------
log "flow: deploy"
new_safe "deploy" "$ETH_CONFIG" "$SALT0"; DEPLOY_GAS="$GAS"

# Each transfer flow runs on its own fresh safe (salts 1..4), so it is the first use of its storage.
log "flow: ETH transfer, fresh recipient"
new_safe "" "$ETH_CONFIG" "$(salt 1)" hidden; send "$DEPLOYER" "$SAFE" --value 100ether >/dev/null
flow "ETH, fresh recipient" "$SAFE" "$(ETH_CALL "$FRESH")"; ETH_FRESH="$GAS"

log "flow: ETH transfer, existing recipient"
new_safe "" "$ETH_CONFIG" "$(salt 2)" hidden; send "$DEPLOYER" "$SAFE" --value 100ether >/dev/null
flow "ETH, existing recipient" "$SAFE" "$(ETH_CALL "$EXISTING")"; ETH_EXISTING="$GAS"

log "flow: ERC-20 transfer, fresh recipient"
new_safe "" "$TOKEN_CONFIG" "$(salt 3)" hidden
send "$DEPLOYER" "$TOKEN" "mint(address,uint256)" "$SAFE" 1000000000000000000000000 >/dev/null
flow "ERC-20, fresh recipient" "$SAFE" "$(TOKEN_CALL "$FRESH")"; ERC20_FRESH="$GAS"

log "flow: ERC-20 transfer, existing recipient"
new_safe "" "$TOKEN_CONFIG" "$(salt 4)" hidden
send "$DEPLOYER" "$TOKEN" "mint(address,uint256)" "$SAFE" 1000000000000000000000000 >/dev/null
flow "ERC-20, existing recipient" "$SAFE" "$(TOKEN_CALL "$EXISTING")"; ERC20_EXISTING="$GAS"

# --- report ---------------------------------------------------------------------------------------
# fmt N: thousands separators, locale-independent.
fmt() { sed -E ':a;s/([0-9])([0-9]{3})($|,)/\1,\2\3/;ta' <<<"$1"; }
verdict() { if (( $1 <= $2 )); then echo "meets"; else echo "misses by $(fmt $(( $1 - $2 )))"; fi; }
report() {
    cat <<EOF
# tsafe gas benchmark: results

Generated by \`bench/gas.sh --breakdown --out bench/RESULTS.md\` on anvil $(anvil --version | head -1 | awk '{print $3}'),
hardfork prague, with the contracts as \`forge build\` compiles them (foundry.toml). Do not edit by hand:
re-run the command. How it measures, and the analysis: bench/README.md.

Each number is the sum of the receipts' gasUsed over the flow's transactions, each flow on a fresh safe
(cold storage, first use): deploy = createSafe; transfer = queue (two off-chain EIP-712 signatures)
+ execute after the delay.

| flow | tsafe | target | verdict | Safe 1.4.1 + OZ TimelockController | Safe 1.4.1 + Zodiac Delay |
|---|---:|---:|---|---:|---:|
| deploy a safe: 3 owners, 2-of-3, 1 guardian, 1 cap | $(fmt "$DEPLOY_GAS") | 275,000 | $(verdict "$DEPLOY_GAS" 275000) | 305,835 ¹ | |
| timelocked 2-of-3 ETH transfer, **fresh** recipient | $(fmt "$ETH_FRESH") | 110,000 | $(verdict "$ETH_FRESH" 110000) | 154,867 ² | 224,181 ² |
| timelocked 2-of-3 ETH transfer, existing recipient | $(fmt "$ETH_EXISTING") | 110,000 | $(verdict "$ETH_EXISTING" 110000) | | |
| timelocked 2-of-3 ERC-20 transfer, **fresh** recipient | $(fmt "$ERC20_FRESH") | 125,000 | $(verdict "$ERC20_FRESH" 125000) | | |
| timelocked 2-of-3 ERC-20 transfer, existing recipient | $(fmt "$ERC20_EXISTING") | 125,000 | $(verdict "$ERC20_EXISTING" 125000) | | |

Peers: measured by the issue author on anvil 1.7.1, quoted here, not re-measured by this script; their
recipient kind is not stated. ¹ Safe 1.4.1 proxy, 2-of-3, no timelock, guardian or cap.
² Timelocked 2-of-3 ETH transfer, no cap (tsafe's flows also measure and charge a cap).

Per transaction (intrinsic = 21,000 + calldata; execution = gasUsed − intrinsic):

| flow | tx | gasUsed | intrinsic | execution |
|---|---|---:|---:|---:|
EOF
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Not counted: factory deployment through the deterministic deployer, $FACTORY_GAS gas" \
        "(factory $FACTORY, once per chain)."
    [[ -n "$BREAKDOWN" ]] || return 0
    echo
    echo "Gas by opcode (exclusive: a call's own cost, its callee's steps listed under their opcodes):"
    echo
    echo '```'
    local t
    for t in "${TXS[@]}"; do
        echo "== ${t% / *}"
        node "$ROOT/bench/breakdown.js" "$ETH_RPC_URL" "${t##* / }"
    done
    echo '```'
}
REPORT="$(report)"
echo "$REPORT"
if [[ -n "$OUT" ]]; then echo "$REPORT" >"$OUT"; log "wrote $OUT"; fi
