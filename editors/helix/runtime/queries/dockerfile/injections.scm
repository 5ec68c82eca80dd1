; Shell-form commands run in the shell, which is bash-compatible in almost every image.
; The command text keeps its quotes, variables and continuations, so bash sees all of it.
((shell_command) @injection.content
  (#set! injection.language "bash")
  (#set! injection.include-children))

; A heredoc in RUN is a script for the shell too, unless a `#!` line names another interpreter.
(run_instruction
  (heredoc
    content: (heredoc_content) @injection.content)
  (#not-match? @injection.content "^#!.*python")
  (#not-match? @injection.content "^#!.*node")
  (#not-match? @injection.content "^#!.*perl")
  (#set! injection.language "bash"))

(run_instruction
  (heredoc
    content: (heredoc_content) @injection.content)
  (#match? @injection.content "^#!.*python")
  (#set! injection.language "python"))

(run_instruction
  (heredoc
    content: (heredoc_content) @injection.content)
  (#match? @injection.content "^#!.*node")
  (#set! injection.language "javascript"))

(run_instruction
  (heredoc
    content: (heredoc_content) @injection.content)
  (#match? @injection.content "^#!.*perl")
  (#set! injection.language "perl"))

; The exec form of a shell with `-c` (`["sh", "-c", "..."]`, `["/bin/bash", "-euo", "pipefail",
; "-c", "..."]`): its last string is the script. Neovim leaves the quotes out (`#offset!`);
; an editor without that predicate shows the script with its quotes, as a bash string.
(run_instruction
  command: (exec_form
    .
    (json_string) @_shell
    (json_string) @_flag
    .
    (json_string) @injection.content
    .)
  (#match? @_shell "sh\"$")
  (#match? @_flag "^\"-[a-z]*c\"$")
  (#offset! @injection.content 0 1 0 -1)
  (#set! injection.language "bash"))

((comment) @injection.content
  (#set! injection.language "comment"))
