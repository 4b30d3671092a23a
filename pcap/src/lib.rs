//! packetwalk-pcap: a walk as a pcapng file that Wireshark opens: the bytes of every frame
//! at every interface it crossed, each annotated with its hop. Pure: a run in, bytes out,
//! no IO, so the CLI writes it to a file and the page can offer it from WASM.
//!
//! The file: a Section Header Block (the title), one Interface Description Block per
//! interface the walk crossed (`worker-node-1/cni0`, `frontend/eth0`, `azure:vnet`; link
//! type Ethernet, the MTU in its description, nanosecond timestamps), a Name Resolution
//! Block (pods, nodes, hosts, Services), then one Enhanced Packet Block per frame on a wire,
//! at a fixed epoch + 1 ms per hop (so Wireshark's order is the trace's), its direction in
//! `epb_flags` and its hop in the comment.
//!
//! | module | holds |
//! |---|---|
//! | `lib.rs` | [`pcapng`]: the whole file |
//! | [`taps`] | which hops put a frame on a wire, and the interface that sees it |
//! | [`dns`] | a DNS message's bytes (RFC 1035 §4.1), and the zone its SOA comes from ([`dns::Ctx`]) |
//! | [`frame`] | a model frame's bytes: etherparse's headers, VXLAN's, DNS's |
//! | [`comment`] | each frame's comment: its hop, the decisions that led to it, a drop after it |
//! | [`names`] | the Name Resolution Block's records |

pub mod comment;
pub mod dns;
pub mod frame;
pub mod names;
pub mod taps;

use packetwalk_core::engine::Run;
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::name_resolution::{Ipv4Record, NameResolutionBlock, Record};
use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::{DataLink, Endianness};
use std::borrow::Cow;
use std::time::Duration;

/// The walk's first hop: 2024-01-01 00:00:00 UTC.
pub const EPOCH: Duration = Duration::from_secs(1_704_067_200);
/// The time between two hops.
pub const HOP_INTERVAL: Duration = Duration::from_millis(1);
/// The largest frame kept (no frame of a walk comes near it).
const SNAPLEN: u32 = 65535;

/// The time stamp of hop `i`.
pub fn timestamp(hop: usize) -> Duration {
    EPOCH + HOP_INTERVAL * hop as u32
}

/// The section's title for a lesson: `packetwalk lesson clusterip: <its title>` (the CLI
/// and the page write the same).
pub fn title(id: &str, title: &str) -> String {
    format!("packetwalk lesson {id}: {title}")
}

/// The walk of `run` as a pcapng file; `title` goes into the section's comment.
pub fn pcapng(run: &Run, title: &str) -> Vec<u8> {
    let seen = taps::seen(run);
    let comments = comment::comments(&run.trace.hops, &seen);
    let cluster = run.cluster();
    let ctx = dns::Ctx {
        zone: &cluster.coredns.zone,
        ttl: cluster.coredns.ttl,
    };

    let shb = SectionHeaderBlock {
        endianness: Endianness::Little,
        options: vec![
            SectionHeaderOption::Comment(Cow::Owned(title.to_string())),
            SectionHeaderOption::UserApplication(Cow::Owned(format!(
                "packetwalk {}",
                env!("CARGO_PKG_VERSION")
            ))),
        ],
        ..Default::default()
    };
    // Writing into a Vec cannot fail, and every packet names an interface written before.
    const OK: &str = "a pcapng block written into memory";
    let mut w = PcapNgWriter::with_section_header(Vec::new(), shb).expect(OK);

    let mut taps: Vec<&taps::Tap> = Vec::new();
    for s in &seen {
        if !taps.iter().any(|t| t.name == s.tap.name) {
            taps.push(&s.tap);
        }
    }
    for t in &taps {
        let mut options = vec![
            InterfaceDescriptionOption::IfName(Cow::Owned(t.name.clone())),
            InterfaceDescriptionOption::IfDescription(Cow::Owned(t.description.clone())),
            // pcap-file writes time stamps in nanoseconds.
            InterfaceDescriptionOption::IfTsResol(9),
        ];
        if let Some(mac) = t.mac {
            options.push(InterfaceDescriptionOption::IfMacAddr(Cow::Owned(
                mac.0.to_vec(),
            )));
        }
        w.write_pcapng_block(InterfaceDescriptionBlock {
            linktype: DataLink::ETHERNET,
            snaplen: SNAPLEN,
            options,
        })
        .expect(OK);
    }

    let records: Vec<Record> = names::records(cluster)
        .into_iter()
        .map(|(ip, names)| {
            Record::Ipv4(Ipv4Record {
                ip_addr: Cow::Owned(ip.octets().to_vec()),
                names: names.into_iter().map(Cow::Owned).collect(),
            })
        })
        .collect();
    if !records.is_empty() {
        w.write_pcapng_block(NameResolutionBlock {
            records,
            options: vec![],
        })
        .expect(OK);
    }

    for (s, comment) in seen.iter().zip(comments) {
        let Some(data) = frame::bytes(s.frame, &ctx) else {
            continue;
        };
        let interface_id = taps.iter().position(|t| t.name == s.tap.name).expect(OK) as u32;
        let mut options = vec![EnhancedPacketOption::Comment(Cow::Owned(comment))];
        if let Some(inbound) = s.inbound {
            // epb_flags bits 0-1: 1 inbound, 2 outbound.
            options.push(EnhancedPacketOption::Flags(if inbound { 1 } else { 2 }));
        }
        w.write_pcapng_block(EnhancedPacketBlock {
            interface_id,
            timestamp: timestamp(s.hop),
            original_len: data.len() as u32,
            data: Cow::Owned(data),
            options,
        })
        .expect(OK);
    }
    w.into_inner()
}
