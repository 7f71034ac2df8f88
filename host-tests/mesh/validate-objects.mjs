// Validates rendered WasmPlugin manifests (JSON files named on the command
// line) with the validator the npm package @kubernetes-models/istio
// generates from Istio's published WasmPlugin CRD schema. The mesh tests
// copy this script next to the package (target/mesh-npm/) and run it with
// node; it prints one line per problem and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { WasmPlugin } from "@kubernetes-models/istio/extensions.istio.io/v1alpha1/WasmPlugin";

let failed = 0;
for (const path of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  try {
    if (manifest.apiVersion !== WasmPlugin.apiVersion || manifest.kind !== WasmPlugin.kind) {
      throw new Error(`not a ${WasmPlugin.apiVersion} ${WasmPlugin.kind}`);
    }
    new WasmPlugin(manifest).validate();
    console.log(`${path}: ok`);
  } catch (e) {
    failed++;
    const details = (e.details ?? e.errors ?? [])
      .map((d) => `${d.instancePath} ${d.message}`)
      .join("; ");
    console.log(`${path}: ${e.message}${details ? ` (${details})` : ""}`);
  }
}
process.exit(failed ? 1 : 0);
