// Amazon Bedrock runtime, Converse API: POST /model/{modelId}/converse and /converse-stream, as
// bedrock-runtime.<region>.amazonaws.com answers them (Smithy restJson1 + vnd.amazon.eventstream).
//
// One fake serves every region: `/{region}/model/...` is the host of that region (a provider
// base URL `http://127.0.0.1:PORT/{region}`); a path without a region is options.region
// (default us-east-1). Like AWS, it checks each request's SigV4 signature: the credential scope
// must name this endpoint's region and the "bedrock" service, the key must be known, a temporary
// key must carry its X-Amz-Security-Token (and sign it), and the signature must match.
// Errors carry AWS's `x-amzn-ErrorType` ("Name:http://internal.amazon.com/coral/<namespace>/")
// and a {"message"} body; failures inside a stream are exception frames.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { URLSearchParams } from "node:url";
import { planReply, promptTokens, TOOL_ARG_PIECES, TOOL_ARGS } from "./directives.mjs";
import { encodeEventStreamMessage } from "./eventstream.mjs";

/** Keys the fake knows from the start (the test helpers' Bedrock provider). */
export const DEFAULT_AWS_KEYS = [{ accessKeyId: "AKIDTEST", secretAccessKey: "bedrock-secret" }];
export const DEFAULT_BEDROCK_REGION = "us-east-1";

const BEDROCK_NS = "http://internal.amazon.com/coral/com.amazon.bedrock/";
const CORAL_NS = "http://internal.amazon.com/coral/com.amazon.coral.service/";

/** The exception for an HTTP status, as Bedrock names it. */
export function bedrockErrorType(status) {
  if (status === 429) return "ThrottlingException";
  if (status === 503) return "ServiceUnavailableException";
  if (status === 408) return "ModelTimeoutException";
  if (status === 424) return "ModelErrorException";
  if (status >= 500) return "InternalServerException";
  if (status === 401 || status === 403) return "AccessDeniedException";
  if (status === 404) return "ResourceNotFoundException";
  return "ValidationException";
}

function awsError(ctx, status, type, message, ns = BEDROCK_NS) {
  ctx.json(status, { message }, { "x-amzn-ErrorType": `${type}:${ns}`, "x-amzn-RequestId": randomUUID() });
}

export function bedrockError(ctx, status, message = "fake failure") {
  awsError(ctx, status, bedrockErrorType(status), message);
}

// --- SigV4 -------------------------------------------------------------------------------------

const sha256 = (data) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data, "utf8").digest();
const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature AWS computes for a request (service other than S3: the path is encoded again). */
export function sigV4Signature({ method, rawPath, query, headers, signedHeaders, body, amzDate, scope, secret }) {
  const canonicalUri = rawPath.split("/").map(rfc3986).join("/") || "/";
  const canonicalQuery = [...new URLSearchParams(query ?? "")]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join("&");
  const canonicalHeaders = signedHeaders
    .map(
      (h) =>
        `${h}:${String(headers[h] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const payloadHash = headers["x-amz-content-sha256"] ?? sha256(body ?? "");
  const canonicalRequest = [
    method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const [date, region, service] = scope.split("/");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  return createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
}

/** Checks a request's signature as AWS would; answers the error and returns false when it fails. */
function checkSignature(ctx, region, rawPath) {
  // HTTP/2 carries the host as :authority, and AWS signs it as `host` all the same.
  const h =
    ctx.req.headers.host === undefined ? { ...ctx.req.headers, host: ctx.req.headers[":authority"] } : ctx.req.headers;
  const auth = String(h.authorization ?? "");
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) {
    awsError(ctx, 403, "MissingAuthenticationTokenException", "Missing Authentication Token", CORAL_NS);
    return false;
  }
  const [, accessKeyId, date, scopeRegion, service, signedList, signature] = m;
  ctx.entry.aws = { accessKeyId, region: scopeRegion, service, sessionToken: h["x-amz-security-token"] ?? null };
  if (scopeRegion !== region) {
    awsError(
      ctx,
      403,
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${scopeRegion}'. `,
      CORAL_NS,
    );
    return false;
  }
  if (service !== "bedrock") {
    awsError(
      ctx,
      403,
      "InvalidSignatureException",
      `Credential should be scoped to correct service: 'bedrock'. `,
      CORAL_NS,
    );
    return false;
  }
  const key = ctx.state.awsKeys.get(accessKeyId);
  const token = h["x-amz-security-token"];
  const signedHeaders = signedList.split(";");
  // A temporary key without its token (or with another) is "invalid", as AWS says it.
  if (
    !key ||
    (key.sessionToken ?? null) !== (token ?? null) ||
    (token && !signedHeaders.includes("x-amz-security-token"))
  ) {
    awsError(
      ctx,
      403,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      CORAL_NS,
    );
    return false;
  }
  const amzDate = String(h["x-amz-date"] ?? "");
  if (!amzDate.startsWith(date) || !signedHeaders.includes("host")) {
    awsError(
      ctx,
      403,
      "IncompleteSignatureException",
      "Date must be in ISO-8601 'basic format' and host must be signed.",
      CORAL_NS,
    );
    return false;
  }
  const expected = sigV4Signature({
    method: ctx.req.method,
    rawPath,
    query: ctx.url.search.slice(1),
    headers: h,
    signedHeaders,
    body: ctx.entry.rawBody,
    amzDate,
    scope: `${date}/${scopeRegion}/${service}/aws4_request`,
    secret: key.secretAccessKey,
  });
  if (expected !== signature) {
    awsError(
      ctx,
      403,
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      CORAL_NS,
    );
    return false;
  }
  return true;
}

