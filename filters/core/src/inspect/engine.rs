//! Policy: which detectors run on which text, and what happens on a hit.
