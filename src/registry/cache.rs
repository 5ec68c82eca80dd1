//! Caches in front of the client: answers by key that expire (tags, tag → digest, including
//! failures, which expire sooner), with one request in flight per key; and content addressed
//! by digest on disk, which never changes and is kept across restarts up to a size bound.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

use super::client::{sha256_digest, Error};
use super::reference::is_sha256_digest;

/// A cached answer and when it was fetched.
#[derive(Debug, Clone)]
struct Answer<V> {
    value: Result<V, Error>,
    fetched: Instant,
}

#[derive(Debug)]
struct Slot<V> {
    answer: Option<Answer<V>>,
    /// Set while a fetch runs; waiters watch it.
    pending: Option<watch::Receiver<Option<Result<V, Error>>>>,
}

/// What [`Memo::peek`] finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peeked<V> {
    pub value: Result<V, Error>,
    /// Younger than its time to live.
    pub fresh: bool,
}

/// Answers by key with a time to live; see the module's doc.
#[derive(Debug)]
pub struct Memo<V> {
    slots: Mutex<HashMap<String, Slot<V>>>,
    ttl: Duration,
    negative_ttl: Duration,
}

impl<V: Clone> Memo<V> {
    pub fn new(ttl: Duration, negative_ttl: Duration) -> Memo<V> {
        Memo {
            slots: Mutex::new(HashMap::new()),
            ttl,
            negative_ttl,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot<V>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_fresh(&self, answer: &Answer<V>) -> bool {
        let ttl = if answer.value.is_ok() {
            self.ttl
        } else {
            self.negative_ttl
        };
        answer.fetched.elapsed() < ttl
    }

    /// The cached answer, fresh or not, without waiting or fetching.
    pub fn peek(&self, key: &str) -> Option<Peeked<V>> {
        let slots = self.lock();
        let answer = slots.get(key)?.answer.as_ref()?;
        Some(Peeked {
            value: answer.value.clone(),
            fresh: self.is_fresh(answer),
        })
    }

    /// Whether a fetch for `key` is running.
    pub fn is_pending(&self, key: &str) -> bool {
        self.lock()
            .get(key)
            .is_some_and(|slot| slot.pending.is_some())
    }

    /// The fresh answer for `key`, or the result of `fetch`: when another caller is already
    /// fetching the key, its result is awaited instead of a second request.
    pub async fn get<F>(&self, key: &str, fetch: F) -> Result<V, Error>
    where
        F: Future<Output = Result<V, Error>>,
    {
        let sender = {
            let mut slots = self.lock();
            let slot = slots.entry(key.to_owned()).or_insert(Slot {
                answer: None,
                pending: None,
            });
            if let Some(answer) = slot.answer.as_ref().filter(|a| self.is_fresh(a)) {
                return answer.value.clone();
            }
            match &slot.pending {
                Some(receiver) => Err(receiver.clone()),
                None => {
                    let (sender, receiver) = watch::channel(None);
                    slot.pending = Some(receiver);
                    Ok(sender)
                }
            }
        };
        match sender {
            Ok(sender) => {
                // Clears the pending mark even when this future is dropped mid-fetch.
                let guard = PendingGuard { memo: self, key };
                let value = fetch.await;
                std::mem::forget(guard);
                let mut slots = self.lock();
                if let Some(slot) = slots.get_mut(key) {
                    slot.pending = None;
                    slot.answer = Some(Answer {
                        value: value.clone(),
                        fetched: Instant::now(),
                    });
                }
                drop(slots);
                let _ = sender.send(Some(value.clone()));
                value
            }
            Err(mut receiver) => loop {
                if let Some(value) = receiver.borrow_and_update().clone() {
                    return value;
                }
                if receiver.changed().await.is_err() {
                    // The fetching caller went away: its answer, if any, is in the slot.
                    return match self.peek(key) {
                        Some(peeked) => peeked.value,
                        None => Err(Error::Network("the request was abandoned".into())),
                    };
                }
            },
        }
    }
}

struct PendingGuard<'a, V: Clone> {
    memo: &'a Memo<V>,
    key: &'a str,
}

impl<V: Clone> Drop for PendingGuard<'_, V> {
    fn drop(&mut self) {
        if let Some(slot) = self.memo.lock().get_mut(self.key) {
            slot.pending = None;
        }
    }
}

/// Content addressed by digest in a directory, bounded in total size: the oldest files go
/// first when a write passes the bound.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
    limit: u64,
}

impl BlobStore {
    pub fn new(dir: PathBuf, limit: u64) -> BlobStore {
        BlobStore { dir, limit }
    }