// --- Model ids and regions ---------------------------------------------------------------------

const GEOGRAPHY = [
  ["us-gov.", (r) => r.startsWith("us-gov-")],
  ["us.", (r) => r.startsWith("us-") && !r.startsWith("us-gov-")],
  ["eu.", (r) => r.startsWith("eu-")],
  ["apac.", (r) => r.startsWith("ap-")],
  ["jp.", (r) => r === "ap-northeast-1" || r === "ap-northeast-3"],
  ["au.", (r) => r === "ap-southeast-2" || r === "ap-southeast-4"],
  ["ca.", (r) => r.startsWith("ca-")],
  ["global.", () => true],
];

/**
 * Answers the error AWS gives for a model id this region cannot serve, or returns false:
 * an inference profile outside its geography, or (setBehavior({ bedrockModelAccess: { region:
 * "invalid" | "denied" } })) a model not offered / not enabled in this region.
 */
function refuseModel(ctx, region, modelId) {
  const geo = GEOGRAPHY.find(([prefix]) => modelId.startsWith(prefix));
  if (geo && !geo[1](region)) {
    awsError(ctx, 400, "ValidationException", "The provided model identifier is invalid.");
    return true;
  }
  const access = ctx.state.behavior.bedrockModelAccess?.[region];
  if (access === "invalid") {
    awsError(ctx, 400, "ValidationException", "The provided model identifier is invalid.");
    return true;
  }
  if (access === "denied") {
    awsError(ctx, 403, "AccessDeniedException", "You don't have access to the model with the specified model ID.");
    return true;
  }
  return false;
}

// --- Converse ----------------------------------------------------------------------------------

function blockText(block) {
  if (typeof block?.text === "string") return block.text;
  if (block?.toolResult) {
    return (block.toolResult.content ?? [])
      .map((c) => (typeof c?.text === "string" ? c.text : c?.json !== undefined ? JSON.stringify(c.json) : ""))
      .join(" ");
  }
  return "";
}

/** Bedrock's own check: a text block may not be blank (400, naming the block). */
function blankBlock(body) {
  for (const [i, b] of (Array.isArray(body.system) ? body.system : []).entries()) {
    if (typeof b?.text === "string" && !b.text.trim())
      return `The text field in the SystemContentBlock object at system.${i} is blank. Add text to the text field, and try again.`;
  }
  for (const [i, m] of (Array.isArray(body.messages) ? body.messages : []).entries()) {
    const blocks = Array.isArray(m?.content) ? m.content : [];
    if (blocks.length === 0)
      return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    for (const [j, b] of blocks.entries()) {
      if (typeof b?.text === "string" && !b.text.trim())
        return `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`;
    }
  }
  return null;
}

function conversation(body) {
  const conv = (Array.isArray(body.system) ? body.system : []).map((b) => ({ role: "system", text: blockText(b) }));
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    const blocks = Array.isArray(m?.content) ? m.content : [];
    // Bedrock carries tool results inside user messages; treat them as tool turns.
    const role = blocks.some((b) => b?.toolResult) ? "tool" : m?.role;
    conv.push({ role, text: blocks.map(blockText).filter(Boolean).join(" ") });
  }
  return conv;
}

const STREAM_EXCEPTIONS = {
  400: ["validationException", "Input is too long for requested model."],
  424: ["modelStreamErrorException", "The model produced an error while streaming."],
  429: ["throttlingException", "Too many tokens, please wait before trying again."],
  500: ["internalServerException", "The server encountered an internal error while processing the request."],
  503: ["serviceUnavailableException", "Bedrock is unable to process your request."],
};

