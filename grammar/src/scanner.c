/*
 * External scanner for the Dockerfile grammar.
 *
 * It lexes what a context-free grammar cannot:
 * - the escape character chosen by `# escape=`, which decides what a line continuation is;
 * - comments, which exist only at the start of a line (also inside a continuation);
 * - parser directives, which exist only in the leading comment block;
 * - heredocs, whose bodies end at a delimiter remembered from an earlier line;
 * - exec form, which BuildKit uses only when the whole logical line is a JSON array;
 * - adjacency (`_concat`) between the pieces of one word;
 * - the registry part of an image reference, which needs lookahead to the first `/`.
 *
 * The scanner never allocates after creation and never loops without consuming input.
 */

#include "tree_sitter/alloc.h"
#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum TokenType {
  LINE_CONTINUATION,
  COMMENT,
  LINE_COMMENT,
  DIRECTIVE_MARKER,
  DIRECTIVE_VALUE,
  HEREDOC_MARKER,
  HEREDOC_NEWLINE,
  HEREDOC_CONTENT,
  HEREDOC_END,
  ESCAPE_SEQUENCE,
  TEXT_CHAR,
  JSON_TEXT_CHAR,
  CONCAT,
  EXEC_OPEN,
  EXEC_FALLBACK,
  IMAGE_REGISTRY,
  UNCLOSED,
  NEWLINE,
  ERROR_SENTINEL,
};

/* What the scanner expects right after the token it emitted last. */
enum Pending {
  PENDING_NONE = 0,
  /* A continuation ended just before a comment line's `#`. */
  PENDING_COMMENT = 1,
  /* A comment inside a continuation ended; its newline continues the instruction. */
  PENDING_COMMENT_NEWLINE = 2,
};

/* Whether the last token was a line continuation, and whether a blank came before it. */
enum AfterContinuation {
  AFTER_NOTHING = 0,
  AFTER_GLUED_CONTINUATION = 1,
  AFTER_SPACED_CONTINUATION = 2,
};

#define HEADER_SIZE 7
#define QUEUE_CAPACITY (TREE_SITTER_SERIALIZATION_BUFFER_SIZE - HEADER_SIZE)
#define MAX_DELIMITER 250
#define JSON_MAX_DEPTH 64
#define JSON_BUFFER 64

typedef struct {
  int32_t escape;
  uint8_t pending;
  bool escape_directive_seen;
  uint8_t after_continuation;
  /* Heredoc delimiters waiting for their bodies, in order. Each entry is
   * [chomp: 1 byte][length: 1 byte][name bytes]. */
  uint8_t queue_count;
  uint16_t queue_length;
  uint8_t queue[QUEUE_CAPACITY];
} Scanner;

static inline void advance(TSLexer *lexer) { lexer->advance(lexer, false); }
static inline void skip(TSLexer *lexer) { lexer->advance(lexer, true); }
static inline bool at_eof(TSLexer *lexer) { return lexer->eof(lexer); }
static inline bool is_blank(int32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }
static inline bool at_line_end(TSLexer *lexer) {
  return at_eof(lexer) || lexer->lookahead == '\n' || lexer->lookahead == '\r';
}

/* Consumes `\r?\n`. A lone `\r` counts as the end of a line as well. */
static void consume_newline(TSLexer *lexer) {
  if (lexer->lookahead == '\r') advance(lexer);
  if (!at_eof(lexer) && lexer->lookahead == '\n') advance(lexer);
}

static void consume_rest_of_line(TSLexer *lexer) {
  while (!at_line_end(lexer)) advance(lexer);
}

/*
 * Called just after the newline of a continuation. Swallows empty lines (BuildKit drops
 * them) and stops before a comment line's `#` (reporting PENDING_COMMENT) or at the start
 * of the next line with content. Marks the token end.
 */
static enum Pending finish_continuation(TSLexer *lexer) {
  for (;;) {
    lexer->mark_end(lexer);
    while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
    if (at_eof(lexer)) return PENDING_NONE;
    if (lexer->lookahead == '\n' || lexer->lookahead == '\r') {
      consume_newline(lexer);
      continue;
    }
    if (lexer->lookahead == '#') {
      lexer->mark_end(lexer);
      return PENDING_COMMENT;
    }
    return PENDING_NONE;
  }
}

