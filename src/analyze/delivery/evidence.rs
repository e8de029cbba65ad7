//! Evidence the delivery signals quote: words with the time they were said.

use super::super::signals::clock;
use super::super::types::Analysis;

/// `"...last words..." at 0:42`: the words `[from, to)`, at most `max` of them from the end,
/// with the time of the first shown.
pub(crate) fn quote(a: &Analysis, from: usize, to: usize, max: usize) -> String {
    let to = to.min(a.words.len());
    let from = from.max(to.saturating_sub(max)).min(to);
    let text: Vec<&str> = a.words[from..to].iter().map(|w| w.text.trim()).collect();
    let t = a.words.get(from).map_or(0.0, |w| w.start_s);
    format!("\"{}\" at {}", text.join(" "), clock(t))
}
