// Copies ../../target/release/dockls (or dockls.exe) into server/ when it exists, so the packaged
// extension carries the server. Without it the .vsix relies on dockls.path or PATH.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const release = path.resolve(root, "..", "..", "target", "release");
let copied = false;
for (const name of ["dockls", "dockls.exe"]) {
  const source = path.join(release, name);
  if (fs.existsSync(source) && fs.statSync(source).isFile()) {
    const serverDir = path.join(root, "server");
    fs.mkdirSync(serverDir, { recursive: true });
    const target = path.join(serverDir, name);
    fs.copyFileSync(source, target);
    fs.chmodSync(target, 0o755);
    console.log(`copied ${source} to ${target}`);
    copied = true;
  }
}
if (!copied) {
  console.log(`no server binary in ${release}; packaging without one (build it with cargo build --release)`);
}
