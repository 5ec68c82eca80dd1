//! The HTTP side of the OCI distribution API: the `/v2/` ping and its `WWW-Authenticate`
//! challenge, the bearer token flow (anonymous or with credentials) and basic auth,
//! `tags/list` with `Link` paging, manifests by HEAD and GET, and blobs.
//!
//! Built on reqwest with rustls and the system's root certificates: an async client on the
//! server's tokio runtime, with per-request timeouts, proxies from the environment and no
//! OpenSSL to link. Loopback registries are reached without any proxy, since a proxy cannot
//! reach this machine's loopback interface.
//!
//! Every request is bounded by the configured timeout; a 429 or 5xx answer is retried twice with
//! a growing pause (a `Retry-After` of up to two seconds is honoured).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LINK, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::credentials::{Credentials, DockerConfig};
use super::reference::{api_host, is_loopback, is_sha256_digest, Reference};

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// All four manifest types: with fewer, a registry may answer 404 for OCI content, convert a
/// Docker manifest to schema 1 (another digest), or pick one platform of a list.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Tags read from one repository at most, over all pages.
const MAX_TAGS: usize = 100_000;
/// Pages of `tags/list` followed at most.
const MAX_PAGES: usize = 200;
/// The largest manifest or config blob read.
const MAX_DOCUMENT: usize = 4 << 20;
/// The largest tag list page read.
const MAX_PAGE: usize = 16 << 20;
/// Retries after a 429 or 5xx.
const RETRIES: u32 = 2;

/// Why a registry request failed, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No answer: the host is unreachable, the connection failed or TLS was refused.
    Network(String),
    /// No answer within the timeout.
    Timeout(String),
    /// The registry wants credentials we do not have, or refused ours.
    Unauthorized(String),
    /// The repository, tag or digest does not exist.
    NotFound(String),
    /// The registry says we asked too often.
    RateLimited(String),
    /// Any other answer, or one we could not read.
    Protocol(String),
    /// The settings say not to use the network.
    Offline,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Network(m) => write!(f, "cannot reach the registry: {m}"),
            Error::Timeout(m) => write!(f, "the registry did not answer in time: {m}"),
            Error::Unauthorized(m) => write!(f, "not authorised: {m}"),
            Error::NotFound(m) => write!(f, "not found: {m}"),
            Error::RateLimited(m) => write!(f, "rate limited: {m}"),
            Error::Protocol(m) => write!(f, "unexpected answer from the registry: {m}"),
            Error::Offline => write!(f, "registry access is off in the settings"),
        }
    }
}

impl std::error::Error for Error {}

/// How the client reaches registries.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The longest a single request may take.
    pub timeout: Duration,
    /// Base URLs per registry (`docker.io` → `https://mirror.example`), for mirrors and test
    /// registries; others are `https://<API host>`.
    pub endpoints: HashMap<String, String>,
    /// Registries spoken to over plain HTTP.
    pub insecure: Vec<String>,
    /// Where credentials come from.
    pub docker_config: DockerConfig,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            timeout: Duration::from_secs(10),
            endpoints: HashMap::new(),
            insecure: Vec::new(),
            docker_config: DockerConfig::default(),
        }
    }
}

/// A challenge from `WWW-Authenticate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
    Basic {
        realm: Option<String>,
    },
}

/// A manifest as the registry sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The digest of the bytes, checked against the registry's `Docker-Content-Digest`.
    pub digest: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// What a HEAD of a manifest tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestHead {
    pub digest: String,
    pub media_type: String,
    pub size: Option<u64>,
}

/// Bearer tokens by registry and scope, with when they expire.
type Tokens = HashMap<(String, String), (String, Instant)>;

