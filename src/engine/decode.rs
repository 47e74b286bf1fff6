//! Decoding layers: text in which a credential hides behind an encoding.
//!
//! A Kubernetes Secret keeps its values in base64, a Docker `config.json`
//! keeps `user:password` in base64, a notebook keeps a PEM key in a JSON
//! string with `\n` escapes, a URL keeps `=` as `%3D`, YAML puts a value on
//! the lines after `key: |`, and code splits a token into `"ghp_…" + "…"`.
//! Each decoder here finds such a span and returns its decoded text with the
//! rest of its line either side (so the name a value is assigned to stays
//! beside it); the engine scans that text with the same rules and maps what
//! it finds back to the encoded span.
//!
//! The work is bounded and cheap where nothing is encoded: one `memchr3`
//! pass finds `\`, `%` and `+`, and each occurrence is judged by the bytes
//! beside it before anything is parsed; YAML block scalars are looked for in
//! YAML files only; base64 runs (found by probing every [`MIN_BASE64`]-th
//! byte) in configuration and data files, and elsewhere only in the areas
//! the caller names (around keyword hits). Every span is read once, layers
//! nest at most [`MAX_DEPTH`] deep, and one file's decoded bytes stop at
//! [`BUDGET`]. The caller builds a [`Layer`] (the decoded text in its line)
//! only for a span worth scanning.

use std::ops::Range;

/// The most decoded bytes (with their context) one file may produce.
pub const BUDGET: usize = 1 << 20;
/// Layers within layers: text decoded from text decoded from the file.
pub const MAX_DEPTH: usize = 2;
/// Bytes of the surrounding line kept either side of a decoded span.
const CONTEXT: usize = 200;
/// The shortest base64 run worth decoding (15 bytes decoded).
pub const MIN_BASE64: usize = 20;
/// The most lines a YAML block scalar or a run of string lines may join.
const MAX_JOINED_LINES: usize = 200;

/// How a layer's text was obtained from its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Base64,
    Url,
    Escapes,
    YamlBlock,
    Joined,
}

impl Kind {
    /// What a finding's note says of a credential found through this layer.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Base64 => "base64-decoded",
            Kind::Url => "URL-decoded",
            Kind::Escapes => "string escapes decoded",
            Kind::YamlBlock => "YAML block scalar joined",
            Kind::Joined => "string literals joined",
        }
    }
}

/// Decoded text and where it came from.
#[derive(Debug, Clone)]
pub struct Layer {
    pub kind: Kind,
    /// The decoded bytes with up to [`CONTEXT`] bytes of their line either side.
    pub text: Vec<u8>,
    /// Where the decoded bytes sit in `text`.
    pub region: Range<usize>,
    /// The encoded span in the parent.
    pub origin: Range<usize>,
}

impl Layer {
    /// The parent offset of a start offset in `text`: context maps byte for
    /// byte, decoded bytes map to the start of the encoded span.
    pub fn start_in_parent(&self, offset: usize) -> usize {
        if offset < self.region.start {
            self.origin.start - (self.region.start - offset)
        } else if offset >= self.region.end {
            self.origin.end + (offset - self.region.end)
        } else {
            self.origin.start
        }
    }

    /// The parent offset of an end offset (exclusive) in `text`: decoded
    /// bytes map to the end of the encoded span.
    pub fn end_in_parent(&self, offset: usize) -> usize {
        if offset <= self.region.start {
            self.origin.start - (self.region.start - offset)
        } else if offset > self.region.end {
            self.origin.end + (offset - self.region.end)
        } else {
            self.origin.end
        }
    }
}

/// Decoded bytes one file may still produce.
#[derive(Debug)]
pub struct Budget(usize);

impl Default for Budget {
    fn default() -> Self {
        Budget(BUDGET)
    }
}

impl Budget {
    /// Takes `n` bytes from the budget; false (and nothing taken) when they
    /// do not fit.
    fn take(&mut self, n: usize) -> bool {
        if n > self.0 {
            self.0 = 0;
            return false;
        }
        self.0 -= n;
        true
    }

    pub fn exhausted(&self) -> bool {
        self.0 == 0
    }
}

/// An encoded span and what it decodes to.
#[derive(Debug, Clone)]
pub struct Span {
    pub kind: Kind,
    /// The encoded bytes' range in the text searched.
    pub origin: Range<usize>,
    pub decoded: Vec<u8>,
}

