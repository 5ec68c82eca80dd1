-- End-to-end test of dockls in a real, headless Neovim (0.7 to 0.11+).
-- Run: DOCKLS=/abs/path/to/dockls nvim --headless -u NONE -c 'luafile tests/editors/nvim_e2e.lua'
-- Prints one line per check on stdout; exits 0 when all pass, 1 otherwise.

local TIMEOUT = 10000 -- ms, for every wait and request

local function say(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local failures = 0
local function check(ok, what, detail)
  if ok then
    say('ok   ' .. what)
  else
    failures = failures + 1
    say('FAIL ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function finish()
  pcall(function()
    local get = vim.lsp.get_clients or vim.lsp.get_active_clients
    for _, client in pairs(get()) do
      client.stop(true)
    end
  end)
  if failures == 0 then
    say('nvim e2e: all checks passed (' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. ')')
    vim.cmd('qall!')
  else
    say('nvim e2e: ' .. failures .. ' check(s) failed')
    vim.cmd('cquit 1')
  end
end

-- Tag completion and the pin fix against the test registry (team/app: 2.0 and latest are an
-- OCI index, 1.0 a single manifest; DOCKLS_TEST_INDEX is the index's digest).
local function registry_checks(request, buf, uri, host, find)
  local line = 'FROM ' .. host .. '/team/app:'
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { line })
  -- The first answers come from an empty cache while the server asks in the background.
  local list, err
  for _ = 1, 100 do
    list, err = request('textDocument/completion', {
      textDocument = { uri = uri },
      position = { line = 0, character = #line },
    })
    if list and list.isIncomplete == false then
      break
    end
    vim.wait(100)
  end
  local items = (list and list.items) or {}
  table.sort(items, function(a, b)
    return (a.sortText or a.label) < (b.sortText or b.label)
  end)
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  check(table.concat(labels, ' ') == '2.0 1.0 latest', 'tag completion lists the registry\'s tags, newest first',
    err or table.concat(labels, ' '))

  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'FROM ' .. host .. '/team/app' })
  vim.wait(TIMEOUT, function()
    return find('untagged-base-image', 0) ~= nil
  end, 50)
  local diagnostic = find('untagged-base-image', 0)
  if not check(diagnostic ~= nil, 'diagnostic untagged-base-image on the registry image') then
    return
  end
  local actions, aerr = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  })
  local pin
  for _, action in ipairs(actions or {}) do
    local command = action.command
    if type(command) == 'table' and command.command == 'dockls.pinImage' then
      pin = command
    elseif action.command == 'dockls.pinImage' then
      pin = action
    end
  end
  if not check(pin ~= nil, 'the pin quick fix is offered', aerr or vim.inspect(actions)) then
    return
  end
  -- The server fetches the digest and sends workspace/applyEdit, which Neovim applies.
  local _, perr = request('workspace/executeCommand', { command = pin.command, arguments = pin.arguments })
  local expected = 'FROM ' .. host .. '/team/app:latest@' .. (os.getenv('DOCKLS_TEST_INDEX') or '?')
  vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1] == expected
  end, 50)
  local after = vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1]
  check(after == expected, 'the pin fix writes the index digest', perr or vim.inspect(after))
end

-- Asks for the code actions of `diagnostic`, checks that one is titled `title` and carries a
-- workspace edit (resolving it when the server defers the edit), and applies it. `what` names the
-- action in the check lines. Returns whether it applied.
local function apply_action(request, uri, diagnostic, title, what, encoding)
  local actions, aerr = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  })
  local found
  local titles = {}
  for _, action in ipairs(actions or {}) do
    table.insert(titles, action.title)
    if action.title == title then
      found = action
    end
  end
  if not check(found ~= nil, 'code action "' .. title .. '" offered', aerr or table.concat(titles, ' | ')) then
    return false
  end
  if not found.edit and found.data ~= nil then
    found = request('codeAction/resolve', found) or found
  end
  if not check(found.edit ~= nil, what .. ' carries a workspace edit', vim.inspect(found)) then
    return false
  end
  vim.lsp.util.apply_workspace_edit(found.edit, encoding)
  return true
