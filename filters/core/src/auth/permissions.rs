//! (being written: see `super`.)
