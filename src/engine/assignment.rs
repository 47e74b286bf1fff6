//! Judging catch-all matches: a value assigned to a secret-sounding name.
//!
//! The catch-all rules are the main source of false positives in every
//! scanner (`nextToken`, `passwordLabel`, `LSA_UNICODE_STRING`, `opts.token`),
//! so they capture the name (`key`) as well as the value and this module
//! decides: is the name really a secret's, and does the value look like a
//! literal secret rather than code, a type, a path or a template?

use super::filters::{self, shannon_entropy};
use super::verdict::{Matched, Verdict};

/// Name fragments (normalised: lowercase, no separators) that name something
/// other than a secret, although they contain "token", "secret", "key", ...
const NOT_SECRET_NAME_PARTS: &[&str] = &[
    "nexttoken",
    "pagetoken",
    "continuationtoken",
    "changetoken",
    "requesttoken",
    "inputtoken",
    "outputtoken",
    "maxtoken",
    "mintoken",
    "numtoken",
    "cancellationtoken",
    "csrf",
    "xsrf",
    "synctoken",
    "idempotency",
    "paginationtoken",
    "resumetoken",
    "questiontoken",
    "tokenizer",
    "lexer",
    "parser",
    "passthrough",
    "bypass",
    "compass",
    "secretsmanager",
    "authority",
    "author",
    "publickey",
    "pubkey",
];

/// Words that name a secret.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "password",
    "passwords",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passwort",
    "credential",
    "credentials",
    "creds",
    "auth",
    "apikey",
    "apitoken",
];
/// Words after which `key` names a secret (`api_key`, `private_key`, ...).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "signing",
    "master",
    "encryption",
    "app",
    "account",
    "service",
    "license",
    "consumer",
    "admin",
    "root",
    "auth",
    "deploy",
];
/// Words that may follow the secret word without changing what it names
/// (`SECRET_KEY_BASE`, `api_key_prod`, `token2`).
const TRAILING_OK: &[&str] = &[
    "key",
    "base",
    "prod",
    "production",
    "dev",
    "development",
    "staging",
    "stage",
    "test",
    "live",
    "value",
    "val",
    "str",
    "string",
    "b64",
    "base64",
    "hex",
    "raw",
    "new",
    "local",
    "default",
    "main",
    "primary",
    "secondary",
    "backup",
    "plain",
    "plaintext",
    "env",
];
/// Words right before the secret word that make it not a secret
/// (`next_token`, `reset_password`, `show_password`).
const NOT_SECRET_BEFORE: &[&str] = &[
    "next",
    "page",
    "continuation",
    "change",
    "request",
    "input",
    "output",
    "max",
    "min",
    "num",
    "cancellation",
    "sync",
    "pagination",
    "resume",
    "question",
    "forgot",
    "reset",
    "confirm",
    "public",
    "pub",
    "verify",
    "verification",
    "show",
    "hide",
    "hidden",
    "has",
    "is",
    "use",
    "uses",
    "require",
    "requires",
    "no",
    "without",
    "missing",
    "empty",
    "invalid",
    "wrong",
    "bad",
    "check",
    "validate",
    "hash",
    "hashed",
    "encrypted",
    "csrf",
    "xsrf",
    "refresh_after",
    // Verbs: the name of an operation or a setting about the password
    // (`update_password == 'always'`, `set_password = 'ALTER USER …'`).
    "set",
    "get",
    "update",
    "generate",
    "prompt",
    "ask",
    "enter",
    "read",
    "load",
    "save",
];

/// Names that only ever hold secrets, so a UUID value under them counts.
const STRONG_SECRET_WORDS: &[&str] = &["secret", "password", "passwd", "apikey", "apitoken"];

