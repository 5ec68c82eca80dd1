//! A token server that the real registry trusts: it signs JWTs (RS256) with a test key whose
//! self-signed certificate is the registry's `rootcertbundle`, the certificate travelling in
//! each token's `x5c` header. The key pair and certificate are made with the `openssl` command
//! (Debian's openssl package, present wherever the registry tests run) and each token is signed
//! with `openssl dgst -sha256 -sign`, whose RSA signature is the JWS RS256 signature.
//!
//! Anonymous requests get `pull` only; requests with the right basic credentials get what they
//! ask for; wrong credentials get 401.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde_json::json;

use super::fake::{FakeServer, Response};

pub const SERVICE: &str = "dockls-tests";
pub const ISSUER: &str = "dockls-test-token-server";

pub struct TokenServer {
    pub server: FakeServer,
    signer: Arc<Signer>,
    /// Tokens handed out over HTTP.
    pub issued: Arc<AtomicUsize>,
}

struct Signer {
    dir: PathBuf,
    /// The certificate, DER in standard base64, as `x5c` wants it.
    certificate: String,
}

impl Signer {
    fn new(dir: &Path) -> Signer {
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=dockls test token signer"])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl is installed");
        assert!(made.success(), "openssl req failed");
        let pem = std::fs::read_to_string(dir.join("cert.pem")).unwrap();
        let certificate: String = pem
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .collect();
        Signer {
            dir: dir.to_path_buf(),
            certificate,
        }
    }

    fn sign(&self, input: &[u8]) -> Vec<u8> {
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(self.dir.join("key.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl is installed");
        child.stdin.take().unwrap().write_all(input).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "openssl dgst failed");
        output.stdout
    }

    /// A token for `repository:NAME:ACTIONS` scopes (`actions` already granted).
    fn token(&self, subject: &str, access: &[(String, Vec<String>)]) -> String {
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let header = json!({ "typ": "JWT", "alg": "RS256", "x5c": [self.certificate] });
        let access: Vec<_> = access
            .iter()
            .map(
                |(name, actions)| json!({ "type": "repository", "name": name, "actions": actions }),
            )
            .collect();
        let claims = json!({
            "iss": ISSUER, "sub": subject, "aud": SERVICE,
            "exp": now + 300, "nbf": now - 10, "iat": now,
            "jti": format!("{now}-{subject}"), "access": access,
        });
        let input = format!(
            "{}.{}",
            url.encode(header.to_string()),
            url.encode(claims.to_string())
        );
        let signature = self.sign(input.as_bytes());
        format!("{input}.{}", url.encode(signature))
    }
}

/// `%XX` escapes undone (scopes arrive as `repository%3Ateam%2Fapp%3Apull`).
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl TokenServer {
    /// Starts the server for the user `user`; its key pair and certificate go into a temporary
    /// directory, removed on drop.
    pub fn start(user: &str, password: &str) -> TokenServer {
        let signer = Arc::new(Signer::new(&super::temp_dir("token-server")));
        let issued = Arc::new(AtomicUsize::new(0));
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        );
        let (for_handler, counter) = (signer.clone(), issued.clone());
        let server = FakeServer::start(move |request, _| {
            let query = request.target.strip_prefix("/token?")?;
            let subject = match request.header("authorization") {
                None => "",
                Some(given) if given == expected => "tester",
                Some(_) => return Some(Response::new(401, "wrong credentials")),
            };
            let mut access = Vec::new();
            for (key, value) in query.split('&').filter_map(|p| p.split_once('=')) {
                let value = unescape(value);
                match (key, value.split(':').collect::<Vec<_>>().as_slice()) {
                    ("service", [service]) if *service != SERVICE => {
                        return Some(Response::new(400, "unknown service"));
                    }
                    ("scope", ["repository", name, actions]) => {
                        let granted = actions
                            .split(',')
                            .filter(|action| !subject.is_empty() || *action == "pull")
                            .map(str::to_owned)
                            .collect();
                        access.push(((*name).to_owned(), granted));
                    }
                    _ => {}
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let token = for_handler.token(subject, &access);
            let body = json!({ "token": token, "access_token": token, "expires_in": 300 });
            Some(Response::new(200, body.to_string()).header("Content-Type", "application/json"))
        });
        TokenServer {
            server,
            signer,
            issued,
        }
    }

    /// The registry's `auth` configuration that trusts this server.
    pub fn registry_config(&self) -> String {
        format!(
            "auth:\n  token:\n    realm: {}/token\n    service: {SERVICE}\n    issuer: {ISSUER}\n    \
             rootcertbundle: {}\n",
            self.server.url(),
            self.signer.dir.join("cert.pem").display()
        )
    }

    /// A token with pull and push on `repository`, for filling the registry.
    pub fn push_token(&self, repository: &str) -> String {
        self.signer.token(
            "seeder",
            &[(repository.to_owned(), vec!["pull".into(), "push".into()])],
        )
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.signer.dir);
    }
}
