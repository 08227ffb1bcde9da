//! Pure Rust, no dependencies.

/// Names the sign of `n`.
pub fn classify(n: i64) -> &'static str {
    if n < 0 {
        "negative"
    } else if n == 0 {
        "zero"
    } else {
        "positive"
    }
}

/// Sum of 0..n, computed in Rust.
pub fn triangle(n: i64) -> i64 {
    (0..n).sum()
}

/// Never called by a test: coverage shows it as missed.
pub fn untested(n: i64) -> i64 {
    if n > 100 {
        n * 2
    } else {
        n - 1
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn classify_positive_and_zero() {
        assert_eq!(super::classify(5), "positive");
        assert_eq!(super::classify(0), "zero");
    }

    #[test]
    fn triangle_of_ten() {
        assert_eq!(super::triangle(10), 45);
    }
}
