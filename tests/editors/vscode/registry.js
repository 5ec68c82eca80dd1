// Registry features of the dockls extension in the real VS Code workbench, against Debian's
// docker-registry started on 127.0.0.1 by tests/editors/registry.py (team/app: 2.0 and latest an
// OCI index of two platforms, 1.0 one manifest):
//   1. Ctrl+Space after `FROM HOST/team/app:` lists exactly 2.0, 1.0, latest, in that order, and
//      accepting the first writes `FROM HOST/team/app:2.0`;
//   2. on a new line, Ctrl+Space after `FROM ` offers the images the workspace uses (this file's
//      and the Containerfile's);
//   3. the quick fix "Pin to the digest the tag points at now" on `FROM HOST/team/app` makes the
//      line `FROM HOST/team/app:latest@DIGEST`, DIGEST being the index digest the registry reported.
// Started by run.sh after e2e.js.
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const readline = require('readline');
const { Checks, launch, openFile, editorLines, boxOf, log, sleep, norm, env } = require('./workbench');

const REPO = path.resolve(__dirname, '../../..');

/** Starts the test registry; resolves to `{ host, index, stop }` once it has been filled. */
function startRegistry() {
  const child = spawn('python3', [path.join(REPO, 'tests/editors/registry.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const stop = () => { try { child.stdin.end(); } catch (_) {} };
  process.on('exit', () => { try { child.kill('SIGTERM'); } catch (_) {} });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error('the test registry did not start in 60 s')); }, 60000);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const [host, index] = line.trim().split(/\s+/);
      resolve({ host, index, stop });
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`registry.py exited with ${code}`)); });
  });
}

/** The labels of the open suggest widget, top to bottom; [] when it shows none. */
async function suggestions(page) {
  const sw = page.locator('.editor-widget.suggest-widget.visible');
  try {
    await sw.locator('.monaco-list-row').first().waitFor({ timeout: 3000 });
  } catch (_) {
    return [];
  }
  const rows = await sw.locator('.monaco-list-row').evaluateAll((els) => els
    .map((e) => ({ top: parseFloat(e.style.top) || 0, label: (e.querySelector('.label-name') || e).innerText })));
  return rows.sort((a, b) => a.top - b.top).map((r) => norm(r.label));
}

async function completion(checks, page, host) {
  const editor = await openFile(page, 'Dockerfile');
  const line = `FROM ${host}/team/app:`;
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  // The first answer comes from an empty cache (isIncomplete) while the server asks the
  // registry; asking again shows what it found.
  let labels = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Control+Space');
    labels = await suggestions(page);
    if (labels.length > 0) break;
    await page.keyboard.press('Escape');
    await sleep(500);
  }
  await page.screenshot({ path: path.join(env.art, 'registry-1-tags.png') });
  checks.record('tag completion lists the registry\'s tags, newest first', labels.join(' ') === '2.0 1.0 latest', labels.join(','));
  await page.keyboard.press('Enter');
  let after = [];
  try {
    await page.waitForFunction((want) => [...document.querySelectorAll('.editor-instance .view-line')]
      .some((e) => e.innerText.replace(/\u00a0/g, ' ') === want), `${line}2.0`, { timeout: 10000 });
  } catch (_) { /* reported below */ }
  after = await editorLines(editor);
  checks.record('accepting the first tag writes it after the colon', after.includes(`${line}2.0`), JSON.stringify(after));
  await page.keyboard.press('Control+S');

  // A second FROM: the images the workspace uses, from this document and from the
  // Containerfile on disk (found by the server's walk in the background, so ask again until
  // it has run).
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('FROM ');
  const wanted = [`${host}/team/app:2.0`, `${host}/team/app`];
  labels = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Control+Space');
    labels = await suggestions(page);
    if (wanted.every((w) => labels.includes(w))) break;
    await page.keyboard.press('Escape');
    await sleep(500);
  }
  await page.screenshot({ path: path.join(env.art, 'registry-1b-workspace-images.png') });
  checks.record('after `FROM ` the images of the workspace are offered', wanted.every((w) => labels.includes(w)), labels.join(','));
  await page.keyboard.press('Escape');
}

async function pin(checks, page, host, index) {
  const editor = await openFile(page, 'Containerfile');
  const expected = `FROM ${host}/team/app:latest@${index}`;
  let after = [];
  try {
    // The untagged image gets a finding (and its quick fixes) once the server has analysed it.
    await editor.locator('.squiggly-warning, .squiggly-info, .squiggly-hint, .squiggly-error').first()
      .waitFor({ state: 'attached', timeout: 45000 });
    const image = editor.locator('.view-line').filter({ hasText: 'team/app' }).first();
    const box = await boxOf(image, 'the FROM line');
    // On the image, past `FROM `.
    await page.mouse.click(box.x + 80, box.y + box.height / 2);
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row')
      .filter({ hasText: 'Pin to the digest' }).first();
    await item.waitFor({ timeout: 15000 });
    await page.screenshot({ path: path.join(env.art, 'registry-2-pin-menu.png') });
    const ib = await boxOf(item, 'the pin quick fix');
    await page.mouse.move(ib.x + ib.width / 2, ib.y + ib.height / 2);
    await sleep(300);
    await page.mouse.click(ib.x + ib.width / 2, ib.y + ib.height / 2);
    await page.waitForFunction((want) => [...document.querySelectorAll('.editor-instance .view-line')]
      .some((e) => e.innerText.replace(/\u00a0/g, ' ') === want), expected, { timeout: 15000 });
  } catch (e) {
    log('pin:', e.message.split('\n')[0]);
  }
  after = await editorLines(editor);
  await page.screenshot({ path: path.join(env.art, 'registry-3-pinned.png') });
  checks.record('the pin fix writes the index digest the registry reports', after.includes(expected), JSON.stringify(after));
}

async function main(checks) {
  const registry = await startRegistry();
  log('test registry at', registry.host, 'index', registry.index);
  try {
    const { page, close } = await launch(checks, {
      Dockerfile: `FROM ${registry.host}/team/app:\n`,
      Containerfile: `FROM ${registry.host}/team/app\n`,
    }, {
      'dockls.registry.network': true,
      'dockls.registry.insecure': [registry.host],
      'dockls.registry.timeout': 5,
    });
    try {
      await completion(checks, page, registry.host);
      await pin(checks, page, registry.host, registry.index);
    } finally {
      await close();
    }
  } finally {
    registry.stop();
  }
}

const checks = new Checks();
const deadline = setTimeout(() => { console.log('FAIL: overall timeout (240 s)'); process.exit(2); }, 240000);
main(checks).then(() => {
  clearTimeout(deadline);
  process.exit(checks.status(5));
}, (e) => {
  clearTimeout(deadline);
  console.log('FAIL: ' + (e && e.stack || e));
  process.exit(1);
});
