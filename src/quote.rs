//! Quoting a user's input in one-line messages: a parser's message may hold a whole string
//! from the file (a 1 MB value of the wrong type was echoed whole), so quoted runs are cut to a
//! few dozen characters and the message to one line.

/// Longest quoted run kept whole in a message, characters.
pub const MAX_QUOTE: usize = 40;

/// Longest message kept whole, characters.
pub const MAX_MESSAGE: usize = 240;

/// `message` on one line, each double-quoted run over [`MAX_QUOTE`] characters cut (with its
/// length said), and the whole cut at [`MAX_MESSAGE`] characters.
pub fn short_message(message: &str) -> String {
    let one: String = message
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::with_capacity(one.len().min(MAX_MESSAGE + 64));
    let mut chars = one.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '"' {
            continue;
        }
        // A quoted run: up to the next unescaped quote.
        let mut run = String::new();
        let mut escaped = false;
        let mut closed = false;
        for d in chars.by_ref() {
            if !escaped && d == '"' {
                closed = true;
                break;
            }
            escaped = !escaped && d == '\\';
            run.push(d);
        }
        let n = run.chars().count();
        if n > MAX_QUOTE {
            out.extend(run.chars().take(MAX_QUOTE));
            out.push('…');
            if closed {
                out.push('"');
            }
            out.push_str(&format!(" ({n} characters)"));
        } else {
            out.push_str(&run);
            if closed {
                out.push('"');
            }
        }
    }
    if out.chars().count() > MAX_MESSAGE {
        let mut cut: String = out.chars().take(MAX_MESSAGE).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

/// At most [`MAX_QUOTE`] characters of `s`, on one line, for quoting in a message.
pub fn snippet(s: &str) -> String {
    let one = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if one.chars().count() <= MAX_QUOTE {
        one
    } else {
        let cut: String = one.chars().take(MAX_QUOTE).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quotes_are_cut_and_short_ones_kept() {
        let big = "a".repeat(1 << 20);
        let m = short_message(&format!(
            "invalid type: string \"{big}\", expected f64 at line 3 column 1048590"
        ));
        assert!(m.len() < 200, "{} bytes", m.len());
        assert!(m.starts_with("invalid type: string \"aaaa"), "{m}");
        assert!(
            m.contains("…\" (1048576 characters), expected f64 at line 3"),
            "{m}"
        );
        let m = short_message("unknown field `x`, expected \"min_s\"\nsecond line");
        assert_eq!(m, "unknown field `x`, expected \"min_s\" second line");
        // An escaped quote does not end the run.
        let m = short_message(&format!("got \"\\\"{}\" here", "b".repeat(50)));
        assert!(m.ends_with("…\" (52 characters) here"), "{m}");
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        assert_eq!(snippet("a\nb\tc"), "a b c");
        assert_eq!(snippet(&"x".repeat(100)).chars().count(), 41);
    }
}
