//! The read-only parts of the page as HTML (and the packet as SVG), written as text by
//! plain functions tested natively; the components hand it to `inner_html`. One string
//! builder is far smaller in WASM than a typed view per element.
//!
//! | file | holds |
//! |---|---|
//! | [`packet`] | the header tree with what changed; the packet's glyph on the drawing |
//! | [`decision`] | the decision card and the rows a hop changed |
//! | [`story`] | a hop's headline, lesson prose, the engine's explanation |

pub mod decision;
pub mod packet;
pub mod story;
