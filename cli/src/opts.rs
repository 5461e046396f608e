//! Option groups shared by commands, flattened into each command's clap struct (as Foundry's
//! `cast` does), so `-r/--rpc-url`, signer flags and `--safe` mean the same everywhere.
//!
//! These structs only carry what the user typed; [`crate::context`] resolves them once, together
//! with the environment and the config file, into what commands use.

use clap::Args;
use std::path::PathBuf;

/// Output and interaction flags, accepted by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalOpts {
    /// Print one JSON envelope on stdout (schema-versioned) instead of human text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only the essential result; no narration on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Answer yes to every confirmation prompt.
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Config file with named networks and safes [default: ~/.config/tsafe/config.toml].
    #[arg(long, global = true, env = "TSAFE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// Which node to talk to.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Node")]
pub struct RpcOpts {
    /// The node's RPC URL [default: the safe's network, else the config's default network,
    /// else the local devnet at http://127.0.0.1:8545].
    // This doc comment is the --help text: a bare URL reads better there than a Markdown link.
    #[allow(clippy::doc_markdown)]
    #[arg(short = 'r', long, env = "ETH_RPC_URL", value_name = "URL")]
    pub rpc_url: Option<String>,
    /// A network named in the config file.
    #[arg(long, value_name = "NAME")]
    pub network: Option<String>,
    /// Seconds to wait for a receipt before reporting the transaction as still pending.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub timeout: u64,
}

/// Which safe to act on.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Safe")]
pub struct SafeOpts {
    /// The safe: an address, or a name from the config file.
    #[arg(short = 's', long, env = "TSAFE_SAFE", value_name = "NAME|ADDRESS")]
    pub safe: Option<String>,
}

/// How to sign. Keystores and hardware wallets are the way for real funds; `--private-key` is
/// for tests and devnets.
/// One signer at most: `--private-key`, `-i`, `--keystore`, `--account`, `--mnemonic` and
/// `--ledger` form the clap group `signer` (clap refuses two of them, env values included).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Wallet options")]
#[command(group = clap::ArgGroup::new("signer").multiple(false))]
pub struct WalletOpts {
    /// A raw private key (tests and devnets only: it lands in your shell history).
    #[arg(
        group = "signer",
        long,
        value_name = "HEX",
        env = "TSAFE_PRIVATE_KEY",
        hide_env_values = true
    )]
    pub private_key: Option<String>,
    /// Prompt for the private key (not echoed).
    #[arg(group = "signer", short = 'i', long)]
    pub interactive: bool,
    /// An encrypted JSON keystore file.
    #[arg(group = "signer", long, env = "ETH_KEYSTORE", value_name = "PATH")]
    pub keystore: Option<PathBuf>,
    /// A keystore by name from Foundry's folder (~/.foundry/keystores).
    #[arg(group = "signer", long, env = "ETH_KEYSTORE_ACCOUNT", value_name = "NAME")]
    pub account: Option<String>,
    /// File holding the keystore password (otherwise you are prompted).
    #[arg(long, env = "ETH_PASSWORD", value_name = "PATH")]
    pub password_file: Option<PathBuf>,
    /// A BIP-39 mnemonic phrase, or a path to a file holding one.
    #[arg(group = "signer", long, value_name = "PHRASE|PATH", hide_env_values = true)]
    pub mnemonic: Option<String>,
    /// Index of the account derived from the mnemonic (m/44'/60'/0'/0/INDEX).
    #[arg(long, default_value_t = 0, value_name = "INDEX", conflicts_with = "hd_path")]
    pub mnemonic_index: u32,
    /// The BIP-39 passphrase of the mnemonic (the "25th word"), as cast takes it.
    #[arg(long, value_name = "PASSPHRASE", requires = "mnemonic", hide_env_values = true)]
    pub mnemonic_passphrase: Option<String>,
    /// A full derivation path for the mnemonic, e.g. "m/44'/60'/0'/0/3" (instead of
    /// --mnemonic-index).
    #[arg(long, value_name = "PATH", requires = "mnemonic")]
    pub hd_path: Option<String>,
    /// Sign with a Ledger device (Ethereum app open).
    #[arg(group = "signer", short = 'l', long)]
    pub ledger: bool,
    /// Ledger Live account index (m/44'/60'/INDEX'/0/0).
    #[arg(long, default_value_t = 0, value_name = "INDEX", requires = "ledger")]
    pub ledger_index: usize,
}

impl WalletOpts {
    /// Whether any signer was chosen.
    pub fn is_set(&self) -> bool {
        self.private_key.is_some()
            || self.interactive
            || self.keystore.is_some()
            || self.account.is_some()
            || self.mnemonic.is_some()
            || self.ledger
    }
}

/// Flags of every state-changing command.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Transaction")]
pub struct TxOpts {
    /// Simulate and print what would be sent; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Gas limit of the transaction [default: estimated].
    #[arg(long, value_name = "GAS")]
    pub gas_limit: Option<u64>,
    /// Gas price (legacy) or max fee per gas (EIP-1559, with --priority-gas-price): `30gwei` or
    /// wei [default: from the node].
    #[arg(long, value_name = "PRICE")]
    pub gas_price: Option<String>,
    /// Max priority fee per gas (EIP-1559 tip): `2gwei` or wei [default: from the node].
    #[arg(long, value_name = "PRICE")]
    pub priority_gas_price: Option<String>,
    /// Nonce of the transaction; with a higher --gas-price it replaces a stuck one.
    #[arg(long, value_name = "NONCE")]
    pub nonce: Option<u64>,
    /// Blocks to wait on top of the one that includes the transaction.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub confirmations: u64,
    /// Send without the EIP-2930 access list otherwise asked of the node (`eth_createAccessList`)
    /// and attached when it saves gas (100 per cold account or slot the transaction touches).
    #[arg(long)]
    pub no_access_list: bool,
}

/// Everything a command that signs and sends for a safe takes: which safe, which node, which
/// signer, and `--dry-run`.
#[derive(Debug, Clone, Default, Args)]
pub struct SendOpts {
    /// `--safe`.
    #[command(flatten)]
    pub safe: SafeOpts,
    /// `--rpc-url`, `--network`, `--timeout`.
    #[command(flatten)]
    pub rpc: RpcOpts,
    /// The signer.
    #[command(flatten)]
    pub wallet: WalletOpts,
    /// `--dry-run`.
    #[command(flatten)]
    pub tx: TxOpts,
}

/// How the proposal is made and where it goes.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Proposal")]
pub struct MakeOpts {
    /// Salt (0x-hex, or any text, hashed) so identical batches can coexist [default: random].
    #[arg(long, value_name = "HEX|TEXT")]
    pub salt: Option<String>,
    /// A note stored in the file for co-signers (not signed, not on chain).
    #[arg(short = 'm', long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Where to write the proposal file [default: ./proposal-<id prefix>.json].
    #[arg(short = 'o', long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing file at --out.
    #[arg(long)]
    pub force: bool,
    /// Propose on chain (the full calls go into an event; counts as your approval). Writes a file
    /// only with --out.
    #[arg(long)]
    pub onchain: bool,
    /// The safe's name in the config, for the commands printed next (set by the command).
    #[arg(skip)]
    pub safe_name: Option<String>,
    /// The `--call` signatures used, recorded in the file for co-signers (set by the command).
    #[arg(skip)]
    pub functions: Vec<String>,
}