static unsigned utf8_encode(int32_t c, uint8_t out[4]) {
  if (c < 0 || c > 0x10FFFF) c = 0xFFFD;
  if (c < 0x80) {
    out[0] = (uint8_t)c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (uint8_t)(0xC0 | (c >> 6));
    out[1] = (uint8_t)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (c >> 12));
    out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (c >> 18));
  out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (c & 0x3F));
  return 4;
}

/* ---------- heredoc queue ---------- */

static void queue_push(Scanner *s, bool chomp, const uint8_t *name, unsigned length) {
  if (length == 0 || length > MAX_DELIMITER) return;
  if (s->queue_count == UINT8_MAX) return;
  if ((unsigned)s->queue_length + 2 + length > QUEUE_CAPACITY) return;
  uint8_t *entry = s->queue + s->queue_length;
  entry[0] = chomp ? 1 : 0;
  entry[1] = (uint8_t)length;
  memcpy(entry + 2, name, length);
  s->queue_length += 2 + length;
  s->queue_count++;
}

static void queue_pop(Scanner *s) {
  if (s->queue_count == 0) return;
  unsigned first = 2 + s->queue[1];
  memmove(s->queue, s->queue + first, s->queue_length - first);
  s->queue_length -= first;
  s->queue_count--;
}

/*
 * Reads the current line and reports whether it is the terminator of the first queued
 * heredoc. Consumes the characters it compares, never the newline.
 */
static bool line_is_terminator(Scanner *s, TSLexer *lexer) {
  bool chomp = s->queue[0] == 1;
  unsigned length = s->queue[1];
  const uint8_t *name = s->queue + 2;
  if (chomp) {
    while (!at_eof(lexer) && lexer->lookahead == '\t') advance(lexer);
  }
  unsigned i = 0;
  while (i < length) {
    if (at_line_end(lexer)) return false;
    uint8_t bytes[4];
    unsigned n = utf8_encode(lexer->lookahead, bytes);
    if (i + n > length || memcmp(name + i, bytes, n) != 0) return false;
    i += n;
    advance(lexer);
  }
  return at_line_end(lexer);
}

static bool scan_heredoc_body(Scanner *s, TSLexer *lexer, const bool *valid) {
  bool first_line = true;
  for (;;) {
    lexer->mark_end(lexer);
    if (at_eof(lexer)) {
      if (first_line) return false;
      lexer->result_symbol = HEREDOC_CONTENT;
      return valid[HEREDOC_CONTENT];
    }
    if (line_is_terminator(s, lexer)) {
      if (first_line) {
        if (!valid[HEREDOC_END]) return false;
        lexer->mark_end(lexer);
        queue_pop(s);
        lexer->result_symbol = HEREDOC_END;
        return true;
      }
      lexer->result_symbol = HEREDOC_CONTENT;
      return valid[HEREDOC_CONTENT];
    }
    if (!valid[HEREDOC_CONTENT]) return false;
    consume_rest_of_line(lexer);
    consume_newline(lexer);
    first_line = false;
  }
}

/*
 * A heredoc marker is a shell word matching BuildKit's `^(\d*)<<(-?)\s*([^<]*)$`; the
 * delimiter is the rest of the word with its quotes removed.
 */
