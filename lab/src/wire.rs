//! The model's capture against the kernel's, frame by frame, from the bytes: the pcapng file
//! `packetwalk pcap` writes for the run is read back, each frame at its interface (the
//! Interface Description Block's name, `<netns>/<dev>`) in its direction (`epb_flags`),
//! parsed by the same parser as tcpdump's files, and matched with the kernel's frames by the
//! capture comparison ([`compare::compare`], the same groups and the same [`Mapper`]); each
//! matched pair is then compared again from the raw headers ([`headers`]). Differences with
//! a reason are listed as explained; the rest are findings (area `pcapng`), which fail the run.

use crate::compare;
use crate::findings::Finding;
use crate::headers::{self, Reason};
use crate::mapping::Mapper;
use crate::observe::{Dir, Obs};
use crate::pcap;
use packetwalk_core::engine::Run;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgReader};
use std::collections::BTreeMap;

/// What the comparison of the model's file with the kernel's captures found.
#[derive(Debug, Default)]
pub struct Wire {
    /// Frames in the model's file at the interfaces the kernel captured, and those matched
    /// with a kernel frame.
    pub frames: usize,
    pub matched: usize,
    /// Frames whose every header field is equal or explained.
    pub clean: usize,
    /// Field → (compared, equal), from the bytes.
    pub fields: BTreeMap<String, (usize, usize)>,
    /// Reason → (fields it explained, one example).
    pub explained: BTreeMap<Reason, (usize, String)>,
    pub findings: Vec<Finding>,
}

/// The frames of a pcapng file at the namespaces' interfaces (not the cloud fabric's), as
/// observations with their bytes; `order` is the time stamp in nanoseconds.
pub fn frames(file: &[u8], vxlan_port: u16) -> Result<Vec<Obs>, String> {
    let mut reader = PcapNgReader::new(file).map_err(|e| format!("the model's pcapng: {e}"))?;
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    while let Some(block) = reader.next_block() {
        match block.map_err(|e| format!("the model's pcapng: {e}"))? {
            Block::InterfaceDescription(idb) => names.push(
                idb.options
                    .iter()
                    .find_map(|o| match o {
                        InterfaceDescriptionOption::IfName(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .unwrap_or_default(),
            ),
            Block::EnhancedPacket(epb) => {
                let name = names
                    .get(epb.interface_id as usize)
                    .cloned()
                    .unwrap_or_default();
                let Some((ns, dev)) = name.split_once('/') else {
                    continue;
                };
                let dir = epb.options.iter().find_map(|o| match o {
                    EnhancedPacketOption::Flags(f) if f & 3 == 1 => Some(Dir::In),
                    EnhancedPacketOption::Flags(f) if f & 3 == 2 => Some(Dir::Out),
                    _ => None,
                });
                let (Some(dir), Some(pkt)) = (dir, pcap::parse(&epb.data, vxlan_port)) else {
                    continue;
                };
                out.push(Obs {
                    ns: ns.to_string(),
                    dev: dev.to_string(),
                    dir,
                    pkt,
                    order: epb.timestamp.as_nanos() as u64,
                    raw: epb.data.to_vec(),
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The model's file for `run` against the kernel's frames (`kernel_obs`, with their bytes).
pub fn compare(
    run: &Run,
    title: &str,
    kernel: &[Obs],
    mapper: &mut Mapper,
    client_ns: &str,
    vxlan_port: u16,
) -> Result<Wire, String> {
    let file = packetwalk_pcap::pcapng(run, title);
    let mut model = frames(&file, vxlan_port)?;
    // Only the interfaces the kernel was captured on (not the emulated underlay's).
    model.retain(|m| kernel.iter().any(|k| k.ns == m.ns && k.dev == m.dev));
    let c = compare::compare(&model, kernel, mapper, client_ns);
    let mut w = Wire {
        frames: model.len(),
        matched: c.pairs.len(),
        fields: c.fields.clone(),
        ..Wire::default()
    };
    // Frame findings: the parsed fields, and frames only one side has.
    for f in c.findings.into_iter().filter(|f| f.area == "capture") {
        w.findings.push(Finding {
            area: "pcapng".into(),
            what: format!("the model's pcapng: {}", f.what),
            ..f
        });
    }
    for (mi, ki) in c.pairs {
        let (m, k) = (&model[mi], &kernel[ki]);
        let at = m.tap();
        let d = headers::compare(&m.raw, &k.raw, vxlan_port, mapper, &at, "", &mut w.fields);
        if d.unexplained.is_empty() {
            w.clean += 1;
        }
        for (field, why) in d.explained {
            let e = w
                .explained
                .entry(why)
                .or_insert_with(|| (0, format!("{at}: {field}")));
            e.0 += 1;
        }
        for u in d.unexplained {
            w.findings.push(Finding {
                tap: Some((m.ns.clone(), m.dev.clone(), m.dir)),
                ..Finding::new("pcapng", at.clone(), format!("the model's pcapng: {u}"))
            });
        }
    }
    Ok(w)
}
