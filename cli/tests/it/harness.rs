//! A devnet per test: a fresh anvil on a free port, `tsafe devnet --no-wait` against it (factory,
//! a 2-of-3 safe with anvil accounts 0-2 as owners and account 3 as guardian, caps 10 ETH/day and
//! 250,000 dUSD/7d, delay 2d), a private config file and working directory. Commands run the real
//! binary; chain state is read back with alloy.

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder, ext::AnvilApi},
};
use assert_cmd::Command;
use serde_json::Value;
use std::{
    path::{Path, PathBuf},
    time::Duration,
};

/// anvil's public test keys for accounts 0-5.
pub const KEYS: [&str; 6] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
];

/// A recipient with no history on the devnet.
pub const RECIPIENT: &str = "0x00000000000000000000000000000000000dead1";

/// One test's chain, safe and files.
pub struct Devnet {
    /// Kept alive for the test; dropped to take the node down.
    anvil: Option<AnvilInstance>,
    pub url: String,
    pub dir: tempfile::TempDir,
    pub safe: Address,
    pub token: Address,
    rt: tokio::runtime::Runtime,
    provider: DynProvider,
}

/// The output of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The `--json` envelope on stdout.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Devnet {
    /// Starts anvil and sets up the devnet safe.
    pub fn start() -> Self {
        let anvil =
            Anvil::at(tsafe::toolchain::anvil_path().expect("the pinned anvil is installed"))
                .try_spawn()
                .expect("anvil starts");
        let anvil_url = anvil.endpoint();
        Self::setup(Some(anvil), anvil_url)
    }

    /// Sets up the devnet safe on a node the test runs itself (to stop and restart it).
    pub fn on(url: &str) -> Self {
        Self::setup(None, url.to_owned())
    }

    fn setup(anvil: Option<AnvilInstance>, url: String) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let provider = rt.block_on(async {
            ProviderBuilder::new().connect(&url).await.expect("connect to anvil").erased()
        });
        let dir = tempfile::tempdir().unwrap();
        let mut devnet =
            Self { anvil, url, dir, safe: Address::ZERO, token: Address::ZERO, rt, provider };
        let url = devnet.url.clone();
        let setup = devnet.ok(&["--json", "devnet", "--rpc-url", &url, "--no-wait"]);
        devnet.safe = setup["data"]["safe"].as_str().unwrap().parse().unwrap();
        devnet.token = setup["data"]["token"].as_str().unwrap().parse().unwrap();
        devnet
    }

    /// The binary, in the test's directory, with the test's config and no inherited settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::from_std(self.std_cmd());
        cmd.timeout(Duration::from_mins(3));
        cmd
    }

    /// The same as a plain process, for tests that act while it runs.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tsafe"));
        cmd.current_dir(self.dir.path())
            .env("TSAFE_CONFIG", self.dir.path().join("config.toml"))
            .env("NO_COLOR", "1")
            .env_remove("ETH_RPC_URL")
            .env_remove("TSAFE_SAFE")
            .env_remove("TSAFE_PRIVATE_KEY")
            .env_remove("ETH_KEYSTORE")
            .env_remove("ETH_PASSWORD")
            .env_remove("ETH_KEYSTORE_ACCOUNT");
        cmd
    }

    /// Runs `args` and returns what happened.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.cmd().args(args).output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `args` (which must include `--json`), asserts success, returns the envelope.
    pub fn ok(&self, args: &[&str]) -> Value {
        let run = self.run(args);
        assert_eq!(
            run.code, 0,
            "tsafe {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        let json = run.json();
        assert_eq!(json["ok"], true, "{}", run.stdout);
        assert_eq!(json["schema"], "tsafe/1");
        json
    }

    /// Runs `args`, asserts exit `code`, returns the run.
    pub fn fails(&self, args: &[&str], code: i32) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "tsafe {args:?}: expected exit {code}:\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// A path in the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The safe's address as text.
    pub fn safe_arg(&self) -> String {
        self.safe.to_string()
    }

    /// Moves the chain's clock forward and mines a block.
    pub fn warp(&self, seconds: u64) {
        self.rt.block_on(async {
            self.provider.anvil_increase_time(seconds).await.unwrap();
            self.provider.evm_mine(None).await.unwrap();
        });
    }

    /// Gives `who` this many ether (anvil's setBalance).
    pub fn fund(&self, who: Address, ether: u64) {
        let wei = U256::from(ether) * U256::from(10u64).pow(U256::from(18));
        self.rt.block_on(async { self.provider.anvil_set_balance(who, wei).await.unwrap() });
    }

    /// Deploys another dUSD (6 decimals) whose whole supply the safe holds: a token the safe has
    /// no cap on.
    pub fn uncapped_token(&self) -> Address {
        let safe = self.safe;
        let from: Address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266".parse().unwrap();
        self.rt.block_on(async {
            tsafe::contracts::DevToken::deploy_builder(
                self.provider.clone(),
                safe,
                U256::from(1_000_000_000_000u64),
            )
            .from(from)
            .deploy()
            .await
            .expect("deploy an uncapped token")
        })
    }

    /// Native balance of `who`.
    pub fn balance(&self, who: Address) -> U256 {
        self.rt.block_on(async { self.provider.get_balance(who).await.unwrap() })
    }

    /// ERC-20 balance of `who` in the devnet token.
    pub fn token_balance(&self, who: Address) -> U256 {
        let token = tsafe::contracts::DevToken::new(self.token, self.provider.clone());
        self.rt.block_on(async { token.balanceOf(who).call().await.unwrap() })
    }

    /// The safe's view of a proposal's state name.
    pub fn state(&self, id: &str) -> String {
        let safe = tsafe::contracts::ITreasurySafe::new(self.safe, self.provider.clone());
        let id = id.parse().unwrap();
        let state = self.rt.block_on(async { safe.proposalState(id).call().await.unwrap() });
        tsafe::state::ProposalState::from_u8(state)
            .map_or("Invalid", tsafe::state::ProposalState::name)
            .to_string()
    }

    /// A mined transaction's access list and the gas its receipt reports.
    pub fn sent(&self, hash: &str) -> (alloy::eips::eip2930::AccessList, u64) {
        use alloy::{consensus::Transaction as _, network::ReceiptResponse as _};
        let hash = hash.parse().unwrap();
        self.rt.block_on(async {
            let tx = self.provider.get_transaction_by_hash(hash).await.unwrap().expect("mined");
            let receipt =
                self.provider.get_transaction_receipt(hash).await.unwrap().expect("a receipt");
            (tx.inner.access_list().cloned().unwrap_or_default(), receipt.gas_used())
        })
    }

    /// Mines `n` empty blocks.
    pub fn mine(&self, n: u64) {
        self.rt.block_on(async {
            for _ in 0..n {
                self.provider.evm_mine(None).await.unwrap();
            }
        });
    }

    /// Drops the newest `depth` blocks (`anvil_rollback`): a reorg as a node sees it.
    pub fn rollback(&self, depth: u64) {
        self.rt.block_on(async {
            let _: serde_json::Value =
                self.provider.raw_request("anvil_rollback".into(), (depth,)).await.unwrap();
        });
    }

    /// Stops anvil (the node goes down).
    pub fn stop_node(&mut self) {
        self.anvil.take();
    }

    /// Proposes a transfer of `value` to [`RECIPIENT`] signed by owners 0 and 1 into `file`;
    /// returns the id.
    pub fn signed_transfer(&self, file: &str, value: &str) -> String {
        self.signed_proposal(file, &["--to", RECIPIENT, "--value", value])
    }

    /// Proposes the batch `batch` describes (`propose`'s flags, e.g. `--remove-guardian ADDR`) as
    /// owner 0 into `file` and signs it as owner 1; returns the id.
    pub fn signed_proposal(&self, file: &str, batch: &[&str]) -> String {
        let safe = self.safe_arg();
        let mut args = vec!["--json", "propose", "--safe", &safe];
        args.extend_from_slice(batch);
        args.extend_from_slice(&["-o", file, "--private-key", KEYS[0]]);
        let p = self.ok(&args);
        self.ok(&["--json", "-y", "sign", file, "--private-key", KEYS[1]]);
        p["data"]["proposal"]["id"].as_str().unwrap().to_string()
    }
}

/// Reads a file's bytes (to prove a failed command left it untouched).
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}