/// Where to look for what: the cheap searches run everywhere, the costlier
/// ones where they pay.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Look for base64 runs in the whole text (configuration files:
    /// Kubernetes manifests, Docker configs, `.env`).
    pub base64_everywhere: bool,
    /// Look for base64 runs inside the caller's areas (around keywords).
    /// Off for program source, the bulk of a tree's bytes, where values are
    /// rarely stored encoded and long identifiers would cost the probing.
    pub base64_in_areas: bool,
    /// Look for YAML block scalars (YAML files).
    pub yaml: bool,
}

/// What to look for in the file at `path`: base64 throughout configuration
/// files (Kubernetes manifests and Helm values, Docker's `config.json`,
/// `.env` files, properties), around keywords in other text and data, and
/// not in program source; YAML block scalars in YAML. Base64 PEM armour
/// (`LS0tLS1`) is read in any file.
pub fn options_for(path: &str) -> Options {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let yaml = matches!(ext, "yml" | "yaml");
    let source = matches!(
        ext,
        "js" | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "mts"
            | "cts"
            | "tsx"
            | "map"
            | "py"
            | "pyi"
            | "rs"
            | "go"
            | "java"
            | "kt"
            | "scala"
            | "c"
            | "h"
            | "cc"
            | "cpp"
            | "hpp"
            | "cs"
            | "rb"
            | "php"
            | "swift"
            | "m"
            | "lua"
            | "pl"
            | "r"
            | "dart"
            | "ex"
            | "clj"
            | "hs"
            | "ml"
            | "css"
            | "scss"
            | "less"
            | "svg"
            | "html"
            | "htm"
            | "po"
            | "mo"
    );
    Options {
        base64_everywhere: yaml
            || name.starts_with(".env")
            || name.ends_with(".env")
            || matches!(
                name.as_str(),
                ".dockerconfigjson" | "config.json" | ".npmrc"
            )
            || matches!(
                ext,
                "properties" | "tfvars" | "ini" | "cfg" | "conf" | "cnf"
            ),
        base64_in_areas: !source,
        yaml,
    }
}

/// Every encoded span of `data` inside `within`, in order of position,
/// until `budget`'s decoded bytes run out. `areas` (sorted, disjoint) are
/// where a keyword was seen: escapes that hide no letters (`\n`, `\"`),
/// literals joined by `+` and base64 runs are looked for only there, while
/// `\x`/`\u` and `%XX` escapes, which can hide a keyword, are looked for
/// everywhere, as are base64 runs in configuration files (see
/// [`options_for`]) and base64 PEM armour (`LS0tLS1`) anywhere.
pub fn spans(
    data: &[u8],
    within: Range<usize>,
    areas: &[Range<usize>],
    options: Options,
    budget: &mut Budget,
) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let base = within.start;
    let area = &data[within.clone()];
    // The caller's areas, clipped to `within` and made relative to it.
    let local: Vec<Range<usize>> = areas
        .iter()
        .filter(|a| a.start < within.end && within.start < a.end)
        .map(|a| a.start.max(within.start) - base..a.end.min(within.end) - base)
        .collect();
    let mut push = |r: Range<usize>, decoded: Vec<u8>, kind: Kind| {
        if budget.take(decoded.len()) {
            out.push(Span {
                kind,
                origin: r.start + base..r.end + base,
                decoded,
            });
        }
    };
    escaped_spans(area, &local, &mut push);
    for a in &local {
        joined_spans(area, a.clone(), &mut push);
    }
    if options.yaml {
        yaml_block_spans(area, &mut push);
    }
    if options.base64_everywhere {
        base64_spans(area, 0, &mut push);
    } else {
        let mut base64_areas = if options.base64_in_areas {
            local.clone()
        } else {
            Vec::new()
        };
        // A base64 PEM file (`-----BEGIN` encoded) is read wherever it is.
        for at in memchr::memmem::find_iter(area, b"LS0tLS1") {
            base64_areas.push(line_around(area, at));
        }
        for a in union_sorted(base64_areas) {
            base64_spans(&area[a.clone()], a.start, &mut push);
        }
    }
    out.sort_by_key(|s| (s.origin.start, s.origin.end));
    out
}

