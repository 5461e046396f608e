#!/usr/bin/env bash
# Benchmark of `tsafe watch` against a local anvil (a measurement, not a test):
#
#   1. reaction: anvil with 1-second blocks; a running watcher (rule: default deny, action cancel,
#      guardian key); N unannounced transfers are queued one after another. For each, the block
#      the cancel landed in minus the block of the queue (1 = the next block), and the alert
#      latency: from the moment `tsafe queue` returned (its receipt seen) to the moment the
#      watcher's alert line reached stdout, both on this machine's clock.
#   2. backfill: anvil with automine; E/2 on-chain proposals (each emits ProposalCreated and
#      ProposalApproved, so E events) sent with `cast send --async`, then one cold
#      `tsafe watch --once` from the deployment block; events per second over that run.
#
# Usage: bench/watch.sh [N=20] [E=2000]   (needs a built target/debug/tsafe, jq, the pinned anvil/cast)
set -euo pipefail

N=${1:-20}
E=${2:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TSAFE=${TSAFE:-$ROOT/target/debug/tsafe}
ANVIL=$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
CAST=$ROOT/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
K0=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
K1=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
K3=0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
K4=0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a
TO=0x00000000000000000000000000000000000dead1
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export TSAFE_CONFIG=$WORK/config.toml NO_COLOR=1
now() { date +%s.%N; }

start_anvil() { # port, extra args
  "$ANVIL" --port "$1" "${@:2}" >"$WORK/anvil-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do "$CAST" block-number --rpc-url "http://127.0.0.1:$1" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "anvil did not start" >&2; exit 1
}

watch_file() { # url safe rules-file
  cat >"$3" <<EOF
[settings]
poll_ms = 100
[[safe]]
name = "bench"
address = "$2"
rpc_urls = ["$1"]
[sinks]
heartbeat_secs = 0
[[rule]]
name = "deny"
kind = "expect"
severity = "critical"
action = "$4"
EOF
}

# --- 1. reaction with 1-second blocks -------------------------------------------------------
URL=http://127.0.0.1:8611
start_anvil 8611 --block-time 1
cd "$WORK"
SAFE=$("$TSAFE" --json devnet --rpc-url "$URL" --no-wait | jq -r .data.safe)
watch_file "$URL" "$SAFE" "$WORK/react.toml" cancel
"$TSAFE" watch "$WORK/react.toml" --private-key "$K3" 2>"$WORK/watch.err" \
  | while IFS= read -r line; do printf '%s\t%s\n' "$(now)" "$line"; done >"$WORK/watch.out" &
PIDS+=($!)
: >"$WORK/react.tsv"
for i in $(seq "$N"); do
  "$TSAFE" --json propose --safe "$SAFE" --to "$TO" --value 1wei --salt "bench-$i" -o "p$i.json" --private-key "$K0" >/dev/null
  "$TSAFE" --json -y sign "p$i.json" --private-key "$K1" >/dev/null
  Q=$("$TSAFE" --json queue "p$i.json" --private-key "$K4")
  T0=$(now)
  ID=$(jq -r .data.id <<<"$Q"); QB=$(jq -r .data.transaction.block <<<"$Q")
  for _ in $(seq 600); do
    R=$(grep -F "\"response\"" "$WORK/watch.out" | grep -F "$ID" | head -1 || true)
    [ -n "$R" ] && break; sleep 0.05
  done
  [ -n "$R" ] || { echo "no response for $ID" >&2; cat "$WORK/watch.err" >&2; exit 1; }
  A=$(grep -F "\"alert\"" "$WORK/watch.out" | grep -F "$ID" | head -1 | cut -f1)
  TX=$(cut -f2- <<<"$R" | jq -r .transaction)
  CB=$("$CAST" receipt "$TX" blockNumber --rpc-url "$URL")
  printf '%s\t%s\t%s\t%s\n' "$ID" "$QB" "$CB" "$(echo "($A - $T0) * 1000" | bc -l)" >>"$WORK/react.tsv"
done
kill "${PIDS[-1]}" 2>/dev/null || true

pct() { sort -g | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p+0.5)+1; printf "%.0f", a[i]}'; }
NEXT=$(awk -F'\t' '$3 - $2 == 1' "$WORK/react.tsv" | wc -l)
MAXD=$(awk -F'\t' '{d=$3-$2; if (d>m) m=d} END {print m}' "$WORK/react.tsv")
P50=$(cut -f4 "$WORK/react.tsv" | pct 0.50)
P99=$(cut -f4 "$WORK/react.tsv" | pct 0.99)

# --- 2. backfill ---------------------------------------------------------------------------
URL2=http://127.0.0.1:8612
start_anvil 8612
SAFE2=$("$TSAFE" --json devnet --rpc-url "$URL2" --no-wait | jq -r .data.safe)
NONCE=$("$CAST" nonce "$("$CAST" wallet address "$K0")" --rpc-url "$URL2")
for i in $(seq $((E / 2))); do
  "$CAST" send --async --nonce $((NONCE + i - 1)) --gas-limit 300000 "$SAFE2" \
    "propose((address,uint256,bytes)[],bytes32)" "[($TO,1,0x)]" \
    "$(printf '0x%064x' "$i")" --private-key "$K0" --rpc-url "$URL2" >/dev/null
done
"$CAST" rpc evm_mine --rpc-url "$URL2" >/dev/null
watch_file "$URL2" "$SAFE2" "$WORK/backfill.toml" alert
T0=$(now)
"$TSAFE" -q watch "$WORK/backfill.toml" --once >"$WORK/backfill.out"
T1=$(now)
EVENTS=$(grep -c '"type":"event"' "$WORK/backfill.out")
RATE=$(echo "$EVENTS / ($T1 - $T0)" | bc -l)

cat <<EOF
## tsafe watch benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, debug build unless TSAFE says otherwise)

| measure | result |
|---|---|
| unannounced queues cancelled in the next block (1-second blocks) | $NEXT of $N (worst: $MAXD blocks later) |
| alert latency p50 / p99 (queue receipt seen → alert line on stdout) | ${P50} ms / ${P99} ms |
| cold backfill from the deployment block | $EVENTS events in $(printf '%.2f' "$(echo "$T1 - $T0" | bc -l)") s = $(printf '%.0f' "$RATE") events/s |
EOF
