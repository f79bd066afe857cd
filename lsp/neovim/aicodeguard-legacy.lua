-- aicodeguard language server for Neovim 0.7 to 0.10 (0.11+: use lsp/aicodeguard.lua).
-- Load it from init.lua with `dofile('/path/to/aicodeguard-legacy.lua')` or put it in
-- ~/.config/nvim/plugin/.  One server serves every buffer of the session.
local filetypes = {
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
  'markdown', 'json', 'toml', 'requirements', 'sh', 'dockerfile',
}
local client_id -- Neovim 0.7 has no vim.lsp.start: start once, attach each buffer

vim.api.nvim_create_autocmd('FileType', {
  pattern = filetypes,
  callback = function(args)
    local config = { name = 'aicodeguard', cmd = { 'aicodeguard', 'lsp' }, root_dir = vim.fn.getcwd() }
    if vim.lsp.start then
      vim.lsp.start(config)
    else
      client_id = client_id or vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})