/// A registry client. Cheap to clone; tokens are shared between clones.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// For loopback registries: no proxy.
    direct: reqwest::Client,
    config: Arc<ClientConfig>,
    /// Bearer tokens by registry and scope, with when they expire.
    tokens: Arc<Mutex<Tokens>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish()
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let build = |proxies: bool| {
            let builder = reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.timeout)
                .user_agent(concat!("dockls/", env!("CARGO_PKG_VERSION")))
                .redirect(reqwest::redirect::Policy::limited(5));
            let builder = if proxies { builder } else { builder.no_proxy() };
            builder
                .build()
                .map_err(|e| Error::Network(format!("cannot set up HTTP: {e}")))
        };
        Ok(Client {
            http: build(true)?,
            direct: build(false)?,
            config: Arc::new(config),
            tokens: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `scheme://host` of a registry's API.
    pub fn base_url(&self, registry: &str) -> String {
        if let Some(endpoint) = self.config.endpoints.get(registry) {
            return endpoint.trim_end_matches('/').to_owned();
        }
        let host = api_host(registry);
        let scheme = if self
            .config
            .insecure
            .iter()
            .any(|h| h == registry || h == host)
        {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{host}")
    }

    fn http_for(&self, url: &str) -> &reqwest::Client {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default();
        if is_loopback(host) {
            &self.direct
        } else {
            &self.http
        }
    }

    /// `GET /v2/`: `None` when the registry answers without asking for credentials, else its
    /// challenge.
    pub async fn ping(&self, registry: &str) -> Result<Option<Challenge>, Error> {
        let url = format!("{}/v2/", self.base_url(registry));
        let response = self.send_once(Method::GET, &url, None, None).await?;
        match response.status() {
            StatusCode::UNAUTHORIZED => parse_challenge(response.headers())
                .map(Some)
                .ok_or_else(|| Error::Protocol("401 without a WWW-Authenticate challenge".into())),
            status if status.is_success() => Ok(None),
            status => Err(status_error(status, &url)),
        }
    }

    /// Every tag of the repository, following `Link` pages, in the registry's order.
    pub async fn tags(&self, reference: &Reference) -> Result<Vec<String>, Error> {
        let base = self.base_url(&reference.registry);
        let mut url = format!("{base}/v2/{}/tags/list", reference.repository);
        let mut tags = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = self.send(reference, Method::GET, &url, None).await?;
            let next = response
                .headers()
                .get(LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link)
                .map(|link| join_url(&base, &link));
            let body = read_body(response, MAX_PAGE).await?;
            let page: Value = serde_json::from_slice(&body)
                .map_err(|e| Error::Protocol(format!("tags/list is not JSON: {e}")))?;
            let list = match page.get("tags") {
                Some(Value::Array(list)) => list,
                Some(Value::Null) | None => {
                    if page.get("name").is_none() {
                        return Err(Error::Protocol("tags/list has no `tags`".into()));
                    }
                    &Vec::new()
                }
                Some(_) => return Err(Error::Protocol("`tags` is not a list".into())),
            };
            tags.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
            if tags.len() > MAX_TAGS {
                tags.truncate(MAX_TAGS);
                break;
            }
            match next {
                Some(next) if next != url => url = next,
                _ => break,
            }
        }
        Ok(tags)
    }

    fn manifest_url(&self, reference: &Reference) -> String {
        let target = reference
            .digest
            .as_deref()
            .unwrap_or_else(|| reference.tag_or_latest());
        format!(
            "{}/v2/{}/manifests/{target}",
            self.base_url(&reference.registry),
            reference.repository
        )
    }

    /// The digest and type of the manifest a reference points at, without its body; falls
    /// back to a GET when the registry sends no digest header.
    pub async fn head_manifest(&self, reference: &Reference) -> Result<ManifestHead, Error> {
        let url = self.manifest_url(reference);
        let response = self
            .send(reference, Method::HEAD, &url, Some(MANIFEST_ACCEPT))
            .await?;
        let headers = response.headers();
        let digest = header(headers, "docker-content-digest").filter(|d| is_sha256_digest(d));
        let media_type = header(headers, CONTENT_TYPE.as_str()).unwrap_or_default();
        let size = header(headers, "content-length").and_then(|s| s.parse().ok());
        match digest {
            Some(digest) => Ok(ManifestHead {
                digest,
                media_type: strip_parameters(&media_type),
                size,
            }),
            None => {
                let manifest = self.manifest(reference).await?;
                Ok(ManifestHead {
                    size: Some(manifest.bytes.len() as u64),
                    digest: manifest.digest,
                    media_type: manifest.media_type,
                })
            }
        }
    }

    /// The manifest a reference points at (by digest when it has one, else by tag).
    pub async fn manifest(&self, reference: &Reference) -> Result<Manifest, Error> {
        let url = self.manifest_url(reference);
        let response = self
            .send(reference, Method::GET, &url, Some(MANIFEST_ACCEPT))
            .await?;
        let headers = response.headers().clone();
        let bytes = read_body(response, MAX_DOCUMENT).await?;
        let digest = sha256_digest(&bytes);
        if let Some(sent) = header(&headers, "docker-content-digest") {
            if sent != digest && sent.starts_with("sha256:") {
                return Err(Error::Protocol(format!(
                    "the manifest's digest is {digest}, the registry said {sent}"
                )));
            }
        }
        if let Some(wanted) = &reference.digest {
            if *wanted != digest {
                return Err(Error::Protocol(format!(
                    "asked for {wanted}, got content with digest {digest}"
                )));
            }
        }
        let declared: Option<String> = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("mediaType")?.as_str().map(str::to_owned));
        let media_type = declared
            .or_else(|| header(&headers, CONTENT_TYPE.as_str()).map(|t| strip_parameters(&t)))
            .unwrap_or_default();
        Ok(Manifest {
            digest,
            media_type,
            bytes,
        })
    }

    /// A blob of the repository (a config), checked against its digest.
    pub async fn blob(&self, reference: &Reference, digest: &str) -> Result<Vec<u8>, Error> {
        if !is_sha256_digest(digest) {
            return Err(Error::Protocol(format!(
                "`{digest}` is not a sha256 digest"
            )));
        }
        let url = format!(
            "{}/v2/{}/blobs/{digest}",
            self.base_url(&reference.registry),
            reference.repository
        );
        let response = self.send(reference, Method::GET, &url, None).await?;
        let bytes = read_body(response, MAX_DOCUMENT).await?;
        if sha256_digest(&bytes) != digest {
            return Err(Error::Protocol(format!(
                "the blob's content does not match {digest}"
            )));
        }
        Ok(bytes)
    }

    /// A request for the repository of `reference`, authenticated as the registry asks.
    async fn send(
        &self,
        reference: &Reference,
        method: Method,
        url: &str,
        accept: Option<&str>,
    ) -> Result<reqwest::Response, Error> {
        let scope = format!("repository:{}:pull", reference.repository);
        let key = (reference.registry.clone(), scope.clone());
        let cached = {
            let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
            tokens
                .get(&key)
                .filter(|(_, expires)| *expires > Instant::now())
                .map(|(token, _)| format!("Bearer {token}"))
        };
        let response = self
            .send_retrying(method.clone(), url, accept, cached.as_deref())
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return check_status(response, url);
        }
        let challenge = parse_challenge(response.headers()).ok_or_else(|| {
            Error::Unauthorized(format!("{url} answered 401 without a challenge"))
        })?;
        let credentials = self.config.docker_config.credentials(&reference.registry);
        let authorization = match challenge {
            Challenge::Basic { .. } => match &credentials {
                Some(Credentials::Basic { username, password }) => basic_header(username, password),
                _ => {
                    return Err(Error::Unauthorized(format!(
                        "{} asks for a user name and password; log in with `docker login {}`",
                        reference.registry, reference.registry
                    )))
                }
            },
            Challenge::Bearer {
                realm,
                service,
                scope: _,
            } => {
                let (token, lifetime) = self
                    .fetch_token(&realm, service.as_deref(), &scope, credentials.as_ref())
                    .await?;
                self.tokens
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key, (token.clone(), Instant::now() + lifetime));
                format!("Bearer {token}")
            }
        };
        let response = self
            .send_retrying(method, url, accept, Some(&authorization))
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(Error::Unauthorized(match credentials {
                Some(_) => format!(
                    "{} refused the credentials from the Docker configuration",
                    reference.registry
                ),
                None => format!(
                    "{} needs credentials for {}; log in with `docker login`",
                    reference.registry, reference.repository
                ),
            }));
        }
        check_status(response, url)
    }

    /// A token from the realm of a Bearer challenge, with its lifetime.
    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        credentials: Option<&Credentials>,
    ) -> Result<(String, Duration), Error> {
        let mut url = reqwest::Url::parse(realm)
            .map_err(|_| Error::Protocol(format!("the token realm `{realm}` is not a URL")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Protocol(format!(
                "the token realm `{realm}` is not HTTP"
            )));
        }
        let response = match credentials {
            Some(Credentials::IdentityToken(refresh)) => {
                // The form is encoded as a query string is.
                let mut form = reqwest::Url::parse("http://form.invalid/").expect("a valid URL");
                {
                    let mut pairs = form.query_pairs_mut();
                    pairs
                        .append_pair("grant_type", "refresh_token")
                        .append_pair("refresh_token", refresh)
                        .append_pair("client_id", "dockls")
                        .append_pair("scope", scope);
                    if let Some(service) = service {
                        pairs.append_pair("service", service);
                    }
                }
                let body = form.query().unwrap_or_default().to_owned();
                self.http_for(realm)
                    .post(url)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
            }
            other => {
                {
                    let mut query = url.query_pairs_mut();
                    if let Some(service) = service {
                        query.append_pair("service", service);
                    }
                    query.append_pair("scope", scope);
                }
                let request = self.http_for(realm).get(url);
                let request = match other {
                    Some(Credentials::Basic { username, password }) => {
                        request.header(AUTHORIZATION, basic_header(username, password))
                    }
                    _ => request,
                };
                request.send().await
            }
        }
        .map_err(|e| transport_error(e, realm))?;
        match response.status() {
            status if status.is_success() => {}
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(Error::Unauthorized(format!(
                    "the token server at {realm} refused {}",
                    if credentials.is_some() {
                        "the credentials from the Docker configuration"
                    } else {
                        "anonymous access"
                    }
                )))
            }
            status => return Err(status_error(status, realm)),
        }
        let body = read_body(response, 1 << 20).await?;
        let answer: Value = serde_json::from_slice(&body)
            .map_err(|_| Error::Protocol(format!("the token server at {realm} sent no JSON")))?;
        let token = answer
            .get("token")
            .or_else(|| answer.get("access_token"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Protocol(format!("the token server at {realm} sent no token")))?;
        let lifetime = answer
            .get("expires_in")
            .and_then(Value::as_u64)
            .unwrap_or(60)
            .clamp(10, 3600);
        // Renewed a little before it runs out.
        Ok((
            token.to_owned(),
            Duration::from_secs(lifetime - lifetime / 10),
        ))
    }

    /// One request; 429 and 5xx answers are retried with backoff.
    async fn send_retrying(
        &self,
        method: Method,
        url: &str,
        accept: Option<&str>,
        authorization: Option<&str>,
    ) -> Result<reqwest::Response, Error> {
        let mut attempt = 0;
        loop {
            let response = self
                .send_once(method.clone(), url, accept, authorization)
                .await?;
            let status = response.status();
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if !retryable || attempt >= RETRIES {
                return Ok(response);
            }
            let asked = header(response.headers(), "retry-after")
                .and_then(|s| s.parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.min(2)));
            let pause = asked.unwrap_or(Duration::from_millis(200 << attempt));
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        method: Method,
        url: &str,
        accept: Option<&str>,
        authorization: Option<&str>,
    ) -> Result<reqwest::Response, Error> {
        let mut request = self.http_for(url).request(method, url);
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        request.send().await.map_err(|e| transport_error(e, url))
    }
}