/// Splits an identifier into lowercase words at separators and camelCase
/// boundaries: `clientSecretKEY_2` → `client secret key 2`.
fn words(key: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = key.iter().map(|b| *b as char).collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let boundary = !cur.is_empty()
            && c.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || (prev.is_ascii_uppercase() && next.is_ascii_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Secret words that may be glued to a prefix in one word of a name
/// (`PGPASSWORD`, `APPSECRET`, `dspassword`, `myApitoken`). `pass` and `pwd`
/// are not split off: too many words end in them (`bypass`, `compass`).
const GLUED_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "passwort",
    "passphrase",
    "secret",
    "apikey",
    "apitoken",
    "token",
];

/// The words of a name, with secret words glued to a prefix split off:
/// `PGPASSWORD` → `pg password`, `APPSECRET` → `app secret`,
/// `secretkey` → `secret key` (a [`KEY_QUALIFIERS`] word glued to `key`).
fn name_words(key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(key) {
        if SECRET_WORDS.contains(&w.as_str()) {
            out.push(w);
            continue;
        }
        let glued = GLUED_SUFFIXES
            .iter()
            .find(|s| w.len() > s.len() + 1 && w.ends_with(*s))
            .map(|s| w.len() - s.len())
            .or_else(|| {
                let prefix = w.strip_suffix("key")?;
                KEY_QUALIFIERS.contains(&prefix).then_some(prefix.len())
            });
        match glued {
            Some(at) => {
                out.push(w[..at].to_string());
                out.push(w[at..].to_string());
            }
            None => out.push(w),
        }
    }
    out
}

/// Where in `words` the secret is named, if the name is a secret's at all,
/// and whether the name is only weakly a secret's: a `*_key` whose qualifier
/// is not one of [`KEY_QUALIFIERS`] (`maps_key`, `stripeKey`, `cache_key`).
fn secret_word_index(words: &[String]) -> Option<(usize, bool)> {
    let strong = words.iter().enumerate().rposition(|(i, w)| {
        SECRET_WORDS.contains(&w.as_str())
            || (w == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
    });
    let (idx, weak) = match strong {
        Some(i) => (i, false),
        None => (words.iter().rposition(|w| w == "key")?, true),
    };
    let trailing_ok = words[idx + 1..]
        .iter()
        .all(|w| TRAILING_OK.contains(&w.as_str()) || w.bytes().all(|b| b.is_ascii_digit()));
    let before_ok = idx == 0 || !NOT_SECRET_BEFORE.contains(&words[idx - 1].as_str());
    (trailing_ok && before_ok).then_some((idx, weak))
}

fn normalise(key: &[u8]) -> String {
    key.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| (*b as char).to_ascii_lowercase())
        .collect()
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `a.b.c`, `opts.token`, `XSalsa20.key_length`: a path through code, not a value.
fn is_dotted_identifier(v: &[u8]) -> bool {
    let mut parts = v.split(|b| *b == b'.');
    let all_idents = parts.clone().all(|p| {
        !p.is_empty()
            && (p[0].is_ascii_alphabetic() || p[0] == b'_')
            && p.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    });
    all_idents && parts.nth(1).is_some()
}

/// `LSA_UNICODE_STRING`, `LPCWSTR`, `ClientRequestTokenString`,
/// `passwordInput`: a type or variable name, not a literal.
fn is_identifier_shaped(v: &[u8]) -> bool {
    if v.is_empty() || !v.iter().all(|b| b.is_ascii_alphabetic() || *b == b'_') {
        return false;
    }
    let upper = v.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = v.iter().filter(|b| b.is_ascii_lowercase()).count();
    let underscores = v.contains(&b'_');
    // CONSTANT_CASE or ALLCAPS, PascalCase/camelCase, or snake_case.
    lower == 0 || (upper > 0 && lower > 0) || (upper == 0 && underscores)
}

fn looks_like_path_or_url(v: &[u8]) -> bool {
    let s = String::from_utf8_lossy(v);
    s.contains("://")
        || s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("~/")
        || (s.contains('/')
            && s.rsplit('/')
                .next()
                .is_some_and(|last| last.contains('.') && !last.ends_with('=')))
}

/// Source files where an unquoted right-hand side is an expression, never a
/// literal (`pub Password: LPCWSTR`, `self.passwords = passwords`).
const CODE_EXTENSIONS: &[&str] = &[
    "rs", "ts", "tsx", "js", "jsx", "mjs", "cjs", "py", "go", "java", "kt", "kts", "scala", "c",
    "h", "cc", "cpp", "hpp", "cs", "rb", "php", "swift", "m", "mm", "dart", "lua", "pl", "ex",
    "exs", "erl", "hs", "ml", "fs", "vb", "groovy", "jl", "r", "zig", "nim", "v", "sol",
];

fn is_code_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// A value that itself names a secret (`passwords`, `@DB_PASSWORD`,
/// `x25519_generate_private_key`) is a reference to one, not one.
fn names_a_secret(value: &[u8]) -> bool {
    let ws = words(value);
    // `password1`, `new_password2`: form fields numbered by one digit.
    let unnumbered = |w: &str| {
        w.strip_suffix(|c: char| c.is_ascii_digit())
            .unwrap_or(w)
            .to_string()
    };
    ws.iter()
        .any(|w| SECRET_WORDS.contains(&unnumbered(w).as_str()))
        || ws
            .windows(2)
            .any(|p| p[1] == "key" && KEY_QUALIFIERS.contains(&p[0].as_str()))
}

/// `0006_require_contenttypes`, `S3StagingLocation`, `This-is-my-test`:
/// a value mostly made of words is a name or prose, not a random secret.
fn is_wordy(value: &[u8]) -> bool {
    let ws = words(value);
    let wordy: usize = ws
        .iter()
        .filter(|w| {
            w.len() >= 4
                && w.bytes().all(|b| b.is_ascii_alphabetic())
                && w.bytes().any(|b| b"aeiouy".contains(&b))
        })
        .map(String::len)
        .sum();
    let wordy_count = ws
        .iter()
        .filter(|w| w.len() >= 4 && w.bytes().all(|b| b.is_ascii_alphabetic()))
        .count();
    wordy_count >= 2 && wordy * 10 >= value.len() * 6
}

/// `super$ecret` unquoted in a shell or config line: `$ecret` is a variable
/// expanded into the value, so the literal text is not the password.
fn interpolates(value: &[u8]) -> bool {
    value
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'_' | b'{' | b'(')))
}

