//! The per-lesson report: what was compared, what matched, and every difference with its
//! explanation, in Markdown.

use crate::compare::{taps_matched, Comparison};
use crate::findings::{Finding, TableCheck};
use crate::known_differences::{self as known, Class};
use crate::mapping::Mapper;
use crate::wire::Wire;
use crate::Lab;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub struct Outcome {
    pub pass: bool,
    /// The known differences that explained something here.
    pub used: Vec<&'static str>,
    /// One line for the summary.
    pub line: String,
    /// The findings that fail the run, one line each (printed too, so a CI log shows them).
    pub unexplained: Vec<String>,
    pub markdown: String,
}

pub struct Inputs<'a> {
    pub lab: &'a Lab,
    pub capture: &'a Comparison,
    /// The model's pcapng against the kernel's captures, from the bytes.
    pub wire: &'a Wire,
    pub tables: &'a [TableCheck],
    pub findings: &'a [Finding],
    pub mapper: &'a Mapper,
    /// Facts about the run: the endpoint the kernel chose, the machine.
    pub notes: &'a [String],
    /// Fail on `Class::Model` differences too.
    pub strict: bool,
}

pub fn build(i: &Inputs) -> Outcome {
    let lab = i.lab;
    let c = i.capture;
    let mut explained: BTreeMap<&'static str, Vec<&Finding>> = BTreeMap::new();
    let mut unexplained: Vec<&Finding> = Vec::new();
    for (f, k) in i.findings.iter().zip(known::classify(i.findings, lab)) {
        match k {
            Some(k) if !(i.strict && k.class == Class::Model) => {
                explained.entry(k.id).or_default().push(f)
            }
            _ => unexplained.push(f),
        }
    }
    let pass = unexplained.is_empty();
    let (taps_ok, taps_all) = taps_matched(c);
    let (fields_n, fields_ok) = c
        .fields
        .values()
        .fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    let (rows_n, rows_ok) = i
        .tables
        .iter()
        .fold((0, 0), |a, t| (a.0 + t.rows, a.1 + t.matched));
    let model_diffs = explained
        .keys()
        .filter(|id| {
            known::KNOWN
                .iter()
                .any(|k| k.id == **id && k.class == Class::Model)
        })
        .count();
    let line = format!(
        "{}: {} — taps {taps_ok}/{taps_all}, fields {fields_ok}/{fields_n}, table rows {rows_ok}/{rows_n}, explained differences {} (model: {model_diffs}), unexplained {}",
        lab.lesson.id,
        if pass { "PASS" } else { "FAIL" },
        explained.len(),
        unexplained.len()
    );
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# Kernel conformance: {} ({})\n",
        lab.lesson.id, lab.lesson.title
    );
    let _ = writeln!(m, "**{}**: {line}\n", if pass { "PASS" } else { "FAIL" });
    let _ = writeln!(
        m,
        "Built with `packetwalk lab {}` (namespaces `{}*`), traffic sent as a learner would:\n",
        lab.lesson.id,
        lab.names.prefix()
    );
    let _ = writeln!(m, "```\n{}\n```\n", crate::plan::traffic(lab));
    for n in i.notes {
        let _ = writeln!(m, "- {n}");
    }
    let _ = writeln!(
        m,
        "\n## Taps (tcpdump -Q in / -Q out on every interface of every namespace)\n"
    );
    let _ = writeln!(m, "| tap | model frames | kernel frames | matched | kernel, after the model's last leg | noise |\n|---|---|---|---|---|---|");
    for t in &c.taps {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} | {} |",
            t.tap, t.model, t.kernel, t.matched, t.beyond, t.noise
        );
    }
    let _ = writeln!(m, "\n## Paths (the taps each frame crossed, in order)\n");
    for p in &c.paths {
        let how = if p.unordered {
            " (broadcast: flooded copies compared as a set)"
        } else {
            ""
        };
        let _ = writeln!(
            m,
            "- {} `{}`{how}: {}",
            if p.ok { "✓" } else { "✗" },
            p.key,
            p.model.join(" → ")
        );
        if !p.ok {
            let _ = writeln!(m, "  - kernel: {}", p.kernel.join(" → "));
        }
    }
    if let Some((mq, kq)) = &c.dns_order {
        let _ = writeln!(m, "\n## DNS questions, in the order the client sent them\n");
        let _ = writeln!(m, "| # | model | kernel |\n|---|---|---|");
        for n in 0..mq.len().max(kq.len()) {
            let _ = writeln!(
                m,
                "| {} | {} | {} |",
                n + 1,
                mq.get(n).map(String::as_str).unwrap_or(""),
                kq.get(n).map(String::as_str).unwrap_or("")
            );
        }
    }
    if let Some((mt, kt)) = &c.dns_timeline {
        let _ = writeln!(m, "\nAll DNS frames at the client's interface, in time order:\n\n| # | model | kernel |\n|---|---|---|");
        for n in 0..mt.len().max(kt.len()) {
            let _ = writeln!(
                m,
                "| {} | {} | {} |",
                n + 1,
                mt.get(n).map(String::as_str).unwrap_or(""),
                kt.get(n).map(String::as_str).unwrap_or("")
            );
        }
    }
    let _ = writeln!(
        m,
        "\n## Fields compared\n\n| field | compared | equal |\n|---|---|---|"
    );
    for (f, (n, ok)) in &c.fields {
        let _ = writeln!(m, "| {f} | {n} | {ok} |");
    }
    wire_section(&mut m, i.wire);
    let _ = writeln!(m, "\n## Tables after the exchange\n\n| namespace | table | rows | equal | notes |\n|---|---|---|---|---|");
    for t in i.tables {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} |",
            t.ns,
            t.table,
            t.rows,
            t.matched,
            t.notes.join("<br>")
        );
    }
    let _ = writeln!(m, "\n## Random values, mapped model → kernel\n");
    for (table, b) in &i.mapper.tables {
        let show = |v: u32| {
            if v >= crate::mapping::REVERSE {
                format!("{} (reverse direction)", v - crate::mapping::REVERSE)
            } else {
                v.to_string()
            }
        };
        let pairs: Vec<String> = b
            .pairs
            .iter()
            .map(|(a, k)| format!("{} → {}", show(*a), show(*k)))
            .collect();
        let _ = writeln!(m, "- {table}: {}", pairs.join(", "));
    }
    let fixed: Vec<String> = i.mapper.fixed_ports.iter().map(|p| p.to_string()).collect();
    let _ = writeln!(
        m,
        "- ports fixed by the lesson (must be equal): {}",
        fixed.join(", ")
    );
    let _ = writeln!(m, "\n## Differences\n");
    if explained.is_empty() && unexplained.is_empty() {
        let _ = writeln!(m, "None.");
    }
    for (id, fs) in &explained {
        let Some(k) = known::KNOWN.iter().find(|k| k.id == *id) else {
            continue;
        };
        let _ = writeln!(m, "### {id}: {}\n\n{}\n", k.class.label(), k.explain);
        for f in fs {
            let _ = writeln!(m, "- [{}] {}: {}", f.area, f.at, f.what);
        }
        m.push('\n');
    }
    if !unexplained.is_empty() {
        let _ = writeln!(m, "### Unexplained (these fail the run)\n");
        for f in &unexplained {
            let _ = writeln!(m, "- [{}] {}: {}", f.area, f.at, f.what);
        }
    }
    let _ = writeln!(m, "\n## Not compared, and why\n");
    let beyond: Vec<String> = c.beyond.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    let _ = writeln!(
        m,
        "- Kernel frames after the model's last leg (the model stops at the answer): {}",
        if beyond.is_empty() {
            "none".into()
        } else {
            beyond.join(", ")
        }
    );
    let noise: Vec<String> = c.noise.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    let _ = writeln!(
        m,
        "- Frames that are not the lesson's: {}",
        if noise.is_empty() {
            "none".into()
        } else {
            noise.join(", ")
        }
    );
    let _ = writeln!(m, "- Fields the model does not carry: IP id, TCP sequence and acknowledgement numbers, window, options, checksums, lengths.");
    let _ = writeln!(m, "- The emulated underlay's own interfaces (`{}`): they stand in for a switch or for Azure's fabric.", lab.names.underlay_ns());
    if c.taps.iter().any(|t| t.tap.contains(" lo (")) {
        let _ = writeln!(m, "- `lo`: libpcap shows a loopback packet once, as incoming (it drops the outgoing copy on loopback); the model's transmit and receive on `lo` are that one tap here.");
    }
    let _ = writeln!(
        m,
        "\n## Example frames (first of each kind): model, then kernel\n"
    );
    for (tap, key, mf, kf) in &c.examples {
        let _ = writeln!(m, "- {tap} `{key}`\n  - model:  `{mf}`\n  - kernel: `{kf}`");
    }
    Outcome {
        pass,
        line,
        unexplained: unexplained
            .iter()
            .map(|f| format!("[{}] {}: {}", f.area, f.at, f.what))
            .collect(),
        markdown: m,
        used: explained.keys().copied().collect(),
    }
}

/// The model's pcapng against the kernel's captures: counts, the fields from the bytes, and
/// what explained the differences (the unexplained ones are findings, listed with the rest).
fn wire_section(m: &mut String, w: &Wire) {
    let _ = writeln!(m, "\n## The model's pcapng (`packetwalk pcap`) against the kernel's captures, from the bytes\n");
    let _ = writeln!(
        m,
        "{} frames of the model's file at the captured interfaces; {} matched with a kernel frame (the same groups as above); {} with every header field equal or explained.\n",
        w.frames, w.matched, w.clean
    );
    let _ = writeln!(m, "| field | compared | equal |\n|---|---|---|");
    for (f, (n, ok)) in &w.fields {
        let _ = writeln!(m, "| {f} | {n} | {ok} |");
    }
    let _ = writeln!(
        m,
        "\nExplained differences (fields, with the first one seen):\n"
    );
    if w.explained.is_empty() {
        let _ = writeln!(m, "- none");
    }
    for (id, (n, example)) in &w.explained {
        let why = crate::headers::REASONS
            .iter()
            .find(|r| r.0 == *id)
            .map_or("", |r| r.1);
        let _ = writeln!(m, "- **{id}** ×{n} (first: {example}): {why}");
    }
}