/// The line holding `data[at]`, without its line break.
fn line_around(data: &[u8], at: usize) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    line_at(data, start)
}

/// Ranges merged where they overlap, sorted.
pub fn union_sorted(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The layer of a span: its decoded bytes with up to [`CONTEXT`] bytes of
/// their line either side, so that the name a value is assigned to stays
/// beside it; `None` when the budget is spent.
pub fn layer(data: &[u8], span: Span, budget: &mut Budget) -> Option<Layer> {
    let Span {
        kind,
        origin,
        decoded,
    } = span;
    let line_start = memchr::memrchr(b'\n', &data[..origin.start]).map_or(0, |p| p + 1);
    let line_end =
        memchr::memchr(b'\n', &data[origin.end..]).map_or(data.len(), |p| origin.end + p);
    let before = line_start.max(origin.start.saturating_sub(CONTEXT));
    let after = line_end.min(origin.end + CONTEXT);
    if !budget.take((origin.start - before) + (after - origin.end)) {
        return None;
    }
    let mut text =
        Vec::with_capacity((origin.start - before) + decoded.len() + (after - origin.end));
    text.extend_from_slice(&data[before..origin.start]);
    let region = text.len()..text.len() + decoded.len();
    text.extend_from_slice(&decoded);
    text.extend_from_slice(&data[origin.end..after]);
    Some(Layer {
        kind,
        text,
        region,
        origin,
    })
}

/// One pass for `\` and `%`. A `%XX` escape or a `\x`/`\u` escape is
/// read wherever it is (it can hide a keyword's letters); any other string
/// escape only inside `areas` (sorted), where a keyword was seen.
fn escaped_spans(
    data: &[u8],
    areas: &[Range<usize>],
    push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind),
) {
    let (mut escapes_done, mut url_done) = (0, 0);
    let mut next_area = 0;
    for at in memchr::memchr2_iter(b'\\', b'%', data) {
        if data[at] == b'%' {
            if at >= url_done && is_escape(data, at) {
                url_done = url_run(data, at, url_done, push);
            }
            continue;
        }
        if at < escapes_done {
            continue;
        }
        while areas.get(next_area).is_some_and(|a| a.end <= at) {
            next_area += 1;
        }
        let in_area = areas.get(next_area).is_some_and(|a| a.start <= at);
        if in_area || matches!(data.get(at + 1), Some(b'x' | b'u' | b'U')) {
            escapes_done = escape_line(data, at, push);
        }
    }
}

/// Literals joined by `+` inside `area` of `data`.
fn joined_spans(
    data: &[u8],
    area: Range<usize>,
    push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind),
) {
    let mut done = 0;
    for plus in memchr::memchr_iter(b'+', &data[area.clone()]) {
        let plus = area.start + plus;
        if plus >= done
            && let Some(end) = joined_at(data, plus, push)
        {
            done = end;
        }
    }
}

/// Per byte: 1 for base64 of the standard alphabet (`A-Za-z0-9+/`), 2 for
/// the URL-safe alphabet's own two (`-`, `_`), 0 for anything else. One load
/// per test in the run finder's inner loop.
const BASE64_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            1
        } else if b == b'-' || b == b'_' {
            2
        } else {
            0
        };
        i += 1;
    }
    t
};

/// A standard-alphabet byte: what the run finder probes for. `-` and `_`
/// are left out of the probe because they glue identifiers
/// (`snake_case_names`), the commonest long runs in code.
fn is_core(b: u8) -> bool {
    BASE64_CLASS[b as usize] == 1
}

/// Any base64 byte of either alphabet.
fn is_base64(b: u8) -> bool {
    BASE64_CLASS[b as usize] != 0
}