/// `!vault`, `!Ref`, `!Sub`: a YAML tag (Ansible Vault, CloudFormation), the
/// start of an expression that yields the secret, not the secret.
fn is_yaml_tag(value: &[u8]) -> bool {
    value.len() > 1 && value[0] == b'!' && value[1..].iter().all(u8::is_ascii_alphabetic)
}

/// Type names that follow a password field in schemas and signatures
/// (`password: String!`, `password: str`, `Password: SecureString`).
const TYPE_NAMES: &[&str] = &[
    "string",
    "str",
    "text",
    "varchar",
    "char",
    "bytes",
    "byte",
    "int",
    "integer",
    "long",
    "number",
    "bool",
    "boolean",
    "any",
    "object",
    "uuid",
    "secretstr",
    "securestring",
    "secretstring",
    "sensitive",
    "optional",
    "nullable",
    "mandatory",
    // Windows string types (`Password: LPCWSTR` in headers and docs).
    "lpcwstr",
    "lpwstr",
    "pcwstr",
    "pwstr",
    "lpstr",
    "lpcstr",
    "bstr",
    "pwchar",
    "lsa_unicode_string",
    "unicode_string",
    "psecure_string",
];

/// The word "password" in other languages: the value of a `password` key in
/// a translation file, not a password.
const PASSWORD_TRANSLATIONS: &[&str] = &[
    "wachtwoord",
    "kennwort",
    "senha",
    "contrasena",
    "contrasenya",
    "parola",
    "passord",
    "losenord",
    "salasana",
    "adgangskode",
    "heslo",
    "haslo",
    "jelszo",
    "sifre",
    "geslo",
    "lozinka",
    "parool",
];