static bool scan_heredoc_marker(Scanner *s, TSLexer *lexer) {
  while (!at_eof(lexer) && lexer->lookahead >= '0' && lexer->lookahead <= '9') advance(lexer);
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  if (lexer->lookahead != '<') return false;
  advance(lexer);
  /* BuildKit's lexer keeps blanks that follow `<<` in the word (`<< EOF`), but not blanks
   * after `<<-`, which end the word there (`<<- EOF` is no heredoc). */
  bool chomp = false;
  if (lexer->lookahead == '-') {
    chomp = true;
    advance(lexer);
  } else {
    while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
  }

  uint8_t name[MAX_DELIMITER + 1];
  unsigned length = 0;
  bool too_long = false;
  int32_t quote = 0;
  for (;;) {
    if (at_line_end(lexer)) break;
    int32_t c = lexer->lookahead;
    if (quote == 0) {
      if (is_blank(c) || c == s->escape) break;
      if (c == '"' || c == '\'') {
        quote = c;
        advance(lexer);
        continue;
      }
    } else if (c == quote) {
      quote = 0;
      advance(lexer);
      continue;
    }
    if (c == '<') return false;
    uint8_t bytes[4];
    unsigned n = utf8_encode(c, bytes);
    if (length + n > MAX_DELIMITER) {
      too_long = true;
    } else {
      memcpy(name + length, bytes, n);
      length += n;
    }
    advance(lexer);
  }
  if (quote != 0 || length == 0) return false;
  lexer->mark_end(lexer);
  if (!too_long) queue_push(s, chomp, name, length);
  lexer->result_symbol = HEREDOC_MARKER;
  return true;
}

/* ---------- exec form: JSON validation over the logical line ---------- */

/* The characters of one logical line: continuations, and the comment and empty lines
 * inside them, are removed as BuildKit removes them before it reads JSON. */
typedef struct {
  TSLexer *lexer;
  int32_t escape;
  int32_t buffer[JSON_BUFFER];
  int head;
  int count;
  bool overflow;
} Source;

#define SOURCE_END (-2)

static int32_t source_peek(Source *src) {
  if (src->count > 0) return src->buffer[src->head];
  TSLexer *lexer = src->lexer;
  for (;;) {
    if (at_line_end(lexer)) return SOURCE_END;
    int32_t c = lexer->lookahead;
    if (c != src->escape) return c;
    advance(lexer);
    int spaces = 0;
    int32_t blanks[JSON_BUFFER];
    while (!at_eof(lexer) && is_blank(lexer->lookahead)) {
      if (spaces < JSON_BUFFER - 1) {
        blanks[spaces] = lexer->lookahead;
      } else {
        src->overflow = true;
      }
      spaces++;
      advance(lexer);
    }
    if (at_line_end(lexer)) {
      consume_newline(lexer);
      /* Skip empty lines and comment lines that follow a continuation. */
      for (;;) {
        while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
        if (at_eof(lexer)) break;
        if (lexer->lookahead == '\n' || lexer->lookahead == '\r') {
          consume_newline(lexer);
          continue;
        }
        if (lexer->lookahead == '#') {
          consume_rest_of_line(lexer);
          consume_newline(lexer);
          continue;
        }
        break;
      }
      continue;
    }
    if (src->overflow) return SOURCE_END;
    src->head = 0;
    src->count = 0;
    src->buffer[src->count++] = c;
    for (int i = 0; i < spaces; i++) src->buffer[src->count++] = blanks[i];
    return c;
  }
}

static void source_next(Source *src) {
  if (src->count > 0) {
    src->head++;
    src->count--;
    return;
  }
  if (!at_line_end(src->lexer)) advance(src->lexer);
}

static void json_skip_space(Source *src) {
  for (;;) {
    int32_t c = source_peek(src);
    if (c != ' ' && c != '\t') return;
    source_next(src);
  }
}

static bool json_value(Source *src, int depth);

static bool json_string(Source *src) {
  source_next(src); /* opening quote */
  for (;;) {
    int32_t c = source_peek(src);
    if (c == SOURCE_END || (c >= 0 && c < 0x20)) return false;
    source_next(src);
    if (c == '"') return true;
    if (c == '\\') {
      int32_t e = source_peek(src);
      if (e == 'u') {
        source_next(src);
        for (int i = 0; i < 4; i++) {
          int32_t h = source_peek(src);
          bool hex = (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
          if (!hex) return false;
          source_next(src);
        }
      } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                 e == 'r' || e == 't') {
        source_next(src);
      } else {
        return false;
      }
    }
  }
}

