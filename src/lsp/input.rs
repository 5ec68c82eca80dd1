//! The client's byte stream, checked message by message before tower-lsp-server reads it.
//!
//! tower-lsp-server stops serving at the first message it cannot decode (bad JSON, invalid
//! UTF-8, a missing Content-Length, a body that is not a JSON-RPC message): its framed reader
//! ends the stream after any decode error. So we frame the input ourselves and pass on only
//! messages it can decode:
//! - invalid UTF-8 is replaced by U+FFFD, as editors do, and lone UTF-16 surrogate escapes
//!   (`"\ud800"`, valid JSON but not Unicode) become `\ufffd`;
//! - a JSON object with an id that is no valid request becomes a request for
//!   [`INVALID_REQUEST_METHOD`], which answers with an invalid-request error for that id;
//! - a request (with an id) for a `$/` method is renamed with [`UNKNOWN_DOLLAR_PREFIX`]:
//!   tower-lsp-server drops its method-not-found answer for every `$/` method, as is right for
//!   a notification, but the protocol wants a request answered with MethodNotFound;
//! - anything else (unparseable JSON, a header block without a usable Content-Length) is
//!   dropped and logged. A Content-Length is usable when it is a number up to
//!   [`MAX_MESSAGE_BYTES`] and every Content-Length of the block agrees; its name may be in any
//!   case, as HTTP header names are. A Content-Length longer than its body swallows what
//!   follows; headers are searched for `Content-Length:` anywhere in a line so framing recovers
//!   at the next message.
//!
//! Memory stays bounded whatever the client sends: a header line keeps only its last
//! [`HEADER_LINE_TAIL`] bytes, and no body is read beyond [`MAX_MESSAGE_BYTES`].

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

use super::server::log;

/// The method a malformed request with an id is turned into.
pub const INVALID_REQUEST_METHOD: &str = "dockls/invalidRequest";

/// What a `$/` request's method is prefixed with, so that tower-lsp-server answers it with
/// MethodNotFound instead of not at all. The server handles no `$/` request.
pub const UNKNOWN_DOLLAR_PREFIX: &str = "dockls/unknown:";

/// The largest message body accepted. A larger Content-Length is taken for a framing error: the
/// header block is dropped and framing recovers at the next header, rather than waiting for
/// gigabytes that will never come.
pub const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// How much of a header line is kept: its end, where the `Content-Length:` of a message that
/// follows garbage on the same line sits.
pub const HEADER_LINE_TAIL: usize = 1024;

/// Copies framed messages from `input` to `output`, repairing or dropping malformed ones, until
/// `input` ends or `output` closes.
pub async fn forward_messages(
    input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) {
    forward(input, &mut output).await;
    // Tell the reader the input ended; dropping a half of a pipe does not.
    let _ = output.shutdown().await;
}

async fn forward(mut input: impl AsyncBufRead + Unpin, output: &mut (impl AsyncWrite + Unpin)) {
    loop {
        let Some(length) = read_headers(&mut input).await else {
            return;
        };
        let Some(length) = length else {
            continue;
        };
        let mut body = Vec::new();
        let read = (&mut input)
            .take(length as u64)
            .read_to_end(&mut body)
            .await;
        if read.is_err() || body.len() < length {
            log("input ended inside a message body");
            return;
        }
        let Some(message) = checked(&body) else {
            continue;
        };
        let header = format!("Content-Length: {}\r\n\r\n", message.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(message.as_bytes()).await?;
            output.flush().await
        };
        if written.await.is_err() {
            return;
        }
    }
}

