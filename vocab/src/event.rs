//! What a hop did.

use crate::Listed;

/// One per variant of the trace's `Event` (packetwalk-core's `trace::Event::kind` maps
/// them with an exhaustive match). [`EventKind::name`] is the variant's tag in the JSON
/// trace and the `event = "…"` a lesson's narration names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EventKind {
    Send,
    RouteLookup,
    Transmit,
    Receive,
    BridgeForward,
    ArpRequest,
    ArpReply,
    Netfilter,
    /// The filter table was walked at a hook.
    Filter,
    Dnat,
    Snat,
    ConntrackReply,
    VxlanEncap,
    VxlanDecap,
    FabricRoute,
    DnsQuery,
    DnsAnswer,
    Deliver,
    /// An ICMP error reached the client's socket: its connection is refused.
    Refused,
    Drop,
}

impl Listed for EventKind {
    fn all() -> &'static [Self] {
        &EventKind::ALL
    }
}

impl EventKind {
    /// Every variant, in declaration order.
    pub const ALL: [EventKind; 20] = [
        EventKind::Send,
        EventKind::RouteLookup,
        EventKind::Transmit,
        EventKind::Receive,
        EventKind::BridgeForward,
        EventKind::ArpRequest,
        EventKind::ArpReply,
        EventKind::Netfilter,
        EventKind::Filter,
        EventKind::Dnat,
        EventKind::Snat,
        EventKind::ConntrackReply,
        EventKind::VxlanEncap,
        EventKind::VxlanDecap,
        EventKind::FabricRoute,
        EventKind::DnsQuery,
        EventKind::DnsAnswer,
        EventKind::Deliver,
        EventKind::Refused,
        EventKind::Drop,
    ];
}

impl EventKind {
    /// The tag in the JSON trace (`{"kind": "route_lookup"}`) and in narration.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Send => "send",
            EventKind::RouteLookup => "route_lookup",
            EventKind::Transmit => "transmit",
            EventKind::Receive => "receive",
            EventKind::BridgeForward => "bridge_forward",
            EventKind::ArpRequest => "arp_request",
            EventKind::ArpReply => "arp_reply",
            EventKind::Netfilter => "netfilter",
            EventKind::Filter => "filter",
            EventKind::Dnat => "dnat",
            EventKind::Snat => "snat",
            EventKind::ConntrackReply => "conntrack_reply",
            EventKind::VxlanEncap => "vxlan_encap",
            EventKind::VxlanDecap => "vxlan_decap",
            EventKind::FabricRoute => "fabric_route",
            EventKind::DnsQuery => "dns_query",
            EventKind::DnsAnswer => "dns_answer",
            EventKind::Deliver => "deliver",
            EventKind::Refused => "refused",
            EventKind::Drop => "drop",
        }
    }

    pub fn from_name(s: &str) -> Option<EventKind> {
        EventKind::ALL.iter().copied().find(|k| k.name() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::from_name(k.name()), Some(k));
            assert_eq!(EventKind::from_index(k.index()), Some(k));
        }
        assert_eq!(EventKind::from_name("DNAT"), None);
    }
}
