//! Escaping text into HTML and SVG, shared by the read-only renderers (`render`) and the
//! components.

/// Text made safe for HTML and SVG, in content and in quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `<tag class="…">text</tag>` with the text escaped.
pub fn el(tag: &str, class: &str, text: &str) -> String {
    if class.is_empty() {
        format!("<{tag}>{}</{tag}>", esc(text))
    } else {
        format!("<{tag} class=\"{class}\">{}</{tag}>", esc(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
        assert_eq!(
            el("code", "x", "<script>"),
            "<code class=\"x\">&lt;script&gt;</code>"
        );
    }
}
