//! The packet as a tree of headers, outermost first, each layer expandable; fields that
//! changed since the packet's previous hop are marked (NAT in its own colour), with the
//! value they had.

use crate::markup::{el, esc};
use crate::model::{Layer, LayerKind, Mark, Packet};
use std::fmt::Write as _;

pub fn layer_class(k: LayerKind) -> &'static str {
    match k {
        LayerKind::Ethernet => "l-eth",
        LayerKind::Arp => "l-arp",
        LayerKind::Ipv4 => "l-ip",
        LayerKind::Tcp | LayerKind::Icmp => "l-l4",
        LayerKind::Udp => "l-udp",
        LayerKind::Dns => "l-dns",
        LayerKind::Vxlan => "l-vxlan",
    }
}

pub fn mark_class(m: Mark) -> &'static str {
    match m {
        Mark::Same => "",
        Mark::Changed => "m-changed",
        Mark::Nat => "m-nat",
        Mark::Added => "m-added",
    }
}

fn mark_badge(m: Mark) -> &'static str {
    match m {
        Mark::Same => "",
        Mark::Changed => "<span class=\"badge\">changed</span>",
        Mark::Nat => "<span class=\"badge\">NAT</span>",
        Mark::Added => "<span class=\"badge\">new</span>",
    }
}

fn layer(out: &mut String, l: &Layer) {
    let _ = write!(
        out,
        "<details class=\"layer {} {}\" open><summary>{}{}{}</summary><dl>",
        layer_class(l.kind),
        mark_class(l.mark),
        el("span", "layer-name", &l.name),
        el("span", "layer-sum", &l.summary),
        mark_badge(l.mark)
    );
    for f in &l.fields {
        let was = f
            .was
            .as_deref()
            .map(|w| format!("<span class=\"was\"> was <s>{}</s></span>", esc(w)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"field {}\">{}<dd><code>{}</code>{was}</dd></div>",
            mark_class(f.mark),
            el("dt", "", &f.name),
            esc(&f.value)
        );
    }
    out.push_str("</dl>");
    if !l.inner.is_empty() {
        out.push_str("<div class=\"inner\"><p class=\"inner-note\">Inside: the original frame, carried unchanged</p>");
        for i in &l.inner {
            layer(out, i);
        }
        out.push_str("</div>");
    }
    out.push_str("</details>");
}

/// The Packet pane: the tcpdump line, then the header tree.
pub fn packet_html(packet: Option<&Packet>) -> String {
    let Some(p) = packet else {
        return "<p class=\"empty\">No packet at this hop.</p>".into();
    };
    let mut out = format!(
        "<p class=\"tcpdump\" title=\"As tcpdump -nn -e prints it\"><code>{}</code></p>",
        esc(&p.tcpdump)
    );
    for l in &p.layers {
        layer(&mut out, l);
    }
    out.push_str("<p class=\"legend\"><span class=\"m-changed\">changed</span> <span class=\"m-nat\">NAT</span> <span class=\"m-added\">new</span> since the packet's previous hop</p>");
    out
}

/// The glyph's rings from the outside in (CSS classes), and the class of its core.
pub fn glyph_rings(layers: &[Layer]) -> (Vec<&'static str>, &'static str) {
    let mut rings = Vec::new();
    let mut core = "g-data";
    let mut level = layers;
    while !level.is_empty() {
        let mut next: &[Layer] = &[];
        for l in level {
            match l.kind {
                LayerKind::Ethernet => rings.push("g-eth"),
                LayerKind::Ipv4 => rings.push("g-ip"),
                LayerKind::Vxlan => {
                    rings.push("g-vxlan");
                    next = &l.inner;
                }
                LayerKind::Tcp => core = "g-tcp",
                LayerKind::Udp => core = "g-udp",
                LayerKind::Icmp => core = "g-icmp",
                LayerKind::Dns => core = "g-dns",
                LayerKind::Arp => core = "g-arp",
            }
        }
        level = next;
    }
    (rings, core)
}

/// The packet on the drawing: nested rectangles, the outermost layer outside, and its
/// word in the middle. Drawn around (0, 0); the drawing moves it.
pub fn glyph(packet: &Packet) -> String {
    let (rings, core) = glyph_rings(&packet.layers);
    let n = rings.len() as i32;
    // Drawn just above its place, so the device it is at stays readable.
    let mut out = String::from("<g transform=\"translate(0 -18)\">");
    for (i, class) in rings.into_iter().enumerate() {
        let k = n - i as i32;
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
            -22 - 6 * k,
            -8 - 5 * k,
            44 + 12 * k,
            16 + 10 * k
        );
    }
    let _ = write!(out, "<rect class=\"{core}\" x=\"-22\" y=\"-8\" width=\"44\" height=\"16\" rx=\"3\"/><text class=\"g-tag\" y=\"4\" text-anchor=\"middle\">{}</text></g>", esc(&packet.tag));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    fn hop_packet(lesson: &str, kind: EventKind) -> String {
        let site = crate::digest::site();
        let body = site.lesson(lesson).unwrap().body.as_ref().unwrap();
        let hop = body
            .walk_hops(0)
            .into_iter()
            .find(|h| h.event == kind)
            .expect("a hop");
        packet_html(body.packet(hop))
    }

    #[test]
    fn after_dnat_the_destination_is_the_endpoint_marked_as_nat() {
        let html = hop_packet("clusterip", EventKind::Dnat);
        assert!(html.contains("<div class=\"field m-nat\"><dt>Destination</dt><dd><code>10.244.0.16</code><span class=\"was\"> was <s>10.96.0.20</s></span>"), "{html}");
    }

    #[test]
    fn an_encapsulated_packet_shows_its_inner_frame_inside_vxlan() {
        let html = hop_packet("cross-node-vxlan", EventKind::VxlanEncap);
        let vxlan = html.find("layer-name\">VXLAN").expect("a VXLAN layer");
        let inner = html
            .find("Inside: the original frame")
            .expect("the inner frame");
        assert!(inner > vxlan);
        assert!(
            html.contains("l-vxlan m-added"),
            "the VXLAN header is new at encapsulation"
        );
    }

    fn layer(kind: LayerKind, inner: Vec<Layer>) -> Layer {
        Layer {
            kind,
            name: String::new(),
            summary: String::new(),
            mark: Mark::Same,
            fields: vec![],
            inner,
        }
    }

    #[test]
    fn an_encapsulated_packet_is_wrapped_in_its_outer_headers() {
        use LayerKind::*;
        let inner = vec![
            layer(Ethernet, vec![]),
            layer(Ipv4, vec![]),
            layer(Tcp, vec![]),
        ];
        let outer = vec![
            layer(Ethernet, vec![]),
            layer(Ipv4, vec![]),
            layer(Udp, vec![]),
            layer(Vxlan, inner),
        ];
        assert_eq!(
            glyph_rings(&outer),
            (vec!["g-eth", "g-ip", "g-vxlan", "g-eth", "g-ip"], "g-tcp")
        );
        assert_eq!(
            glyph_rings(&[layer(Ethernet, vec![]), layer(Arp, vec![])]),
            (vec!["g-eth"], "g-arp")
        );
        assert_eq!(
            glyph_rings(&[layer(Ipv4, vec![]), layer(Udp, vec![]), layer(Dns, vec![])]),
            (vec!["g-ip"], "g-dns")
        );
        let p = Packet {
            tcpdump: String::new(),
            tag: "SYN".into(),
            layers: outer,
        };
        assert_eq!(glyph(&p).matches("<rect").count(), 6);
    }
}