/// Password hashes (crypt `$2a$…`, `$6$…`; LDAP `{SSHA}…`, `{CRYPT}…`;
/// Django `pbkdf2_sha256$…`; PostgreSQL `md5` + 32 hex digits, `SCRAM-SHA-256$…`):
/// what a server stores to check a password, not the password.
pub fn is_password_hash(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    let starts = |p: &[u8]| lower.starts_with(p);
    (value.first() == Some(&b'$') && value.iter().filter(|b| **b == b'$').count() >= 2)
        || (value.first() == Some(&b'{')
            && value[1..]
                .iter()
                .position(|b| *b == b'}')
                .is_some_and(|end| {
                    end >= 2
                        && value[1..=end]
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                }))
        || starts(b"pbkdf2_")
        || starts(b"argon2")
        || starts(b"bcrypt$")
        || starts(b"sha1$")
        || starts(b"scram-sha-256$")
        || (starts(b"md5") && value.len() == 35 && value[3..].iter().all(u8::is_ascii_hexdigit))
}

/// File extensions of prose, where an unquoted word after `password:` is
/// more often a name in a code snippet than a literal.
fn is_prose_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext.to_ascii_lowercase().as_str(),
            "md" | "markdown" | "rst" | "txt" | "adoc" | "html" | "htm"
        )
    })
}

/// Judges the value under an unambiguous password name. Short values and
/// word-shaped ones (`hunter42`, `Winter2024`, `ADMINPASS`, `db_pass_1`) are
/// passwords people really use, so they count; what does not is a type
/// annotation, a default or filler password, a hash, a translation of the
/// word, or (in prose) an unquoted identifier from a code snippet.
///
/// `pass` alone (`allPass`, `DB_PASS`) is not unambiguous: an
/// identifier-shaped value under it is more often a name (`'allPass':
/// 'overEvery'`), so `ambiguous` keeps those out.
fn password_literal(value: &[u8], m: Matched<'_>, ambiguous: bool) -> Verdict {
    let lower = value.to_ascii_lowercase();
    let bare: &[u8] = lower
        .strip_suffix(b"!")
        .or_else(|| lower.strip_suffix(b"?"))
        .unwrap_or(&lower);
    let listed = |list: &[&str]| list.iter().any(|w| w.as_bytes() == bare);
    if value.len() < 4
        || filters::default_password(bare)
        || listed(TYPE_NAMES)
        || listed(PASSWORD_TRANSLATIONS)
        || is_password_hash(value)
        || (is_identifier_shaped(value) && ((!m.quoted && is_prose_file(m.path)) || ambiguous))
    {
        return Verdict::Reject;
    }
    Verdict::Keep
}

/// Decides whether a catch-all match is a literal secret.
pub fn judge(m: Matched<'_>) -> Verdict {
    judge_inner(m, false)
}

/// [`judge`] for a token-shaped value whose name names a known provider
/// (see [`super::proximity`]): the provider vouches for a name that is only
/// weakly a secret's (`mailgun_key`) and for a value random in a narrow
/// alphabet (lowercase hex, a UUID), so only the checks that the value is a
/// literal and the name a secret's apply.
pub fn judge_vouched(m: Matched<'_>) -> Verdict {
    judge_inner(m, true)
}

