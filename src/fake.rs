//! Placeholder replaced by the fake Clerk implementation.
