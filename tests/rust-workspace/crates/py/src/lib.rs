//! A crate with a real pyo3 dependency: it runs code in an embedded Python interpreter.

use pyo3::prelude::*;

/// Sum of 0..n, computed by Python.
pub fn python_triangle(n: i64) -> PyResult<i64> {
    Python::attach(|py| {
        let builtins = py.import("builtins")?;
        let range = builtins.getattr("range")?.call1((n,))?;
        builtins.getattr("sum")?.call1((range,))?.extract::<i64>()
    })
}

/// Python's and Rust's answers agree.
pub fn agree(n: i64) -> PyResult<bool> {
    Ok(python_triangle(n)? == rw_core::triangle(n))
}

/// The Python version the crate was linked against, as Python reports it.
pub fn python_version() -> PyResult<String> {
    Python::attach(|py| Ok(py.version().to_string()))
}

/// Exposed to Python when the crate is used as a module.
#[pyfunction]
fn triangle(n: i64) -> i64 {
    rw_core::triangle(n)
}

/// The module's definition.
#[pymodule]
fn rw_py(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(triangle, m)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn python_and_rust_agree() {
        assert_eq!(super::python_triangle(10).unwrap(), 45);
        assert!(super::agree(7).unwrap());
    }

    #[test]
    fn linked_against_python_3() {
        assert!(super::python_version().unwrap().starts_with("3."));
    }
}