/// Reads a header block; `None` at the end of the input, `Some(None)` when the block has no
/// usable Content-Length.
async fn read_headers(input: &mut (impl AsyncBufRead + Unpin)) -> Option<Option<usize>> {
    const NAME: &str = "content-length:";
    let mut lengths: Vec<Option<usize>> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        read_line_tail(input, &mut line).await?;
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if let Some(at) = text.rfind(NAME) {
            lengths.push(text[at + NAME.len()..].trim().parse().ok());
        }
    }
    let Some(first) = lengths.first().copied().flatten() else {
        log(if lengths.is_empty() {
            "dropped a header block without Content-Length"
        } else {
            "dropped a message whose Content-Length is not a number"
        });
        return Some(None);
    };
    if lengths.iter().any(|length| *length != Some(first)) {
        log("dropped a message with conflicting Content-Length headers");
        return Some(None);
    }
    if first > MAX_MESSAGE_BYTES {
        log(&format!(
            "dropped a message whose Content-Length {first} exceeds the limit of \
             {MAX_MESSAGE_BYTES} bytes"
        ));
        return Some(None);
    }
    Some(Some(first))
}

/// Reads one line into `line`, keeping only about its last [`HEADER_LINE_TAIL`] bytes, so a
/// line without end costs no more memory than a short one. A last line without `\n` counts;
/// `None` at the end of the input or on a read error.
async fn read_line_tail(input: &mut (impl AsyncBufRead + Unpin), line: &mut Vec<u8>) -> Option<()> {
    let mut total = 0;
    loop {
        let available = input.fill_buf().await.ok()?;
        if available.is_empty() {
            return (total > 0).then_some(());
        }
        let (taken, ended) = match available.iter().position(|&byte| byte == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(available.get(..taken).unwrap_or_default());
        input.consume(taken);
        total += taken;
        if line.len() > 2 * HEADER_LINE_TAIL {
            line.drain(..line.len() - HEADER_LINE_TAIL);
        }
        if ended {
            return Some(());
        }
    }
}

/// The message to pass on for a body, if any.
pub fn checked(body: &[u8]) -> Option<String> {
    let text = match String::from_utf8_lossy(body) {
        std::borrow::Cow::Borrowed(text) => text.to_owned(),
        std::borrow::Cow::Owned(text) => {
            log("replaced invalid UTF-8 in a message with U+FFFD");
            text
        }
    };
    // The common case costs one parse here (and one in tower-lsp-server).
    if let Some(message) = as_message(&text) {
        return Some(message);
    }
    let text = if serde_json::from_str::<Value>(&text).is_ok() {
        text
    } else {
        let repaired = replace_lone_surrogates(&text);
        if repaired == text || serde_json::from_str::<Value>(&repaired).is_err() {
            log(&format!(
                "dropped a message that is not JSON: {}",
                preview(&text)
            ));
            return None;
        }
        log("replaced lone UTF-16 surrogate escapes in a message with U+FFFD");
        if let Some(message) = as_message(&repaired) {
            return Some(message);
        }
        repaired
    };
    let id = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|value| value.get("id").cloned())
        // Only ids tower-lsp-server can answer to: strings and 64-bit integers (found by
        // fuzzing: an id of 4444444444.4 was passed on and could not be decoded).
        .filter(|id| id.is_string() || id.as_i64().is_some());
    match id {
        Some(id) => {
            log(&format!(
                "answering a malformed request {id} with an error: {}",
                preview(&text)
            ));
            let request = serde_json::json!({
                "jsonrpc": "2.0", "id": id, "method": INVALID_REQUEST_METHOD,
            });
            Some(request.to_string())
        }
        None => {
            log(&format!(
                "dropped a message that is not JSON-RPC: {}",
                preview(&text)
            ));
            None
        }
    }
}

/// The renamed message for a `$/` request, `None` for any other message.
fn answerable(request: Request) -> Option<String> {
    if !request.method().starts_with("$/") || request.id().is_none() {
        return None;
    }
    let (method, id, params) = request.into_parts();
    log(&format!(
        "answering the request for {method:?} with MethodNotFound"
    ));
    let mut message = serde_json::json!({
        "jsonrpc": "2.0", "id": id, "method": format!("{UNKNOWN_DOLLAR_PREFIX}{method}"),
    });
    if let Some(params) = params {
        message["params"] = params;
    }
    Some(message.to_string())
}

