//! Citations.
