//! Where a hop can be.

use crate::Listed;

/// The kind of place a hop is at: inside one network namespace (a pod, a node, an outside
/// host), or in the cloud's fabric between hosts (Azure's VNet, which routes by its own
/// tables and has no namespace of its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PlaceKind {
    #[default]
    Netns,
    Fabric,
}

impl PlaceKind {
    pub fn is_netns(&self) -> bool {
        *self == PlaceKind::Netns
    }
}

impl Listed for PlaceKind {
    fn all() -> &'static [Self] {
        &PlaceKind::ALL
    }
}

impl PlaceKind {
    /// Every variant, in declaration order.
    pub const ALL: [PlaceKind; 2] = [PlaceKind::Netns, PlaceKind::Fabric];
}