/// The message to pass on when tower-lsp-server can decode `text` as a request, notification
/// or response: `text` itself, or a `$/` request renamed.
fn as_message(text: &str) -> Option<String> {
    if let Ok(request) = serde_json::from_str::<Request>(text) {
        return Some(answerable(request).unwrap_or_else(|| text.to_owned()));
    }
    serde_json::from_str::<Response>(text)
        .is_ok()
        .then(|| text.to_owned())
}

/// Replaces `\uXXXX` escapes of unpaired UTF-16 surrogates by `\ufffd`.
fn replace_lone_surrogates(text: &str) -> String {
    fn surrogate_at(text: &str, at: usize) -> Option<u16> {
        let hex = text.get(at..at + 6)?.strip_prefix("\\u")?;
        u16::from_str_radix(hex, 16)
            .ok()
            .filter(|unit| (0xD800..0xE000).contains(unit))
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match surrogate_at(rest, 0) {
            Some(0xD800..=0xDBFF) if surrogate_at(rest, 6).is_some_and(|low| low >= 0xDC00) => {
                out.push_str(&rest[..12]);
                rest = &rest[12..];
            }
            Some(_) => {
                out.push_str("\\ufffd");
                rest = &rest[6..];
            }
            None => {
                // Any other escape: copy the backslash and the escaped character together, so
                // `\\ud800` (an escaped backslash) stays as it is.
                let escaped = rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + escaped]);
                rest = &rest[1 + escaped..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn preview(text: &str) -> String {
    let end = text
        .char_indices()
        .nth(120)
        .map_or(text.len(), |(at, _)| at);
    format!("{:?}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_messages_pass_unchanged() {
        let request = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        assert_eq!(checked(request.as_bytes()).as_deref(), Some(request));
        let response = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        assert_eq!(checked(response.as_bytes()).as_deref(), Some(response));
    }

    #[test]
    fn invalid_utf8_and_lone_surrogates_are_replaced() {
        let body = b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"a\xffb\"}";
        assert_eq!(
            checked(body).as_deref(),
            Some("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"a\u{fffd}b\"}")
        );
        let body = r#"{"jsonrpc":"2.0","method":"x","params":["\ud800","\ud83d\ude00","\\ud800","\udc00"]}"#;
        assert_eq!(
            checked(body.as_bytes()).as_deref(),
            Some(
                r#"{"jsonrpc":"2.0","method":"x","params":["\ufffd","\ud83d\ude00","\\ud800","\ufffd"]}"#
            )
        );
    }

    #[test]
    fn malformed_requests_with_an_id_nobody_can_answer_are_dropped() {
        for body in [
            r#"{"jsonrpc":"4.0","id":4444444444.4}"#,
            r#"{"jsonrpc":"2.0","id":1e3,"method":5}"#,
            r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":5}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":5}"#,
        ] {
            assert_eq!(checked(body.as_bytes()), None, "{body}");
        }
        assert_eq!(
            checked(br#"{"jsonrpc":"2.0","id":-9223372036854775808,"method":5}"#).as_deref(),
            Some(r#"{"id":-9223372036854775808,"jsonrpc":"2.0","method":"dockls/invalidRequest"}"#)
        );
    }

    #[test]
    fn malformed_requests_with_an_id_become_invalid_requests() {
        let body = br#"{"jsonrpc":"2.0","id":"a","method":5}"#;
        assert_eq!(
            checked(body).as_deref(),
            Some(r#"{"id":"a","jsonrpc":"2.0","method":"dockls/invalidRequest"}"#)
        );
    }

    #[test]
    fn dollar_requests_are_renamed_and_dollar_notifications_pass() {
        let body = br#"{"jsonrpc":"2.0","id":7,"method":"$/unknown","params":[1]}"#;
        assert_eq!(
            checked(body).as_deref(),
            Some(r#"{"id":7,"jsonrpc":"2.0","method":"dockls/unknown:$/unknown","params":[1]}"#)
        );
        let body = r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#;
        assert_eq!(checked(body.as_bytes()).as_deref(), Some(body));
    }

    #[test]
    fn what_cannot_be_answered_is_dropped() {
        assert_eq!(checked(b"{garbage}"), None);
        assert_eq!(checked(b"[1,2,3]"), None);
        assert_eq!(checked(b""), None);
        assert_eq!(checked(br#"{"jsonrpc":"2.0","method":5}"#), None);
    }

    #[tokio::test]
    async fn framing_recovers_after_garbage() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "X-Junk: 1\r\n\r\nnoise Content-Length: {len}\r\n\r\n{good}\
             Content-Length: 3\r\n\r\n{{x}}Content-Length: {len}\r\n\r\n{good}",
            len = good.len()
        );
        let mut output = Vec::new();
        forward_messages(input.as_bytes(), &mut output).await;
        let frame = format!("Content-Length: {}\r\n\r\n{good}", good.len());
        assert_eq!(
            String::from_utf8(output).unwrap(),
            format!("{frame}{frame}")
        );
    }

    /// The frames `forward_messages` passes on for `input`.
    async fn forwarded(input: &[u8]) -> String {
        let mut output = Vec::new();
        forward_messages(input, &mut output).await;
        String::from_utf8_lossy(&output).into_owned()
    }

    const GOOD: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn header_names_are_case_insensitive_and_equal_duplicates_agree() {
        let len = GOOD.len();
        let input = format!(
            "content-length: {len}\r\n\r\n{GOOD}CONTENT-LENGTH: {len}\r\n\r\n{GOOD}\
             Content-Length: {len}\r\nContent-Type: x\r\nContent-Length: {len}\r\n\r\n{GOOD}"
        );
        assert_eq!(forwarded(input.as_bytes()).await, frame(GOOD).repeat(3));
    }

    #[tokio::test]
    async fn unusable_lengths_drop_the_block_and_framing_recovers() {
        let len = GOOD.len();
        for header in [
            format!("Content-Length: -{len}\r\n"),
            "Content-Length: 99999999999999999999999\r\n".to_owned(),
            format!("Content-Length: {}\r\n", 1u64 << 40),
            format!("Content-Length: {}\r\n", MAX_MESSAGE_BYTES + 1),
            format!("Content-Length: {len}\r\nContent-Length: {}\r\n", len + 1),
            "Content-Length:\r\n".to_owned(),
        ] {
            let input = format!("{header}\r\n{GOOD}{}", frame(GOOD));
            assert_eq!(forwarded(input.as_bytes()).await, frame(GOOD), "{header:?}");
        }
    }

    #[tokio::test]
    async fn a_long_line_without_end_is_skipped_in_bounded_memory() {
        let mut input = vec![b'x'; 8 * HEADER_LINE_TAIL + 17];
        input.extend_from_slice(frame(GOOD).as_bytes());
        assert_eq!(forwarded(&input).await, frame(GOOD));
        let mut line = Vec::new();
        let mut reader = &input[..];
        read_line_tail(&mut reader, &mut line).await;
        assert!(line.len() <= 2 * HEADER_LINE_TAIL, "{}", line.len());
        assert!(line.ends_with(b"Content-Length: 52\r\n"));
    }

    #[tokio::test]
    async fn a_header_without_its_body_ends_the_input() {
        let input = format!("{}Content-Length: 10\r\n\r\n{{", frame(GOOD));
        assert_eq!(forwarded(input.as_bytes()).await, frame(GOOD));
        assert_eq!(forwarded(b"Content-Length: 10\r\n").await, "");
    }
}
