//! The watch file (TOML): which safes to follow on which nodes, the rules, the sinks. Parsed and
//! validated in one pass; every error names the line it is about (`tsafe watch --check`).

use super::rules::{Action, Rule, RuleKind, Severity};
use crate::units::{parse_address, parse_native_amount, parse_token_amount};
use alloy::primitives::{Address, B256};
use serde::Deserialize;
use std::{collections::HashSet, net::SocketAddr, path::Path};
use toml::Spanned;

/// One safe to follow.
#[derive(Debug, Clone)]
pub struct SafeSpec {
    /// A name for people (defaults to the address).
    pub name: String,
    /// The safe.
    pub address: Address,
    /// The chain id the nodes must report.
    pub chain_id: Option<u64>,
    /// Nodes to read from, in order of preference (the first that answers is used).
    pub rpc_urls: Vec<String>,
    /// The first block to read; by default the block the safe was deployed in.
    pub from_block: Option<u64>,
    /// Tokens an `evacuate` response adds to the sweep (besides the safe's caps and evacuation
    /// list), also on a re-sweep of a safe found already evacuated.
    pub evacuate_extras: Vec<Address>,
}

/// Where alerts go besides stdout (JSON lines) and stderr (human lines).
#[derive(Debug, Clone, Default)]
pub struct SinkSpec {
    /// Webhook URL (POST JSON, HMAC-SHA256 signed when a secret is set).
    pub webhook: Option<String>,
    /// Name of the environment variable holding the webhook's HMAC secret (never the secret itself).
    pub webhook_secret_env: Option<String>,
    /// Attempts per delivery pass before the record waits for the next pass.
    pub webhook_attempts: u32,
    /// A shell command run once per record, the record as JSON on stdin; exit 0 acknowledges.
    pub command: Option<String>,
    /// Loopback address of the Prometheus-style metrics endpoint.
    pub metrics: Option<SocketAddr>,
    /// Seconds between heartbeats on stdout (0: none).
    pub heartbeat_secs: u64,
    /// Whether records go to stdout and stderr (always, from a watch file; `tsafe demo` narrates
    /// instead).
    pub console: bool,
}

/// The whole watch file, validated.
#[derive(Debug, Clone)]
pub struct WatchFile {
    /// Safes to follow.
    pub safes: Vec<SafeSpec>,
    /// Rules, in file order.
    pub rules: Vec<Rule>,
    /// Sinks.
    pub sinks: SinkSpec,
    /// Milliseconds between polls when caught up.
    pub poll_ms: u64,
    /// Most blocks asked of `eth_getLogs` at once (hosted nodes cap the range).
    pub max_block_range: u64,
}

/// A problem in the watch file, with its line (1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The line it is on.
    pub line: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    safe: Vec<Spanned<RawSafe>>,
    #[serde(default)]
    sinks: RawSinks,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    poll_ms: Option<u64>,
    max_block_range: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafe {
    name: Option<String>,
    address: Spanned<String>,
    chain_id: Option<u64>,
    rpc_urls: Spanned<Vec<String>>,
    from_block: Option<u64>,
    evacuate_extras: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSinks {
    webhook: Option<String>,
    webhook_secret_env: Option<String>,
    webhook_attempts: Option<u32>,
    command: Option<String>,
    metrics: Option<Spanned<String>>,
    heartbeat_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    kind: Spanned<String>,
    severity: Spanned<String>,
    action: Spanned<String>,
    ids: Option<Spanned<Vec<String>>>,
    allow: Option<Spanned<Vec<String>>>,
    asset: Option<Spanned<String>>,
    above: Option<Spanned<String>>,
    decimals: Option<u8>,
    share: Option<Spanned<f64>>,
    within_blocks: Option<u64>,
    utc_hours: Option<Spanned<Vec<u8>>>,
}

/// The line (1-based) of byte `offset` in `text`.
// One config file, counted once per error: the `bytecount` crate is not worth a dependency here.
#[allow(clippy::naive_bytecount)]
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// Reads and validates a watch file.
pub fn load(path: &Path) -> Result<WatchFile, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError { line: None, message: format!("cannot read {}: {e}", path.display()) }]
    })?;
    parse(&text)
}

