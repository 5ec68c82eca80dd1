/**
 * @file Dockerfile grammar for tree-sitter, following BuildKit's Dockerfile parser.
 * @license Apache-2.0
 *
 * Lines are the unit of a Dockerfile: newlines are never whitespace here, so a broken
 * instruction stays on its own line. Everything that depends on the escape character
 * (line continuations, escape sequences), on the position in a line (comments, parser
 * directives), on lookahead across a whole logical line (exec-form JSON) or on remembered
 * text (heredoc delimiters) is lexed by `src/scanner.c`.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/** Case-insensitive keyword token, shown in the tree as its upper-case spelling. */
function keyword(word) {
  const pattern = word
    .split('')
    .map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c))
    .join('');
  return alias(token(prec(1, new RegExp(pattern))), word.toUpperCase());
}

/** `first` followed by `rest` pieces, each touching the one before it. */
function adjacent($, first, piece) {
  return seq(first, repeat(seq($._concat, piece)));
}

/** Like `adjacent`, for a word that nothing can touch on its right. */
function greedy($, first, piece) {
  return prec.right(adjacent($, first, piece));
}

const INSTRUCTIONS = [
  'add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label',
  'maintainer', 'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir',
];

module.exports = grammar({
  name: 'dockerfile',

  extras: ($) => [/[ \t\r\f\v\uFEFF]/, $.line_continuation, $.comment],

  externals: ($) => [
    $.line_continuation,
    $.comment,
    $._line_comment,
    $._directive_marker,
    $.directive_value,
    $.heredoc_marker,
    $._heredoc_newline,
    $.heredoc_content,
    $.heredoc_end,
    $.escape_sequence,
    $._text_char,
    $._json_text_char,
    $._concat,
    $._exec_open,
    $.exec_form_fallback,
    $.image_registry,
    $._unclosed,
    $._newline,
    $._error_sentinel,
  ],

  conflicts: ($) => [
    [$.mount_option],
    [$.image_name],
    [$.image_tag],
    [$.user_name],
    [$.mount_value],
  ],

  rules: {
    source_file: ($) =>
      seq(
        repeat(seq($.parser_directive, $._newline)),
        repeat(seq(optional($._line), $._newline)),
        optional($._line),
      ),


    _line: ($) => choice($._instruction, alias($._line_comment, $.comment)),

    parser_directive: ($) =>
      seq(
        $._directive_marker,
        field('name', $.directive_name),
        '=',
        field('value', $.directive_value),
      ),
    directive_name: (_) => /[a-zA-Z][a-zA-Z0-9]*/,

    _instruction: ($) =>
      choice(
        ...INSTRUCTIONS.map((name) => $[`${name}_instruction`]),
        $.unknown_instruction,
      ),

    // FROM [--platform=<platform>] <image> [AS <name>]
    from_instruction: ($) =>
      seq(
        keyword('from'),
        repeat(field('flag', $.flag)),
        field('image', $.image_spec),
        optional(seq(keyword('as'), field('name', $.stage_name))),
        // BuildKit's parser keeps further words; the FROM instruction rejects them later.
        repeat(field('extra', $.word)),
      ),

    image_spec: ($) =>
      seq(
        optional(seq(field('registry', $.image_registry), $._concat, '/', $._concat)),
        field('name', $.image_name),
        optional(seq($._concat, ':', $._concat, field('tag', $.image_tag))),
        optional(seq($._concat, '@', optional(seq($._concat, field('digest', $.image_digest))))),
      ),
    image_name: ($) => adjacent($, $._image_name_piece, $._image_name_piece),
    _image_name_piece: ($) => choice(/[^\s:@$"'\\`]+/, $._expandable),
    image_tag: ($) => adjacent($, $._image_tag_piece, $._image_tag_piece),
    _image_tag_piece: ($) => choice(/[^\s:@$"'\\`]+/, $._expandable),
    image_digest: ($) => greedy($, $._image_digest_piece, $._image_digest_piece),
    _image_digest_piece: ($) => choice(/[^\s@$"'\\`]+/, $._expandable),

    stage_name: (_) => /[^\s"'\\`]+/,

    // RUN [flags] <command> | RUN [flags] ["exe", "arg"]
    run_instruction: ($) =>
      seq(
        keyword('run'),
        repeat(field('flag', $.flag)),
        field('command', choice($.exec_form, alias($._shell_command_with_heredocs, $.shell_command))),
        optional($._heredocs),
      ),

    cmd_instruction: ($) =>
      seq(keyword('cmd'), optional(field('command', choice($.exec_form, $.shell_command)))),

    entrypoint_instruction: ($) =>
      seq(keyword('entrypoint'), optional(field('command', choice($.exec_form, $.shell_command)))),

    shell_instruction: ($) =>
      seq(keyword('shell'), field('command', choice($.exec_form, $.shell_command))),

    // LABEL key=value ... | LABEL key value (legacy)
    label_instruction: ($) => seq(keyword('label'), repeat1($.label_pair)),
    label_pair: ($) =>
      choice(
        seq(
          field('key', $._label_key),
          $._concat,
          '=',
          optional(seq($._concat, field('value', $.word))),
        ),
        prec.right(seq(field('key', $._label_key), repeat1(field('value', $.word)))),
      ),
    _label_key: ($) =>
      choice(alias(/[^\s="'$\\`]+/, $.label_key), $.double_quoted_string, $.single_quoted_string),

    maintainer_instruction: ($) =>
      seq(keyword('maintainer'), field('name', alias($._rest_of_line, $.text))),

    // EXPOSE <port>[/<protocol>] ...
    expose_instruction: ($) => seq(keyword('expose'), repeat1(field('port', $.expose_port))),
    expose_port: ($) =>
      seq(
        field(
          'number',
          choice(
            $.port_number,
            $.port_range,
            $._expandable,
            $.double_quoted_string,
            $.single_quoted_string,
            $.port_text,
          ),
        ),
        optional(seq($._concat, '/', optional(seq($._concat, field('protocol', $.protocol))))),
      ),
    port_number: (_) => /[0-9]+/,
    port_range: (_) => /[0-9]+-[0-9]+/,
    // Anything else BuildKit's parser keeps (`8080:80`, `127.0.0.1:80:80`); the EXPOSE
    // instruction and the rules judge it.
    port_text: (_) => /[^\s\/"'$\\`]+/,
    protocol: (_) => /[a-zA-Z]+/,

    // ENV key=value ... | ENV key value with spaces (legacy)
    env_instruction: ($) => seq(keyword('env'), repeat1($.env_pair)),
    env_pair: ($) =>
      choice(
        seq(
          field('name', $.variable_name),
          $._concat,
          '=',
          optional(seq($._concat, field('value', $.word))),
        ),
        prec.right(seq(field('name', $.variable_name), repeat(field('value', $.word)))),
      ),

    // ARG name[=default] ...
    arg_instruction: ($) => seq(keyword('arg'), repeat1($.arg_pair)),
    arg_pair: ($) =>
      seq(
        field('name', $.variable_name),
        optional(seq($._concat, '=', optional(seq($._concat, field('default', $.word))))),
      ),

    variable_name: (_) => /[^\s="'$\\`]+/,

    // ADD/COPY [flags] <src>... <dest> | [flags] ["<src>", ..., "<dest>"]
    add_instruction: ($) => seq(keyword('add'), $._copy_arguments),
    copy_instruction: ($) => seq(keyword('copy'), $._copy_arguments),
    _copy_arguments: ($) =>
      seq(
        repeat(field('flag', $.flag)),
        choice(
          field('paths', $.exec_form),
          repeat1(field('path', choice($.path, $.heredoc_marker))),
        ),
        optional($._heredocs),
      ),
    path: ($) => greedy($, $._word_piece, $._word_piece),

    volume_instruction: ($) =>
      seq(
        keyword('volume'),
        choice(
          field('paths', $.exec_form),
          repeat1(field('path', $.path)),
        ),
      ),

    // USER <user>[:<group>]
    user_instruction: ($) =>
      seq(
        keyword('user'),
        field('user', $.user_name),
        optional(seq($._concat, ':', optional(seq($._concat, field('group', $.group_name))))),
      ),
    user_name: ($) => adjacent($, $._user_piece, $._user_piece),
    group_name: ($) => greedy($, $._user_piece, $._user_piece),
    _user_piece: ($) =>
      choice(/[^\s:$"'\\`]+/, $._expandable, $.double_quoted_string, $.single_quoted_string),

    // WORKDIR takes the rest of the line as one path, spaces included.
    workdir_instruction: ($) =>
      seq(keyword('workdir'), field('path', alias($._rest_of_line, $.path))),

    onbuild_instruction: ($) =>
      seq(keyword('onbuild'), optional(field('instruction', $._instruction))),

    stopsignal_instruction: ($) => seq(keyword('stopsignal'), field('signal', $.word)),

    // HEALTHCHECK [options] CMD <command> | HEALTHCHECK NONE
    healthcheck_instruction: ($) =>
      seq(
        keyword('healthcheck'),
        repeat(field('flag', $.flag)),
        optional(
          seq(
            field('type', choice(keyword('cmd'), keyword('none'), $.healthcheck_type)),
            optional(field('command', choice($.exec_form, $.shell_command))),
          ),
        ),
      ),

    // Any other word is kept as the check type, which the HEALTHCHECK instruction rejects.
    healthcheck_type: (_) => token(prec(1, /[^\s\\`\-][^\s\\`]*/)),

    // --name, --name=value, --mount=k=v,k=v
    flag: ($) =>
      choice(
        seq(
          field('name', alias(token(prec(3, '--mount')), $.flag_name)),
          optional(
            seq(
              $._concat,
              '=',
              optional(
                seq(
                  $._concat,
                  field(
                    'value',
                    choice($.mount_options, $.double_quoted_string, $.single_quoted_string),
                  ),
                ),
              ),
            ),
          ),
        ),
        seq(
          field('name', $.flag_name),
          optional(seq($._concat, '=', optional(seq($._concat, field('value', $.flag_value))))),
        ),
      ),
    flag_name: (_) => token(prec(2, /--[a-zA-Z0-9_-]*/)),
    flag_value: ($) => greedy($, $._word_piece, $._word_piece),

    mount_options: ($) => $._mount_option_list,
    // Right-recursive so that a trailing comma is read without lookahead past `_concat`.
    _mount_option_list: ($) =>
      seq(
        $.mount_option,
        optional(seq($._concat, ',', optional(seq($._concat, $._mount_option_list)))),
      ),
    mount_option: ($) =>
      seq(
        field('key', $.mount_key),
        optional(seq($._concat, '=', optional(seq($._concat, field('value', $.mount_value))))),
      ),
    mount_key: (_) => /[^\s,="'$\\`]+/,
    mount_value: ($) => adjacent($, $._mount_value_piece, $._mount_value_piece),
    _mount_value_piece: ($) =>
      choice(/[^\s,"'$\\`]+/, $._expandable, $.double_quoted_string, $.single_quoted_string),

    // Shell form: text handed to the shell. Quotes and variables are marked, nothing more.
    // A `[` that did not open valid JSON leads it as `exec_form_fallback`.
    shell_command: ($) =>
      choice(seq($.exec_form_fallback, repeat($._shell_piece)), repeat1($._shell_piece)),
    _shell_piece: ($) =>
      choice(
        /[^\s"'$\\`]+/,
        '$',
        $._expandable,
        $.double_quoted_string,
        $.single_quoted_string,
        $.escape_sequence,
        $._text_char,
      ),
    // Heredocs exist only in RUN, COPY and ADD.
    _shell_command_with_heredocs: ($) =>
      choice(
        seq($.exec_form_fallback, repeat(choice($._shell_piece, $.heredoc_marker))),
        repeat1(choice($._shell_piece, $.heredoc_marker)),
      ),

    // One argument made of everything up to the end of the line, blanks included.
    _rest_of_line: ($) => repeat1($._shell_piece),

    _heredocs: ($) => repeat1(seq($._heredoc_newline, $.heredoc)),
    heredoc: ($) => seq(optional(field('content', $.heredoc_content)), field('end', $.heredoc_end)),

    // A whitespace-delimited argument, made of pieces that touch each other.
    word: ($) => greedy($, $._word_piece, $._word_piece),
    _word_piece: ($) =>
      choice(
        token(prec(1, /[^\s"'$\\`]+/)),
        '$',
        $._expandable,
        $.double_quoted_string,
        $.single_quoted_string,
        $.escape_sequence,
        $._text_char,
      ),

    _expandable: ($) => choice($.variable, $.expansion),

    variable: (_) => token(prec(1, /\$([a-zA-Z_][a-zA-Z0-9_]*|[0-9]+|[@*#?$!-])/)),

    // ${NAME}, ${NAME:-word}, ${NAME+word}, ${NAME#pattern}, ... The operator set is open so
    // that shell syntax in RUN (${#list[@]}, ${x,,}) never reads as an error.
    expansion: ($) =>
      prec.right(seq(
        '${',
        optional(field('name', alias(/[a-zA-Z_][a-zA-Z0-9_]*|[0-9]+/, $.variable_name))),
        optional(
          seq(
            field('operator', $.expansion_operator),
            optional(field('argument', $.expansion_argument)),
          ),
        ),
        choice('}', $._unclosed),
      )),
    expansion_operator: (_) =>
      token(choice(/:?[-+?=]/, /##?/, /%%?/, /\/[\/#%]?/, /\^\^?/, /,,?/, ':', '[', '!', '@', '*')),
    expansion_argument: ($) =>
      prec.right(repeat1(
        choice(
          /[^}$"'\\`\r\n]+/,
          '$',
          $._expandable,
          $.double_quoted_string,
          $.single_quoted_string,
          $.escape_sequence,
          $._text_char,
        ),
      )),

    // A quote left open ends at the end of the logical line (`_unclosed`): BuildKit keeps
    // such text as it is and only the shell or a later expansion rejects it.
    double_quoted_string: ($) =>
      prec.right(
        seq(
          '"',
          repeat(choice(/[^"$\\`\r\n]+/, '$', $._expandable, $.escape_sequence, $._text_char)),
          choice('"', $._unclosed),
        ),
      ),
    single_quoted_string: ($) =>
      seq("'", repeat(choice(/[^'\\`\r\n]+/, $._text_char)), choice("'", $._unclosed)),

    // Exec form: a JSON array. The scanner only opens it when the whole logical line is
    // valid JSON; otherwise the instruction is in shell form, led by `exec_form_fallback`.
    exec_form: ($) =>
      seq(
        alias($._exec_open, '['),
        optional(seq($._json_value, repeat(seq(',', $._json_value)))),
        ']',
      ),
    _json_value: ($) =>
      choice($.json_string, $.json_number, $.json_array, $.json_object, $.json_literal),
    json_string: ($) =>
      seq(
        '"',
        repeat(choice(/[^"\\`\x00-\x1f]+/, $.json_escape_sequence, $._json_text_char)),
        '"',
      ),
    json_escape_sequence: (_) => token(/\\(["\\\/bfnrt]|u[0-9a-fA-F]{4})/),
    json_number: (_) => /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/,
    json_literal: (_) => choice('true', 'false', 'null'),
    json_array: ($) =>
      seq('[', optional(seq($._json_value, repeat(seq(',', $._json_value)))), ']'),
    json_object: ($) =>
      seq(
        '{',
        optional(seq($.json_member, repeat(seq(',', $.json_member)))),
        '}',
      ),
    json_member: ($) => seq(field('key', $.json_string), ':', field('value', $._json_value)),

    unknown_instruction: ($) =>
      seq(field('keyword', $.unknown_keyword), optional(field('arguments', $.arguments))),
    // BuildKit ignores what follows an unknown instruction, quotes included.
    unknown_keyword: ($) =>
      choice(
        token(prec(1, /[^\s#\\`][^\s\\`]*/)),
        seq($._text_char, optional(token.immediate(/[^\s\\`]+/))),
      ),
    arguments: ($) => repeat1(choice(/[^\s\\`]+/, $.escape_sequence, $._text_char)),
  },
});
