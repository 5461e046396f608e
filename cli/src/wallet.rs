//! Signers: resolves the wallet flags into one signer. No key material is ever printed or logged;
//! errors name the flag and the file, never the secret.

use crate::{
    exit::{ExitKind, Failure},
    opts::WalletOpts,
};
use alloy::{
    dyn_abi::TypedData,
    network::{EthereumWallet, FullSigner},
    primitives::{Address, Signature},
    signers::{
        Signer,
        ledger::{HDPath, LedgerSigner},
        local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English},
    },
    sol_types::{Eip712Domain, SolStruct},
};
use eyre::{Result, WrapErr};
use serde::Serialize;
use std::{fmt, fs, path::Path, sync::Arc};

/// One signer, local or on a device, behind alloy's signer traits ([`Signer`] for typed data,
/// `TxSigner` for transactions, together [`FullSigner`]): the commands never ask which kind it is.
#[derive(Clone)]
pub struct Wallet {
    signer: Arc<dyn FullSigner<Signature> + Send + Sync>,
    /// What holds the key, for messages only ("local key", "Ledger").
    kind: &'static str,
}

impl fmt::Debug for Wallet {
    // Never print key material, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Wallet({}, {})", self.address(), self.kind)
    }
}

impl Wallet {
    /// A wallet over any alloy signer, bound to `chain_id` (EIP-155 for transactions).
    pub fn new<S>(signer: S, kind: &'static str, chain_id: u64) -> Self
    where
        S: FullSigner<Signature> + Send + Sync + 'static,
    {
        Self { signer: Arc::new(signer.with_chain_id(Some(chain_id))), kind }
    }

    /// Resolves the wallet flags. clap's `signer` group (see [`WalletOpts`]) already refused two
    /// kinds of signer; none is refused here.
    pub async fn from_opts(opts: &WalletOpts, chain_id: u64) -> Result<Self> {
        const LOCAL: &str = "local key";
        if !opts.is_set() {
            return Err(Failure::bad_input("this command signs, but no signer was given")
                .fix("pass --keystore PATH, --account NAME, --ledger, --mnemonic, -i, or --private-key (tests only)")
                .into());
        }
        let local = |signer: PrivateKeySigner| Self::new(signer, LOCAL, chain_id);
        Ok(if let Some(key) = &opts.private_key {
            local(parse_private_key(key)?)
        } else if opts.interactive {
            let key = rpassword::prompt_password("Private key (not echoed): ")
                .wrap_err("failed to read the private key from the terminal")?;
            local(parse_private_key(&key)?)
        } else if let Some(path) = &opts.keystore {
            local(decrypt_keystore(path, opts.password_file.as_deref())?)
        } else if let Some(name) = &opts.account {
            let dir = dirs::home_dir().map(|h| h.join(".foundry").join("keystores")).ok_or_else(
                || {
                    Failure::bad_input("cannot find the home folder for --account")
                        .fix("use --keystore PATH")
                },
            )?;
            let path = dir.join(name);
            if !path.exists() {
                return Err(Failure::bad_input(format!(
                    "no keystore named {name:?} in {}",
                    dir.display()
                ))
                .fix("list them with `cast wallet list`, or pass --keystore PATH")
                .into());
            }
            local(decrypt_keystore(&path, opts.password_file.as_deref())?)
        } else if let Some(mnemonic) = &opts.mnemonic {
            local(from_mnemonic(mnemonic, opts)?)
        } else {
            Self::new(open_ledger(opts.ledger_index, chain_id).await?, "Ledger", chain_id)
        })
    }

    /// The signer's address.
    pub fn address(&self) -> Address {
        Signer::address(&*self.signer)
    }

    /// Signs EIP-712 typed data. It reaches the signer as typed data (alloy's
    /// `sign_dynamic_typed_data`), so a Ledger is sent the domain and message hashes, which it shows.
    pub async fn sign_typed<T: SolStruct + Serialize>(
        &self,
        payload: &T,
        domain: &Eip712Domain,
    ) -> Result<Signature> {
        let typed = TypedData::from_struct(payload, Some(domain.clone()));
        self.signer.sign_dynamic_typed_data(&typed).await.map_err(|e| {
            eyre::Report::new(Failure::new(
                ExitKind::Error,
                format!("signing with the {} failed: {e}", self.kind),
            ))
        })
    }

    /// The wallet to attach to a provider for sending transactions.
    pub fn into_ethereum_wallet(self) -> EthereumWallet {
        EthereumWallet::new(self.signer)
    }
}

fn parse_private_key(key: &str) -> Result<PrivateKeySigner> {
    let trimmed = key.trim();
    trimmed.parse::<PrivateKeySigner>().map_err(|_| {
        // Never echo the key: say only what shape was expected.
        Failure::bad_input(format!(
            "the private key is not a 32-byte hex string ({} characters given)",
            trimmed.len()
        ))
        .fix("pass 64 hex digits, with or without 0x, or use --keystore")
        .into()
    })
}

fn decrypt_keystore(path: &Path, password_file: Option<&Path>) -> Result<PrivateKeySigner> {
    if !path.exists() {
        return Err(Failure::bad_input(format!("keystore {} does not exist", path.display()))
            .fix("check the path given to --keystore / ETH_KEYSTORE")
            .into());
    }
    let password = match password_file {
        Some(file) => fs::read_to_string(file)
            .map_err(|e| {
                Failure::bad_input(format!("cannot read the password file {}: {e}", file.display()))
                    .fix("check --password-file / ETH_PASSWORD (a file path, not the password)")
            })?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
        None => rpassword::prompt_password(format!("Password for {}: ", path.display()))
            .wrap_err("failed to read the keystore password from the terminal")?,
    };
    PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
        Failure::bad_input(format!("cannot decrypt keystore {}: {e}", path.display()))
            .fix("check the password (file), or that the file is an Ethereum JSON keystore")
            .into()
    })
}

