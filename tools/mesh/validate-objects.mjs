// Validates rendered Kubernetes objects (JSON files named on the command
// line, one object each) with the validators the npm packages
// @kubernetes-models/istio and kubernetes-models generate from the
// published CRD and API schemas: Istio's WasmPlugin, ServiceEntry,
// DestinationRule, VirtualService, Sidecar, Gateway, PeerAuthentication and
// AuthorizationPolicy, Telemetry and IstioOperator, and Kubernetes'
// NetworkPolicy. The mesh tests copy
// this script next to the packages (target/mesh-npm/) and run it with node;
// it prints one line per file and exits 1 if any is invalid.
import { readFileSync } from "node:fs";
import { WasmPlugin } from "@kubernetes-models/istio/extensions.istio.io/v1alpha1/WasmPlugin";
import {
  DestinationRule,
  Gateway,
  ServiceEntry,
  Sidecar,
  VirtualService,
} from "@kubernetes-models/istio/networking.istio.io/v1";
import {
  AuthorizationPolicy,
  PeerAuthentication,
} from "@kubernetes-models/istio/security.istio.io/v1";
import { Telemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry";
import { IstioOperator } from "@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";

const models = [
  WasmPlugin,
  ServiceEntry,
  DestinationRule,
  VirtualService,
  Sidecar,
  Gateway,
  PeerAuthentication,
  AuthorizationPolicy,
  Telemetry,
  IstioOperator,
  NetworkPolicy,
];

let failed = 0;
for (const path of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  try {
    const model = models.find(
      (m) => m.apiVersion === manifest.apiVersion && m.kind === manifest.kind,
    );
    if (!model) {
      throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
    }
    new model(manifest).validate();
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