/// Parses and validates the text of a watch file; every problem found, each with its line.
pub fn parse(text: &str) -> Result<WatchFile, Vec<ConfigError>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        vec![ConfigError {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        }]
    })?;
    let mut errors = Vec::new();
    let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));

    let mut safes = Vec::new();
    for s in raw.safe {
        let line = at(s.span());
        let s = s.into_inner();
        let address = match parse_address(s.address.get_ref()) {
            Ok(a) => a,
            Err(e) => {
                errors.push(ConfigError { line: at(s.address.span()), message: e.to_string() });
                continue;
            }
        };
        if s.rpc_urls.get_ref().is_empty() {
            errors.push(ConfigError {
                line: at(s.rpc_urls.span()),
                message: "rpc_urls is empty: give at least one node URL (several for fallback)"
                    .into(),
            });
        }
        let mut evacuate_extras = Vec::new();
        if let Some(list) = &s.evacuate_extras {
            for a in list.get_ref() {
                match parse_address(a) {
                    Ok(a) => evacuate_extras.push(a),
                    Err(e) => errors.push(ConfigError {
                        line: at(list.span()),
                        message: format!("evacuate_extras: {e}"),
                    }),
                }
            }
            if evacuate_extras.len() > crate::sweep::MAX_EXTRAS {
                errors.push(ConfigError {
                    line: at(list.span()),
                    message: format!(
                        "evacuate_extras lists {} tokens; one sweep takes at most {} (add the rest to the safe's evacuation list)",
                        evacuate_extras.len(),
                        crate::sweep::MAX_EXTRAS
                    ),
                });
            }
        }
        if safes.iter().any(|x: &SafeSpec| x.address == address && x.chain_id == s.chain_id) {
            errors.push(ConfigError { line, message: format!("safe {address} is listed twice") });
        }
        safes.push(SafeSpec {
            name: s.name.unwrap_or_else(|| address.to_string()),
            address,
            chain_id: s.chain_id,
            rpc_urls: s.rpc_urls.into_inner(),
            from_block: s.from_block,
            evacuate_extras,
        });
    }
    if safes.is_empty() {
        errors.push(ConfigError {
            line: None,
            message: "no [[safe]] to watch: add one with address and rpc_urls".into(),
        });
    }

    let mut rules = Vec::new();
    let mut names = HashSet::new();
    for r in raw.rule {
        let line = line_of(text, r.span().start);
        match rule(text, r.into_inner(), line) {
            Ok(rule) => {
                if !names.insert(rule.name.clone()) {
                    errors.push(ConfigError {
                        line: Some(line),
                        message: format!("two rules are named {:?}: names must be unique (they are part of the alerts' idempotency keys)", rule.name),
                    });
                }
                rules.push(rule);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }

    let metrics = match raw.sinks.metrics {
        Some(m) => match m.get_ref().parse::<SocketAddr>() {
            Ok(a) if a.ip().is_loopback() => Some(a),
            Ok(a) => {
                errors.push(ConfigError {
                    line: at(m.span()),
                    message: format!("metrics address {a} is not on loopback: the endpoint is unauthenticated, so it only listens on 127.0.0.1 or ::1 (put a proxy in front to expose it)"),
                });
                None
            }
            Err(e) => {
                errors.push(ConfigError {
                    line: at(m.span()),
                    message: format!(
                        "metrics {:?} is not an address:port ({e}), e.g. \"127.0.0.1:9464\"",
                        m.get_ref()
                    ),
                });
                None
            }
        },
        None => None,
    };
    let sinks = SinkSpec {
        webhook: raw.sinks.webhook,
        webhook_secret_env: raw.sinks.webhook_secret_env,
        webhook_attempts: raw.sinks.webhook_attempts.unwrap_or(5).max(1),
        command: raw.sinks.command,
        metrics,
        heartbeat_secs: raw.sinks.heartbeat_secs.unwrap_or(60),
        console: true,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(WatchFile {
        safes,
        rules,
        sinks,
        poll_ms: raw.settings.poll_ms.unwrap_or(1000).max(50),
        max_block_range: raw.settings.max_block_range.unwrap_or(2000).max(1),
    })
}

fn rule(text: &str, r: RawRule, line: usize) -> Result<Rule, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
    macro_rules! err {
        ($span:expr, $message:expr $(,)?) => {
            errors.push(ConfigError { line: at($span), message: $message })
        };
    }
    let name = r.name.get_ref().clone();
    let severity = match r.severity.get_ref().parse::<Severity>() {
        Ok(s) => s,
        Err(()) => {
            err!(
                r.severity.span(),
                format!(
                    "rule {name:?}: severity {:?} is not one of info, low, medium, high, critical",
                    r.severity.get_ref()
                )
            );
            Severity::Info
        }
    };
    let action = match r.action.get_ref().as_str() {
        "alert" => Action::Alert,
        "cancel" => Action::Cancel,
        "freeze" => Action::Freeze,
        "evacuate" => Action::Evacuate,
        other => {
            err!(
                r.action.span(),
                format!(
                    "rule {name:?}: action {other:?} is not one of alert, cancel, freeze, evacuate"
                ),
            );
            Action::Alert
        }
    };
    let addresses = |list: &Spanned<Vec<String>>, errs: &mut Vec<ConfigError>| {
        let mut out = HashSet::new();
        for a in list.get_ref() {
            match parse_address(a) {
                Ok(a) => {
                    out.insert(a);
                }
                Err(e) => errs.push(ConfigError {
                    line: at(list.span()),
                    message: format!("rule {name:?}: {e}"),
                }),
            }
        }
        out
    };
    let missing = |field: &str, example: &str| ConfigError {
        line: Some(line),
        message: format!(
            "rule {name:?} of kind {:?} needs {field}, e.g. {example}",
            r.kind.get_ref()
        ),
    };
    let kind = match r.kind.get_ref().as_str() {
        "expect" => match &r.ids {
            Some(ids) => {
                let mut set = HashSet::new();
                for id in ids.get_ref() {
                    match id.parse::<B256>() {
                        Ok(id) => {
                            set.insert(id);
                        }
                        Err(_) => err!(
                            ids.span(),
                            format!(
                                "rule {name:?}: {id:?} is not a proposal id (0x and 64 hex digits)"
                            )
                        ),
                    }
                }
                RuleKind::Expect { ids: set }
            }
            None => RuleKind::Expect { ids: HashSet::new() },
        },
        "destination" => match &r.allow {
            Some(list) => RuleKind::Destination { allow: addresses(list, &mut errors) },
            None => {
                errors.push(missing("allow", "allow = [\"0x…\"]"));
                RuleKind::Destination { allow: HashSet::new() }
            }
        },
        "outflow" => {
            let asset = match &r.asset {
                None => crate::units::NATIVE_ASSET,
                Some(a)
                    if matches!(a.get_ref().to_ascii_lowercase().as_str(), "eth" | "native") =>
                {
                    crate::units::NATIVE_ASSET
                }
                Some(a) => match parse_address(a.get_ref()) {
                    Ok(a) => a,
                    Err(e) => {
                        err!(a.span(), format!("rule {name:?}: asset: {e}"));
                        Address::ZERO
                    }
                },
            };
            let native = asset == crate::units::NATIVE_ASSET;
            let above = match &r.above {
                Some(a) => {
                    let parsed = if native {
                        parse_native_amount(a.get_ref())
                    } else {
                        parse_token_amount(a.get_ref(), r.decimals.unwrap_or(0))
                    };
                    match parsed {
                        Ok(v) => Some(v),
                        Err(e) => {
                            err!(a.span(), format!("rule {name:?}: above: {e}"));
                            None
                        }
                    }
                }
                None => None,
            };
            let share = match &r.share {
                Some(s) if !(0.0..=1.0).contains(s.get_ref()) || *s.get_ref() == 0.0 => {
                    err!(
                        s.span(),
                        format!(
                            "rule {name:?}: share {} must be in (0, 1], a fraction of the safe's balance (0.2 is 20%)",
                            s.get_ref()
                        )
                    );
                    None
                }
                Some(s) => Some(*s.get_ref()),
                None => None,
            };
            if above.is_none() && share.is_none() && r.above.is_none() && r.share.is_none() {
                errors.push(missing("above or share", "above = \"10ether\" or share = 0.2"));
            }
            RuleKind::Outflow { asset, above, share }
        }
        "loosening" => RuleKind::Loosening,
        "guardian-removal" => RuleKind::GuardianRemoval,
        "recovery-change" => RuleKind::RecoveryChange,
        "allowance" => RuleKind::Allowance,
        "fresh-target" => match r.within_blocks {
            Some(n) => RuleKind::FreshTarget { within_blocks: n },
            None => {
                errors.push(missing("within_blocks", "within_blocks = 50000"));
                RuleKind::FreshTarget { within_blocks: 0 }
            }
        },
        "uncapped-asset" => RuleKind::UncappedAsset,
        "proposer" => match &r.allow {
            Some(list) => RuleKind::Proposer { allow: addresses(list, &mut errors) },
            None => {
                errors.push(missing("allow", "allow = [\"0x…owner\"]"));
                RuleKind::Proposer { allow: HashSet::new() }
            }
        },
        "hours" => match &r.utc_hours {
            Some(h) if h.get_ref().len() == 2 && h.get_ref().iter().all(|x| *x <= 24) => {
                RuleKind::Hours { from: h.get_ref()[0], to: h.get_ref()[1] }
            }
            Some(h) => {
                err!(
                    h.span(),
                    format!(
                        "rule {name:?}: utc_hours must be [FROM, TO], hours 0-24 (e.g. [8, 18]: 08:00-17:59 UTC)"
                    )
                );
                RuleKind::Hours { from: 0, to: 24 }
            }
            None => {
                errors.push(missing("utc_hours", "utc_hours = [8, 18]"));
                RuleKind::Hours { from: 0, to: 24 }
            }
        },
        "unfreeze" => RuleKind::Unfreeze,
        other => {
            err!(
                r.kind.span(),
                format!(
                    "rule {name:?}: unknown kind {other:?}; known kinds: {}",
                    RuleKind::NAMES.join(", ")
                )
            );
            RuleKind::Loosening
        }
    };
    if action == Action::Cancel && matches!(kind, RuleKind::Unfreeze) {
        err!(
            r.action.span(),
            format!(
                "rule {name:?}: an unfreeze is not a queued proposal, so it cannot be cancelled; use \"alert\" or \"freeze\""
            )
        );
    }
    if errors.is_empty() { Ok(Rule { name, kind, severity, action, line }) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: &str = "[[safe]]\naddress = \"0x00000000000000000000000000000000000000aa\"\nrpc_urls = [\"http://127.0.0.1:8545\"]\n";

    #[test]
    fn the_example_file_is_valid() {
        let file = parse(include_str!("../../../examples/watch.toml")).expect("valid");
        assert!(file.rules.len() >= 10);
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!(
            "{SAFE}\n[[rule]]\nname = \"x\"\nkind = \"outflow\"\nseverity = \"high\"\naction = \"cancel\"\nabove = \"ten\"\n"
        );
        let errors = parse(&text).unwrap_err();
        assert_eq!(errors[0].line, Some(10), "{errors:?}");
        assert!(errors[0].message.contains("above"), "{errors:?}");
    }

    #[test]
    fn evacuate_rules_and_extras() {
        let text = format!(
            "{SAFE}evacuate_extras = [\"0x00000000000000000000000000000000000000bb\"]\n[[rule]]\nname = \"g\"\nkind = \"guardian-removal\"\nseverity = \"critical\"\naction = \"evacuate\"\n[[rule]]\nname = \"r\"\nkind = \"recovery-change\"\nseverity = \"critical\"\naction = \"evacuate\"\n"
        );
        let file = parse(&text).expect("valid");
        assert_eq!(file.rules[0].action, Action::Evacuate);
        assert_eq!(file.rules[1].kind, RuleKind::RecoveryChange);
        assert_eq!(file.safes[0].evacuate_extras, vec![Address::with_last_byte(0xbb)]);
        let bad = format!("{SAFE}evacuate_extras = [\"0xnope\"]\n");
        let errors = parse(&bad).unwrap_err();
        assert_eq!(errors[0].line, Some(4), "{errors:?}");
    }

    #[test]
    fn unknown_fields_and_kinds_are_named() {
        let text = format!(
            "{SAFE}\n[[rule]]\nname = \"x\"\nkind = \"nope\"\nseverity = \"high\"\naction = \"alert\"\n"
        );
        let errors = parse(&text).unwrap_err();
        assert_eq!(errors[0].line, Some(7));
        let text =
            format!("{SAFE}\n[[rule]]\nname = \"x\"\nkind = \"loosening\"\nsevrity = \"high\"\n");
        let errors = parse(&text).unwrap_err();
        assert!(errors[0].line.is_some());
        assert!(errors[0].message.contains("sevrity"), "{errors:?}");
    }

    #[test]
    fn metrics_only_on_loopback() {
        let text = format!("{SAFE}\n[sinks]\nmetrics = \"0.0.0.0:9464\"\n");
        let errors = parse(&text).unwrap_err();
        assert_eq!(errors[0].line, Some(6));
    }
}
