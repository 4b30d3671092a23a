//! What a comparison of the kernel with the model finds: a difference ([`Finding`]), and a
//! table's tally of rows compared and matched ([`TableCheck`]).

use crate::observe::Dir;
use crate::pcap::Pkt;

/// One difference, where it was seen and what it is.
#[derive(Clone, Debug, Default)]
pub struct Finding {
    /// `capture`, `path`, `dns-order`, `vxlan-sport`, or a table name.
    pub area: String,
    pub at: String,
    pub what: String,
    /// A capture finding: the tap (namespace, interface, direction) and the frame's key.
    pub tap: Option<(String, String, Dir)>,
    pub key: Option<String>,
    /// A frame only the kernel showed.
    pub extra: Option<Pkt>,
    /// A path finding: the model's taps, the kernel's, and whether they are a set.
    pub path: Option<(Vec<String>, Vec<String>, bool)>,
}

impl Finding {
    pub fn new(area: &str, at: impl Into<String>, what: impl Into<String>) -> Finding {
        Finding {
            area: area.into(),
            at: at.into(),
            what: what.into(),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TableCheck {
    pub ns: String,
    pub table: String,
    /// Rows compared and rows equal.
    pub rows: usize,
    pub matched: usize,
    pub notes: Vec<String>,
}