/// Runs of base64 characters holding at least [`MIN_BASE64`] standard ones
/// in a row (with their padding), found by looking only at every
/// `MIN_BASE64`-th byte until one is a base64 character: most bytes of
/// ordinary text are never read. A run found is then extended over the
/// URL-safe alphabet's `-` and `_` too.
fn base64_runs(data: &[u8], mut found: impl FnMut(Range<usize>)) {
    let n = data.len();
    let mut i = 0;
    let mut emitted = 0;
    while i + MIN_BASE64 <= n {
        let probe = i + MIN_BASE64 - 1;
        if !is_core(data[probe]) {
            i = probe + 1;
            continue;
        }
        // Back to the start of the core run the probe is in; `i` always
        // follows a non-core byte (or is 0), so it starts no earlier.
        let mut start = probe;
        while start > i && is_core(data[start - 1]) {
            start -= 1;
        }
        if start > i {
            i = start;
            continue;
        }
        while start > emitted && is_base64(data[start - 1]) {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < n && is_base64(data[end]) {
            end += 1;
        }
        let mut padded = end;
        while padded < n && padded < end + 2 && data[padded] == b'=' {
            padded += 1;
        }
        found(start..padded);
        emitted = padded;
        i = padded + 1;
    }
}

/// Base64 runs that decode to text: a credential encoded to survive a YAML
/// or JSON value (Kubernetes `data:`, Docker `auth`, a base64 PEM file).
/// Binary (images, hashes, compressed data, most identifiers read as
/// base64) is left alone.
fn base64_spans(data: &[u8], offset: usize, push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind)) {
    base64_runs(data, |run| {
        let text = &data[run.clone()];
        let url = text.iter().any(|&b| b == b'-' || b == b'_');
        let standard = text.iter().any(|&b| b == b'+' || b == b'/');
        if url && standard {
            return;
        }
        // A path or a sentence of words glued by `/` is not base64: a real
        // encoding mixes digits or cases within its first stretch.
        if !text.iter().any(u8::is_ascii_digit)
            && (!text.iter().any(u8::is_ascii_uppercase)
                || !text.iter().any(u8::is_ascii_lowercase))
        {
            return;
        }
        // The first block decides cheaply whether the rest is worth decoding.
        let head = &text[..text.len().min(16) / 4 * 4];
        match super::checksum::decode_base64(head) {
            Some(h) if mostly_text(&h) => {}
            _ => return,
        }
        if let Some(decoded) = super::checksum::decode_base64(text)
            && decoded.len() >= 12
            && mostly_text(&decoded)
        {
            push(run.start + offset..run.end + offset, decoded, Kind::Base64);
        }
    });
}

/// Whether `bytes` read as text: valid UTF-8 with at most one byte in 50
/// outside printable ASCII, tabs and line breaks.
fn mostly_text(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_err() {
        return false;
    }
    let odd = bytes
        .iter()
        .filter(|&&b| !(b.is_ascii_graphic() || matches!(b, b' ' | b'\n' | b'\r' | b'\t')))
        .count();
    odd * 50 <= bytes.len()
}

/// Bytes that can be part of a URL or form value around `%XX` escapes.
fn is_url_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\')
}

/// The longest stretch either side of a `%XX` escape read as one URL.
const URL_REACH: usize = 512;

/// The percent-encoded span around the escape at `at` (`%3D`, `%2F`,
/// `%40`): the run of URL bytes holding it, no further back than `done`,
/// decoded when the result is text. Returns where the run ends.
fn url_run(
    data: &[u8],
    at: usize,
    done: usize,
    push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind),
) -> usize {
    let floor = at.saturating_sub(URL_REACH).max(done);
    let start = data[floor..at]
        .iter()
        .rposition(|&b| !is_url_byte(b))
        .map_or(floor, |p| floor + p + 1);
    let ceil = (at + URL_REACH).min(data.len());
    let end = data[at..ceil]
        .iter()
        .position(|&b| !is_url_byte(b))
        .map_or(ceil, |p| at + p);
    let run = &data[start..end];
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'%' && is_escape(run, i) {
            out.push(hex_value(run[i + 1]) << 4 | hex_value(run[i + 2]));
            i += 3;
        } else {
            out.push(run[i]);
            i += 1;
        }
    }
    if out.len() >= 8 && mostly_text(&out) {
        push(start..end, out, Kind::Url);
    }
    end
}

