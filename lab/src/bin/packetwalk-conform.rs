//! `packetwalk-conform`: the comparison half of the kernel conformance run.
//!
//! ```text
//! packetwalk-conform plan <lesson>                          shell assignments for run.sh
//! packetwalk-conform compare <lesson> <workdir> <report.md>  exit 0 pass, 1 differences, 2 error
//! packetwalk-conform known                                   the ids of the known differences
//! ```
//! `<workdir>` holds what run.sh collected: `cap/<ns>__<if>__<in|out>.pcap`,
//! `tables/<ns>.<route|link|addr|neigh|nat|conntrack|events>` and `env.txt`.

use packetwalk_core::engine::{self, Run};
use packetwalk_lab::compare;
use packetwalk_lab::conntrack::parse as parse_ct;
use packetwalk_lab::findings::Finding;
use packetwalk_lab::mapping::Mapper;
use packetwalk_lab::observe::{kernel_obs, model_obs};
use packetwalk_lab::{plan, report, tables, wire, Lab};
use std::net::SocketAddrV4;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["plan", id] => Lab::load(id).map(|lab| {
            print!("{}", plan::plan(&lab));
            true
        }),
        ["known"] => {
            for k in packetwalk_lab::known_differences::KNOWN {
                println!("{}", k.id);
            }
            Ok(true)
        }
        ["compare", id, dir, out] => Lab::load(id).and_then(|lab| compare_lesson(&lab, Path::new(dir), Path::new(out))),
        _ => Err("usage: packetwalk-conform plan <lesson> | compare <lesson> <workdir> <report.md> | known".into()),
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("packetwalk-conform: {e}");
            ExitCode::from(2)
        }
    }
}

/// The endpoint the kernel's kube-proxy rules picked: the first entry a node reported
/// whose reply comes from a pod other than the address the client asked for (a DNAT).
fn kernel_endpoint(lab: &Lab, dir: &Path) -> Option<SocketAddrV4> {
    let pod_ips: Vec<String> = lab
        .cluster
        .netns
        .iter()
        .filter(|n| n.is_pod())
        .flat_map(|n| n.ifaces.iter().filter_map(|i| i.primary_addr()))
        .map(|a| a.to_string())
        .collect();
    for ns in lab.cluster.netns.iter().filter(|n| !n.nat.is_empty()) {
        let text =
            std::fs::read_to_string(dir.join(format!("tables/{}.events", lab.names.ns(&ns.name))))
                .unwrap_or_default();
        for c in text.lines().filter_map(parse_ct) {
            if c.reply.0 != c.orig.1 && pod_ips.contains(&c.reply.0) {
                return format!("{}:{}", c.reply.0, c.reply.2).parse().ok();
            }
        }
    }
    None
}

fn compare_lesson(lab: &Lab, dir: &Path, out: &Path) -> Result<bool, String> {
    let mut scenario = lab.lesson.scenario()?;
    let mut notes = Vec::new();
    if let Ok(env) = std::fs::read_to_string(dir.join("env.txt")) {
        notes.push(format!(
            "Machine: {}",
            env.lines().collect::<Vec<_>>().join("; ")
        ));
    }
    if let Some(ep) = kernel_endpoint(lab, dir) {
        let pinned = scenario
            .pin_endpoint
            .map(|p| p.to_string())
            .unwrap_or_else(|| "none".into());
        notes.push(format!("The kernel's rules chose endpoint {ep}; the model was run with that endpoint pinned (the lesson pins {pinned})."));
        scenario.pin_endpoint = Some(ep);
    }
    let run: Run = engine::run(&lab.cluster, &scenario);
    let vxlan_port = packetwalk_core::vocab::consts::FLANNEL_VXLAN_PORT;
    let model = model_obs(&run, &lab.cluster);
    let kernel = kernel_obs(&dir.join("cap"), &lab.names, vxlan_port)?;
    if kernel.is_empty() {
        return Err(format!(
            "no frames in {}/cap: did the captures run?",
            dir.display()
        ));
    }
    let strict = std::env::var("PACKETWALK_CONFORMANCE_STRICT").is_ok_and(|v| v == "1");
    let mut mapper = Mapper::for_cluster(&lab.cluster);
    mapper.vxlan_per_direction = !strict;
    let cmp = compare::compare(&model, &kernel, &mut mapper, &lab.lesson.scenario.from);
    let mut findings: Vec<Finding> = cmp.findings.clone();
    // The model's capture file, frame by frame from its bytes, against the kernel's.
    let title = packetwalk_pcap::title(&lab.lesson.id, &lab.lesson.title);
    let client = &lab.lesson.scenario.from;
    let wire = wire::compare(&run, &title, &kernel, &mut mapper, client, vxlan_port)?;
    findings.extend(wire.findings.iter().cloned());
    let checks = tables::compare(lab, &run, &dir.join("tables"), &mut mapper, &mut findings);
    for (m, k1, k2) in mapper.vxlan_asymmetry() {
        findings.push(Finding::new("vxlan-sport", "the underlay", format!("the model sends both directions of the flow from VXLAN source port {m}; the kernel used {k1} one way and {k2} the other")));
    }
    notes.extend(emulation_notes(lab));
    let o = report::build(&report::Inputs {
        lab,
        capture: &cmp,
        wire: &wire,
        tables: &checks,
        findings: &findings,
        mapper: &mapper,
        notes: &notes,
        strict,
    });
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(out, &o.markdown).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{}", o.line);
    for u in &o.unexplained {
        println!("  unexplained: {u}");
    }
    println!("known-used: {}", o.used.join(" "));
    Ok(o.pass)
}

/// What the lab emulates, stated in every report of a lesson that uses it.
fn emulation_notes(lab: &Lab) -> Vec<String> {
    use packetwalk_core::fabric::SegmentKind;
    let ul = lab.names.underlay_ns();
    let mut v = vec![format!(
        "Emulation: each NIC (`eth0` of a node or an outside host) is a veth into `{ul}`; `ip link`/`ip addr` are compared with its `@ifN` and `link-netns {ul}` removed."
    )];
    match lab.cluster.segments.first().map(|s| &s.kind) {
        Some(SegmentKind::AzureVnet(_)) => {
            v.push(format!("Emulation: Azure's VNet fabric is `{ul}`, a Linux router: every port has MAC 12:34:56:78:9a:bc and answers ARP (the gateway address on each port, proxy ARP for the rest, no proxy delay), knows every VM's MAC (permanent neighbours, it never ARPs), routes by the effective routes (a /32 per VM, `via <node>` per route-table row) and SNATs internet-bound traffic to the outbound IP."));
            v.push("Emulation: a Linux router decrements the TTL and Azure's fabric, as the model has it, does not; the fabric namespace adds 1 first (`iptables -t mangle -A PREROUTING -j TTL --ttl-inc 1`), so TTLs are compared as the model states them. Without that rule every packet that crossed the fabric would arrive with a TTL one lower. Whether Azure's SDN really leaves the TTL alone cannot be checked on this machine.".into());
        }
        _ => v.push(format!("Emulation: the Ethernet segment is a Linux bridge `lan` in `{ul}`: it forwards frames unchanged, as the model's segment does.")),
    }
    v
}
