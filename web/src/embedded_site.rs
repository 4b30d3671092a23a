//! The embedded site data (written by `build.rs` in the `codec` format), read once at start:
//! the lesson list, each lesson's hops still to come from its file (`lesson_files`).

use crate::model::Site;

static SITE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/site.bin"));

/// Every lesson as the build digested it, or why the embedded bytes could not be read.
pub fn site() -> Result<Site, String> {
    crate::codec::decode(SITE).ok_or_else(|| {
        "The embedded lessons could not be read: the site was built wrongly.".to_string()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_data_is_the_digest_of_the_lessons() {
        assert_eq!(
            super::site(),
            Ok(crate::digest::index(&crate::digest::embedded_site()))
        );
    }
}
