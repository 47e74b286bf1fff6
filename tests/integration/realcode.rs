//! Generic credentials in real code: short and word-shaped passwords under
//! unambiguous names, SQL clauses, command lines, URL credentials of any
//! scheme, recorded Authorization headers, private JWKs, unknown-format keys
//! of known providers, very long secrets — and the look-alikes beside them
//! in real code (types, help text, expressions, hashes, defaults, samples,
//! fixtures and documentation). Every value here is made up for the test.

use blastwall::config::Config;
use blastwall::engine::Engine;
use blastwall::finding::Finding;
use blastwall::tier::Tier;

fn engine() -> Engine {
    Engine::for_config(&Config::defaults().unwrap()).unwrap()
}

fn scan(path: &str, text: &str) -> Vec<Finding> {
    engine().scan(path, text.as_bytes()).unwrap()
}

/// True credentials: each must be found, at `min` or above.
const CREDENTIALS: &[(&str, &str, Tier)] = &[
    (
        "src/main/java/app/Db.java",
        "private static final String DB_PASSWORD = \"Wq7!zLm2\";",
        Tier::Low,
    ),
    (
        "src/main/resources/application.properties",
        "spring.datasource.password=orchid42",
        Tier::Low,
    ),
    ("app/settings.py", "PGPASSWORD = \"Kx7q\"", Tier::Low),
    (
        "web/login.js",
        "if (password === \"letme1n42\") { grant(); }",
        Tier::Low,
    ),
    (
        "config/app.yaml",
        "db:\n  password: WinterFalls\n",
        Tier::Low,
    ),
    (
        "android/gradle.properties",
        "key_store_password=Rk2mZq8",
        Tier::Low,
    ),
    (
        "cmd/server/main.go",
        "const appSecret = \"APPSECRET\"\nvar APPSECRET = \"q7Wm2Zr9Kx4Tb8Nv3Yc6Hd1J\"",
        Tier::Low,
    ),
    (
        "db/schema.sql",
        "CREATE USER 'app'@'%' IDENTIFIED BY 'Rk7#mQ2vXp';",
        Tier::Medium,
    ),
    (
        "db/roles.sql",
        "ALTER ROLE reporting WITH LOGIN PASSWORD 'Tz4kq9Lmw2';",
        Tier::Medium,
    ),
    (
        "scripts/backup.sh",
        "mysqldump -h db.internal -u backup -pTq8vLm2Xe shop > shop.sql",
        Tier::Medium,
    ),
    (
        "scripts/deploy.sh",
        "docker login registry.internal --username ci --password Tq8vLm2Xe",
        Tier::Medium,
    ),
    (
        ".env",
        "NATS_URL=nats://orders:Tq8vLm2Xe7@nats.prod.acme.io:4222",
        Tier::Medium,
    ),
    (
        "fixtures/cassettes/get_user.yaml",
        "request:\n  headers:\n    Authorization:\n    - Bearer ertYhja8z48qSXxT9EThrzMT9JmHIpWF\n",
        Tier::Low,
    ),
    (
        "postman/collection.json",
        "{\"header\": [{\"key\": \"Authorization\", \"value\": \"Bearer 21G90Mcxo0Ic838rJ4mQfCuAzck9ndVlZtZZCQIO\", \"type\": \"text\"}]}",
        Tier::Medium,
    ),
    (
        "scripts/call.sh",
        "curl -H 'Authorization: Basic Y2ktYm90OlpyNGtQcTlUbjI=' https://ci.internal/api",
        Tier::Medium,
    ),
    (
        "keys/signing.json",
        "{\"kty\": \"EC\", \"crv\": \"P-256\", \"d\": \"hsKUgxs71CvBTjfWUzsMp-juVEFPtbsm2eE0t2B_oJI\", \"x\": \"p8EWLrjNI_17i9gSk32blNicOQOTWxDZ0-GcVSY-ESA\"}",
        Tier::High,
    ),
];

#[test]
fn true_credentials_are_found() {
    for (path, text, min) in CREDENTIALS {
        let found = scan(path, text);
        assert!(
            found.iter().any(|f| f.tier >= *min),
            "{path}: `{text}` should be found at {min:?} or above, got {:?}",
            found.iter().map(|f| (&f.rule, f.tier)).collect::<Vec<_>>()
        );
    }
}