static bool json_digits(Source *src) {
  int32_t c = source_peek(src);
  if (c < '0' || c > '9') return false;
  while (c >= '0' && c <= '9') {
    source_next(src);
    c = source_peek(src);
  }
  return true;
}

static bool json_number(Source *src) {
  if (source_peek(src) == '-') source_next(src);
  int32_t c = source_peek(src);
  if (c == '0') {
    source_next(src);
  } else if (!json_digits(src)) {
    return false;
  }
  if (source_peek(src) == '.') {
    source_next(src);
    if (!json_digits(src)) return false;
  }
  c = source_peek(src);
  if (c == 'e' || c == 'E') {
    source_next(src);
    c = source_peek(src);
    if (c == '+' || c == '-') source_next(src);
    if (!json_digits(src)) return false;
  }
  return true;
}

static bool json_literal(Source *src, const char *word) {
  for (const char *p = word; *p; p++) {
    if (source_peek(src) != *p) return false;
    source_next(src);
  }
  return true;
}

/* Parses `[ value, ... ]` or `{ "key": value, ... }` after its opening bracket. */
static bool json_container(Source *src, int depth, int32_t close, bool object) {
  if (depth > JSON_MAX_DEPTH) return false;
  json_skip_space(src);
  if (source_peek(src) == close) {
    source_next(src);
    return true;
  }
  for (;;) {
    json_skip_space(src);
    if (object) {
      if (source_peek(src) != '"' || !json_string(src)) return false;
      json_skip_space(src);
      if (source_peek(src) != ':') return false;
      source_next(src);
      json_skip_space(src);
    }
    if (!json_value(src, depth + 1)) return false;
    json_skip_space(src);
    int32_t c = source_peek(src);
    source_next(src);
    if (c == close) return true;
    if (c != ',') return false;
  }
}

static bool json_value(Source *src, int depth) {
  int32_t c = source_peek(src);
  switch (c) {
    case '"': return json_string(src);
    case '[': source_next(src); return json_container(src, depth, ']', false);
    case '{': source_next(src); return json_container(src, depth, '}', true);
    case 't': return json_literal(src, "true");
    case 'f': return json_literal(src, "false");
    case 'n': return json_literal(src, "null");
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return json_number(src);
      return false;
  }
}

/* Called with the lexer just past `[`. True when the logical line is exactly a JSON array. */
static bool rest_is_json_array(Scanner *s, TSLexer *lexer) {
  Source src = {.lexer = lexer, .escape = s->escape, .head = 0, .count = 0, .overflow = false};
  if (!json_container(&src, 0, ']', false)) return false;
  json_skip_space(&src);
  return source_peek(&src) == SOURCE_END && !src.overflow;
}

/* ---------- parser directives ---------- */

static bool scan_directive_or_comment(Scanner *s, TSLexer *lexer, const bool *valid) {
  /* At `#`. */
  advance(lexer);
  if (valid[DIRECTIVE_MARKER]) {
    while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
    lexer->mark_end(lexer);
    char name[16];
    unsigned length = 0;
    bool name_ok = false;
    int32_t c = lexer->lookahead;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      while (!at_eof(lexer)) {
        c = lexer->lookahead;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) break;
        if (length < sizeof(name) - 1) name[length] = (char)(c | 0x20);
        length++;
        advance(lexer);
      }
      name_ok = length < sizeof(name);
    }
    if (name_ok) {
      name[length] = 0;
      while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
      if (lexer->lookahead == '=') {
        advance(lexer);
        while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
        int32_t first = lexer->lookahead;
        bool known = strcmp(name, "syntax") == 0 || strcmp(name, "escape") == 0 ||
                     strcmp(name, "check") == 0;
        if (!at_line_end(lexer) && known) {
          if (strcmp(name, "escape") == 0 && !s->escape_directive_seen) {
            s->escape_directive_seen = true;
            advance(lexer);
            while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
            if (at_line_end(lexer) && (first == '\\' || first == '`')) s->escape = first;
          }
          s->pending = PENDING_NONE;
          lexer->result_symbol = DIRECTIVE_MARKER;
          return true;
        }
      }
    }
  }
  if (!valid[LINE_COMMENT]) return false;
  consume_rest_of_line(lexer);
  lexer->mark_end(lexer);
  s->pending = PENDING_NONE;
  lexer->result_symbol = LINE_COMMENT;
  return true;
}