/// Whether `data[at]` starts a `%XX` escape.
fn is_escape(data: &[u8], at: usize) -> bool {
    data.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
        && data.get(at + 2).is_some_and(u8::is_ascii_hexdigit)
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

/// A string literal on one line: its quote and content bounds.
#[derive(Debug, Clone, Copy)]
struct Literal {
    /// The opening quote's offset.
    open: usize,
    /// One past the closing quote.
    close: usize,
}

impl Literal {
    fn content(self) -> Range<usize> {
        self.open + 1..self.close - 1
    }
}

/// The string literals of the line `data[line]`, quoted with `"` or `'`,
/// escapes honoured; an unclosed quote ends the search.
fn literals(data: &[u8], line: Range<usize>, mut found: impl FnMut(Literal)) {
    let mut i = line.start;
    while i < line.end {
        let quote = data[i];
        if quote != b'"' && quote != b'\'' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < line.end && data[j] != quote {
            j += if data[j] == b'\\' { 2 } else { 1 };
        }
        if j >= line.end {
            return;
        }
        found(Literal {
            open: i,
            close: j + 1,
        });
        i = j + 1;
    }
}

/// `\x5f`, `\u005f`, `\n`, `\"` … of a literal's content decoded; `None`
/// when it has no escape or one that does not decode to text.
fn unescape(content: &[u8]) -> Option<Vec<u8>> {
    memchr::memchr(b'\\', content)?;
    let mut out = Vec::with_capacity(content.len());
    let mut i = 0;
    while i < content.len() {
        let b = content[i];
        if b != b'\\' || i + 1 >= content.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let (value, used) = match content[i + 1] {
            b'n' => (Some('\n'), 2),
            b'r' => (Some('\r'), 2),
            b't' => (Some('\t'), 2),
            b'x' => (hex_char(content.get(i + 2..i + 4)?), 4),
            b'u' => (hex_char(content.get(i + 2..i + 6)?), 6),
            other => (Some(char::from(other)), 2),
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(value?.encode_utf8(&mut buf).as_bytes());
        i += used;
    }
    mostly_text(&out).then_some(out)
}

/// The character of a run of hex digits.
fn hex_char(digits: &[u8]) -> Option<char> {
    let text = std::str::from_utf8(digits).ok()?;
    char::from_u32(u32::from_str_radix(text, 16).ok()?)
}

/// Line ranges (without their `\n`) of `data`, starting at `from`.
fn line_at(data: &[u8], from: usize) -> Range<usize> {
    let end = memchr::memchr(b'\n', &data[from..]).map_or(data.len(), |p| from + p);
    from..end
}

/// Whether a line is one string literal and nothing else but a trailing
/// comma: a notebook's `"source"` lines, a JSON array of lines.
fn lone_literal(data: &[u8], line: Range<usize>) -> Option<Literal> {
    let text = &data[line.clone()];
    let lead = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let mut only = None;
    let mut count = 0;
    literals(data, line.start + lead..line.end, |l| {
        count += 1;
        only = Some(l);
    });
    let l = only.filter(|_| count == 1)?;
    let rest = data[l.close..line.end].trim_ascii();
    (l.open == line.start + lead && (rest.is_empty() || rest == b",")).then_some(l)
}

/// The escape at `at`, read with the string literals of its line: each
/// literal with escapes decoded. When the line is one literal and nothing
/// else, it and the following such lines (a notebook cell's lines, a JSON
/// array) are joined into one span, so a PEM key written line by line is
/// read whole. Returns where the lines read end.
fn escape_line(
    data: &[u8],
    at: usize,
    push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind),
) -> usize {
    let line_start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    let mut line = line_at(data, line_start);
    let Some(first) = lone_literal(data, line.clone()) else {
        literals(data, line.clone(), |l| {
            if let Some(decoded) = unescape(&data[l.content()]) {
                push(l.content(), decoded, Kind::Escapes);
            }
        });
        return line.end;
    };
    let mut joined = Vec::new();
    let mut last = first;
    let mut lines = 0;
    let mut next = Some(first);
    while let Some(l) = next {
        let content = &data[l.content()];
        joined.extend(unescape(content).unwrap_or_else(|| content.to_vec()));
        last = l;
        lines += 1;
        if line.end >= data.len() || lines >= MAX_JOINED_LINES {
            break;
        }
        let following = line_at(data, line.end + 1);
        next = lone_literal(data, following.clone());
        if next.is_some() {
            line = following;
        }
    }
    if lines > 1 || joined != data[first.content()] {
        push(first.open + 1..last.close - 1, joined, Kind::Escapes);
    }
    line.end
}

/// Skips spaces and tabs, and at most one line break, forwards from `at`.
fn skip_blank_forward(data: &[u8], mut at: usize) -> usize {
    let mut breaks = 0;
    while at < data.len() {
        match data[at] {
            b' ' | b'\t' | b'\r' => at += 1,
            b'\n' if breaks == 0 => {
                breaks += 1;
                at += 1;
            }
            _ => break,
        }
    }
    at
}

/// Skips spaces and tabs, and at most one line break, backwards from `at`
/// (exclusive); returns the offset after the last byte kept.
fn skip_blank_back(data: &[u8], mut at: usize) -> usize {
    let mut breaks = 0;
    while at > 0 {
        match data[at - 1] {
            b' ' | b'\t' | b'\r' => at -= 1,
            b'\n' if breaks == 0 => {
                breaks += 1;
                at -= 1;
            }
            _ => break,
        }
    }
    at
}

/// The longest literal read when looking for its other end.
const LITERAL_REACH: usize = 4096;

/// The literal whose closing quote is `data[close - 1]`: back to the same
/// quote not escaped by a backslash, on the same line.
fn literal_ending_at(data: &[u8], close: usize) -> Option<Literal> {
    let quote = *data.get(close.checked_sub(1)?)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let floor = close.saturating_sub(LITERAL_REACH);
    let mut i = close - 1;
    while i > floor {
        i -= 1;
        match data[i] {
            b'\n' => return None,
            b if b == quote => {
                let slashes = data[floor..i]
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\\')
                    .count();
                if slashes % 2 == 0 {
                    return Some(Literal { open: i, close });
                }
            }
            _ => {}
        }
    }
    None
}

/// The literal opening at `data[open]`: on to the same quote, escapes
/// honoured, on the same line.
fn literal_starting_at(data: &[u8], open: usize) -> Option<Literal> {
    let quote = *data.get(open)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let ceil = (open + LITERAL_REACH).min(data.len());
    let mut j = open + 1;
    while j < ceil {
        match data[j] {
            b'\n' => return None,
            b'\\' => j += 2,
            b if b == quote => return Some(Literal { open, close: j + 1 }),
            _ => j += 1,
        }
    }
    None
}

/// Literals joined by `+` at `plus` (`"ghp_abc" + "def"`, also across a
/// line break), read as one: the joined content, quoted, in place of the
/// chain. Only joins where neither side of a `+` is blank: a message split
/// at a space is prose, a value split mid-word is what hides a token.
/// Returns where the chain ends, `None` when `plus` joins no literals.
fn joined_at(
    data: &[u8],
    plus: usize,
    push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind),
) -> Option<usize> {
    // The cheap test first: a quote on each side, blanks aside.
    let before = skip_blank_back(data, plus);
    let after = skip_blank_forward(data, plus + 1);
    if !matches!(data.get(before.checked_sub(1)?), Some(b'"' | b'\''))
        || !matches!(data.get(after), Some(b'"' | b'\''))
    {
        return None;
    }
    let first = literal_ending_at(data, before)?;
    let mut chain = vec![first];
    let mut at = plus;
    while let Some(next) = literal_starting_at(data, skip_blank_forward(data, at + 1)) {
        chain.push(next);
        let after = skip_blank_forward(data, next.close);
        if data.get(after) != Some(&b'+') || chain.len() >= MAX_JOINED_LINES {
            break;
        }
        at = after;
    }
    let last = *chain.last().expect("chain starts with one literal");
    let glued = chain.len() >= 2
        && chain.windows(2).all(|pair| {
            let left = &data[pair[0].content()];
            let right = &data[pair[1].content()];
            left.last().is_some_and(|b| !b.is_ascii_whitespace())
                && right.first().is_some_and(|b| !b.is_ascii_whitespace())
        });
    if glued {
        let mut joined = vec![data[first.open]];
        for l in &chain {
            joined.extend_from_slice(&data[l.content()]);
        }
        joined.push(data[first.open]);
        push(first.open..last.close, joined, Kind::Joined);
    }
    Some(last.close)
}

