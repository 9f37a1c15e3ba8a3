// deploy/k8s stays valid without a cluster: every manifest is checked against the Kubernetes API's
// own schemas (kubernetes-models), and the pieces agree with each other, with the image and with
// the configuration schema.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { envVarNames } from "@/lib/config";

const dir = path.resolve(import.meta.dirname, "../../deploy/k8s");
const dockerfile = readFileSync(path.resolve(import.meta.dirname, "../../Dockerfile"), "utf8");

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: unknown;
};
const models: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
const manifests = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(dir, file), "utf8")).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return { file, m: doc.toJS() as Manifest };
  }),
);
const one = <T = Manifest>(kind: string) => manifests.find((x) => x.m.kind === kind)!.m as T;

describe("deploy/k8s", () => {
  it("validates every object against the Kubernetes schemas", () => {
    const objects = manifests.filter((x) => x.m.kind !== "Kustomization");
    expect(objects.map((x) => x.m.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Job",
      "PodDisruptionBudget",
      "Secret",
      "Service",
    ]);
    for (const { file, m } of objects) {
      const Model = models[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${file}: ${m.apiVersion} ${m.kind}`).toBeDefined();
      expect(() => new Model(m as never).validate(), file).not.toThrow();
    }
  });

  it("the schema check catches a broken manifest", () => {
    const broken = structuredClone(one("Deployment")) as {
      spec: { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } };
    };
    broken.spec.template.spec.containers[0].ports[0].containerPort = "http";
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it("probes readiness on /api/ready and liveness on /api/health, as the image's user", () => {
    type Pod = {
      securityContext: { runAsUser: number };
      containers: Array<{
        readinessProbe: { httpGet: { path: string } };
        livenessProbe: { httpGet: { path: string } };
        envFrom: Array<Record<string, { name: string }>>;
      }>;
    };
    const pod = one<{ spec: { template: { spec: Pod } } }>("Deployment").spec.template.spec;
    const [c] = pod.containers;
    expect(c.readinessProbe.httpGet.path).toBe("/api/ready");
    expect(c.livenessProbe.httpGet.path).toBe("/api/health");
    expect(dockerfile).toContain(`--uid ${pod.securityContext.runAsUser} `);
    expect(c.envFrom.map((e) => Object.keys(e)[0] + ":" + Object.values(e)[0].name).sort()).toEqual([
      "configMapRef:tollgate",
      "secretRef:tollgate",
    ]);
  });

  it("passes only variables the configuration knows", () => {
    const keys = [
      ...Object.keys(one<{ data: object }>("ConfigMap").data),
      ...Object.keys(one<{ stringData: object }>("Secret").stringData),
    ];
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((k) => !envVarNames.includes(k))).toEqual([]);
  });

  it("points the Service, autoscaler and disruption budget at the Deployment's pods", () => {
    const deployment = one<{
      metadata: { name: string };
      spec: { template: { metadata: { labels: Record<string, string> } } };
    }>("Deployment");
    const labels = deployment.spec.template.metadata.labels;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(one<{ spec: { selector: Record<string, string> } }>("Service").spec.selector)).toBe(true);
    expect(
      matches(
        one<{ spec: { selector: { matchLabels: Record<string, string> } } }>("PodDisruptionBudget").spec.selector
          .matchLabels,
      ),
    ).toBe(true);
    expect(
      one<{ spec: { scaleTargetRef: { kind: string; name: string } } }>("HorizontalPodAutoscaler").spec.scaleTargetRef,
    ).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
  });

  it("runs the migration Job from the Dockerfile's tools stage, and the kustomization names files that exist", () => {
    expect(dockerfile).toMatch(/^FROM build AS tools$/m);
    const job = one<{ spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }>("Job");
    expect(job.spec.template.spec.containers[0].args).toEqual(["db", "migrate"]);
    const kustomization = one<{ resources: string[] }>("Kustomization");
    for (const file of kustomization.resources) expect(existsSync(path.join(dir, file)), file).toBe(true);
  });
});
