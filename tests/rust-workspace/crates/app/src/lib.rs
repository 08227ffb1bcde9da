//! Reaches pyo3 only through rw-py.

/// A report line for `n`, checked by Python.
pub fn report(n: i64) -> String {
    match rw_py::agree(n) {
        Ok(true) => format!("{}: checked", rw_text::describe(n)),
        Ok(false) => format!("{}: MISMATCH", rw_text::describe(n)),
        Err(e) => format!("{}: python error {e}", rw_text::describe(n)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_is_checked() {
        assert_eq!(super::report(4), "4 is positive: checked");
    }
}
