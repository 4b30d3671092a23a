//! Predict's questions, rendered for the page: each checkpoint of the run
//! (`packetwalk_lessons::checkpoints`) as the question with its choices, and one reveal per
//! choice (right or not, the right answer, the engine's reason, the decision as evidence).
//! Rendered here, with the engine, so the first load carries only the strings' swapping.

use crate::markup::esc;
use crate::model::Checkpoint;
use packetwalk_lessons::checkpoints::Question;

pub fn checkpoint(q: &Question) -> Checkpoint {
    Checkpoint {
        hop: q.hop as u32,
        right: q.right as u32,
        ask: ask_html(q),
        reveals: (0..q.choices.len()).map(|c| reveal_html(q, c)).collect(),
    }
}

/// The question, before its hop is shown.
pub fn ask_html(q: &Question) -> String {
    let choices: String = q
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "<button class=\"button choice\" data-i=\"{i}\" data-testid=\"choice\"><span class=\"key\">{}</span>{}</button>",
                i + 1,
                esc(c)
            )
        })
        .collect();
    format!(
        "<p class=\"predict-kicker\">Predict · before hop #{}</p><p class=\"predict-ask\" id=\"predict-ask\" data-testid=\"predict-ask\">{}</p><div class=\"choices\" role=\"group\" aria-labelledby=\"predict-ask\">{choices}</div>",
        q.hop,
        esc(&q.ask)
    )
}

/// The reveal: right or not, the right answer, why, and the decision as evidence.
pub fn reveal_html(q: &Question, chosen: usize) -> String {
    let right = &q.choices[q.right];
    let head = if chosen == q.right {
        format!(
            "<p class=\"predict-verdict right\" data-testid=\"verdict\">Right: {}</p>",
            esc(right)
        )
    } else {
        format!(
            "<p class=\"predict-verdict wrong\" data-testid=\"verdict\">Not this time: you said {}; it is {}</p>",
            esc(q.choices.get(chosen).map(String::as_str).unwrap_or("")),
            esc(right)
        )
    };
    let evidence = if q.evidence.is_empty() {
        String::new()
    } else {
        // Focusable: a wide table scrolls, and the keyboard must reach it.
        format!(
            "<pre class=\"evidence\" tabindex=\"0\" aria-label=\"The evidence\">{}</pre>",
            esc(&q.evidence.join("\n"))
        )
    };
    format!("<p class=\"predict-kicker\">Predict · hop #{}</p>{head}<p class=\"why\"><span class=\"why-label\">Why</span>{}</p>{evidence}", q.hop, esc(&q.why))
}