/// Look-alikes: nothing may be found by the generic rules (a specific rule
/// for password hashes may report the hash itself).
const LOOK_ALIKES: &[(&str, &str)] = &[
    (
        "api/schema.graphql",
        "input Login {\n  password: String!\n}",
    ),
    (
        "cli/usage.txt",
        "  --password <password>   Password to use\n  --password PASSWORD\n",
    ),
    ("src/User.java", "    password = this.password;"),
    (
        "app/settings.py",
        "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]\npassword = get_password()",
    ),
    (".env.production", "DB_PASSWORD=${DB_PASSWORD}"),
    (
        "config/users.yml",
        "admin:\n  password: \"$2b$12$q7Wm2Zr9Kx4Tb8Nv3Yc6Hd1JfKx4Tb8Nv3Yc6Hd1JfKx4Tb8Nv3Yc6\"\n",
    ),
    (
        "ldap/users.ldif",
        "userPassword: {SSHA}q7Wm2Zr9Kx4Tb8Nv3Yc6Hd1J",
    ),
    ("scripts/restore.sh", "mysql -u root -p shop < dump.sql"),
    ("db/users.sql", "CREATE USER app IDENTIFIED BY :pwd;"),
    (
        "scripts/call.sh",
        "curl -H 'Authorization: Basic YOUR_CREDENTIALS' https://ci.internal/api",
    ),
    (
        "config/app.yaml",
        "db:\n  password: changeme\nsmtp:\n  password: topsecret\nroot_password: root\nuser_password: my-password\n",
    ),
    ("web/auth.ts", "const token = this.token;"),
    ("config/stripe.py", "STRIPE_KEY = \"sk_live_51Hx9q...\""),
    ("locales/nl.json", "{\"password\": \"Wachtwoord\"}"),
    (
        "db/oracle.py",
        "set_password = 'ALTER USER %(user)s IDENTIFIED BY \"%(password)s\"'",
    ),
    ("web/fp.js", "  'allPass': 'overEvery',"),
];

#[test]
fn look_alikes_are_not_found() {
    for (path, text) in LOOK_ALIKES {
        let found: Vec<_> = scan(path, text)
            .into_iter()
            .filter(|f| !f.rule.starts_with("password-hash"))
            .collect();
        assert!(
            found.is_empty(),
            "{path}: `{text}` should not be found, got {:?}",
            found.iter().map(|f| &f.rule).collect::<Vec<_>>()
        );
    }
}

#[test]
fn an_unknown_format_key_of_a_known_provider_is_named() {
    let found = scan(
        "integrations/dispatch.py",
        "TOOKAN_API_KEY = \"4f9c2a7e1b8d3f6a0c5e9b2d7a4f1c8e\"\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert!(f.tier >= Tier::Medium);
    // A provider rule may come to know this format; until then the name
    // is what identifies it.
    if f.rule.starts_with("generic-") {
        assert_eq!(f.provider, "Tookan");
        assert_eq!(f.description, "Tookan credential (name-matched)");
    }
    // A name without a provider stays generic and low.
    let plain = scan(
        "integrations/dispatch.py",
        "DISPATCH_API_KEY = \"4f9c2a7e1b8d3f6a0c5e9b2d7a4f1c8e\"\n",
    );
    assert!(plain.iter().all(|f| f.tier == Tier::Low), "{plain:?}");
}

#[test]
fn very_long_secrets_are_caught_whole() {
    // xorshift64: a fixed, well-mixed stream of base64 characters.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let value: String = (0..4000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                [(state % 64) as usize] as char
        })
        .collect();
    let text = format!("import os\n\nSECRET_KEY = \"{value}\"\nDEBUG = False\n");
    let found = scan("app/settings.py", &text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 3);
    assert!(found[0].secret.expose().len() > 1000);
}

#[test]
fn fixtures_and_documentation_lower_the_tier_and_say_why() {
    // A password under a test fixture path is low already: dropped.
    assert!(scan("tests/fixtures/config.yml", "password: Wq7zLm2x\n").is_empty());
    // A database URI in documentation: one tier down, with the reason.
    let doc = scan(
        "docs/setup.md",
        "DATABASE_URL=postgres://app:Wq7zLm2xQ9@db.acme-corp.net:5432/app\n",
    );
    assert_eq!(doc.len(), 1, "{doc:?}");
    assert_eq!(doc[0].tier, Tier::Medium);
    assert!(
        doc[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("documentation"))
    );
    // A format that identifies itself keeps its tier in a test path.
    let token = scan(
        "tests/test_client.py",
        "AWS_ACCESS_KEY_ID = \"AKIAQYLPMN5HFIQR7XYZ\"\n",
    );
    assert!(token.iter().any(|f| f.tier == Tier::Critical), "{token:?}");
}

#[test]
fn jwts_with_long_payloads_are_found() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let groups: Vec<String> = (0..40)
        .map(|i| format!("\"grp-{i:02}-q7Wm2Zr9Kx4T\""))
        .collect();
    let payload = format!(
        "{{\"sub\":\"u1\",\"groups\":[{}],\"exp\":4102444800}}",
        groups.join(",")
    );
    let token = format!(
        "{}.{}.{}",
        b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"),
        b64(&payload),
        "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznBq7Wm2Zr9Kx4Tb8Nv3Yc6Hd1J_-x"
    );
    assert!(token.len() > 1000);
    let found = scan("client/session.py", &format!("token = \"{token}\"\n"));
    assert!(
        found
            .iter()
            .any(|f| f.rule == "jwt" && f.secret.expose().len() == token.len()),
        "{found:?}"
    );
}
