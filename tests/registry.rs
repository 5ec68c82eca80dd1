//! The registry client against a real registry on loopback (Debian's `docker-registry` 2.8),
//! and against small fake servers for what 2.8 cannot show (paging, token auth, stalls,
//! garbage).

mod registry_support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dockls::registry::client::{Challenge, Client, ClientConfig, Error, DOCKER_LIST, OCI_INDEX};
use dockls::registry::credentials::DockerConfig;
use dockls::registry::reference::Reference;
use dockls::registry::Registry as Service;
use registry_support::fake::{FakeServer, Response};
use registry_support::token::TokenServer;
use registry_support::{DockerConfigDir, Registry, DOCKER_MANIFEST, OCI_MANIFEST, SEEDED_TAGS};

fn config(insecure: &str) -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        insecure: vec![insecure.to_owned()],
        ..ClientConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn tags_digests_manifests_and_image_facts_from_the_real_registry() {
    let registry = Registry::start();
    let seeded = registry.seed();
    let client = Client::new(config(&registry.host)).unwrap();
    let service = Service::new(client.clone(), None);
    let reference = |tag: &str| Reference::parse(&registry.image(tag)).unwrap();
    runtime().block_on(async {
        assert_eq!(client.ping(&registry.host).await, Ok(None));

        let tags = service.tags(&reference("1.0")).await.unwrap();
        assert_eq!(*tags, SEEDED_TAGS.map(str::to_owned).to_vec());

        for (tag, digest, media_type) in [
            ("2.0", &seeded.oci_index, OCI_INDEX),
            ("latest", &seeded.oci_index, OCI_INDEX),
            ("2.1", &seeded.docker_list, DOCKER_LIST),
            ("1.0", &seeded.oci_manifest, OCI_MANIFEST),
            ("1.1", &seeded.docker_manifest, DOCKER_MANIFEST),
        ] {
            let head = client.head_manifest(&reference(tag)).await.unwrap();
            assert_eq!(
                (&head.digest, head.media_type.as_str()),
                (digest, media_type),
                "{tag}"
            );
            let manifest = client.manifest(&reference(tag)).await.unwrap();
            assert_eq!(
                (&manifest.digest, manifest.media_type.as_str()),
                (digest, media_type)
            );
        }

        for (tag, digest) in [("2.0", &seeded.oci_index), ("2.1", &seeded.docker_list)] {
            let image = service.image(&reference(tag)).await.unwrap();
            assert_eq!(&image.digest, digest);
            let platforms: Vec<String> = image.platforms.iter().map(|p| p.to_string()).collect();
            assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8"]);
            assert_eq!(image.described.as_deref(), Some("linux/amd64"));
            assert_eq!(image.created.as_deref(), Some("2024-01-02T03:04:05Z"));
            assert_eq!(
                image
                    .labels
                    .get("org.opencontainers.image.version")
                    .map(String::as_str),
                Some(tag)
            );
            assert!(image.size.is_some_and(|size| size > 0));
        }
        let single = service.image(&reference("1.1")).await.unwrap();
        assert!(single.platforms.is_empty());
        assert_eq!(single.digest, seeded.docker_manifest);

        let missing = client.head_manifest(&reference("9.9")).await;
        assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");
        let unknown = Reference::parse(&format!("{}/no/such:1", registry.host)).unwrap();
        assert!(client.tags(&unknown).await.is_err());
    });
}

/// A client whose Docker configuration holds `user` and `password` for `host`.
fn client_with_login(host: &str, user: &str, password: &str) -> Client {
    let login = DockerConfigDir::with_login(host, user, password);
    let mut with_login = config(host);
    with_login.docker_config = DockerConfig::from_file(&login.file());
    Client::new(with_login).unwrap()
}