/* ---------- image registry ---------- */

static bool scan_image_registry(TSLexer *lexer) {
  unsigned length = 0;
  bool dotted = false;
  char head[10];
  for (;;) {
    if (at_eof(lexer)) return false;
    int32_t c = lexer->lookahead;
    if (c == '/') break;
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == ':' || c == '-' || c == '_' || c == '[' || c == ']';
    if (!allowed) return false;
    if (c == '.' || c == ':') dotted = true;
    if (length < sizeof(head)) head[length] = (char)c;
    length++;
    advance(lexer);
  }
  if (length == 0) return false;
  bool localhost = length == 9 && memcmp(head, "localhost", 9) == 0;
  if (!dotted && !localhost) return false;
  lexer->mark_end(lexer);
  lexer->result_symbol = IMAGE_REGISTRY;
  return true;
}

/* ---------- escape character ---------- */

static bool emit_continuation(Scanner *s, TSLexer *lexer, uint8_t after);

/*
 * At the escape character: a line continuation when only blanks follow it on the line,
 * otherwise an escape sequence (or a plain character where escapes mean nothing).
 */
static bool scan_escape(Scanner *s, TSLexer *lexer, const bool *valid, bool spaced) {
  advance(lexer);
  lexer->mark_end(lexer);
  bool escaped_char = false;
  if (!at_line_end(lexer)) {
    escaped_char = true;
    bool blank = is_blank(lexer->lookahead);
    advance(lexer);
    if (valid[ESCAPE_SEQUENCE]) lexer->mark_end(lexer);
    if (blank) {
      while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
      if (at_line_end(lexer)) escaped_char = false;
    }
  }
  if (!escaped_char) {
    return emit_continuation(s, lexer,
                             spaced ? AFTER_SPACED_CONTINUATION : AFTER_GLUED_CONTINUATION);
  }
  s->pending = PENDING_NONE;
  s->after_continuation = AFTER_NOTHING;
  if (valid[ESCAPE_SEQUENCE]) {
    lexer->result_symbol = ESCAPE_SEQUENCE;
    return true;
  }
  if (valid[JSON_TEXT_CHAR]) {
    /* JSON escapes always use a backslash, whatever the Dockerfile escape character. */
    if (s->escape == '\\') return false;
    lexer->result_symbol = JSON_TEXT_CHAR;
    return true;
  }
  if (valid[TEXT_CHAR]) {
    lexer->result_symbol = TEXT_CHAR;
    return true;
  }
  return false;
}

/* ---------- entry points ---------- */

static bool emit_continuation(Scanner *s, TSLexer *lexer, uint8_t after) {
  consume_newline(lexer);
  s->pending = finish_continuation(lexer);
  s->after_continuation = after;
  lexer->result_symbol = LINE_CONTINUATION;
  return true;
}

/*
 * Whether the text at the lookahead touches the piece before it. After a continuation that
 * followed a blank, BuildKit joins the lines with that blank in between, so a word that
 * starts a continuation line at column 0 is a new word.
 */
static bool touches_previous(Scanner *s, TSLexer *lexer) {
  if (s->after_continuation == AFTER_SPACED_CONTINUATION) return lexer->get_column(lexer) != 0;
  return true;
}

