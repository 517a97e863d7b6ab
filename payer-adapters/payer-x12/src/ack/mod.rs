//! 999 implementation acknowledgments and TA1 interchange acknowledgments.

mod ack999;
mod encode;
mod ta1;
