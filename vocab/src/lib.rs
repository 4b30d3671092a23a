//! packetwalk-vocab: the words the engine and the page share, declared once as types.
//!
//! The engine (`packetwalk-core`, which re-exports this crate as `packetwalk_core::vocab`)
//! writes them into every trace; the page (`packetwalk-web`) reads them from the embedded
//! digest and translates them with exhaustive matches, so a new table, event or place
//! that the page does not handle fails to compile. Nothing here matches text.
//!
//! | module | holds |
//! |---|---|
//! | [`table`] | [`Table`]: every table a learner can print, by the command that prints it |
//! | [`event`] | [`EventKind`]: what a hop did, one per variant of the trace's `Event` |
//! | [`place`] | [`PlaceKind`]: where a hop can be: a network namespace or the cloud fabric |
//! | [`consts`] | protocol numbers, default TTL, flannel's VXLAN port and VNI, AKS names |

pub mod consts;
pub mod event;
pub mod place;
pub mod table;

pub use event::EventKind;
pub use place::PlaceKind;
pub use table::{Changed, Table};

/// A fieldless enum's variants in declaration order, and each one's index among them: the
/// page's byte format stores a variant as its index, and an index that names no variant
/// is an error there, never a silent first variant.
pub trait Listed: Sized + Copy + PartialEq + 'static {
    /// Every variant, in declaration order.
    fn all() -> &'static [Self];
    fn index(self) -> usize {
        Self::all()
            .iter()
            .position(|v| *v == self)
            .unwrap_or(usize::MAX)
    }
    fn from_index(i: usize) -> Option<Self> {
        Self::all().get(i).copied()
    }
}