static bool scan(Scanner *s, TSLexer *lexer, const bool *valid) {
  bool recovering = valid[ERROR_SENTINEL];

  /* Heredoc bodies start at the beginning of a line; nothing is skipped. */
  if (!recovering && s->queue_count > 0 && (valid[HEREDOC_CONTENT] || valid[HEREDOC_END])) {
    return scan_heredoc_body(s, lexer, valid);
  }

  /* A directive's value is the rest of its line, escape characters included. */
  if (!recovering && valid[DIRECTIVE_VALUE]) {
    while (!at_eof(lexer) && is_blank(lexer->lookahead)) skip(lexer);
    if (at_line_end(lexer)) return false;
    while (!at_line_end(lexer)) {
      bool blank = is_blank(lexer->lookahead);
      advance(lexer);
      if (!blank) lexer->mark_end(lexer);
    }
    s->pending = PENDING_NONE;
    lexer->result_symbol = DIRECTIVE_VALUE;
    return true;
  }

  /* A continuation stopped right before a comment line's `#`. */
  if (s->pending == PENDING_COMMENT && valid[COMMENT] && !at_eof(lexer) &&
      lexer->lookahead == '#') {
    consume_rest_of_line(lexer);
    lexer->mark_end(lexer);
    s->pending = PENDING_COMMENT_NEWLINE;
    lexer->result_symbol = COMMENT;
    return true;
  }

  /* The newline after a comment inside a continuation continues the instruction. */
  if (s->pending == PENDING_COMMENT_NEWLINE && valid[LINE_CONTINUATION] && !at_eof(lexer) &&
      (lexer->lookahead == '\n' || lexer->lookahead == '\r')) {
    return emit_continuation(s, lexer, AFTER_SPACED_CONTINUATION);
  }

  if (!recovering && valid[CONCAT] && !at_eof(lexer)) {
    int32_t c = lexer->lookahead;
    if (!is_blank(c) && c != '\n' && c != '\r' && c != 0xFEFF) {
      if (c != s->escape) {
        if (touches_previous(s, lexer)) {
          s->pending = PENDING_NONE;
          s->after_continuation = AFTER_NOTHING;
          lexer->result_symbol = CONCAT;
          return true;
        }
      } else if (touches_previous(s, lexer)) {
        /* An escape character: the word goes on unless it is a line continuation. */
        lexer->mark_end(lexer);
        advance(lexer);
        while (!at_eof(lexer) && is_blank(lexer->lookahead)) advance(lexer);
        if (at_line_end(lexer)) return emit_continuation(s, lexer, AFTER_GLUED_CONTINUATION);
        s->pending = PENDING_NONE;
        s->after_continuation = AFTER_NOTHING;
        lexer->result_symbol = CONCAT;
        return true;
      }
    }
  }

  bool skipped = false;
  while (!at_eof(lexer) && (is_blank(lexer->lookahead) || lexer->lookahead == 0xFEFF)) {
    skip(lexer);
    skipped = true;
  }
  if (!recovering && s->queue_count > 0 && valid[HEREDOC_NEWLINE] && !at_eof(lexer) &&
      (lexer->lookahead == '\n' || lexer->lookahead == '\r')) {
    consume_newline(lexer);
    lexer->mark_end(lexer);
    s->pending = PENDING_NONE;
    s->after_continuation = AFTER_NOTHING;
    lexer->result_symbol = HEREDOC_NEWLINE;
    return true;
  }

  /* A quote or `${` left open closes at the end of the logical line. */
  if (!recovering && valid[UNCLOSED] && at_line_end(lexer)) {
    lexer->mark_end(lexer);
    lexer->result_symbol = UNCLOSED;
    return true;
  }

  if (at_eof(lexer)) return false;

  /* The end of a logical line also ends any heredoc that never got its body. */
  if (valid[NEWLINE] && !at_eof(lexer) && (lexer->lookahead == '\n' || lexer->lookahead == '\r')) {
    consume_newline(lexer);
    lexer->mark_end(lexer);
    s->pending = PENDING_NONE;
    s->after_continuation = AFTER_NOTHING;
    s->queue_count = 0;
    s->queue_length = 0;
    lexer->result_symbol = NEWLINE;
    return true;
  }

  int32_t c = lexer->lookahead;


  if (c == '#') {
    if (!recovering && (valid[DIRECTIVE_MARKER] || valid[LINE_COMMENT])) {
      return scan_directive_or_comment(s, lexer, valid);
    }
    return false;
  }

  if (c == s->escape) return scan_escape(s, lexer, valid, skipped);

  if (c == '\\' || c == '`') {
    /* The character that is not the escape character is plain text. */
    if (valid[JSON_TEXT_CHAR] && c == '\\') return false;
    if (valid[JSON_TEXT_CHAR] || valid[TEXT_CHAR]) {
      advance(lexer);
      lexer->mark_end(lexer);
      s->pending = PENDING_NONE;
      s->after_continuation = AFTER_NOTHING;
      lexer->result_symbol = valid[JSON_TEXT_CHAR] ? JSON_TEXT_CHAR : TEXT_CHAR;
      return true;
    }
    return false;
  }

  if (recovering) return false;

  if (valid[HEREDOC_MARKER] && (skipped || s->after_continuation) &&
      (c == '<' || (c >= '0' && c <= '9'))) {
    if (scan_heredoc_marker(s, lexer)) {
      s->pending = PENDING_NONE;
      s->after_continuation = AFTER_NOTHING;
      return true;
    }
    return false;
  }

  if ((valid[EXEC_OPEN] || valid[EXEC_FALLBACK]) && c == '[') {
    advance(lexer);
    lexer->mark_end(lexer);
    bool json = rest_is_json_array(s, lexer);
    s->pending = PENDING_NONE;
    s->after_continuation = AFTER_NOTHING;
    if (json && valid[EXEC_OPEN]) {
      lexer->result_symbol = EXEC_OPEN;
      return true;
    }
    if (!json && valid[EXEC_FALLBACK]) {
      lexer->result_symbol = EXEC_FALLBACK;
      return true;
    }
    return false;
  }

  if (valid[IMAGE_REGISTRY]) {
    if (scan_image_registry(lexer)) {
      s->pending = PENDING_NONE;
      s->after_continuation = AFTER_NOTHING;
      return true;
    }
    return false;
  }

  return false;
}

