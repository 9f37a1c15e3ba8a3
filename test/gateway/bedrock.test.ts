// Amazon Bedrock as it really behaves (issue #28), against the fake that checks SigV4 per region:
// credentials from the AWS default chain (temporary keys keep their session token, AWS_PROFILE,
// a task role's container endpoint), one endpoint per region, inference profiles kept to their
// geography, region-specific errors tried in the next region before any fallback, exception frames
// inside the stream mapped to their status, and a blank user message refused before the call.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { renderMetrics } from "@/lib/metrics/prometheus";
import { createModel, createProvider, testProviderConnection } from "@/lib/providers/admin";
import { syncEnvProviders } from "@/lib/providers/env";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";
import { postCompletion, recordOf } from "../helpers/money";
import { parseMetrics, sampleValue } from "../helpers/prometheus";

process.env.UPSTREAM_MAX_RETRIES = "1";
// Nothing here may reach a real AWS credential source (instance metadata, the user's ~/.aws).
const AWS_VARS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "BEDROCK_REGIONS",
  "BEDROCK_ENDPOINT_URL",
  "AWS_BEARER_TOKEN_BEDROCK",
];
const awsDir = mkdtempSync(path.join(tmpdir(), "tollgate-aws-"));
function clearAwsEnv() {
  for (const v of AWS_VARS) delete process.env[v];
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_CONFIG_FILE = path.join(awsDir, "none-config");
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, "none-credentials");
  resetConfig();
}
clearAwsEnv();

const up = await startFakeUpstream();
const backup = await startFakeUpstream();
const template = `${up.url}/{region}`;
const messages = [{ role: "user", content: "hello bedrock" }];
let key = "";
let seq = 0;
const rid = (name: string) => `br-${name}-${++seq}`;

beforeAll(async () => {
  await startApp();
  const keys = { awsAccessKeyId: "AKIDTEST", awsSecretAccessKey: "bedrock-secret" };
  const two = await createProvider({
    name: "br-two",
    kind: "BEDROCK",
    baseUrl: template,
    regions: ["us-east-1", "eu-west-1"],
    ...keys,
  });
  const fixed = await createProvider({
    name: "br-fixed",
    kind: "BEDROCK",
    baseUrl: up.url,
    regions: ["us-east-1", "eu-west-1"],
    ...keys,
  });
  const geo = await createProvider({
    name: "br-geo",
    kind: "BEDROCK",
    baseUrl: template,
    regions: ["eu-west-1", "us-west-2", "ap-southeast-2"],
    ...keys,
  });
  const euOnly = await createProvider({
    name: "br-eu",
    kind: "BEDROCK",
    baseUrl: template,
    regions: ["eu-west-1", "eu-central-1"],
    ...keys,
  });
  const chained = await createProvider({
    name: "br-chain",
    kind: "BEDROCK",
    baseUrl: template,
    regions: ["us-west-2"],
  });
  const other = await createProvider({ name: "br-backup", kind: "OPENAI_COMPATIBLE", baseUrl: `${backup.url}/v1` });
  const price = { inputPrice: "1", outputPrice: "2" };
  await createModel({ publicId: "backup-model", providerId: other.id, upstreamId: "fake-model", ...price });
  await createModel({ publicId: "br", providerId: two.id, upstreamId: "fake", fallbacks: ["backup-model"], ...price });
  await createModel({ publicId: "br-fixed", providerId: fixed.id, upstreamId: "fake", ...price });
  await createModel({
    publicId: "br-us-profile",
    providerId: geo.id,
    upstreamId: "us.fake",
    fallbacks: ["backup-model"],
    ...price,
  });
  await createModel({ publicId: "br-apac-profile", providerId: geo.id, upstreamId: "apac.fake", ...price });
  await createModel({
    publicId: "br-us-on-eu",
    providerId: euOnly.id,
    upstreamId: "us.fake",
    fallbacks: ["backup-model"],
    ...price,
  });
  await createModel({ publicId: "br-chain", providerId: chained.id, upstreamId: "fake", ...price });
  for (const [status, at] of [
    [429, 0],
    [400, 0],
    [424, 0],
    [503, 0],
    [429, 2],
  ]) {
    await createModel({
      publicId: `br-frame-${status}-${at}`,
      providerId: two.id,
      upstreamId: `fake:chunks=4:streamfail=${status}:streamfail-at=${at}`,
      ...price,
    });
  }
  await createModel({ publicId: "br-http-400", providerId: two.id, upstreamId: "fake:fail=400", ...price });
  await createModel({
    publicId: "br-frame-400-fallback",
    providerId: two.id,
    upstreamId: "fake:chunks=4:streamfail=400:streamfail-at=0",
    fallbacks: ["backup-model"],
    ...price,
  });
  ({ key } = await userWithKey({ limits: { balance: 100_000_000n } }));
});
afterAll(async () => {
  await up.close();
  await backup.close();
  rmSync(awsDir, { recursive: true, force: true });
});
beforeEach(() => {
  up.setBehavior({});
  clearAwsEnv();
});

