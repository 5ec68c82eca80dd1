; Capture names are the ones Helix and nvim-treesitter both understand.

[
  "FROM"
  "AS"
  "RUN"
  "CMD"
  "LABEL"
  "MAINTAINER"
  "EXPOSE"
  "ENV"
  "ADD"
  "COPY"
  "ENTRYPOINT"
  "VOLUME"
  "USER"
  "WORKDIR"
  "ARG"
  "ONBUILD"
  "STOPSIGNAL"
  "HEALTHCHECK"
  "SHELL"
  "NONE"
] @keyword

(comment) @comment

(parser_directive
  name: (directive_name) @keyword.directive
  value: (directive_value) @string.special)

(line_continuation) @punctuation.special

(escape_sequence) @string.special

; Flags and their values
(flag_name) @attribute
(flag_value) @string
(mount_key) @variable.parameter
(mount_value) @string

; Images and stages
(image_registry) @string.special.url
(image_name) @string.special
(image_tag) @constant
(image_digest) @constant
(stage_name) @label

(from_instruction
  (image_spec
    [":" "@" "/"] @punctuation.delimiter))

; Variables: declarations and uses
(env_pair
  name: (variable_name) @variable)
(arg_pair
  name: (variable_name) @variable)
(label_key) @attribute
(variable) @variable
(expansion
  name: (variable_name) @variable)
(expansion
  ["${" "}"] @punctuation.special)
(expansion_operator) @operator

; Strings
[
  (double_quoted_string)
  (single_quoted_string)
  (json_string)
] @string

(json_escape_sequence) @string.special

; Exec form and other JSON
(json_number) @constant
(json_literal) @constant.builtin
["[" "]" "{" "}"] @punctuation.bracket
(exec_form_fallback) @punctuation.bracket
"," @punctuation.delimiter

; Heredocs
(heredoc_marker) @label
(heredoc_end) @label
(heredoc_content) @string

; Instruction arguments
(expose_port
  number: [(port_number) (port_range)] @constant)
(expose_port
  protocol: (protocol) @type)
(stopsignal_instruction
  signal: (word) @constant)
(user_name) @variable
(group_name) @variable
(path) @string.special.path
(healthcheck_type) @type

"=" @operator
