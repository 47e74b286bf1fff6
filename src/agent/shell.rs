//! Reading a shell command line the way a shell would split it, to learn
//! which files it reads, what it writes and what it turns off.
//!
//! Agents read files through their shell as often as through their file
//! tools (Codex has no read tool at all). A prefix match on `cat ` misses
//! `sed -n 1p .env`, `source .env`, `grep -r TOKEN .`, `python3 -c
//! "open('.env')"` and everything after a `&&`. This splits a command line
//! into simple commands — words with quotes and escapes resolved, through
//! pipes, `&&`, `||`, `;`, subshells, `$(…)` and backticks, `VAR=value`
//! prefixes, wrappers (`sudo`, `env`, `xargs`, `timeout`) and nested
//! `bash -c '…'` — with their redirections. It never runs anything and
//! expands no variables but `~` and `$HOME`.
//!
//! The honest limit: a program that builds a path at run time (`cat
//! $(echo LmVudg== | base64 -d)`) reads what it likes. The lasting fix is
//! moving the credential out of reach.

/// One simple command: its words (after `VAR=value` assignments) and where
/// it redirects input and output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simple {
    /// `NAME=value` prefixes.
    pub assignments: Vec<(String, String)>,
    pub words: Vec<String>,
    /// Files read through `<` (not here-strings or here-docs).
    pub inputs: Vec<String>,
    /// Files written through `>`, `>>`, `&>`, `2>`.
    pub outputs: Vec<String>,
    /// Text of quoted scripts and `-c`/`-e` programs, for path-like tokens.
    pub scripts: Vec<String>,
}

impl Simple {
    /// The command's name (the file name of its first word).
    pub fn name(&self) -> &str {
        self.words
            .first()
            .map_or("", |w| w.rsplit('/').next().unwrap_or(w))
    }
}

/// Deepest nesting of `bash -c`, `$(…)` and subshells followed.
const MAX_DEPTH: usize = 8;

/// Splits `line` into simple commands, nested ones included.
pub fn parse(line: &str) -> Vec<Simple> {
    let mut out = Vec::new();
    parse_into(line, 0, &mut out);
    out
}

fn parse_into(line: &str, depth: usize, out: &mut Vec<Simple>) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut lexer = Lexer {
        chars: line.chars().collect(),
        at: 0,
        nested: Vec::new(),
    };
    let mut current = Simple::default();
    let mut pending_redirect: Option<Redirect> = None;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::Word(w) => {
                if let Some(r) = pending_redirect.take() {
                    match r {
                        Redirect::In => current.inputs.push(w),
                        Redirect::Out => current.outputs.push(w),
                        Redirect::HereDoc | Redirect::HereString => {}
                    }
                } else if current.words.is_empty()
                    && let Some((name, value)) = assignment(&w)
                {
                    current.assignments.push((name, value));
                } else {
                    current.words.push(w);
                }
            }
            Token::Redirect(r) => pending_redirect = Some(r),
            Token::Separator => finish(&mut current, depth, out),
        }
    }
    finish(&mut current, depth, out);
    for inner in std::mem::take(&mut lexer.nested) {
        parse_into(&inner, depth + 1, out);
    }
}

/// Closes a simple command: unwraps wrappers, follows `sh -c` scripts.
fn finish(current: &mut Simple, depth: usize, out: &mut Vec<Simple>) {
    let mut cmd = std::mem::take(current);
    if cmd.words.is_empty()
        && cmd.assignments.is_empty()
        && cmd.inputs.is_empty()
        && cmd.outputs.is_empty()
    {
        return;
    }
    unwrap_wrappers(&mut cmd);
    // Words that came from quotes with code in them (`python3 -c "…"`) are
    // scripts: their path-like tokens are looked at too.
    cmd.scripts = cmd
        .words
        .iter()
        .filter(|w| w.contains([' ', '(', ';', '\n']))
        .cloned()
        .collect();
    if is_shell(cmd.name())
        && let Some(at) = cmd.words.iter().position(|w| {
            w == "-c" || (w.starts_with('-') && w.ends_with('c') && !w.starts_with("--"))
        })
        && let Some(script) = cmd.words.get(at + 1).cloned()
    {
        parse_into(&script, depth + 1, out);
    }
    if matches!(cmd.name(), "eval") {
        let script = cmd.words[1..].join(" ");
        parse_into(&script, depth + 1, out);
    }
    out.push(cmd);
}

fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash" | "fish" | "mksh" | "busybox"
    )
}

/// Removes command prefixes that run the rest as a command (`sudo`,
/// `env A=b`, `nice -n 5`, `timeout 10`, `xargs -0`, `command`, `exec`, …),
/// moving `env`'s assignments where they belong.
fn unwrap_wrappers(cmd: &mut Simple) {
    for _ in 0..8 {
        let name = cmd.name().to_string();
        let skip_opts = |words: &[String], with_arg: &[&str]| -> usize {
            let mut i = 1;
            while i < words.len() && words[i].starts_with('-') {
                if with_arg.contains(&words[i].as_str()) {
                    i += 1;
                }
                i += 1;
            }
            i
        };
        let drop = match name.as_str() {
            "sudo" | "doas" => skip_opts(&cmd.words, &["-u", "-g", "-C", "-h", "-p", "-U"]),
            "nice" => skip_opts(&cmd.words, &["-n"]),
            "nohup" | "command" | "exec" | "builtin" | "time" | "stdbuf" | "unbuffer"
            | "ionice" => skip_opts(&cmd.words, &["-c", "-n", "-i", "-o", "-e"]),
            "timeout" => {
                let i = skip_opts(&cmd.words, &["-s", "-k", "--signal", "--kill-after"]);
                i + 1 // the duration
            }
            "xargs" => skip_opts(
                &cmd.words,
                &["-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a"],
            ),
            "env" => {
                let mut i = skip_opts(&cmd.words, &["-u", "-C", "-S"]);
                while let Some((n, v)) = cmd.words.get(i).and_then(|w| assignment(w)) {
                    cmd.assignments.push((n, v));
                    i += 1;
                }
                i
            }
            _ => return,
        };
        if drop >= cmd.words.len() {
            return;
        }
        cmd.words.drain(..drop);
    }
}

/// `NAME=value` as an assignment, when NAME is a variable name.
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redirect {
    In,
    Out,
    HereDoc,
    HereString,
}