    /// `<user cache dir>/dockls/blobs`, bounded to 64 MiB; `None` when the system names no
    /// cache directory.
    pub fn in_user_cache() -> Option<BlobStore> {
        Some(BlobStore::new(
            dirs::cache_dir()?.join("dockls").join("blobs"),
            64 << 20,
        ))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, digest: &str) -> Option<PathBuf> {
        is_sha256_digest(digest).then(|| self.dir.join(digest.replace(':', "-")))
    }

    /// The content of `digest`, when stored and intact.
    pub fn get(&self, digest: &str) -> Option<Vec<u8>> {
        let path = self.path(digest)?;
        let bytes = std::fs::read(&path).ok()?;
        if sha256_digest(&bytes) != digest {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(bytes)
    }

    /// Stores content under its digest; failures only mean it is fetched again next time.
    pub fn put(&self, digest: &str, bytes: &[u8]) {
        let Some(path) = self.path(digest) else {
            return;
        };
        if sha256_digest(bytes) != digest || bytes.len() as u64 > self.limit {
            return;
        }
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let temporary = self.dir.join(format!(
            ".{}-{}",
            std::process::id(),
            digest.replace(':', "-")
        ));
        if std::fs::write(&temporary, bytes).is_ok() && std::fs::rename(&temporary, &path).is_ok() {
            self.prune();
        } else {
            let _ = std::fs::remove_file(&temporary);
        }
    }

    /// Removes the oldest files until the total fits the bound.
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let metadata = entry.metadata().ok()?;
                metadata.is_file().then(|| {
                    (
                        metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                        metadata.len(),
                        entry.path(),
                    )
                })
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        files.sort();
        for (_, len, path) in files {
            if total <= self.limit {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn one_fetch_per_key_and_answers_are_kept() {
        let memo = Arc::new(Memo::<u32>::new(
            Duration::from_secs(60),
            Duration::from_secs(60),
        ));
        let calls = Arc::new(AtomicUsize::new(0));
        let (release, gate) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let (memo, calls) = (memo.clone(), calls.clone());
            tokio::spawn(async move {
                memo.get("k", async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let _ = gate.await;
                    Ok(7)
                })
                .await
            })
        };
        // Wait until the first fetch is running, then ask again: no second fetch.
        while !memo.is_pending("k") {
            tokio::task::yield_now().await;
        }
        let second = {
            let (memo, calls) = (memo.clone(), calls.clone());
            tokio::spawn(async move {
                memo.get("k", async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(8)
                })
                .await
            })
        };
        tokio::task::yield_now().await;
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(7));
        assert_eq!(second.await.unwrap(), Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            memo.peek("k"),
            Some(Peeked {
                value: Ok(7),
                fresh: true
            })
        );
        assert_eq!(memo.get("k", async { Ok(9) }).await, Ok(7));
    }

    #[tokio::test]
    async fn failures_are_cached_for_their_own_time() {
        let memo = Memo::<u32>::new(Duration::from_secs(60), Duration::ZERO);
        let failed = memo
            .get("k", async { Err(Error::NotFound("x".into())) })
            .await;
        assert_eq!(failed, Err(Error::NotFound("x".into())));
        let peeked = memo.peek("k").unwrap();
        assert!(!peeked.fresh);
        assert_eq!(memo.get("k", async { Ok(1) }).await, Ok(1));
        assert_eq!(memo.peek("missing"), None);
    }

    #[test]
    fn the_blob_store_checks_digests_and_keeps_its_bound() {
        let dir = std::env::temp_dir().join(format!("dockls-blobs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = BlobStore::new(dir.clone(), 250);
        let blobs: Vec<Vec<u8>> = (0..4u8).map(|i| vec![i; 100]).collect();
        let digests: Vec<String> = blobs.iter().map(|b| sha256_digest(b)).collect();
        store.put(&digests[0], &blobs[0]);
        assert_eq!(store.get(&digests[0]).as_deref(), Some(&blobs[0][..]));
        // Wrong content for a digest is not stored; a bad digest is not a path.
        store.put(&digests[1], &blobs[2]);
        assert_eq!(store.get(&digests[1]), None);
        assert_eq!(store.get("sha256:../../etc/passwd"), None);
        for (digest, blob) in digests.iter().zip(&blobs).skip(1) {
            std::thread::sleep(Duration::from_millis(20));
            store.put(digest, blob);
        }
        let total: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(total <= 250, "{total}");
        assert_eq!(store.get(&digests[3]).as_deref(), Some(&blobs[3][..]));
        // Corrupted content is dropped, not returned.
        std::fs::write(dir.join(digests[3].replace(':', "-")), b"other").unwrap();
        assert_eq!(store.get(&digests[3]), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
