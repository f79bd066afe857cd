-- aicodeguard language server for Neovim 0.11 or later.
-- Copy this file to ~/.config/nvim/lsp/aicodeguard.lua, then in init.lua:
--   vim.lsp.enable('aicodeguard')
-- It runs beside your other servers (pyright, ts_ls, ...). Settings go to the server
-- through workspace/configuration; the project's .aicodeguard.toml or pyproject.toml
-- still decides which rules run.
return {
  cmd = { 'aicodeguard', 'lsp' },
  filetypes = {
    'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
    'markdown', 'json', 'toml', 'requirements', 'sh', 'dockerfile',
  },
  root_markers = { '.aicodeguard.toml', 'pyproject.toml', 'package.json', '.git' },
  settings = {
    aicodeguard = {
      -- failOn = 'high',   -- findings at or above this show as errors (default: project's fail-on)
      -- offline = true,    -- no registry look-ups
      -- enable = false,    -- switch the checks off without removing the server
    },
  },
}