fn basic_header(username: &str, password: &str) -> String {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {encoded}")
}

fn transport_error(error: reqwest::Error, url: &str) -> Error {
    if error.is_timeout() {
        Error::Timeout(url.to_owned())
    } else {
        // The URL holds no secret (credentials travel in headers only).
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            message = format!("{message}: {inner}");
            source = inner.source();
        }
        Error::Network(message)
    }
}

fn check_status(response: reqwest::Response, url: &str) -> Result<reqwest::Response, Error> {
    let status = response.status();
    if status.is_success() {
        Ok(response)
    } else {
        Err(status_error(status, url))
    }
}

fn status_error(status: StatusCode, url: &str) -> Error {
    match status {
        StatusCode::NOT_FOUND => Error::NotFound(url.to_owned()),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            Error::Unauthorized(format!("{url} answered {status}"))
        }
        StatusCode::TOO_MANY_REQUESTS => {
            Error::RateLimited(format!("{url} answered 429; try again later"))
        }
        _ => Error::Protocol(format!("{url} answered {status}")),
    }
}

/// A header's value as text, by its lowercase name (registries send Go's casing, which HTTP
/// treats the same).
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

fn strip_parameters(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Reads a body, failing past `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Error> {
    let url = response.url().to_string();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(e, &url))?
    {
        if body.len() + chunk.len() > limit {
            return Err(Error::Protocol(format!(
                "{url} sent more than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for byte in hash.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Reads a `WWW-Authenticate` header: `Bearer realm="...",service="...",scope="..."` or
/// `Basic realm="..."`.
pub fn parse_challenge(headers: &HeaderMap) -> Option<Challenge> {
    let value = headers.get(WWW_AUTHENTICATE)?.to_str().ok()?;
    parse_challenge_text(value)
}

fn parse_challenge_text(value: &str) -> Option<Challenge> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let params = parse_parameters(rest);
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    };
    if scheme.eq_ignore_ascii_case("bearer") {
        Some(Challenge::Bearer {
            realm: get("realm")?,
            service: get("service"),
            scope: get("scope"),
        })
    } else if scheme.eq_ignore_ascii_case("basic") {
        Some(Challenge::Basic {
            realm: get("realm"),
        })
    } else {
        None
    }
}

/// `key="value", key=value` pairs; quoted values may hold commas and escaped quotes.
fn parse_parameters(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        pairs.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    pairs
}

/// The target of `Link: <...>; rel="next"`.
fn next_link(value: &str) -> Option<String> {
    value.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| target.to_owned())
    })
}

/// A link target made absolute against the registry's base URL.
fn join_url(base: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        link.to_owned()
    } else if link.starts_with('/') {
        format!("{base}{link}")
    } else {
        format!("{base}/{link}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read() {
        assert_eq!(
            parse_challenge_text(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:library/alpine:pull".into()),
            })
        );
        assert_eq!(
            parse_challenge_text(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic {
                realm: Some("Registry Realm".into())
            })
        );
        assert_eq!(
            parse_challenge_text(r#"bearer realm=http://x/t, scope="a,b""#),
            Some(Challenge::Bearer {
                realm: "http://x/t".into(),
                service: None,
                scope: Some("a,b".into()),
            })
        );
        assert_eq!(parse_challenge_text("Bearer service=x"), None);
        assert_eq!(parse_challenge_text("Negotiate"), None);
        assert_eq!(parse_challenge_text(""), None);
    }

    #[test]
    fn next_links_are_found() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?n=2&last=b>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?n=2&last=b")
        );
        assert_eq!(next_link(r#"<x>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(join_url("http://h", "/v2/x"), "http://h/v2/x");
        assert_eq!(join_url("http://h", "https://o/v2/x"), "https://o/v2/x");
    }

    #[test]
    fn digests_are_sha256_of_the_bytes() {
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn endpoints_and_insecure_registries_choose_the_url() {
        let mut config = ClientConfig::default();
        config
            .endpoints
            .insert("docker.io".into(), "https://mirror.example/".into());
        config.insecure.push("localhost:5000".into());
        let client = Client::new(config).unwrap();
        assert_eq!(client.base_url("docker.io"), "https://mirror.example");
        assert_eq!(client.base_url("localhost:5000"), "http://localhost:5000");
        assert_eq!(client.base_url("ghcr.io"), "https://ghcr.io");
        let plain = Client::new(ClientConfig::default()).unwrap();
        assert_eq!(plain.base_url("docker.io"), "https://registry-1.docker.io");
    }
}