fn from_mnemonic(mnemonic: &str, opts: &WalletOpts) -> Result<PrivateKeySigner> {
    let index = opts.mnemonic_index;
    let phrase = if Path::new(mnemonic).is_file() {
        fs::read_to_string(mnemonic)
            .wrap_err_with(|| format!("failed to read the mnemonic file {mnemonic}"))?
    } else {
        mnemonic.to_string()
    };
    let mut builder = MnemonicBuilder::<English>::default().phrase(phrase.trim());
    if let Some(passphrase) = &opts.mnemonic_passphrase {
        builder = builder.password(passphrase.clone());
    }
    let builder = match &opts.hd_path {
        Some(path) => builder.derivation_path(path).map_err(|e| {
            eyre::Report::new(
                Failure::bad_input(format!("--hd-path {path}: not a derivation path ({e})"))
                    .fix("write it as m/44'/60'/0'/0/0"),
            )
        })?,
        None => builder.index(index).map_err(|e| {
            eyre::Report::new(Failure::bad_input(format!("--mnemonic-index {index}: {e}")))
        })?,
    };
    builder.build().map_err(|e| {
        Failure::bad_input(format!("invalid mnemonic: {e}"))
            .fix("pass the 12 or 24 BIP-39 words, or a file holding them")
            .into()
    })
}

/// Opens the Ledger at Ledger Live account `index`. The USB HID layer panics when it cannot
/// start (no USB access, a container); that panic is contained in its task and reported as an
/// error, quietly (see [`quiet_ledger_panics`]).
async fn open_ledger(index: usize, chain_id: u64) -> Result<LedgerSigner> {
    let fix = "connect and unlock the Ledger and open its Ethereum app (on Linux, install Ledger's udev rules), then retry; or approve on chain with another signer";
    quiet_ledger_panics();
    let opened =
        tokio::spawn(
            async move { LedgerSigner::new(HDPath::LedgerLive(index), Some(chain_id)).await },
        )
        .await;
    match opened {
        Ok(Ok(ledger)) => Ok(ledger),
        Ok(Err(e)) => Err(Failure::new(ExitKind::Error, format!("cannot use the Ledger: {e}"))
            .fix(fix)
            .into()),
        Err(_) => Err(Failure::new(
            ExitKind::Error,
            "cannot use the Ledger: the USB HID layer failed to start (no USB device access here?)",
        )
        .fix(fix)
        .into()),
    }
}

