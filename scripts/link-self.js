// Makes `require("pulumi-cloudstack-kubernetes")` resolve inside this repository, as it does in a user's
// project after `npm install`. The serialized provider shim and the examples import the package by name,
// and Node's self-reference does not apply to code loaded from a string (the dynamic-provider host).
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", require(path.join(root, "package.json")).name);
try {
  const st = fs.lstatSync(link);
  if (st.isSymbolicLink() && path.resolve(path.dirname(link), fs.readlinkSync(link)) === root) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // not there yet
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
