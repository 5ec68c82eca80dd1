// The parts of a VS Code end-to-end run that do not depend on what is checked: install the
// extension into a temporary extensions dir, serve code-server on 127.0.0.1 with a temporary
// folder, drive it in Debian's Chromium, open a file, record PASS/FAIL lines.
// Used by registry.js and (its helpers) e2e.js; run.sh sets DOCKLS_BIN, DOCKLS_VSIX, DOCKLS_ART, CODE_SERVER, NODE_PATH.
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');

const env = {
  bin: process.env.DOCKLS_BIN,
  vsix: process.env.DOCKLS_VSIX,
  art: process.env.DOCKLS_ART,
  codeServer: process.env.CODE_SERVER,
};
const T0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Monaco renders spaces as no-break spaces.
const norm = (s) => (s || '').replace(/\u00a0/g, ' ');

/** PASS/FAIL lines and the exit status they add up to. */
class Checks {
  constructor() { this.results = []; }
  record(name, ok, detail) {
    this.results.push({ name, ok });
    console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${detail ? ' - ' + detail : ''}`);
    return ok;
  }
  status(expected) {
    const failed = this.results.filter((r) => !r.ok).length;
    log(`${this.results.length - failed}/${this.results.length} checks passed; screenshots in ${env.art}`);
    return failed || this.results.length < expected ? 1 : 0;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode < 500); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

/** The box of an element once it is laid out (right after a panel opens it may not be). */
async function boxOf(locator, what) {
  await locator.waitFor({ state: 'visible', timeout: 15000 });
  for (let i = 0; i < 40; i++) {
    const box = await locator.boundingBox();
    if (box) return box;
    await sleep(250);
  }
  throw new Error(`${what} is not laid out`);
}

/**
 * Installs the extension, starts code-server on `files` (name -> text, written into a temporary
 * folder) with `settings` over quiet defaults, and opens the workbench in Chromium. Returns
 * `{ page, folder, close }`; `close` stops the browser and code-server.
 */
async function launch(checks, files, settings) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockls-vscode-'));
  const userData = path.join(tmp, 'user-data');
  const extDir = path.join(tmp, 'extensions');
  const folder = path.join(tmp, 'project');
  const chromeData = path.join(tmp, 'chromium');
  for (const d of [userData, extDir, folder, chromeData, path.join(userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), text);
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'dockls.path': env.bin,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'editor.minimap.enabled': false,
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.wordBasedSuggestions': 'off',
    'editor.hover.delay': 300,
    'files.autoSave': 'off',
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  }, null, 2));
  const csArgs = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', userData,
    '--extensions-dir', extDir, '--config', path.join(tmp, 'config.yaml')];

  log('installing', env.vsix);
  execFileSync(env.codeServer, [...csArgs, '--install-extension', env.vsix], { encoding: 'utf8', timeout: 120000 });
  const installed = fs.readdirSync(extDir).filter((n) => n.startsWith('dockls.'));
  checks.record('extension installed with --install-extension', installed.length > 0, installed.join(','));

  const port = await freePort();
  const csLog = fs.openSync(path.join(env.art, 'code-server.log'), 'w');
  const server = spawn(env.codeServer, [...csArgs, '--bind-addr', `127.0.0.1:${port}`, folder], {
    stdio: ['ignore', csLog, csLog], detached: true, env: { ...process.env, PASSWORD: undefined },
  });
  const killServer = () => { try { process.kill(-server.pid, 'SIGTERM'); } catch (_) {} };
  process.on('exit', killServer);
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 120 && !up; i++) { up = await httpOk(base + '/healthz'); if (!up) await sleep(500); }
  if (!up) { killServer(); throw new Error('code-server did not come up in 60 s'); }
  log('code-server up on', base);

  const browser = await chromium.launchPersistentContext(chromeData, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    timeout: 60000,
  });
  const close = async () => { await browser.close().catch(() => {}); killServer(); };
  try {
    const page = browser.pages()[0] || await browser.newPage();
    page.setDefaultTimeout(20000);
    await page.goto(`${base}/?folder=${encodeURIComponent(folder)}`, { timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    log('workbench loaded');
    const trust = page.getByRole('button', { name: /Yes, I trust the authors/i });
    try { await trust.waitFor({ timeout: 5000 }); await trust.click(); log('trusted the folder'); } catch (_) { log('no trust prompt'); }
    await sleep(1500);
    return { page, folder, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Opens `name` with Quick Open; returns the editor's locator once its first line is shown. */
async function openFile(page, name) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const qi = page.locator('.quick-input-widget input');
  await qi.waitFor({ timeout: 15000 });
  await qi.fill(name);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line').first().waitFor({ timeout: 15000 });
  log(name, 'open');
  return editor;
}

/** The text of the editor's visible lines. */
async function editorLines(editor) {
  return (await editor.locator('.view-line').allInnerTexts().catch(() => [])).map(norm);
}

module.exports = { Checks, launch, openFile, editorLines, boxOf, log, sleep, norm, env, freePort, httpOk };