fn judge_inner(m: Matched<'_>, vouched: bool) -> Verdict {
    let (key, value) = (m.key.unwrap_or(b""), m.secret);
    if !reads_as_literal(m, key, value) {
        return Verdict::Reject;
    }
    let name = normalise(key);
    if NOT_SECRET_NAME_PARTS.iter().any(|p| name.contains(p)) {
        return Verdict::Reject;
    }
    let words = name_words(key);
    let Some((at, weak)) = secret_word_index(&words) else {
        return Verdict::Reject;
    };
    let named = words[at].as_str();
    if matches!(
        value.first(),
        Some(b'$' | b'%' | b'&' | b'*' | b'.' | b'-' | b'@')
    ) || is_yaml_tag(value)
        || value.contains(&b'(')
        || value.contains(&b'\\')
        || memchr::memmem::find(value, b"::").is_some()
        || is_dotted_identifier(value)
        || looks_like_path_or_url(value)
    {
        return Verdict::Reject;
    }
    if matches!(
        named,
        "password" | "passwords" | "passwd" | "pwd" | "pass" | "passphrase" | "passwort"
    ) {
        return password_literal(value, m, named == "pass");
    }
    if vouched {
        let public = at > 0
            && matches!(
                words[at - 1].as_str(),
                "client" | "public" | "pub" | "publishable" | "site" | "anon"
            );
        return if public {
            Verdict::Reject
        } else {
            Verdict::Keep
        };
    }
    judge_random(value, &words, at, weak, named)
}

/// Whether the value reads as a literal secret rather than code, a name, a
/// phrase or an argument list (whatever the name it is assigned to).
fn reads_as_literal(m: Matched<'_>, key: &[u8], value: &[u8]) -> bool {
    if !m.quoted && is_code_file(m.path) {
        return false;
    }
    // A quoted value with a symbol inside a word (`super$ecret`, `pa55!word`)
    // is a typed literal, never a name in code, however word-like it reads.
    let symbolic = m.quoted
        && value.iter().skip(1).any(|b| b"!@#$%^&*+=?~".contains(b))
        && !value.iter().any(u8::is_ascii_whitespace);
    // Under a password name a word or two is a password people use
    // (`WinterFalls`); three words or more are a phrase or a label.
    let password_named = words(key)
        .last()
        .is_some_and(|w| w.contains("pass") || w == "pwd");
    let few_words = words(value).len() <= 2;
    if names_a_secret(value)
        || (is_wordy(value) && !symbolic && !(password_named && few_words))
        || (!m.quoted && interpolates(value))
    {
        return false;
    }
    // `f("password", "x")`: an argument list is only a secret assignment
    // when the value is a strong literal, not another word or name.
    let call_argument = m.operator.contains(&b',');
    if call_argument {
        let has_digit = value.iter().any(u8::is_ascii_digit);
        let has_alpha = value.iter().any(u8::is_ascii_alphabetic);
        if value.len() < 8 || !has_digit || !has_alpha || shannon_entropy(value) < 2.8 {
            return false;
        }
    }
    true
}