end

-- The shell of a RUN: the finding apt-get-install-recommends (DL3015) on `install`, its quick
-- fix applied through the editor, then hover on the option the fix added.
local function shell_checks(request, buf, uri, find, encoding)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, {
    'FROM debian:12',
    'RUN apt-get update && apt-get install -y curl',
  })
  vim.wait(TIMEOUT, function()
    return find('apt-get-install-recommends', 1) ~= nil
  end, 50)
  local diagnostic = find('apt-get-install-recommends', 1)
  if not check(diagnostic ~= nil, 'shell diagnostic apt-get-install-recommends on line 2') then
    return
  end
  local install = diagnostic.range
  check(install.start.character == 30 and install['end'].character == 37,
    'the shell diagnostic covers the word `install`', vim.inspect(install))
  if not apply_action(request, uri, diagnostic, 'Add `--no-install-recommends`', 'the shell fix', encoding) then
    return
  end
  local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  local expected = 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl'
  check(after == expected, 'buffer after the shell fix', vim.inspect(after))
  vim.wait(TIMEOUT, function()
    return find('apt-get-install-recommends', 1) == nil
  end, 50)
  check(find('apt-get-install-recommends', 1) == nil, 'the shell finding is gone after the fix')

  local hover, herr = request('textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 1, character = 42 },
  })
  local text = ''
  if hover and hover.contents then
    text = hover.contents.value or (type(hover.contents) == 'string' and hover.contents) or vim.inspect(hover.contents)
  end
  check(text:find('recommend', 1, true) ~= nil, 'hover on --no-install-recommends explains it', herr or text:sub(1, 200))
end

