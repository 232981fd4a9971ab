// Copies the non-TypeScript files the runtime needs (API parameter table, node scripts) into dist/.
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const assets = [
  ["simulator/api/commands.json", "dist/simulator/api/commands.json"],
  ["provider/kubernetes/scripts", "dist/provider/kubernetes/scripts"],
];
for (const [from, to] of assets) {
  const src = path.join(root, from);
  if (!fs.existsSync(src)) continue;
  fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
  fs.cpSync(src, path.join(root, to), { recursive: true });
}
