//! A tiny library with a test, for envguard's main example.

/// Splits a `NAME=VALUE` word at the first '=' the way `env` does.
pub fn split_assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    if name.is_empty() {
        None
    } else {
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::split_assignment;

    #[test]
    fn splits_at_the_first_equals_sign() {
        assert_eq!(split_assignment("A=B=C"), Some(("A", "B=C")));
        assert_eq!(split_assignment("RUSTC_WRAPPER="), Some(("RUSTC_WRAPPER", "")));
        assert_eq!(split_assignment("=X"), None);
    }
}