#[derive(Debug)]
enum Token {
    Word(String),
    Redirect(Redirect),
    Separator,
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
    /// Command substitutions and subshells, parsed after this line.
    nested: Vec<String>,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn next_token(&mut self) -> Option<Token> {
        while let Some(c) = self.peek(0) {
            if c == ' ' || c == '\t' {
                self.at += 1;
            } else if c == '\\' && self.peek(1) == Some('\n') {
                self.at += 2;
            } else if c == '#' {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
        let c = self.peek(0)?;
        match c {
            '\n' | ';' | '&' | '|' => {
                self.at += 1;
                if c == '&' && self.peek(0) == Some('>') {
                    self.at += 1;
                    if self.peek(0) == Some('>') {
                        self.at += 1;
                    }
                    return Some(Token::Redirect(Redirect::Out));
                }
                while matches!(self.peek(0), Some('&' | '|' | ';')) {
                    self.at += 1;
                }
                Some(Token::Separator)
            }
            '(' => {
                let inner = self.balanced('(', ')');
                self.nested.push(inner);
                Some(Token::Separator)
            }
            ')' | '{' | '}' => {
                self.at += 1;
                Some(Token::Separator)
            }
            '<' | '>' => Some(Token::Redirect(self.redirect())),
            c if c.is_ascii_digit() && matches!(self.peek(1), Some('<' | '>')) => {
                self.at += 1;
                Some(Token::Redirect(self.redirect()))
            }
            _ => Some(self.word()),
        }
    }

    fn redirect(&mut self) -> Redirect {
        let c = self.chars[self.at];
        self.at += 1;
        if c == '<' {
            match self.peek(0) {
                Some('<') => {
                    self.at += 1;
                    if self.peek(0) == Some('<') {
                        self.at += 1;
                        return Redirect::HereString;
                    }
                    self.skip_heredoc();
                    return Redirect::HereDoc;
                }
                Some('(') => {
                    let inner = self.balanced('(', ')');
                    self.nested.push(inner);
                    return Redirect::HereString;
                }
                Some('&') => {
                    self.at += 1;
                    return Redirect::HereString;
                }
                _ => return Redirect::In,
            }
        }
        while matches!(self.peek(0), Some('>' | '|')) {
            self.at += 1;
        }
        if self.peek(0) == Some('&') {
            // `2>&1`: a descriptor, not a file.
            self.at += 1;
            while self.peek(0).is_some_and(|c| c.is_ascii_digit() || c == '-') {
                self.at += 1;
            }
            return Redirect::HereString;
        }
        if self.peek(0) == Some('(') {
            let inner = self.balanced('(', ')');
            self.nested.push(inner);
            return Redirect::HereString;
        }
        Redirect::Out
    }

    /// Skips a here-document: its delimiter word and, from the next line,
    /// every line up to the delimiter.
    fn skip_heredoc(&mut self) {
        if self.peek(0) == Some('-') {
            self.at += 1;
        }
        while self.peek(0) == Some(' ') {
            self.at += 1;
        }
        let Token::Word(delim) = self.word() else {
            return;
        };
        // The rest of this line still belongs to the command.
        let rest_start = self.at;
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.at += 1;
        }
        let rest: String = self.chars[rest_start..self.at].iter().collect();
        let mut body_end = self.at;
        let mut i = self.at;
        while i < self.chars.len() {
            let line_end = (i + 1..self.chars.len())
                .find(|&j| self.chars[j] == '\n')
                .unwrap_or(self.chars.len());
            let line: String = self.chars[(i + 1).min(line_end)..line_end].iter().collect();
            body_end = line_end;
            if line.trim() == delim {
                break;
            }
            i = line_end;
        }
        // Splice: `cmd <<EOF rest` continues with `rest`, the body is dropped.
        let mut spliced: Vec<char> = self.chars[..rest_start].to_vec();
        spliced.extend(rest.chars());
        let after = self.chars[body_end.min(self.chars.len())..].to_vec();
        spliced.extend(after);
        self.chars = spliced;
        self.at = rest_start;
    }

    /// The text between `open` at the cursor and its matching `close`.
    fn balanced(&mut self, open: char, close: char) -> String {
        self.at += 1;
        let start = self.at;
        let mut depth = 1;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek(0) {
            self.at += 1;
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some('"'), '\\') => self.at = (self.at + 1).min(self.chars.len()),
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '\\') => self.at = (self.at + 1).min(self.chars.len()),
                (None, c) if c == open => depth += 1,
                (None, c) if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return self.chars[start..self.at - 1].iter().collect();
                    }
                }
                _ => {}
            }
        }
        self.chars[start.min(self.chars.len())..].iter().collect()
    }

    /// A word: unquoted text, quotes and escapes resolved; `$(…)` and
    /// backticks inside it are parsed as commands of their own.
    fn word(&mut self) -> Token {
        let mut word = String::new();
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
                '\\' => {
                    self.at += 1;
                    if let Some(n) = self.peek(0) {
                        word.push(n);
                        self.at += 1;
                    }
                }
                '\'' => {
                    self.at += 1;
                    let start = self.at;
                    while self.peek(0).is_some_and(|c| c != '\'') {
                        self.at += 1;
                    }
                    let text: String = self.chars[start..self.at].iter().collect();
                    // The closing quote, when there is one: the cursor never
                    // passes the end (an unclosed quote ends the word).
                    if self.peek(0).is_some() {
                        self.at += 1;
                    }
                    word.push_str(&text);
                }
                '"' => {
                    self.at += 1;
                    let text = self.double_quoted();
                    word.push_str(&text);
                }
                '$' if self.peek(1) == Some('(') => {
                    self.at += 1;
                    let inner = self.balanced('(', ')');
                    self.nested.push(inner);
                }
                '`' => {
                    let inner = self.balanced('`', '`');
                    self.nested.push(inner);
                }
                _ => {
                    word.push(c);
                    self.at += 1;
                }
            }
        }
        Token::Word(word)
    }

    fn double_quoted(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            self.at += 1;
            match c {
                '"' => break,
                '\\' => {
                    if let Some(n) = self.peek(0) {
                        if !matches!(n, '"' | '\\' | '$' | '`' | '\n') {
                            text.push('\\');
                        }
                        text.push(n);
                        self.at += 1;
                    }
                }
                '$' if self.peek(0) == Some('(') => {
                    let inner = self.balanced('(', ')');
                    self.nested.push(inner);
                }
                '`' => {
                    self.at -= 1;
                    let inner = self.balanced('`', '`');
                    self.nested.push(inner);
                }
                c => text.push(c),
            }
        }
        text
    }
}

