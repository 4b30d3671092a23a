//! Conntrack, entry by entry. An entry is identified by its tuples (random ports mapped).
//! Its life is compared as a sequence of states: the model's, taken from the trace's
//! conntrack changes (several changes made while one packet crosses one namespace collapse
//! into the last, because the kernel only reports an entry once the packet that made it is
//! confirmed), must be the beginning of the kernel's, taken from `conntrack -E`. What the
//! kernel did after the model's last leg (the final ACK, the FINs) is listed, not compared.

use crate::findings::{Finding, TableCheck};
use crate::mapping::Mapper;
use packetwalk_core::engine::Run;
use packetwalk_core::netns::Netns;
use packetwalk_core::vocab::consts::FLANNEL_VXLAN_PORT;

/// The source address of the entry the conformance run inserts with `conntrack -I` before the
/// traffic (TEST-NET-1, RFC 5737: no lesson uses it).
pub const PROBE_SRC: &str = "192.0.2.1";

/// One `conntrack -L` / `conntrack -E` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ct {
    pub proto: String,
    pub timeout: u32,
    pub state: Option<String>,
    /// (src, dst, sport, dport); ports 0 for protocols without them.
    pub orig: (String, String, u32, u32),
    pub reply: (String, String, u32, u32),
    pub unreplied: bool,
    pub assured: bool,
}

pub fn parse(line: &str) -> Option<Ct> {
    let w: Vec<&str> = line
        .split_whitespace()
        .filter(|t| !(t.starts_with('[') && matches!(*t, "[NEW]" | "[UPDATE]" | "[DESTROY]")))
        .collect();
    let w: Vec<&str> = w
        .into_iter()
        .skip_while(|t| t.starts_with('[') && t.ends_with(']') && t.contains('.'))
        .collect();
    if w.len() < 4 {
        return None;
    }
    let timeout = w.get(2)?.parse().ok()?;
    let mut ct = Ct {
        proto: w[0].into(),
        timeout,
        state: None,
        orig: Default::default(),
        reply: Default::default(),
        unreplied: false,
        assured: false,
    };
    let mut tuples: Vec<(String, String, u32, u32)> = Vec::new();
    for t in &w[3..] {
        match *t {
            "[UNREPLIED]" => ct.unreplied = true,
            "[ASSURED]" => ct.assured = true,
            t if !t.contains('=') && !t.starts_with('[') => ct.state = Some(t.to_string()),
            t => {
                let Some((k, v)) = t.split_once('=') else {
                    continue;
                };
                match k {
                    "src" => tuples.push((v.into(), String::new(), 0, 0)),
                    "dst" => tuples.last_mut()?.1 = v.into(),
                    "sport" | "id" => tuples.last_mut()?.2 = v.parse().ok()?,
                    "dport" => tuples.last_mut()?.3 = v.parse().ok()?,
                    _ => {}
                }
            }
        }
    }
    ct.orig = tuples.first()?.clone();
    ct.reply = tuples.get(1)?.clone();
    Some(ct)
}

