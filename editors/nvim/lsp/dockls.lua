-- dockls, the Dockerfile language server, for Neovim 0.11+.
-- Copy this file to ~/.config/nvim/lsp/dockls.lua (any `lsp/` directory on 'runtimepath'),
-- then call vim.lsp.enable('dockls') in your init.lua. See editors/nvim/README.md.
return {
  cmd = { 'dockls' },
  filetypes = { 'dockerfile' },
  root_markers = { '.dockls.toml', '.git' },
  -- Same shape as .dockls.toml, keys in camelCase; these override the file's settings.
  -- Example: settings = { dockls = { rules = { DL3059 = 'off' }, trustedRegistries = { 'docker.io' } } }
  settings = {
    dockls = {},
  },
}