void *tree_sitter_dockerfile_external_scanner_create(void) {
  static const Scanner initial = {.escape = '\\'};
  Scanner *s = (Scanner *)ts_malloc(sizeof(Scanner));
  if (s) *s = initial;
  return s;
}

void tree_sitter_dockerfile_external_scanner_destroy(void *payload) { ts_free(payload); }

unsigned tree_sitter_dockerfile_external_scanner_serialize(void *payload, char *buffer) {
  Scanner *s = (Scanner *)payload;
  buffer[0] = (char)(s->escape == '`' ? '`' : '\\');
  buffer[1] = (char)s->pending;
  buffer[2] = (char)(s->escape_directive_seen ? 1 : 0);
  buffer[6] = (char)s->after_continuation;
  buffer[3] = (char)s->queue_count;
  buffer[4] = (char)(s->queue_length & 0xFF);
  buffer[5] = (char)(s->queue_length >> 8);
  memcpy(buffer + HEADER_SIZE, s->queue, s->queue_length);
  return HEADER_SIZE + s->queue_length;
}

void tree_sitter_dockerfile_external_scanner_deserialize(void *payload, const char *buffer,
                                                           unsigned length) {
  Scanner *s = (Scanner *)payload;
  s->escape = '\\';
  s->pending = PENDING_NONE;
  s->escape_directive_seen = false;
  s->after_continuation = AFTER_NOTHING;
  s->queue_count = 0;
  s->queue_length = 0;
  if (length < HEADER_SIZE) return;
  s->escape = buffer[0] == '`' ? '`' : '\\';
  s->pending = (uint8_t)buffer[1];
  s->escape_directive_seen = (buffer[2] & 1) != 0;
  s->after_continuation = (uint8_t)buffer[6];
  uint16_t queue_length = (uint16_t)((uint8_t)buffer[4] | ((uint8_t)buffer[5] << 8));
  if (queue_length > QUEUE_CAPACITY || (unsigned)HEADER_SIZE + queue_length > length) return;
  s->queue_count = (uint8_t)buffer[3];
  s->queue_length = queue_length;
  memcpy(s->queue, buffer + HEADER_SIZE, queue_length);
}

bool tree_sitter_dockerfile_external_scanner_scan(void *payload, TSLexer *lexer,
                                                  const bool *valid_symbols) {
  return scan((Scanner *)payload, lexer, valid_symbols);
}
