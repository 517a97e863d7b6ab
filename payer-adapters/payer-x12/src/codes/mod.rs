//! X12 code tables with their names.