/// The user `tester` with a wrong password is refused, and the message keeps the password out.
async fn wrong_password_is_refused(host: &str, reference: &Reference) {
    let refused = client_with_login(host, "tester", "wrong")
        .tags(reference)
        .await;
    match refused {
        Err(Error::Unauthorized(message)) => assert!(!message.contains("wrong"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn basic_auth_uses_the_docker_configuration_and_refuses_wrong_credentials() {
    let registry = Registry::start_with_basic("tester", "s3cret");
    registry.seed();
    let reference = Reference::parse(&registry.image("2.0")).unwrap();
    runtime().block_on(async {
        let anonymous = Client::new(config(&registry.host)).unwrap();
        assert!(matches!(
            anonymous.ping(&registry.host).await,
            Ok(Some(Challenge::Basic { .. }))
        ));
        let refused = anonymous.tags(&reference).await;
        assert!(
            matches!(refused, Err(Error::Unauthorized(_))),
            "{refused:?}"
        );

        let client = client_with_login(&registry.host, "tester", "s3cret");
        let tags = client.tags(&reference).await.unwrap();
        assert_eq!(tags.len(), SEEDED_TAGS.len());
        assert!(client.head_manifest(&reference).await.is_ok());

        wrong_password_is_refused(&registry.host, &reference).await;
    });
}

#[test]
fn token_auth_against_the_real_registry_and_its_token_server() {
    let tokens = TokenServer::start("tester", "s3cret");
    let registry = Registry::start_with_token(&tokens);
    let seeded = registry.seed();
    let reference = Reference::parse(&registry.image("2.0")).unwrap();
    runtime().block_on(async {
        let anonymous = Client::new(config(&registry.host)).unwrap();
        // The registry's challenge names the token server, the service and no scope.
        match anonymous.ping(&registry.host).await {
            Ok(Some(Challenge::Bearer { realm, service, .. })) => {
                assert_eq!(realm, format!("{}/token", tokens.server.url()));
                assert_eq!(service.as_deref(), Some(registry_support::token::SERVICE));
            }
            other => panic!("{other:?}"),
        }
        // Anonymous pulls: the token server grants pull, the registry accepts its signature.
        let mut tags = anonymous.tags(&reference).await.unwrap();
        tags.sort();
        let mut seeded_tags = SEEDED_TAGS.to_vec();
        seeded_tags.sort();
        assert_eq!(tags, seeded_tags);
        let head = anonymous.head_manifest(&reference).await.unwrap();
        assert_eq!(head.digest, seeded.oci_index);
        let issued = tokens.issued.load(Ordering::SeqCst);
        assert!(issued >= 1);

        // With the right login (kept for the registry, as Docker keeps it) the token server is
        // asked with basic credentials.
        let client = client_with_login(&registry.host, "tester", "s3cret");
        assert_eq!(
            client.head_manifest(&reference).await.unwrap().digest,
            seeded.oci_index
        );
        assert!(tokens.issued.load(Ordering::SeqCst) > issued);

        // A wrong password: the token server refuses, and the answer says so.
        wrong_password_is_refused(&registry.host, &reference).await;
    });
}

/// A registry that wants a bearer token from its own token server, and pages its tags with
/// `Link` headers, 1000 per page out of 10,000.
fn token_registry(tokens_issued: Arc<AtomicUsize>) -> FakeServer {
    let all: Vec<String> = (0..10_000).map(|i| format!("1.{i}")).collect();
    FakeServer::start(move |request, own| {
        let target = request.target.as_str();
        if let Some(query) = target.strip_prefix("/token?") {
            let pairs: HashMap<&str, &str> =
                query.split('&').filter_map(|p| p.split_once('=')).collect();
            if pairs.get("scope") != Some(&"repository%3Aowner%2Ftool%3Apull")
                && pairs.get("scope") != Some(&"repository:owner/tool:pull")
            {
                return Some(Response::new(400, "bad scope"));
            }
            let token = match request.header("authorization") {
                // base64("bob:pw")
                Some("Basic Ym9iOnB3") => "for-bob",
                Some(_) => return Some(Response::new(401, "wrong credentials")),
                None => "anonymous",
            };
            tokens_issued.fetch_add(1, Ordering::SeqCst);
            return Some(Response::new(
                200,
                format!(r#"{{"token":"{token}","expires_in":300}}"#),
            ));
        }
        let challenge = format!(
            r#"Bearer realm="http://{own}/token",service="fake",scope="repository:owner/tool:pull""#
        );
        let authorised = matches!(
            request.header("authorization"),
            Some("Bearer anonymous" | "Bearer for-bob")
        );
        if !authorised {
            return Some(
                Response::new(401, r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#)
                    .header("Www-Authenticate", &challenge),
            );
        }
        let page_start = target
            .split_once("last=")
            .and_then(|(_, last)| all.iter().position(|t| t == last))
            .map_or(0, |i| i + 1);
        if target.starts_with("/v2/owner/tool/tags/list") {
            let page: Vec<&String> = all.iter().skip(page_start).take(1000).collect();
            let body = serde_json::json!({ "name": "owner/tool", "tags": page }).to_string();
            let mut response = Response::new(200, body).header("Content-Type", "application/json");
            if page_start + 1000 < all.len() {
                let last = page.last().unwrap();
                response = response.header(
                    "Link",
                    &format!(r#"</v2/owner/tool/tags/list?n=1000&last={last}>; rel="next""#),
                );
            }
            return Some(response);
        }
        Some(Response::new(404, "{}"))
    })
}

#[test]
fn bearer_tokens_anonymous_and_with_credentials_and_link_paging() {
    let issued = Arc::new(AtomicUsize::new(0));
    let server = token_registry(issued.clone());
    let reference = Reference::parse(&format!("{}/owner/tool", server.address)).unwrap();
    runtime().block_on(async {
        let client = Client::new(config(&server.address)).unwrap();
        let tags = client.tags(&reference).await.unwrap();
        assert_eq!(tags.len(), 10_000);
        assert_eq!(tags[9_999], "1.9999");
        // One token for all eleven requests.
        assert_eq!(issued.load(Ordering::SeqCst), 1);

        let service = Service::new(client, None);
        let sorted = service.tags(&reference).await.unwrap();
        assert_eq!(sorted[0], "1.9999");

        let dir = DockerConfigDir::with_login(&server.address, "bob", "pw");
        let mut with_login = config(&server.address);
        with_login.docker_config = DockerConfig::from_file(&dir.file());
        assert_eq!(
            Client::new(with_login)
                .unwrap()
                .tags(&reference)
                .await
                .unwrap()
                .len(),
            10_000
        );

        let wrong = DockerConfigDir::with_login(&server.address, "bob", "nope");
        let mut with_wrong = config(&server.address);
        with_wrong.docker_config = DockerConfig::from_file(&wrong.file());
        let refused = Client::new(with_wrong).unwrap().tags(&reference).await;
        assert!(
            matches!(refused, Err(Error::Unauthorized(_))),
            "{refused:?}"
        );
    });
}

#[test]
fn stalls_garbage_and_a_stopped_registry_end_in_errors() {
    let stalling = FakeServer::start(|_, _| None);
    let garbage = FakeServer::start(|_, _| {
        Some(
            Response::new(200, "<html>not a registry</html>")
                .header("Docker-Content-Digest", "sha256:zz"),
        )
    });
    let flaky_count = Arc::new(AtomicUsize::new(0));
    let flaky = {
        let count = flaky_count.clone();
        FakeServer::start(move |_, _| {
            if count.fetch_add(1, Ordering::SeqCst) < 2 {
                Some(Response::new(503, "busy").header("Retry-After", "0"))
            } else {
                Some(Response::new(200, r#"{"name":"a/b","tags":["1"]}"#))
            }
        })
    };
    let mut stopped = Registry::start();
    let stopped_host = stopped.host.clone();
    stopped.stop();
    runtime().block_on(async {
        let mut short = config(&stalling.address);
        short.timeout = Duration::from_millis(300);
        let reference = Reference::parse(&format!("{}/a/b:1", stalling.address)).unwrap();
        let timed_out = Client::new(short).unwrap().tags(&reference).await;
        assert!(matches!(timed_out, Err(Error::Timeout(_))), "{timed_out:?}");

        let reference = Reference::parse(&format!("{}/a/b:1", garbage.address)).unwrap();
        let client = Client::new(config(&garbage.address)).unwrap();
        let tags = client.tags(&reference).await;
        assert!(matches!(tags, Err(Error::Protocol(_))), "{tags:?}");
        let manifest = client.manifest(&reference).await;
        assert!(matches!(manifest, Err(Error::Protocol(_))), "{manifest:?}");

        let reference = Reference::parse(&format!("{}/a/b:1", flaky.address)).unwrap();
        let tags = Client::new(config(&flaky.address))
            .unwrap()
            .tags(&reference)
            .await;
        assert_eq!(tags, Ok(vec!["1".to_owned()]));
        assert_eq!(flaky_count.load(Ordering::SeqCst), 3);

        let reference = Reference::parse(&format!("{stopped_host}/a/b:1")).unwrap();
        let gone = Client::new(config(&stopped_host))
            .unwrap()
            .tags(&reference)
            .await;
        assert!(matches!(gone, Err(Error::Network(_))), "{gone:?}");
    });
}
