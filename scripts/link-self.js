// Makes this repository usable as its own dependency, as it is in a user's project after `npm install`:
// - `require("pulumi-cloudstack-kubernetes")` resolves (the serialized provider shim and the examples import
//   the package by name, and Node's self-reference does not apply to code loaded from a string, which is
//   how the dynamic-provider host loads providers);
// - `npx cloudstack-sim` finds the package's own bin (npm links only dependencies' bins).
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const pkg = require(path.join(root, "package.json"));

function ensureLink(link, target) {
  try {
    const st = fs.lstatSync(link);
    if (st.isSymbolicLink() && fs.readlinkSync(link) === target) return;
    fs.rmSync(link, { recursive: true, force: true });
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link);
}

ensureLink(path.join(root, "node_modules", pkg.name), "..");
for (const [name, file] of Object.entries(pkg.bin || {})) {
  ensureLink(path.join(root, "node_modules", ".bin", name), path.join("..", pkg.name, file));
}
