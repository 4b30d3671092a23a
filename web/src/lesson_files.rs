//! A lesson's hops come in a file of their own, `lessons/<id>.bin`, fetched when the lesson
//! opens: the page's WASM embeds only the list (every lesson's card, drawing and walks,
//! `digest::index`), so the first load carries the one lesson the learner opens, not all
//! of them, and a new lesson costs the first load nothing. `build.rs` writes the files;
//! Trunk's post_build hook `scripts/lesson-files.mjs` puts them into the site.

use crate::model::LessonEntry;

/// The file of lesson `id`, relative to the page.
pub fn url(id: &str) -> String {
    format!("lessons/{id}.bin")
}

/// The lesson a file's bytes hold, when they are a whole site of that one lesson.
pub fn read(id: &str, bytes: &[u8]) -> Result<LessonEntry, String> {
    let bad = || {
        format!(
            "{} is not the lesson's data: the site was built wrongly.",
            url(id)
        )
    };
    let site = crate::codec::decode(bytes).ok_or_else(bad)?;
    match <[LessonEntry; 1]>::try_from(site.lessons) {
        Ok([entry]) if entry.id == id && !entry.pending() => Ok(entry),
        _ => Err(bad()),
    }
}

/// Fetch and read lesson `id`'s file.
pub async fn fetch(id: &str) -> Result<LessonEntry, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let url = url(id);
    let failed = |why: &str| format!("The lesson's data ({url}) could not be loaded: {why}.");
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let answer = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|_| failed("the request failed"))?;
    let response: web_sys::Response = answer.dyn_into().map_err(|_| failed("no response"))?;
    if !response.ok() {
        return Err(failed(&format!(
            "the server answered {}",
            response.status()
        )));
    }
    let body = response
        .array_buffer()
        .map_err(|_| failed("the body could not be read"))?;
    let buffer = JsFuture::from(body)
        .await
        .map_err(|_| failed("the body could not be read"))?;
    read(id, &js_sys::Uint8Array::new(&buffer).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_file_reads_back_as_its_lesson_and_nothing_else_does() {
        let site = crate::digest::embedded_site();
        let l = &site.lessons[1];
        let one = crate::model::Site {
            lessons: vec![l.clone()],
        };
        let bytes = crate::codec::encode(&one);
        assert_eq!(read(&l.id, &bytes).as_ref(), Ok(l));
        assert!(read("another", &bytes).is_err());
        assert!(read(&l.id, &bytes[..bytes.len() / 2]).is_err());
        let index = crate::codec::encode(&crate::digest::index(&one));
        assert!(
            read(&l.id, &index).is_err(),
            "the list's entry is not the lesson"
        );
    }
}
