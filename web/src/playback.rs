//! Stepping through a walk: moves that stay in range, the keys that make them, the speeds.

/// A move through the hops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Back,
    Next,
    First,
    Last,
    /// Play or pause.
    Toggle,
}

/// The hop a move leads to from `step` in a walk of `len` hops (none for `Toggle`).
pub fn apply(m: Move, step: usize, len: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    match m {
        Move::Back => Some(step.saturating_sub(1).min(last)),
        Move::Next => Some((step + 1).min(last)),
        Move::First => Some(0),
        Move::Last => Some(last),
        Move::Toggle => None,
    }
}

/// The move a key asks for: ←/→ step, space plays or pauses, Home/End jump.
pub fn key_move(key: &str) -> Option<Move> {
    match key {
        "ArrowLeft" => Some(Move::Back),
        "ArrowRight" => Some(Move::Next),
        " " | "Spacebar" => Some(Move::Toggle),
        "Home" => Some(Move::First),
        "End" => Some(Move::Last),
        _ => None,
    }
}

/// Keys belong to a form field (or a button, for space) when it has focus; the arrow keys
/// belong to the drawing when it has focus (`pans`: they scroll it).
pub fn key_belongs_to(tag: &str, key: &str, pans: bool) -> bool {
    if pans && key.starts_with("Arrow") {
        return true;
    }
    match tag.to_ascii_uppercase().as_str() {
        "INPUT" | "SELECT" | "TEXTAREA" => true,
        "BUTTON" | "SUMMARY" | "A" => key == " " || key == "Spacebar",
        _ => false,
    }
}

/// Playback speeds: label and milliseconds per hop.
pub const SPEEDS: [(&str, u32); 4] = [("½×", 2400), ("1×", 1200), ("2×", 600), ("4×", 300)];

/// How long the packet takes to glide to its next place, given the time per hop.
pub fn glide_ms(per_hop: u32) -> f64 {
    (f64::from(per_hop) * 0.6).min(520.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_walk() {
        assert_eq!(apply(Move::Back, 0, 10), Some(0));
        assert_eq!(apply(Move::Next, 9, 10), Some(9));
        assert_eq!(apply(Move::Next, 3, 10), Some(4));
        assert_eq!(apply(Move::Back, 3, 10), Some(2));
        assert_eq!(apply(Move::Last, 3, 10), Some(9));
        assert_eq!(apply(Move::First, 3, 10), Some(0));
        assert_eq!(
            apply(Move::Next, 20, 10),
            Some(9),
            "a step past the end clamps to the last hop"
        );
        assert_eq!(apply(Move::Next, 0, 0), Some(0), "an empty walk stays at 0");
        assert_eq!(apply(Move::Toggle, 3, 10), None);
    }

    #[test]
    fn arrows_space_home_and_end_are_the_keys() {
        assert_eq!(key_move("ArrowLeft"), Some(Move::Back));
        assert_eq!(key_move("ArrowRight"), Some(Move::Next));
        assert_eq!(key_move(" "), Some(Move::Toggle));
        assert_eq!(key_move("Home"), Some(Move::First));
        assert_eq!(key_move("End"), Some(Move::Last));
        assert_eq!(key_move("a"), None);
    }

    #[test]
    fn form_fields_keep_their_keys_and_buttons_keep_space() {
        assert!(key_belongs_to("input", "ArrowRight", false));
        assert!(key_belongs_to("DIV", "ArrowRight", true));
        assert!(!key_belongs_to("DIV", "ArrowRight", false));
        assert!(!key_belongs_to("DIV", " ", true));
        assert!(key_belongs_to("SELECT", "Home", false));
        assert!(key_belongs_to("BUTTON", " ", false));
        assert!(!key_belongs_to("BUTTON", "ArrowRight", false));
        assert!(!key_belongs_to("DIV", " ", false));
    }

    #[test]
    fn the_glide_is_shorter_than_the_time_per_hop() {
        for (_, ms) in SPEEDS {
            assert!(glide_ms(ms) < f64::from(ms));
        }
    }
}
