; nvim-treesitter indentation: continuation lines of an instruction are indented one level.
; Heredoc bodies are left as they are.
[
  (run_instruction)
  (cmd_instruction)
  (entrypoint_instruction)
  (healthcheck_instruction)
  (env_instruction)
  (arg_instruction)
  (label_instruction)
  (copy_instruction)
  (add_instruction)
] @indent.begin

(heredoc) @indent.auto
