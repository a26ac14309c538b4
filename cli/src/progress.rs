//! Progress bars on stderr: hidden with `--quiet` or when stderr is not a terminal, plain with
//! `NO_COLOR`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps counting `unit` ("users"), or a hidden one.
pub fn bar(len: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, eta {{eta}}")
    } else {
        format!("{{bar:40.cyan/blue}} {{pos}}/{{len}} {unit}, {{per_sec}}, eta {{eta}}")
    };
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