local function main()
  local dockls = os.getenv('DOCKLS')
  if not dockls or dockls == '' or vim.fn.executable(dockls) ~= 1 then
    check(false, 'DOCKLS names an executable dockls', tostring(dockls))
    return
  end
  local v = vim.version()
  say('neovim ' .. v.major .. '.' .. v.minor .. '.' .. v.patch .. ', dockls ' .. dockls)

  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local path = dir .. '/Dockerfile'
  local file = assert(io.open(path, 'w'))
  file:write('FROM alpine:3.19\nRUN apk add curl\nRUN echo done\nRUM echo hi\n')
  file:close()

  -- Keep the raw LSP diagnostics the server pushes; the code action request sends them back.
  local pushed = {}
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local buf
  local function on_publish(err, result, ctx, config)
    if result and buf and result.uri == vim.uri_from_bufnr(buf) then
      pushed = result.diagnostics or {}
    end
    return default_publish(err, result, ctx, config)
  end
  local handlers = { ['textDocument/publishDiagnostics'] = on_publish }

  -- With a test registry (tests/editors/registry.py), registry access is on for it.
  local registry_host = os.getenv('DOCKLS_TEST_REGISTRY')
  local init_options = nil
  if registry_host and registry_host ~= '' then
    init_options = { registry = { network = true, insecure = { registry_host }, timeout = 5 } }
  end

  local client_id
  if vim.lsp.config and vim.lsp.enable then
    -- 0.11+: the shipped editors/nvim/lsp/dockls.lua, found on 'runtimepath', as the README says.
    local repo = os.getenv('DOCKLS_REPO') or vim.fn.getcwd()
    vim.opt.runtimepath:append(repo .. '/editors/nvim')
    vim.lsp.config('dockls', { cmd = { dockls }, handlers = handlers, init_options = init_options })
    vim.lsp.enable('dockls')
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].filetype = 'dockerfile' -- fires FileType, which starts the client
    vim.wait(TIMEOUT, function()
      return #vim.lsp.get_clients({ bufnr = buf, name = 'dockls' }) > 0
    end, 50)
    local clients = vim.lsp.get_clients({ bufnr = buf, name = 'dockls' })
    client_id = clients[1] and clients[1].id
    say('started through lsp/dockls.lua + vim.lsp.enable')
  else
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].filetype = 'dockerfile'
    local config = {
      name = 'dockls',
      cmd = { dockls },
      root_dir = dir,
      handlers = handlers,
      init_options = init_options,
      settings = { dockls = {} },
    }
    if vim.lsp.start then
      client_id = vim.lsp.start(config, { bufnr = buf })
    else
      client_id = vim.lsp.start_client(config)
      if client_id then
        vim.lsp.buf_attach_client(buf, client_id)
      end
    end
  end
  if not check(client_id ~= nil, 'dockls started') then
    return
  end

  -- Diagnostics: pushed by the server (pulled only when the user sets diagnosticMode = "pull").
  -- Either way vim.diagnostic holds them, with the raw LSP diagnostic in user_data.lsp.
  local function lsp_diagnostics()
    if #pushed > 0 then
      return pushed, 'pushed'
    end
    local raw = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.user_data and d.user_data.lsp then
        table.insert(raw, d.user_data.lsp)
      end
    end
    return raw, 'pulled'
  end
  local function find(code, line)
    for _, d in ipairs((lsp_diagnostics())) do
      if d.code == code and d.range.start.line == line then
        return d
      end
    end
  end
  vim.wait(TIMEOUT, function()
    return find('unknown-instruction', 3) ~= nil and find('split-run-layers', 2) ~= nil
  end, 50)
  local all, how = lsp_diagnostics()
  say('diagnostics ' .. how)
  local codes = {}
  for _, d in ipairs(all) do
    table.insert(codes, tostring(d.code) .. '@' .. d.range.start.line)
  end
  check(find('unknown-instruction', 3) ~= nil, 'diagnostic unknown-instruction on line 4', table.concat(codes, ', '))
  -- And Neovim shows it: vim.diagnostic has it for the buffer.
  local shown = false
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.lnum == 3 and d.message:find('RUM', 1, true) then
      shown = true
    end
  end
  check(shown, 'vim.diagnostic shows the RUM diagnostic on line 4')

  local function request(method, params)
    local responses, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
    if not responses then
      return nil, tostring(err)
    end
    for _, response in pairs(responses) do
      if response.err then
        return nil, vim.inspect(response.err)
      end
      return response.result
    end
    return nil, 'no response'
  end
  local uri = vim.uri_from_bufnr(buf)

  -- Completion on the empty last line.
  local completion, cerr = request('textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = 4, character = 0 },
  })
  local items = completion and (completion.items or completion) or {}
  local labels = {}
  local has_copy = false
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if item.label == 'COPY' then
      has_copy = true
    end
  end
  check(has_copy, 'completion on an empty line offers COPY', cerr or table.concat(labels, ' '))

  -- Hover on RUN (line 2).
  local hover, herr = request('textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 1, character = 1 },
  })
  local text = ''
  if hover and hover.contents then
    local contents = hover.contents
    if type(contents) == 'string' then
      text = contents
    elseif contents.value then
      text = contents.value
    else
      for _, part in ipairs(contents) do
        text = text .. (type(part) == 'string' and part or (part.value or '')) .. '\n'
      end
    end
  end
  check(text:find('layer', 1, true) ~= nil, 'hover on RUN mentions "layer"', herr or text:sub(1, 200))

  -- The merge-RUN quick fix for split-run-layers on line 3.
  local client = vim.lsp.get_client_by_id(client_id)
  local encoding = (client and client.offset_encoding) or 'utf-16'
  local function merge_checks()
    local diagnostic = find('split-run-layers', 2)
    if not check(diagnostic ~= nil, 'diagnostic split-run-layers on line 3', table.concat(codes, ', ')) then
      return
    end
    if not apply_action(request, uri, diagnostic, 'Merge into the RUN above', 'the merge action', encoding) then
      return
    end
    local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
    local expected = 'FROM alpine:3.19\nRUN apk add curl \\\n    && echo done\nRUM echo hi'
    check(after == expected, 'buffer after the merge fix', vim.inspect(after))
  end
  merge_checks()

  shell_checks(request, buf, uri, find, encoding)

  if init_options then
    registry_checks(request, buf, uri, registry_host, find)
  end
end

local ok, err = pcall(main)
if not ok then
  check(false, 'test script ran without error', tostring(err))
end
finish()