/// The mapping table of each port of an entry (orig sport, orig dport, reply sport, reply
/// dport) and its value there: a VXLAN flow's source port may be mapped per direction.
fn ports(e: &Ct, mapper: &Mapper) -> [(&'static str, u32); 4] {
    let p = [e.orig.2, e.orig.3, e.reply.2, e.reply.3];
    if e.proto == "udp" && e.orig.3 == u32::from(FLANNEL_VXLAN_PORT) {
        let (t, v) = mapper.vxlan_key(&e.orig.0, &e.orig.1, p[0]);
        return [(t, v), ("port", p[1]), ("port", p[2]), (t, v)];
    }
    p.map(|v| ("port", v))
}

/// Is this kernel entry the model's entry? Addresses must be equal and every port must map.
fn same(m: &Ct, k: &Ct, mapper: &Mapper) -> bool {
    let (mp, kp) = (ports(m, mapper), ports(k, mapper));
    m.proto == k.proto
        && (
            m.orig.0.as_str(),
            m.orig.1.as_str(),
            m.reply.0.as_str(),
            m.reply.1.as_str(),
        ) == (
            k.orig.0.as_str(),
            k.orig.1.as_str(),
            k.reply.0.as_str(),
            k.reply.1.as_str(),
        )
        && mp
            .iter()
            .zip(kp.iter())
            .all(|((t, a), (_, b))| mapper.kernel_of(t, *a).is_none_or(|x| x == *b))
}

fn state_text(c: &Ct) -> String {
    let mut s = format!(
        "{} timeout {}",
        c.state.clone().unwrap_or_else(|| "-".into()),
        c.timeout
    );
    if c.unreplied {
        s += " [UNREPLIED]";
    }
    if c.assured {
        s += " [ASSURED]";
    }
    s + &format!(
        " reply {}:{} > {}:{}",
        c.reply.0, c.reply.2, c.reply.1, c.reply.3
    )
}

/// The same state, timers aside: the kernel's timeout may have run down by a second or two.
fn same_state(m: &Ct, k: &Ct, mapper: &Mapper) -> bool {
    same(m, k, mapper)
        && m.state == k.state
        && m.unreplied == k.unreplied
        && m.assured == k.assured
        && k.timeout <= m.timeout
        && k.timeout + 3 >= m.timeout
}

pub fn conntrack(
    run: &Run,
    ns: &Netns,
    kernel_l: &str,
    events: &str,
    mapper: &mut Mapper,
    findings: &mut Vec<Finding>,
) -> TableCheck {
    let mut c = TableCheck {
        ns: ns.name.clone(),
        table: "conntrack".into(),
        ..Default::default()
    };
    // The model's life of each entry: its changes in this namespace, one per (leg, entry).
    let mut model_life: Vec<(Ct, Vec<Ct>)> = Vec::new();
    let mut last_leg: Vec<(String, String)> = Vec::new();
    for h in &run.trace.hops {
        for ch in h.changes.iter().filter(|ch| {
            ch.table == packetwalk_core::vocab::Changed::Conntrack && ch.netns == ns.name
        }) {
            let Some(e) = parse(&ch.line) else { continue };
            let key = format!("{:?}", e.orig);
            match model_life
                .iter_mut()
                .position(|(first, _)| format!("{:?}", first.orig) == key)
            {
                Some(i) => {
                    let same_pass = last_leg.get(i).is_some_and(|l| l.1 == h.leg);
                    if same_pass {
                        model_life[i].1.pop();
                    }
                    if model_life[i]
                        .1
                        .last()
                        .is_none_or(|p| state_text(p) != state_text(&e))
                    {
                        model_life[i].1.push(e);
                    }
                    last_leg[i] = (key, h.leg.clone());
                }
                None => {
                    model_life.push((e.clone(), vec![e]));
                    last_leg.push((key, h.leg.clone()));
                }
            }
        }
    }
    // An entry the model freed with its packet (a REJECT or DROP before confirmation,
    // `nf_conntrack_confirm` never ran): the kernel never reports it.
    model_life.retain(|(first, _)| {
        ns.conntrack
            .entries
            .iter()
            .filter_map(|e| parse(&e.to_string()))
            .any(|e| e.orig == first.orig)
    });
    // `unknown`: IPv6 and other protocols the kernel tracks on its own; 192.0.2.1: the probe
    // tests/conformance/run.sh makes from user space to know `conntrack -E` is listening.
    let noise = |k: &Ct| k.proto == "unknown" || k.orig.0 == PROBE_SRC;
    let kernel_final: Vec<Ct> = kernel_l
        .lines()
        .filter_map(parse)
        .filter(|k| !noise(k))
        .collect();
    let kernel_events: Vec<Ct> = events
        .lines()
        .filter_map(parse)
        .filter(|k| !noise(k))
        .collect();
    let mut used = vec![false; kernel_final.len()];
    for (_, life) in &model_life {
        let Some(last) = life.last() else { continue };
        c.rows += 1;
        let at = format!(
            "{} {} {}:{} > {}:{}",
            ns.name, last.proto, last.orig.0, last.orig.2, last.orig.1, last.orig.3
        );
        // Pair random ports first through the events (the entry as it was first reported).
        let kev: Vec<&Ct> = kernel_events
            .iter()
            .filter(|k| same(last, k, mapper))
            .collect();
        if let Some(first) = kev.first() {
            let (mp, kp) = (ports(last, mapper), ports(first, mapper));
            for (((t, m), (_, k)), what) in
                mp.into_iter()
                    .zip(kp)
                    .zip(["sport", "dport", "reply sport", "reply dport"])
            {
                if let Err(e) = mapper.check(t, m, k, &format!("conntrack {what} in {}", ns.name)) {
                    findings.push(Finding::new("conntrack", at.clone(), e));
                }
            }
        }
        let Some(ki) = kernel_final
            .iter()
            .enumerate()
            .position(|(i, k)| !used[i] && same(last, k, mapper))
        else {
            findings.push(Finding::new(
                "conntrack",
                at,
                format!(
                    "the model has this entry ({}), the kernel has no such entry",
                    state_text(last)
                ),
            ));
            continue;
        };
        used[ki] = true;
        // Its life: the model's states must be the first of the kernel's.
        let mut klife: Vec<&Ct> = Vec::new();
        for k in kev {
            if klife.last().is_none_or(|p| state_text(p) != state_text(k)) {
                klife.push(k);
            }
        }
        let prefix_ok = life.len() <= klife.len()
            && life
                .iter()
                .zip(&klife)
                .all(|(m, k)| same_state(m, k, mapper));
        if prefix_ok {
            c.matched += 1;
        } else {
            let m: Vec<String> = life.iter().map(state_text).collect();
            let k: Vec<String> = klife.iter().map(|k| state_text(k)).collect();
            findings.push(Finding::new(
                "conntrack",
                at.clone(),
                format!("states: model {m:?}, kernel events {k:?}"),
            ));
        }
        let after: Vec<String> = klife
            .iter()
            .skip(life.len())
            .map(|k| state_text(k))
            .collect();
        c.notes.push(format!(
            "{at}: model ends {}; kernel then {}; `conntrack -L` at the end: {}",
            state_text(last),
            if after.is_empty() {
                "nothing more".into()
            } else {
                after.join(" → ")
            },
            state_text(&kernel_final[ki])
        ));
    }
    for (i, k) in kernel_final.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let _ = i;
        c.rows += 1;
        findings.push(Finding::new(
            "conntrack",
            ns.name.clone(),
            format!(
                "the kernel has an entry the model does not: {} {}:{} > {}:{} {}",
                k.proto,
                k.orig.0,
                k.orig.2,
                k.orig.1,
                k.orig.3,
                state_text(k)
            ),
        ));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_event_lines_parse_to_the_same_entry() {
        let l = parse("tcp      6 119 TIME_WAIT src=10.244.0.10 dst=10.96.0.20 sport=46748 dport=80 src=10.244.0.15 dst=10.244.0.10 sport=8080 dport=46748 [ASSURED] mark=0 use=1").unwrap();
        let e = parse("    [NEW] tcp      6 120 SYN_SENT src=10.244.0.10 dst=10.96.0.20 sport=46748 dport=80 [UNREPLIED] src=10.244.0.15 dst=10.244.0.10 sport=8080 dport=46748").unwrap();
        assert_eq!(
            (l.orig.clone(), l.reply.clone()),
            (e.orig.clone(), e.reply.clone())
        );
        assert_eq!(
            (e.state.as_deref(), e.unreplied, e.timeout),
            (Some("SYN_SENT"), true, 120)
        );
        assert!(l.assured && !l.unreplied);
        let u = parse("udp      17 29 src=192.168.1.10 dst=192.168.1.11 sport=57306 dport=8472 [UNREPLIED] src=192.168.1.11 dst=192.168.1.10 sport=8472 dport=57306 mark=0 use=1").unwrap();
        assert_eq!((u.state, u.orig.3), (None, 8472));
    }
}
