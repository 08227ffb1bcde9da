//! Pure Rust, on top of rw-core.

/// A sentence about `n`.
pub fn describe(n: i64) -> String {
    format!("{n} is {}", rw_core::classify(n))
}

/// `describe` for each number, one a line.
pub fn describe_all(numbers: &[i64]) -> String {
    numbers.iter().map(|&n| describe(n)).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn describes() {
        assert_eq!(super::describe(-3), "-3 is negative");
        assert_eq!(super::describe_all(&[0, 2]), "0 is zero\n2 is positive");
    }
}