/// Whether a panic was raised inside the Ledger/USB HID crates (by where it was raised).
fn is_ledger_panic(file: &str) -> bool {
    ["coins-ledger", "coins_ledger", "hidapi", "alloy-signer-ledger", "alloy_signer_ledger"]
        .iter()
        .any(|krate| file.contains(krate))
}

/// Keeps the USB HID layer's start-up panic off stderr. Installed once, as a wrapper that hands
/// every other panic to the hook in place before it: the process-wide hook is never swapped back
/// and forth around a call (which would race with another thread's panic).
fn quiet_ledger_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| is_ledger_panic(l.file())) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_ledger_panics_are_quiet() {
        assert!(is_ledger_panic("/r/src/coins-ledger-0.12.0/src/transports/native/hid.rs"));
        assert!(!is_ledger_panic("cli/src/wallet.rs"));
        quiet_ledger_panics();
        quiet_ledger_panics();
        assert!(std::panic::catch_unwind(|| panic!("still reported")).is_err());
    }

    const ANVIL_KEY_0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const ANVIL_MNEMONIC: &str = "test test test test test test test test test test test junk";

    #[tokio::test]
    async fn private_key_and_mnemonic_give_anvil_account_zero() {
        let by_key = WalletOpts { private_key: Some(ANVIL_KEY_0.into()), ..Default::default() };
        let by_phrase = WalletOpts { mnemonic: Some(ANVIL_MNEMONIC.into()), ..Default::default() };
        let a = Wallet::from_opts(&by_key, 31337).await.unwrap().address();
        let b = Wallet::from_opts(&by_phrase, 31337).await.unwrap().address();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    }

    #[tokio::test]
    async fn hd_path_and_passphrase_derive_as_cast_does() {
        // m/44'/60'/0'/0/1 of anvil's mnemonic is anvil's account 1.
        let by_path = WalletOpts {
            mnemonic: Some(ANVIL_MNEMONIC.into()),
            hd_path: Some("m/44'/60'/0'/0/1".into()),
            ..Default::default()
        };
        let w = Wallet::from_opts(&by_path, 31337).await.unwrap();
        assert_eq!(
            w.address(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse::<Address>().unwrap()
        );
        // A passphrase derives another account.
        let with_passphrase = WalletOpts {
            mnemonic: Some(ANVIL_MNEMONIC.into()),
            mnemonic_passphrase: Some("25th word".into()),
            ..Default::default()
        };
        let p = Wallet::from_opts(&with_passphrase, 31337).await.unwrap();
        assert_ne!(
            p.address(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().unwrap()
        );
    }

    /// `sign_typed` goes through alloy's dynamic typed data (what a Ledger is sent): the signature
    /// must be over exactly the digest the contract computes from the static struct, for every
    /// message tsafe signs: nested arrays, bytes, and words above 2^64 included.
    #[tokio::test]
    async fn typed_signatures_are_over_the_contracts_digests() {
        use crate::{proposal as p, sweep::typed as s};
        use alloy::primitives::{U256, address, b256};
        let by_key = WalletOpts { private_key: Some(ANVIL_KEY_0.into()), ..Default::default() };
        let w = Wallet::from_opts(&by_key, 31337).await.unwrap();
        let safe = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
        let domain = p::domain(31337, safe);
        let proposal = p::typed::Proposal {
            calls: vec![
                p::typed::Call {
                    target: safe,
                    value: U256::MAX,
                    data: vec![0xde, 0xad, 0, 1].into(),
                },
                p::typed::Call {
                    target: Address::ZERO,
                    value: U256::ZERO,
                    data: Vec::new().into(),
                },
            ],
            salt: b256!("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"),
            epoch: u32::MAX,
        };
        let evacuation = s::Evacuation {
            recovery: address!("0x976EA74026E726554dB657fA54763abd0C3a0aa9"),
            generation: 7,
            extras: vec![
                s::EvacuationExtra { asset: safe, spender: Address::ZERO },
                s::EvacuationExtra { asset: Address::ZERO, spender: safe },
            ],
            nonce: U256::from(u128::MAX) << 64,
            deadline: u64::MAX,
        };
        let acceptance = s::RecoveryAcceptance { account: safe, deadline: 1_750_000_000 };
        let recovered = [
            w.sign_typed(&proposal, &domain)
                .await
                .unwrap()
                .recover_address_from_prehash(&proposal.eip712_signing_hash(&domain)),
            w.sign_typed(&evacuation, &domain)
                .await
                .unwrap()
                .recover_address_from_prehash(&evacuation.eip712_signing_hash(&domain)),
            w.sign_typed(&acceptance, &domain)
                .await
                .unwrap()
                .recover_address_from_prehash(&acceptance.eip712_signing_hash(&domain)),
        ];
        for r in recovered {
            assert_eq!(r.unwrap(), w.address());
        }
    }

    #[tokio::test]
    async fn bad_key_is_bad_input_and_never_echoed() {
        let secret = "0xdeadbeefnotakey";
        let opts = WalletOpts { private_key: Some(secret.into()), ..Default::default() };
        let err = Wallet::from_opts(&opts, 1).await.unwrap_err();
        assert_eq!(crate::exit::kind_of(&err), ExitKind::BadInput);
        assert!(!format!("{err:?}").contains("deadbeef"));
    }

    #[tokio::test]
    async fn no_signer_and_two_signers_are_refused() {
        #[derive(Debug, clap::Parser)]
        struct Flags {
            #[command(flatten)]
            wallet: WalletOpts,
        }
        let err = Wallet::from_opts(&WalletOpts::default(), 1).await.unwrap_err();
        assert!(err.to_string().contains("no signer"));
        let two = <Flags as clap::Parser>::try_parse_from([
            "t",
            "--private-key",
            ANVIL_KEY_0,
            "--mnemonic",
            ANVIL_MNEMONIC,
        ])
        .unwrap_err();
        assert_eq!(two.kind(), clap::error::ErrorKind::ArgumentConflict);
        let one = <Flags as clap::Parser>::try_parse_from(["t", "--private-key", ANVIL_KEY_0]);
        assert!(one.unwrap().wallet.is_set());
    }

    #[tokio::test]
    async fn keystore_round_trip_with_password_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = rand_core_compat();
        let _ = PrivateKeySigner::encrypt_keystore(
            dir.path(),
            &mut rng,
            alloy::hex::decode(ANVIL_KEY_0).unwrap(),
            "hunter2",
            Some("k.json"),
        )
        .unwrap();
        let pw = dir.path().join("pw");
        fs::write(&pw, "hunter2\n").unwrap();
        let opts = WalletOpts {
            keystore: Some(dir.path().join("k.json")),
            password_file: Some(pw.clone()),
            ..Default::default()
        };
        let w = Wallet::from_opts(&opts, 1).await.unwrap();
        assert_eq!(w.address().to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        fs::write(&pw, "wrong").unwrap();
        let err = Wallet::from_opts(&opts, 1).await.unwrap_err();
        assert_eq!(crate::exit::kind_of(&err), ExitKind::BadInput);
    }

    fn rand_core_compat() -> impl rand::CryptoRng + rand::RngCore {
        rand::thread_rng()
    }
}
