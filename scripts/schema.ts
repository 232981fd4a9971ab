// `npm run schema`: writes schema.json and docs/api/ from the resource specs and zod input schemas.
import * as fs from "fs";
import * as path from "path";
import { apiPages, packageSchema } from "../provider/resources/schema/packageSchema";

const root = path.resolve(__dirname, "..");
const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const schema = packageSchema(version);
fs.writeFileSync(path.join(root, "schema.json"), `${JSON.stringify(schema, null, 2)}\n`);
const dir = path.join(root, "docs", "api");
fs.mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(apiPages(schema))) fs.writeFileSync(path.join(dir, file), text);
process.stdout.write(`wrote schema.json and docs/api/ (${Object.keys(schema.resources as object).length} resources)\n`);