/** An exception frame as Bedrock sends one inside a stream. */
export function exceptionFrame(status) {
  const [type, message] = STREAM_EXCEPTIONS[status] ?? STREAM_EXCEPTIONS[500];
  const payload =
    type === "modelStreamErrorException"
      ? { message, originalStatusCode: 400, originalMessage: "model error" }
      : { message };
  return encodeEventStreamMessage(
    { ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" },
    payload,
  );
}

/** Routes /model/... and /{region}/model/...; returns false when the path is not Bedrock's. */
export function matchBedrock(pathname) {
  const m = /^(?:\/([a-z]{2}(?:-[a-z]+)+-\d))?\/model\/([^/]+)\/(converse|converse-stream)$/.exec(pathname);
  if (!m) return null;
  return { region: m[1] ?? null, modelId: decodeURIComponent(m[2]), streaming: m[3] === "converse-stream" };
}

/** Bedrock's control plane: GET /foundation-models (ListFoundationModels), per region like the runtime. */
export function matchFoundationModels(pathname) {
  const m = /^(?:\/([a-z]{2}(?:-[a-z]+)+-\d))?\/foundation-models$/.exec(pathname);
  return m ? { region: m[1] ?? null } : null;
}

export const FOUNDATION_MODELS = ["anthropic.claude-3-5-haiku-20241022-v1:0", "meta.llama3-1-8b-instruct-v1:0", "fake"];

export function foundationModels(ctx, route) {
  const region = route.region ?? ctx.state.options.region ?? DEFAULT_BEDROCK_REGION;
  ctx.entry.region = region;
  if (!checkSignature(ctx, region, ctx.req.url.split("?")[0])) return;
  const modelSummaries = FOUNDATION_MODELS.map((modelId) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    modelId,
    modelName: modelId,
    providerName: modelId.split(".")[0],
    inputModalities: ["TEXT"],
    outputModalities: ["TEXT"],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: ["ON_DEMAND"],
    modelLifecycle: { status: "ACTIVE" },
  }));
  ctx.json(200, { modelSummaries });
}

/** Signature and model checks before the inference itself; false when an error was answered. */
export function admit(ctx, route) {
  const region = route.region ?? ctx.state.options.region ?? DEFAULT_BEDROCK_REGION;
  ctx.entry.region = region;
  const rawPath = ctx.req.url.split("?")[0];
  if (!checkSignature(ctx, region, rawPath)) return false;
  if (refuseModel(ctx, region, route.modelId)) return false;
  const blank = blankBlock(ctx.body ?? {});
  if (blank) {
    awsError(ctx, 400, "ValidationException", blank);
    return false;
  }
  return true;
}

export async function converse(ctx, d, streaming) {
  const body = ctx.body ?? {};
  const conv = conversation(body);
  const toolNames = (body.toolConfig?.tools ?? []).map((t) => t?.toolSpec?.name).filter(Boolean);
  const plan = planReply(conv, d, toolNames);
  const prompt = promptTokens(conv);
  const stopReason = plan.kind === "tool" ? "tool_use" : "end_turn";
  const usage = (completion) => ({ inputTokens: prompt, outputTokens: completion, totalTokens: prompt + completion });
  const metrics = () => ({ latencyMs: Date.now() - ctx.entry.receivedAt });

  if (!streaming) {
    await ctx.sleep(d.ttft);
    if (d.streamFail)
      return bedrockError(ctx, d.streamFail, (STREAM_EXCEPTIONS[d.streamFail] ?? STREAM_EXCEPTIONS[500])[1]);
    const content =
      plan.kind === "tool"
        ? [{ toolUse: { toolUseId: "tooluse_1", name: plan.name, input: TOOL_ARGS } }]
        : [{ text: plan.text }];
    ctx.served(prompt, plan.tokens, plan.tokens);
    const res = { output: { message: { role: "assistant", content } }, stopReason, metrics: metrics() };
    if (!d.nousage) {
      res.usage = usage(plan.tokens);
      ctx.reported(prompt, plan.tokens);
    }
    return ctx.json(200, res);
  }

  const ev = (type, payload) =>
    encodeEventStreamMessage(
      { ":event-type": type, ":content-type": "application/json", ":message-type": "event" },
      payload,
    );
  const events =
    plan.kind === "tool"
      ? [
          ev("contentBlockStart", {
            contentBlockIndex: 0,
            start: { toolUse: { toolUseId: "tooluse_1", name: plan.name } },
          }),
          ...TOOL_ARG_PIECES.map((input) =>
            ev("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input } } }),
          ),
        ]
      : plan.words.map((text) => ev("contentBlockDelta", { contentBlockIndex: 0, delta: { text } }));

  ctx.startStream(200, "application/vnd.amazon.eventstream");
  ctx.served(prompt, 0, 0);
  await ctx.sleep(d.ttft);
  await ctx.send(ev("messageStart", { role: "assistant" }));
  if (ctx.shouldCut(d)) return ctx.cut();
  const fail = async () => {
    await ctx.send(exceptionFrame(d.streamFail));
    ctx.end();
  };
  for (const e of events) {
    if (d.streamFail && ctx.entry.chunksSent >= d.streamFailAt) return fail();
    if (ctx.entry.chunksSent > 0) await ctx.sleep(d.idle);
    await ctx.send(e, 1);
    if (ctx.shouldCut(d)) return ctx.cut();
  }
  if (d.streamFail) return fail();
  if (d.cut != null) return ctx.cut();
  await ctx.sleep(d.idle);
  await ctx.send(ev("contentBlockStop", { contentBlockIndex: 0 }));
  await ctx.send(ev("messageStop", { stopReason }));
  if (!d.nousage) {
    const completion = ctx.entry.usage.completion;
    await ctx.send(ev("metadata", { usage: usage(completion), metrics: metrics() }));
    ctx.reported(prompt, completion);
  }
  ctx.end();
}
