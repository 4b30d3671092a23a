//! Find the break, in the worker: a request's `challenge=N` setting stands for the lesson's
//! N-th break (`packetwalk_lessons::challenges`), applied without being named anywhere the
//! page shows (the URL says only the number); the answer carries the challenge's card as
//! HTML: the question, one choice per break of the lesson, and a reveal per choice.

use crate::markup::esc;
use packetwalk_lessons::challenges::Break;
use packetwalk_lessons::switches::Setting;

/// The setting's name that stands for a challenge.
pub const NAME: &str = "challenge";

/// The challenge a request asks for, and its other settings.
pub fn split(settings: Vec<Setting>) -> Result<(Option<usize>, Vec<Setting>), String> {
    let mut n = None;
    let mut rest = Vec::new();
    for s in settings {
        if s.name == NAME {
            let v = s.value.parse::<usize>();
            n = Some(v.map_err(|_| format!("challenge={}: a challenge is a number", s.value))?);
        } else {
            rest.push(s);
        }
    }
    Ok((n, rest))
}

/// The card: what to do, the choices, and for each choice its reveal (hidden until picked).
/// `outcome` is how the broken walk ends, the evidence.
pub fn card_html(n: usize, suspects: &[Break], broken: &Break, outcome: &str) -> String {
    let right = suspects
        .iter()
        .position(|s| s.setting == broken.setting)
        .unwrap_or(0);
    let choices: String = suspects
        .iter()
        .enumerate()
        .map(|(i, b)| {
            format!(
                "<button class=\"button choice\" data-act=\"guess\" data-i=\"{i}\" data-right=\"{}\" data-testid=\"guess\">{}</button>",
                u8::from(i == right),
                esc(&b.label)
            )
        })
        .collect();
    let reveals: String = suspects
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let body = if i == right {
                format!(
                    "<p class=\"predict-verdict right\" data-testid=\"found\">Found it: {}</p><p class=\"why\"><span class=\"why-label\">Why</span>{}</p><p class=\"why\"><span class=\"why-label\">Evidence</span>{}</p>",
                    esc(&b.label),
                    esc(&b.explain),
                    esc(outcome)
                )
            } else {
                format!(
                    "<p class=\"predict-verdict wrong\" data-testid=\"not-it\">Not that: {} is as the lesson has it. Look again where the walk goes wrong.</p>",
                    esc(&b.label)
                )
            };
            format!("<div class=\"reveal\" data-reveal=\"{i}\" hidden>{body}</div>")
        })
        .collect();
    format!(
        "<p class=\"predict-kicker\">Find the break · challenge {}</p><p class=\"predict-ask\" id=\"challenge-ask\">Something in this cluster is broken. Step through the walk, open the decisions and the tables, then say what it is.</p><div class=\"choices\" role=\"group\" aria-labelledby=\"challenge-ask\" data-challenge=\"{n}\">{choices}</div><div aria-live=\"polite\">{reveals}</div><button class=\"button\" data-act=\"guess\" data-i=\"{right}\" data-right=\"0\" data-testid=\"give-up\">Show me the break</button>",
        n + 1
    )
}
