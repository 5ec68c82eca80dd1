// Drives code-server (the real VS Code workbench) in Debian's Chromium with playwright-core and
// checks the dockls extension: squiggle, Problems entry, hover, completion, one quick-fix, and a
// finding in the shell of a RUN with its quick-fix.
// Started by run.sh, which sets DOCKLS_BIN, DOCKLS_VSIX, DOCKLS_ART, CODE_SERVER, NODE_PATH.
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BIN = process.env.DOCKLS_BIN;
const VSIX = process.env.DOCKLS_VSIX;
const ART = process.env.DOCKLS_ART;
const CS = process.env.CODE_SERVER;
const T0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

const results = [];
function record(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${detail ? ' - ' + detail : ''}`);
}

const { freePort, httpOk, sleep, boxOf, norm } = require('./workbench');

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockls-vscode-'));
  const userData = path.join(tmp, 'user-data');
  const extDir = path.join(tmp, 'extensions');
  const folder = path.join(tmp, 'project');
  const chromeData = path.join(tmp, 'chromium');
  for (const d of [userData, extDir, folder, chromeData, path.join(userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(folder, 'Dockerfile'), 'FROM alpine:3.19\nRUN apk add curl\nRUN echo done\nRUM echo hi\n');
  fs.writeFileSync(path.join(folder, 'Dockerfile.shell'), 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n');
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'dockls.path': BIN,
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
    'editor.hover.delay': 300,
    'files.autoSave': 'off',
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  }, null, 2));
  const csArgs = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', userData, '--extensions-dir', extDir,
    '--config', path.join(tmp, 'config.yaml')];

  log('installing', VSIX);
  const out = execFileSync(CS, [...csArgs, '--install-extension', VSIX], { encoding: 'utf8', timeout: 120000 });
  log(out.trim().split('\n').slice(-2).join(' | '));
  const installed = fs.readdirSync(extDir).filter((n) => n.startsWith('dockls.'));
  record('extension installed with --install-extension', installed.length > 0, installed.join(','));

  const port = await freePort();
  const csLog = fs.openSync(path.join(ART, 'code-server.log'), 'w');
  const server = spawn(CS, [...csArgs, '--bind-addr', `127.0.0.1:${port}`, folder], {
    stdio: ['ignore', csLog, csLog], detached: true, env: { ...process.env, PASSWORD: undefined },
  });
  const killServer = () => { try { process.kill(-server.pid, 'SIGTERM'); } catch (_) {} };
  process.on('exit', killServer);
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 120 && !up; i++) { up = await httpOk(base + '/healthz'); if (!up) await sleep(500); }
  if (!up) throw new Error('code-server did not come up in 60 s');
  log('code-server up on', base);

  const browser = await chromium.launchPersistentContext(chromeData, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    timeout: 60000,
  });
  try {
    const page = browser.pages()[0] || await browser.newPage();
    page.setDefaultTimeout(20000);
    await page.goto(`${base}/?folder=${encodeURIComponent(folder)}`, { timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    log('workbench loaded');
    // Trust the folder if asked.
    const trust = page.getByRole('button', { name: /Yes, I trust the authors/i });
    try { await trust.waitFor({ timeout: 5000 }); await trust.click(); log('trusted the folder'); } catch (_) { log('no trust prompt'); }
    await sleep(1500);

    // Open the Dockerfile with Quick Open.
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const qi = page.locator('.quick-input-widget input');
    await qi.waitFor({ timeout: 15000 });
    await qi.fill('Dockerfile');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-line').first().waitFor({ timeout: 15000 });
    log('Dockerfile open');
    const line = (re) => editor.locator('.view-line').filter({ hasText: re }).first();

    // 1. Squiggle.
    let squiggle = false;
    try { await editor.locator('.squiggly-error').first().waitFor({ timeout: 45000 }); squiggle = true; } catch (_) {}
    await page.screenshot({ path: path.join(ART, '1-squiggle.png') });
    record('error squiggle in the editor', squiggle);
    if (!squiggle) {
      // Show what the extension's output channel said (server start errors land there).
      const find = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? find(path.join(d, e.name)) : /dockls\.log$/.test(e.name) ? [path.join(d, e.name)] : []);
      for (const f of find(path.join(userData, 'logs'))) {
        const text = fs.readFileSync(f, 'utf8');
        fs.copyFileSync(f, path.join(ART, 'dockls-output.log'));
        console.log('--- dockls output channel (' + f + '):\n' + text.split('\n').slice(0, 25).join('\n'));
      }
    }

    // 2. Problems panel.
    await page.keyboard.press('Control+Shift+M');
    let problems = '';
    try {
      const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /unknown instruction|RUM/i }).first();
      await row.waitFor({ timeout: 15000 });
      problems = norm(await row.innerText());
    } catch (_) {
      problems = norm(await page.locator('.markers-panel').innerText().catch(() => ''));
    }
    await page.screenshot({ path: path.join(ART, '2-problems.png') });
    record('Problems panel has an entry about `RUM` / unknown instruction', /unknown instruction/i.test(problems) && /RUM/.test(problems), JSON.stringify(problems.slice(0, 200)));

    // 3. Hover over RUN on line 2.
    await editor.locator('.view-lines').click();
    let hoverText = '';
    try {
      const l2 = line(/^RUN\sapk\sadd\scurl/);
      const box = await boxOf(l2.locator('span span').first(), 'the RUN keyword on line 2');
      await page.mouse.move(box.x + 8, box.y + box.height / 2);
      await sleep(200);
      await page.mouse.move(box.x + 12, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).first();
      await hover.waitFor({ state: 'visible', timeout: 15000 });
      await page.waitForFunction(() => /layer/i.test([...document.querySelectorAll('.monaco-hover')].map((e) => e.innerText).join(' ')), null, { timeout: 15000 }).catch(() => {});
      hoverText = norm(await page.locator('.monaco-hover').allInnerTexts().then((a) => a.join('\n')));
    } catch (e) { log('hover:', e.message.split('\n')[0]); }
    await page.screenshot({ path: path.join(ART, '3-hover.png') });
    record('hover on `RUN` (line 2) mentions "layer"', /layer/i.test(hoverText), JSON.stringify(hoverText.slice(0, 160)));
    await page.mouse.move(1300, 850);
    await page.keyboard.press('Escape');

    // 4. Completion on the empty last line.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+Space');
    let labels = [];
    try {
      const sw = page.locator('.editor-widget.suggest-widget.visible');
      await sw.waitFor({ timeout: 15000 });
      await sw.locator('.monaco-list-row').first().waitFor({ timeout: 15000 });
      labels = (await sw.locator('.monaco-list-row .label-name').allInnerTexts()).map(norm);
    } catch (e) { log('completion:', e.message.split('\n')[0]); }
    await page.screenshot({ path: path.join(ART, '4-completion.png') });
    record('completion on an empty line offers `COPY`', labels.includes('COPY'), labels.slice(0, 12).join(','));
    await page.keyboard.press('Escape');

    // 5. Quick-fix on RUM.
    let fixed = false, after = '';
    try {
      const l4 = line(/^RUM\s/);
      const box = await boxOf(l4.locator('span span').first(), 'the RUM keyword on line 4');
      await page.mouse.click(box.x + 6, box.y + box.height / 2);
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row').filter({ hasText: 'Change to `RUN`' }).first();
      await item.waitFor({ timeout: 15000 });
      await page.screenshot({ path: path.join(ART, '5-quickfix-menu.png') });
      const ib = await boxOf(item, 'the quick fix');
      await page.mouse.move(ib.x + ib.width / 2, ib.y + ib.height / 2);
      await sleep(300);
      await page.mouse.click(ib.x + ib.width / 2, ib.y + ib.height / 2);
      await page.waitForFunction(() => [...document.querySelectorAll('.editor-instance .view-line')].some((e) => e.innerText.replace(/\u00a0/g, ' ') === 'RUN echo hi'), null, { timeout: 15000 });
      after = norm((await editor.locator('.view-line').allInnerTexts()).join('\n'));
      fixed = !/RUM/.test(after);
    } catch (e) {
      log('quick-fix:', e.message.split('\n')[0]);
      after = norm((await editor.locator('.view-line').allInnerTexts().catch(() => [])).join('\n'));
    }
    await page.mouse.move(1300, 850);
    await sleep(500);
    await page.screenshot({ path: path.join(ART, '6-after-fix.png') });
    record('quick-fix "Change to `RUN`" makes line 4 read `RUN echo hi`', fixed, JSON.stringify(after));

    // 6. A finding in the shell of a RUN (apt-get-install-recommends, on `install`) and its
    // quick-fix, in a second file.
    const shellFixed = 'RUN apt-get update && apt-get install --no-install-recommends -y curl';
    let shellFinding = false, shellAfter = '';
    try {
      await page.keyboard.press('Control+P');
      await qi.waitFor({ timeout: 15000 });
      await qi.fill('Dockerfile.shell');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Dockerfile.shell' }).first().waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      const l2 = line(/^RUN\sapt-get\supdate/);
      await l2.waitFor({ timeout: 15000 });
      await editor.locator('.squiggly-info').first().waitFor({ timeout: 45000 });
      shellFinding = true;
      await page.screenshot({ path: path.join(ART, '7-shell-finding.png') });
      // The cursor into `install` (columns 30 to 37 of line 2), then the quick-fix menu.
      const box = await boxOf(l2.locator('span span').first(), 'the RUN keyword on line 2');
      await page.mouse.click(box.x + 6, box.y + box.height / 2);
      await page.keyboard.press('Home');
      for (let i = 0; i < 32; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row').filter({ hasText: 'Add `--no-install-recommends`' }).first();
      await item.waitFor({ timeout: 15000 });
      await page.screenshot({ path: path.join(ART, '8-shell-quickfix-menu.png') });
      const ib = await boxOf(item, 'the shell quick fix');
      await page.mouse.move(ib.x + ib.width / 2, ib.y + ib.height / 2);
      await sleep(300);
      await page.mouse.click(ib.x + ib.width / 2, ib.y + ib.height / 2);
      await page.waitForFunction((want) => [...document.querySelectorAll('.editor-instance .view-line')].some((e) => e.innerText.replace(/\u00a0/g, ' ') === want), shellFixed, { timeout: 15000 });
      shellAfter = norm((await editor.locator('.view-line').allInnerTexts()).join('\n'));
    } catch (e) {
      log('shell quick-fix:', e.message.split('\n')[0]);
      shellAfter = norm((await editor.locator('.view-line').allInnerTexts().catch(() => [])).join('\n'));
    }
    await page.mouse.move(1300, 850);
    await sleep(500);
    await page.screenshot({ path: path.join(ART, '9-after-shell-fix.png') });
    record('shell finding (info squiggle) on `apt-get install` without --no-install-recommends', shellFinding);
    record('quick-fix "Add `--no-install-recommends`" rewrites the RUN', shellAfter.split('\n').includes(shellFixed), JSON.stringify(shellAfter));
  } finally {
    await browser.close().catch(() => {});
    killServer();
  }
}

const deadline = setTimeout(() => { console.log('FAIL: overall timeout (240 s)'); process.exit(2); }, 240000);
main().then(() => {
  clearTimeout(deadline);
  const failed = results.filter((r) => !r.ok).length;
  log(`${results.length - failed}/${results.length} checks passed; screenshots in ${ART}`);
  process.exit(failed || results.length < 8 ? 1 : 0);
}, (e) => {
  clearTimeout(deadline);
  console.log('FAIL: ' + (e && e.stack || e));
  process.exit(1);
});
