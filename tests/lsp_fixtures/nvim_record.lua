-- Run by tests/test_lsp_neovim.py inside a headless Neovim: wait until aicodeguard's
-- diagnostics arrive for the current buffer, then write them, as Neovim holds and shows
-- them, to the file named by $AICODEGUARD_NVIM_OUT.
local found = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = {}
if not found then
  table.insert(out, 'TIMEOUT waiting for diagnostics')
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(out, table.concat({
    'DIAGNOSTIC', d.lnum + 1, d.col, d.end_lnum + 1, d.end_col,
    vim.diagnostic.severity[d.severity], d.source or '', d.code or lsp.code or '', d.message,
  }, '\t'))
end
-- What the window shows: each flagged line with the default virtual text beside it.
for lnum, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
  local shown = line
  for _, d in ipairs(vim.diagnostic.get(0, { lnum = lnum - 1 })) do
    shown = shown .. '  ■ ' .. d.message
  end
  table.insert(out, string.format('SCREEN\t%3d %s', lnum, shown))
end
vim.fn.writefile(out, os.getenv('AICODEGUARD_NVIM_OUT'))