/// YAML block scalars (`key: |`, `key: >-` …) with their value on the
/// following, more indented lines: the value joined (line breaks kept for
/// `|`, folded to spaces for `>`) in place of the indicator, so that the
/// key and its value read as one line.
fn yaml_block_spans(data: &[u8], push: &mut impl FnMut(Range<usize>, Vec<u8>, Kind)) {
    for needle in [&b": |"[..], b": >"] {
        for at in memchr::memmem::find_iter(data, needle) {
            let indicator = at + 2;
            let line = line_at(data, indicator);
            let tail = data[indicator + 1..line.end].trim_ascii_end();
            if !tail.iter().all(|b| matches!(b, b'-' | b'+' | b'1'..=b'9')) || tail.len() > 2 {
                continue;
            }
            let key_line = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
            let key_indent = indent(&data[key_line..at]);
            if let Some((end, joined)) =
                block_value(data, line.end, key_indent, data[indicator] == b'|')
            {
                push(indicator..end, joined, Kind::YamlBlock);
            }
        }
    }
}

/// Leading spaces of a line.
fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ').count()
}

/// The value of a block scalar whose indicator line ends at `from`: its
/// lines (indented deeper than `key_indent`) joined, and where they end.
fn block_value(
    data: &[u8],
    from: usize,
    key_indent: usize,
    literal: bool,
) -> Option<(usize, Vec<u8>)> {
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut end = from;
    let mut block_indent = None;
    while end < data.len() && lines.len() < MAX_JOINED_LINES {
        let line = line_at(data, end + 1);
        let text = &data[line.clone()];
        if text.trim_ascii().is_empty() {
            lines.push(b"");
            end = line.end;
            continue;
        }
        let n = indent(text);
        if n <= key_indent || block_indent.is_some_and(|b| n < b) {
            break;
        }
        block_indent.get_or_insert(n);
        lines.push(&text[block_indent.unwrap_or(n)..]);
        end = line.end;
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.is_empty() || lines.len() >= MAX_JOINED_LINES {
        return None;
    }
    let joiner: &[u8] = if literal { b"\n" } else { b" " };
    let joined = lines.join(joiner);
    let end = data[..end]
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(end, |p| p + 1);
    Some((end, joined))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    /// Every span, with base64 and YAML searched throughout, as layers.
    fn all(data: &[u8]) -> Vec<Layer> {
        let options = Options {
            base64_everywhere: true,
            base64_in_areas: true,
            yaml: true,
        };
        let mut budget = Budget::default();
        let whole = 0..data.len();
        spans(
            data,
            whole.clone(),
            std::slice::from_ref(&whole),
            options,
            &mut budget,
        )
        .into_iter()
        .filter_map(|s| layer(data, s, &mut budget))
        .collect()
    }

    fn decoded(l: &Layer) -> &[u8] {
        &l.text[l.region.clone()]
    }

    #[test]
    fn base64_runs_are_found_by_skipping() {
        let mut data = b"short words only, nothing long; ".repeat(20);
        let at = data.len();
        data.extend_from_slice(b"QWxhZGRpbjpvcGVuIHNlc2FtZQ== tail");
        let mut runs = Vec::new();
        base64_runs(&data, |r| runs.push(r));
        assert_eq!(runs, vec![at..at + 28]);
        // A run of exactly the minimum length at the very end.
        let edge = b"x AAAAAAAAAAAAAAAAAAAA";
        let mut runs = Vec::new();
        base64_runs(edge, |r| runs.push(r));
        assert_eq!(runs, vec![2..22]);
    }

    #[test]
    fn base64_text_round_trip() {
        let secret = "dbuser:Zq8mR2xW4nT6yB1vK3cJ";
        for encoded in [STANDARD.encode(secret), URL_SAFE_NO_PAD.encode(secret)] {
            let data = format!("  \"auth\": \"{encoded}\",\n");
            let got = all(data.as_bytes());
            assert_eq!(got.len(), 1, "{data}");
            assert_eq!(got[0].kind, Kind::Base64);
            assert_eq!(decoded(&got[0]), secret.as_bytes());
            assert_eq!(&got[0].text[..got[0].region.start], b"  \"auth\": \"");
            let at = data.find(&encoded).unwrap();
            assert_eq!(got[0].origin, at..at + encoded.len());
        }
    }

    #[test]
    fn base64_binary_and_words_are_left_alone() {
        let binary: Vec<u8> = (0u8..=255).collect();
        let data = format!("integrity: sha512-{}\n", STANDARD.encode(&binary));
        assert!(all(data.as_bytes()).is_empty());
        let path = b"import from /usr/local/lib/python/site/packages/thing\n";
        assert!(all(path).is_empty());
    }

    #[test]
    fn url_escapes() {
        let data = b"url=https://h/?token%3Dghp_abc%2Fdef%40x&b=1 next\n";
        let got = all(data);
        assert_eq!(got.len(), 1);
        assert_eq!(decoded(&got[0]), b"url=https://h/?token=ghp_abc/def@x&b=1");
        assert!(all(b"printf(\"%02x\", v); 100% sure\n").is_empty());
    }

    #[test]
    fn string_escapes() {
        let data = b"k = \"gh\\x70_abc\\u005fdef\"\n";
        let got = all(data);
        assert_eq!(got.len(), 1);
        assert_eq!(decoded(&got[0]), b"ghp_abc_def");
        assert_eq!(&got[0].text[..], b"k = \"ghp_abc_def\"");
    }

    #[test]
    fn notebook_lines_join() {
        let data = b"   \"source\": [\n    \"key = '''-----BEGIN X-----\\n\",\n    \"AAAA\\n\",\n    \"-----END X-----'''\\n\"\n   ]\n";
        let got = all(data);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            decoded(&got[0]),
            b"key = '''-----BEGIN X-----\nAAAA\n-----END X-----'''\n"
        );
    }

    #[test]
    fn joined_literals() {
        let data =
            b"token = \"ghp_abc\" +\n    \"def123\" + 'xyz';\nmsg = \"hello \" + \"world\"\n";
        let got = all(data);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(decoded(&got[0]), b"\"ghp_abcdef123xyz\"");
        assert_eq!(&got[0].text[..got[0].region.start], b"token = ");
        assert_eq!(&got[0].text[got[0].region.end..], b";");
    }

    #[test]
    fn yaml_blocks() {
        let data =
            b"a:\n  password: |\n    hunter2-Zq8mR2xW\n  other: >-\n    one\n    two\n  next: 1\n";
        let got = all(data);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(&got[0].text[..], b"  password: hunter2-Zq8mR2xW");
        assert_eq!(&got[1].text[..], b"  other: one two");
        assert_eq!(&data[got[1].origin.clone()], b">-\n    one\n    two");
    }

    #[test]
    fn only_letter_hiding_escapes_are_read_outside_areas() {
        let data = b"a = \"x\\x41y\\n\" + \"b\"\nb = \"line\\nnext\"\nc = \"ab\"+\"cd\"\n";
        let mut budget = Budget::default();
        let got = spans(data, 0..data.len(), &[], Options::default(), &mut budget);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].decoded, b"xAy\n");
        let everywhere = spans(
            data,
            0..data.len(),
            std::slice::from_ref(&(0..data.len())),
            Options::default(),
            &mut budget,
        );
        assert_eq!(everywhere.len(), 4, "{everywhere:?}");
    }

    #[test]
    fn base64_pem_is_read_anywhere_other_base64_only_in_areas() {
        let pem = STANDARD
            .encode("-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkq\n-----END PRIVATE KEY-----\n");
        let other = STANDARD.encode("user:Zq8mR2xW4nT6yB1vK3cJ");
        let data = format!("x = '{pem}'\ny = '{other}'\n");
        let mut budget = Budget::default();
        let got = spans(
            data.as_bytes(),
            0..data.len(),
            &[],
            options_for("a.js"),
            &mut budget,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].decoded.starts_with(b"-----BEGIN"));
        let got = spans(
            data.as_bytes(),
            0..data.len(),
            &[],
            options_for("k8s/secret.yaml"),
            &mut budget,
        );
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn positions_map_back() {
        let l = Layer {
            kind: Kind::Base64,
            text: b"k: DECODED!".to_vec(),
            region: 3..11,
            origin: 13..30,
        };
        assert_eq!(l.start_in_parent(0), 10);
        assert_eq!(l.start_in_parent(5), 13);
        assert_eq!(l.end_in_parent(11), 30);
        assert_eq!(l.end_in_parent(2), 12);
    }

    #[test]
    fn budget_bounds_the_work() {
        let line = format!("v: {}\n", STANDARD.encode("user:Zq8mR2xW4nT6yB1vK3cJ"));
        let data = line.repeat(100_000);
        let mut budget = Budget::default();
        let options = options_for("secret.yaml");
        let got = spans(data.as_bytes(), 0..data.len(), &[], options, &mut budget);
        assert!(budget.exhausted());
        let total: usize = got.iter().map(|s| s.decoded.len()).sum();
        assert!(total <= BUDGET);
        assert!(got.len() < 100_000);
    }
}