/// The value under a secret-like name that is not a password's: kept only
/// when unmistakably random for the name (`named`, word `at` of `words`;
/// `weak` for names like `*_key` that hold many things that are not
/// secrets).
fn judge_random(value: &[u8], words: &[String], at: usize, weak: bool, named: &str) -> Verdict {
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_alpha = value.iter().any(u8::is_ascii_alphabetic);
    if value.len() < 16 || !has_digit || !has_alpha || shannon_entropy(value) < 3.0 {
        return Verdict::Reject;
    }
    // Any `*_key` holds a secret only when the value is unmistakably random:
    // long, mixed case with digits, high entropy (cache keys, i18n keys and
    // hashes are not).
    if weak {
        // `client_key`, `public_key`, `site_key`, `publishable_key`: keys
        // that are public by design.
        if at > 0
            && matches!(
                words[at - 1].as_str(),
                "client"
                    | "public"
                    | "pub"
                    | "publishable"
                    | "site"
                    | "anon"
                    | "primary"
                    | "foreign"
                    | "sort"
            )
        {
            return Verdict::Reject;
        }
        let upper = value.iter().any(u8::is_ascii_uppercase);
        let lower = value.iter().any(u8::is_ascii_lowercase);
        if value.len() < 20 || !upper || !lower || shannon_entropy(value) < 4.0 || is_uuid(value) {
            return Verdict::Reject;
        }
    }
    let strong = STRONG_SECRET_WORDS.contains(&named)
        || (named == "key"
            && at > 0
            && matches!(words[at - 1].as_str(), "api" | "secret" | "private"))
        // A UUID under a `*_TOKEN` name is a token (Heroku, Railway and
        // legacy npm tokens are UUIDs), except for the idempotency and
        // request tokens of cloud APIs (`ClientToken`, `ClientRequestToken`).
        || (matches!(named, "token" | "tokens")
            && !(at > 0 && matches!(words[at - 1].as_str(), "client" | "idempotency" | "sync")));
    if is_uuid(value) && !strong {
        return Verdict::Reject;
    }
    Verdict::Keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keep(key: &str, value: &str) -> bool {
        judge(Matched {
            secret: value.as_bytes(),
            key: Some(key.as_bytes()),
            quoted: true,
            operator: b" = \"",
            path: "config.txt",
        }) == Verdict::Keep
    }

    #[test]
    fn unquoted_values_in_code_are_expressions() {
        let m = |path: &'static str, quoted: bool| Matched {
            secret: b"Xq7Wm2Zr9Kx4Tb8Nv3Yc6",
            key: Some(b"api_token"),
            quoted,
            operator: b"=",
            path,
        };
        assert_eq!(judge(m("src/lib.rs", false)), Verdict::Reject);
        assert_eq!(judge(m("src/lib.rs", true)), Verdict::Keep);
        assert_eq!(judge(m(".env", false)), Verdict::Keep);
        assert_eq!(judge(m("config/app.yaml", false)), Verdict::Keep);
    }

    #[test]
    fn real_secrets_are_kept() {
        assert!(keep("client_secret", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"));
        assert!(keep("genericToken", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"));
        assert!(keep("api_token", "dafa7817-e246-48f3-91a7-e87653d587b8"));
        assert!(keep("DB_PASSWORD", "P@ssw0rd$1"));
        assert!(keep("admin_password", "Secret123"));
        assert!(keep(
            "hereapi_key",
            "XxK6G3m_pQ8nR2vT4wY9jL5bN7cA1dF3hJ0iM4eP9sW2u"
        ));
        assert!(keep("password", "abuser123456"));
        assert!(keep("my_password", "super$ecret"));
        assert!(keep(
            "credentials",
            "0afae57f3ccfd9d7f5767067bc48b30f719e271ba470488056e37ab35d4b6506"
        ));
    }

    #[test]
    fn short_and_word_shaped_passwords_count_under_password_names() {
        assert!(keep("password", "orchid"));
        assert!(keep("PGPASSWORD", "Kx7q"));
        assert!(keep("DB_PASS", "ADMINPASS9"));
        assert!(keep("dspassword", "WinterFalls"));
        assert!(keep("key_store_password", "blue_orchid"));
        assert!(keep("smtp_password", "Zr4k"));
        // Defaults, fillers, types, hashes and translations do not.
        for v in [
            "root",
            "changeit",
            "my-password",
            "topsecret",
            "String!",
            "str",
            "LPCWSTR",
            "Wachtwoord",
            "$2b$10$abcdefghijklmnopqrstuv",
            "{SSHA}q7Wm2Zr9Kx4Tb8Nv3Yc6",
            "{CRYPT}q7Wm2Zr9Kx4Tb8",
            "pbkdf2_sha256$600000$q7Wm2Zr9$Kx4Tb8Nv3Yc6",
            "!vault",
            "abc",
        ] {
            assert!(!keep("password", v), "{v}");
        }
    }

    #[test]
    fn glued_names_are_split() {
        assert_eq!(name_words(b"PGPASSWORD"), ["pg", "password"]);
        assert_eq!(name_words(b"APPSECRET"), ["app", "secret"]);
        assert_eq!(name_words(b"secretkey"), ["secret", "key"]);
        assert_eq!(name_words(b"bypass"), ["bypass"]);
        assert!(keep("APPSECRET", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"));
    }

    #[test]
    fn unquoted_identifiers_in_prose_are_code() {
        let m = |quoted: bool, path: &'static str| Matched {
            secret: b"user_input",
            key: Some(b"password"),
            quoted,
            operator: b" = ",
            path,
        };
        assert_eq!(judge(m(false, "README.md")), Verdict::Reject);
        assert_eq!(judge(m(true, "README.md")), Verdict::Keep);
        assert_eq!(judge(m(false, "config/app.yaml")), Verdict::Keep);
    }

    #[test]
    fn a_provider_vouches_for_a_weak_name() {
        let m = Matched {
            secret: b"4f9c2a7e1b8d3f6a0c5e9b2d7a4f1c8e",
            key: Some(b"mailgun_key"),
            quoted: true,
            operator: b" = \"",
            path: "settings.py",
        };
        assert_eq!(judge(m), Verdict::Reject);
        assert_eq!(judge_vouched(m), Verdict::Keep);
        let public = Matched {
            key: Some(b"mapbox_public_key"),
            ..m
        };
        assert_eq!(judge_vouched(public), Verdict::Reject);
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(
            words(b"clientSecretKEY_2"),
            ["client", "secret", "key", "2"]
        );
        assert_eq!(words(b"D3DVSD_TOKEN_NOP"), ["d3dvsd", "token", "nop"]);
        assert_eq!(words(b"APIKey"), ["api", "key"]);
    }

    #[test]
    fn code_and_metadata_are_rejected() {
        assert!(!keep("D3DVSD_TOKEN_NOP", "D3DVSD_TOKENTYPE"));
        assert!(!keep("Password", "LPCWSTR"));
        assert!(!keep("passwd", "windows_sys::core::PCWSTR"));
        assert!(!keep("LsaTokenInformationV3", "Xq7Wm2Zr9Kx4Tb8Nv3Yc6"));
        assert!(!keep("secret_id", "Xq7Wm2Zr9Kx4Tb8Nv3Yc6"));
        assert!(!keep("ansible_password", "@PASSWORD"));
        assert!(!keep("generate_private_key", "x25519_generate_private_key"));
        assert!(!keep("auth", "0006_require_contenttypes_0002"));
        assert!(!keep("cache_key", "user-1234-profile-v2"));
        assert!(!keep(
            "commit_key",
            "9a038989604e8da62ecddbe2094b16ce1b778be1"
        ));
        assert!(!keep("SecretLocation", "S3StagingLocation"));
        assert!(!keep(
            "nextToken",
            "gPFEGk7CF4wS901w7ppYclt7gPFEGk7CF4wS901w7ppYclt7"
        ));
        assert!(!keep("ChangeToken", "abcd12f2-46da-4fdb-b8d5-fbd4c466928f"));
        assert!(!keep(
            "ClientRequestToken",
            "f4c94ed7-238d-4c46-93db-48cd62ec33b7"
        ));
        assert!(!keep("clientId", "73082700-1f09-405b-80d0-3131bfd6272d"));
        assert!(!keep("Password", "LSA_UNICODE_STRING"));
        assert!(!keep("password", "passwordInput"));
        assert!(!keep("parent_token", "attribute.impl.parent_token"));
        assert!(!keep("password", "$super$ecret"));
        assert!(!keep("password", "123"));
        assert!(!keep("key_length", "XSalsa20.key_length"));
        assert!(!keep("secret_file", "/etc/app/secret.key"));
        assert!(!keep("token", "ClientRequestTokenString"));
        assert!(!keep("access_token", "abcdefghijklmnopqrstuvwxyz"));
    }
}