/// Path-like tokens in a script (`open('.env')`, `"$HOME/.aws/credentials"`):
/// quoted strings, and words with a `/` or a `.`, split at punctuation that
/// cannot be in a path.
pub fn path_tokens(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in script.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\'' | '"'
                    | '`'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | ','
                    | ';'
                    | '<'
                    | '>'
                    | '|'
                    | '&'
                    | '='
                    | '+'
            )
    }) {
        let p = piece.trim_matches(|c: char| matches!(c, ':' | '!'));
        if p.len() >= 2 && (p.contains('/') || p.contains('.') || p.starts_with('~')) {
            out.push(p.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        parse(line).into_iter().map(|s| s.words).collect()
    }

    /// Found by fuzzing: an unclosed quote or a trailing backslash moved
    /// the cursor past the end, and a here-document after it sliced out of
    /// range.
    #[test]
    fn unclosed_quotes_and_trailing_escapes_end_the_input() {
        for line in [
            "cat <<'EOF",
            "cat <<\"EOF",
            "cat <<EOF 'x",
            "echo $(a \\",
            "echo `a \"\\",
            "x <<'E\n  y",
        ] {
            let _ = parse(line);
            let _ = path_tokens(line);
        }
    }

    #[test]
    fn splits_on_operators_and_resolves_quotes() {
        assert_eq!(
            words("cat .env && echo 'a b' | grep -v \"x y\"; ls"),
            vec![
                vec!["cat", ".env"],
                vec!["echo", "a b"],
                vec!["grep", "-v", "x y"],
                vec!["ls"],
            ]
        );
        assert_eq!(words("cat a\\ b"), vec![vec!["cat", "a b"]]);
    }

    #[test]
    fn assignments_wrappers_and_nested_shells() {
        let p = parse("SKIP=blastwall git commit -m x");
        assert_eq!(p[0].assignments, vec![("SKIP".into(), "blastwall".into())]);
        assert_eq!(p[0].name(), "git");
        assert_eq!(parse("sudo -u root cat /x")[0].words, vec!["cat", "/x"]);
        assert_eq!(
            parse("env A=1 timeout 5 head -n1 .env")[0].words,
            vec!["head", "-n1", ".env"]
        );
        let nested = parse("bash -c 'cat .env | base64'");
        assert!(
            nested.iter().any(|s| s.words == vec!["cat", ".env"]),
            "{nested:?}"
        );
        let sub = parse("echo $(cat .env) `head .envrc`");
        assert!(sub.iter().any(|s| s.words == vec!["cat", ".env"]));
        assert!(sub.iter().any(|s| s.words == vec!["head", ".envrc"]));
        let sub = parse("(cd app && cat .env)");
        assert!(
            sub.iter().any(|s| s.words == vec!["cat", ".env"]),
            "{sub:?}"
        );
    }

    #[test]
    fn redirections_are_files_not_words() {
        let p = parse("sort < .env > out.txt 2>&1");
        assert_eq!(p[0].words, vec!["sort"]);
        assert_eq!(p[0].inputs, vec![".env"]);
        assert_eq!(p[0].outputs, vec!["out.txt"]);
        let h = parse("cat <<EOF > .blastwall.toml\n[allowlist]\npaths = ['**']\nEOF\necho done");
        assert_eq!(h[0].outputs, vec![".blastwall.toml"]);
        assert!(h.iter().any(|s| s.words == vec!["echo", "done"]), "{h:?}");
        assert!(
            !h.iter()
                .any(|s| s.words.iter().any(|w| w.contains("allowlist"))),
            "{h:?}"
        );
    }

    #[test]
    fn paths_inside_scripts() {
        let t = path_tokens(
            "import os; print(open('.env').read()); os.path.expanduser('~/.aws/credentials')",
        );
        assert!(t.contains(&".env".to_string()), "{t:?}");
        assert!(t.contains(&"~/.aws/credentials".to_string()), "{t:?}");
    }

    #[test]
    fn hostile_input_terminates() {
        for s in [
            "$((((",
            "'unterminated",
            "\"x",
            "`",
            "a <<",
            "((((((((((((((((((x))))))))",
            "\\",
        ] {
            let _ = parse(s);
        }
        let deep = "bash -c ".repeat(50) + "cat .env";
        let _ = parse(&deep);
    }
}