const bedrockCalls = () => up.requests.filter((r) => r.path.includes("/model/"));

async function ask(model: string, opts: { stream?: boolean; content?: unknown } = {}) {
  const requestId = rid(model);
  const res = await postCompletion(
    key,
    {
      model,
      messages: opts.content === undefined ? messages : [{ role: "user", content: opts.content }],
      stream: opts.stream ?? false,
    },
    { requestId },
  );
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text), record: () => recordOf(requestId) };
}

/** The profile `tollgate` in throwaway shared files, with temporary keys the fake knows. */
function useProfile() {
  up.addAwsCredentials([
    { accessKeyId: "ASIAPROFILE", secretAccessKey: "profile-secret", sessionToken: "profile-token" },
  ]);
  const creds = path.join(awsDir, "credentials");
  const conf = path.join(awsDir, "config");
  writeFileSync(
    creds,
    "[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n[tollgate]\naws_access_key_id = ASIAPROFILE\naws_secret_access_key = profile-secret\naws_session_token = profile-token\n",
  );
  writeFileSync(conf, "[profile tollgate]\nregion = us-west-2\n");
  Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: creds, AWS_CONFIG_FILE: conf, AWS_PROFILE: "tollgate" });
}

describe("credentials", () => {
  // First in this block: the next test's environment also makes the provider named "bedrock".
  it("makes the environment's Bedrock provider from AWS_PROFILE alone, signed with the profile's keys", async () => {
    useProfile();
    process.env.BEDROCK_ENDPOINT_URL = template;
    resetConfig();
    await syncEnvProviders();
    const db = await getDb();
    const provider = await db.provider.findUniqueOrThrow({
      where: { name: "bedrock" },
      omit: { awsAccessKeyIdEnc: false },
    });
    expect(provider).toMatchObject({ kind: "BEDROCK", awsAccessKeyIdEnc: null, regions: [] });
    await createModel({
      publicId: "br-profile-env",
      providerId: provider.id,
      upstreamId: "fake",
      inputPrice: "1",
      outputPrice: "2",
    });
    const { res } = await ask("br-profile-env");
    expect(res.status).toBe(200);
    expect(bedrockCalls().at(-1)!.aws).toMatchObject({
      accessKeyId: "ASIAPROFILE",
      region: "us-east-1",
      sessionToken: "profile-token",
    });
  });

  it("signs with temporary keys from the environment and sends their session token", async () => {
    up.addAwsCredentials([
      { accessKeyId: "ASIAENVTEMP", secretAccessKey: "env-temp-secret", sessionToken: "env-session-token" },
    ]);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "ASIAENVTEMP",
      AWS_SECRET_ACCESS_KEY: "env-temp-secret",
      AWS_SESSION_TOKEN: "env-session-token",
      BEDROCK_REGIONS: "us-east-1",
      BEDROCK_ENDPOINT_URL: template,
    });
    resetConfig();
    await syncEnvProviders();
    const db = await getDb();
    const provider = await db.provider.findUniqueOrThrow({
      where: { name: "bedrock" },
      omit: { awsAccessKeyIdEnc: false },
    });
    expect(provider.awsAccessKeyIdEnc).toBeNull(); // the chain reads them where they are, token included
    await createModel({
      publicId: "br-env",
      providerId: provider.id,
      upstreamId: "fake",
      inputPrice: "1",
      outputPrice: "2",
    });
    const { res, json } = await ask("br-env");
    expect(res.status).toBe(200);
    expect(json().choices[0].message.content).toBe("tok0 tok1 tok2 tok3 tok4 ");
    expect(bedrockCalls().at(-1)!.aws).toMatchObject({
      accessKeyId: "ASIAENVTEMP",
      region: "us-east-1",
      sessionToken: "env-session-token",
    });
  });

  it("uses AWS_PROFILE from the shared config and credentials files", async () => {
    useProfile();
    resetConfig();
    const { res } = await ask("br-chain");
    expect(res.status).toBe(200);
    expect(bedrockCalls().at(-1)!.aws).toMatchObject({
      accessKeyId: "ASIAPROFILE",
      region: "us-west-2",
      sessionToken: "profile-token",
    });
  });

  it("uses a task role's container credentials endpoint, fetched once and reused", async () => {
    up.addAwsCredentials([{ accessKeyId: "ASIATASKROLE", secretAccessKey: "task-secret", sessionToken: "task-token" }]);
    let served = 0;
    const endpoint = createServer((req, res) => {
      served++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          AccessKeyId: "ASIATASKROLE",
          SecretAccessKey: "task-secret",
          Token: "task-token",
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v2/credentials/task`;
      resetConfig();
      expect((await ask("br-chain")).res.status).toBe(200);
      expect((await ask("br-chain")).res.status).toBe(200);
      expect(bedrockCalls().at(-1)!.aws).toMatchObject({ accessKeyId: "ASIATASKROLE", sessionToken: "task-token" });
      expect(served).toBe(1);
    } finally {
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    }
  });

  it("uses an EC2 instance role from the instance metadata service (IMDSv2: a session token first)", async () => {
    up.addAwsCredentials([{ accessKeyId: "ASIAINSTANCE", secretAccessKey: "ec2-secret", sessionToken: "ec2-token" }]);
    const seen: string[] = [];
    const imds = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === "PUT" && req.url === "/latest/api/token") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("imds-session");
      }
      if (req.headers["x-aws-ec2-metadata-token"] !== "imds-session") {
        res.writeHead(401);
        return res.end();
      }
      if (req.url === "/latest/meta-data/iam/security-credentials/") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("tollgate-instance-role");
      }
      if (req.url === "/latest/meta-data/iam/security-credentials/tollgate-instance-role") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(
          JSON.stringify({
            Code: "Success",
            Type: "AWS-HMAC",
            AccessKeyId: "ASIAINSTANCE",
            SecretAccessKey: "ec2-secret",
            Token: "ec2-token",
            Expiration: new Date(Date.now() + 3_600_000).toISOString(),
            LastUpdated: new Date().toISOString(),
          }),
        );
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
    try {
      delete process.env.AWS_EC2_METADATA_DISABLED;
      process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
      resetConfig();
      const { res } = await ask("br-chain");
      expect(res.status).toBe(200);
      expect(bedrockCalls().at(-1)!.aws).toMatchObject({
        accessKeyId: "ASIAINSTANCE",
        region: "us-west-2",
        sessionToken: "ec2-token",
      });
      expect(seen).toContain("GET /latest/meta-data/iam/security-credentials/tollgate-instance-role");
    } finally {
      delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
      imds.closeAllConnections();
      await new Promise<void>((resolve) => imds.close(() => resolve()));
    }
  });

  it("without any credentials answers a clear error, not a crash", async () => {
    const { res, json } = await ask("br-chain");
    expect(res.status).toBe(502);
    expect(json().error.message).toMatch(/No AWS credentials for Bedrock/);
  });
});

describe("connection test (ListFoundationModels)", () => {
  it("lists the first region's foundation models with the provider's keys, or says why not", async () => {
    const db = await getDb();
    const two = await db.provider.findUniqueOrThrow({ where: { name: "br-two" } });
    expect(await testProviderConnection(two.id)).toMatchObject({ ok: true, models: 3 });
    expect(up.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/us-east-1/foundation-models",
      query: { byOutputModality: "TEXT" },
      aws: { region: "us-east-1" },
    });
    const wrong = await createProvider({
      name: "br-wrong",
      kind: "BEDROCK",
      baseUrl: template,
      regions: ["eu-west-1"],
      awsAccessKeyId: "AKIDTEST",
      awsSecretAccessKey: "not-it",
    });
    const failed = await testProviderConnection(wrong.id);
    expect(failed).toMatchObject({ ok: false, models: 0 });
    expect(failed.error).toMatch(
      /br-wrong in eu-west-1 answered 403 InvalidSignatureException: The request signature we calculated does not match/,
    );
  });

  it("signs with the default chain's session token too", async () => {
    up.addAwsCredentials([{ accessKeyId: "ASIALIST", secretAccessKey: "list-secret", sessionToken: "list-token" }]);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "ASIALIST",
      AWS_SECRET_ACCESS_KEY: "list-secret",
      AWS_SESSION_TOKEN: "list-token",
    });
    resetConfig();
    const db = await getDb();
    const chained = await db.provider.findUniqueOrThrow({ where: { name: "br-chain" } });
    expect(await testProviderConnection(chained.id)).toMatchObject({ ok: true, models: 3 });
    expect(up.requests.at(-1)!.aws).toMatchObject({
      accessKeyId: "ASIALIST",
      region: "us-west-2",
      sessionToken: "list-token",
    });
  });
});

describe("regions", () => {
  it("calls each region at its own endpoint, signed for that region", async () => {
    up.setBehavior({ failNext: { status: 429, count: 1 } });
    const before = bedrockCalls().length;
    const { res, record } = await ask("br");
    expect(res.status).toBe(200);
    const calls = bedrockCalls().slice(before);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.region)).toEqual(calls.map((c) => c.aws!.region));
    expect(new Set(calls.map((c) => c.region)).size).toBe(2);
    expect(calls.map((c) => c.path)).toEqual(calls.map((c) => `/${c.region}/model/fake/converse-stream`));
    expect((await record()).region).toBe(calls[1].region);
  });

  it("keeps a fixed endpoint (no {region} in its URL) to one region, so retries stay signable", async () => {
    up.setBehavior({ failNext: { status: 429, count: 1 } });
    const before = bedrockCalls().length;
    const { res, record } = await ask("br-fixed");
    expect(res.status).toBe(200);
    const calls = bedrockCalls().slice(before);
    expect(calls.map((c) => [c.region, c.aws!.region, c.status])).toEqual([
      ["us-east-1", "us-east-1", 429],
      ["us-east-1", "us-east-1", 200],
    ]);
    expect((await record()).region).toBe("us-east-1");
  });

  it("tries an inference profile only in its own geography", async () => {
    const before = bedrockCalls().length;
    for (let i = 0; i < 3; i++) {
      const { res, record } = await ask("br-us-profile");
      expect(res.status).toBe(200);
      expect(await record()).toMatchObject({ model: "br-us-profile", region: "us-west-2", attempts: 1 });
    }
    expect(
      bedrockCalls()
        .slice(before)
        .map((c) => c.region),
    ).toEqual(["us-west-2", "us-west-2", "us-west-2"]);
    expect((await ask("br-apac-profile")).res.status).toBe(200);
    expect(bedrockCalls().at(-1)!.region).toBe("ap-southeast-2");
  });

  it("skips a profile with no configured region in its geography, saying why, without calling AWS", async () => {
    const before = up.requests.length;
    const backupBefore = backup.requests.length;
    const { res, record } = await ask("br-us-on-eu");
    expect(res.status).toBe(200); // the fallback serves it
    expect(up.requests.length).toBe(before);
    expect(backup.requests.length).toBe(backupBefore + 1);
    expect((await record()).model).toBe("backup-model");
  });

  it.each(["invalid", "denied"] as const)(
    "moves on to the next region when the model is %s in one, before any fallback",
    async (access) => {
      up.setBehavior({ bedrockModelAccess: { "us-east-1": access } });
      const backupBefore = backup.requests.length;
      // Whichever region the rotation starts with, the request is served by Bedrock in eu-west-1.
      for (let i = 0; i < 2; i++) {
        const before = bedrockCalls().length;
        const { res, record } = await ask("br");
        expect(res.status).toBe(200);
        const r = await record();
        expect(r).toMatchObject({ model: "br", region: "eu-west-1" });
        expect(bedrockCalls().slice(before).at(-1)!.region).toBe("eu-west-1");
      }
      expect(backup.requests.length).toBe(backupBefore);
    },
  );
});

describe("errors", () => {
  it("maps a throttlingException frame to a 429 that is retried in the next region and counted as throttling", async () => {
    const count = async (kind: string) =>
      sampleValue(parseMetrics((await renderMetrics()).body), "tollgate_upstream_errors_total", {
        provider: "br-two",
        kind,
      });
    const counted = { throttled: await count("http_429"), network: await count("network") };
    const before = bedrockCalls().length;
    const { res, json, record } = await ask("br-frame-429-0", { stream: true });
    expect(res.status).toBe(429);
    expect(json().error.code).toBe("rate_limit_exceeded");
    expect(bedrockCalls().length - before).toBe(2);
    expect((await record()).error).toMatch(/rate limiting \(after 2 attempts\)/);
    expect(await count("http_429")).toBe(counted.throttled + 2);
    expect(await count("network")).toBe(counted.network);
  });

  it("maps a validationException frame to a 400 with AWS's message, not retried", async () => {
    const before = bedrockCalls().length;
    const { res, json } = await ask("br-frame-400-0");
    expect(res.status).toBe(400);
    expect(json().error.message).toMatch(/validationException: Input is too long for requested model\./);
    expect(bedrockCalls().length - before).toBe(1);
  });

  it("hands a validationException frame to the model's fallback, without trying another region", async () => {
    const before = bedrockCalls().length;
    const backupBefore = backup.requests.length;
    const { res, record } = await ask("br-frame-400-fallback");
    expect(res.status).toBe(200);
    expect(bedrockCalls().length - before).toBe(1);
    expect(backup.requests.length).toBe(backupBefore + 1);
    expect(await record()).toMatchObject({ model: "backup-model", attempts: 2 });
  });

  it.each([
    [424, /424 modelStreamErrorException: The model produced an error while streaming/],
    [503, /503 serviceUnavailableException: Bedrock is unable to process your request/],
  ])("retries a %s exception frame in the next region, and reports AWS's message", async (status, message) => {
    const before = bedrockCalls().length;
    const { res, json } = await ask(`br-frame-${status}-0`);
    expect(res.status).toBe(502);
    expect(json().error.message).toMatch(message);
    expect(json().error.message).toMatch(/after 2 attempts/);
    const calls = bedrockCalls().slice(before);
    expect(new Set(calls.map((c) => c.region)).size).toBe(2);
  });

  it("keeps the exception of a frame that arrives mid-stream on the record", async () => {
    const { res, text, record } = await ask("br-frame-429-2", { stream: true });
    expect(res.status).toBe(200);
    expect(text).toContain("tok0 ");
    expect(text).toMatch(/Too many tokens, please wait before trying again/);
    const r = await record();
    expect(r.error).toMatch(/throttlingException: Too many tokens/);
    expect(r.completionTokens).toBe(2);
  });

  it("reads the exception type from x-amzn-ErrorType on an HTTP error", async () => {
    const { res, json } = await ask("br-http-400");
    expect(res.status).toBe(400);
    expect(json().error.message).toMatch(/400 ValidationException: fake failure/);
  });

  it.each([[""], ["   "], [[{ type: "text", text: "" }]]])(
    "refuses an empty user message (%j) with a 400 before calling Bedrock",
    async (content) => {
      const before = up.requests.length;
      const { res, json } = await ask("br", { content });
      expect(res.status).toBe(400);
      expect(json().error.message).toMatch(/messages\[0\]\.content: a user message may not be empty/);
      expect(up.requests.length).toBe(before);
    },
  );
});
