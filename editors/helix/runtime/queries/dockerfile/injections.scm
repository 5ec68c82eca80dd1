; Shell-form commands run in the shell, which is bash-compatible in almost every image.
; The command text keeps its quotes, variables and continuations, so bash sees all of it.
((shell_command) @injection.content
  (#set! injection.language "bash")
  (#set! injection.include-children))

; A heredoc in RUN is a script for the shell too, unless its command names another program.
(run_instruction
  (heredoc
    content: (heredoc_content) @injection.content)
  (#set! injection.language "bash"))

((comment) @injection.content
  (#set! injection.language "comment"))
