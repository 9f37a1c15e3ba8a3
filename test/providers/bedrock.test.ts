// What lib/providers/bedrock.ts decides without calling AWS (issue #28): each region's own endpoint
// when no template is set (the gateway tests always set one, for the fake), inference profiles kept
// to their geography, and every Bedrock exception, including those only sent as an HTTP answer,
// mapped to its status and retry policy with AWS's message kept.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import {
  bedrockControlEndpoint,
  bedrockEndpoint,
  bedrockErrorType,
  bedrockUpstreamError,
  fixedEndpoint,
  profileGeography,
  regionsForModel,
} from "@/lib/providers/bedrock";

const saved = process.env.BEDROCK_ENDPOINT_URL;
beforeEach(() => {
  delete process.env.BEDROCK_ENDPOINT_URL;
  resetConfig();
});
afterEach(() => {
  if (saved === undefined) delete process.env.BEDROCK_ENDPOINT_URL;
  else process.env.BEDROCK_ENDPOINT_URL = saved;
  resetConfig();
});

describe("endpoints", () => {
  it("calls each region at AWS's own host for it when no base URL is set", () => {
    const none = { baseUrl: null };
    expect(bedrockEndpoint(none, "us-east-1")).toBe("https://bedrock-runtime.us-east-1.amazonaws.com");
    expect(bedrockEndpoint(none, "eu-central-1")).toBe("https://bedrock-runtime.eu-central-1.amazonaws.com");
    expect(bedrockEndpoint(none, "cn-north-1")).toBe("https://bedrock-runtime.cn-north-1.amazonaws.com.cn");
    expect(bedrockControlEndpoint(none, "ap-southeast-2")).toBe("https://bedrock.ap-southeast-2.amazonaws.com");
    expect(fixedEndpoint(none)).toBe(false);
  });

  it("fills {region} in a template, from the provider or BEDROCK_ENDPOINT_URL, and pins a fixed URL", () => {
    const vpce = { baseUrl: "https://vpce-1-{region}.bedrock-runtime.example/" };
    expect(bedrockEndpoint(vpce, "eu-west-1")).toBe("https://vpce-1-eu-west-1.bedrock-runtime.example");
    expect(fixedEndpoint(vpce)).toBe(false);
    process.env.BEDROCK_ENDPOINT_URL = "https://bedrock-runtime.{region}.amazonaws.com";
    resetConfig();
    expect(bedrockEndpoint({ baseUrl: null }, "us-west-2")).toBe("https://bedrock-runtime.us-west-2.amazonaws.com");
    expect(bedrockControlEndpoint({ baseUrl: null }, "us-west-2")).toBe("https://bedrock.us-west-2.amazonaws.com");
    const fixed = { baseUrl: "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com" };
    expect(fixedEndpoint(fixed)).toBe(true);
  });
});

describe("inference profiles", () => {
  const configured = ["eu-west-1", "us-east-1", "us-gov-west-1", "ap-northeast-1", "ap-southeast-2", "cn-north-1"];

  it("keeps a profile to the configured regions of its geography, a plain model id to all of them", () => {
    expect(regionsForModel("us.anthropic.claude-3-5-haiku-20241022-v1:0", configured)).toEqual(["us-east-1"]);
    expect(regionsForModel("eu.meta.llama3-2-1b-instruct-v1:0", configured)).toEqual(["eu-west-1"]);
    expect(regionsForModel("apac.amazon.nova-lite-v1:0", configured)).toEqual(["ap-northeast-1", "ap-southeast-2"]);
    expect(regionsForModel("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", configured)).toEqual(["ap-northeast-1"]);
    expect(regionsForModel("us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", configured)).toEqual(["us-gov-west-1"]);
    expect(regionsForModel("global.anthropic.claude-sonnet-4-20250514-v1:0", configured)).toEqual([
      "eu-west-1",
      "us-east-1",
      "ap-northeast-1",
      "ap-southeast-2",
    ]);
    expect(regionsForModel("anthropic.claude-3-haiku-20240307-v1:0", configured)).toEqual(configured);
    expect(regionsForModel("eu.fake", ["us-east-1", "us-west-2"])).toEqual([]);
  });

  it("reads the geography of a profile given as an ARN", () => {
    expect(
      profileGeography("arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-haiku-v1:0"),
    ).toBe("eu");
    expect(profileGeography("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1")).toBeNull();
  });
});

describe("exceptions", () => {
  it("reads the exception's name from x-amzn-ErrorType, whatever its suffix or namespace", () => {
    expect(bedrockErrorType("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")).toBe(
      "ValidationException",
    );
    expect(bedrockErrorType("com.amazon.coral.service#UnrecognizedClientException")).toBe(
      "UnrecognizedClientException",
    );
    expect(bedrockErrorType("ThrottlingException")).toBe("ThrottlingException");
    expect(bedrockErrorType(null)).toBeNull();
  });

  const mapped = (type: string | null, message: string, status?: number) => {
    const err = bedrockUpstreamError({ type, status, message, provider: "aws", region: "eu-west-1" });
    return { status: err.status, retryable: err.retryable, regional: err.regional, message: err.message };
  };

  it.each([
    ["ThrottlingException", "Too many requests, please wait before trying again.", 429, true, false],
    ["ModelNotReadyException", "Model is not ready to serve inference requests.", 429, true, false],
    ["ServiceQuotaExceededException", "Your request exceeds the service quota for your account.", 429, false, false],
    ["ServiceUnavailableException", "Bedrock is unable to process your request.", 503, true, false],
    ["InternalServerException", "The server encountered an internal error.", 500, true, false],
    ["ModelTimeoutException", "The model took too long to respond.", 408, true, false],
    ["ModelErrorException", "The model returned an error.", 424, false, false],
    ["ValidationException", "Input is too long for requested model.", 400, false, false],
    ["ValidationException", "The provided model identifier is invalid.", 400, false, true],
    [
      "ValidationException",
      "Invocation of model ID anthropic.claude-3-5-haiku-20241022-v1:0 with on-demand throughput isn't supported.",
      400,
      false,
      true,
    ],
    ["AccessDeniedException", "You don't have access to the model with the specified model ID.", 403, false, true],
    ["ResourceNotFoundException", "Model not found.", 404, false, true],
    ["ExpiredTokenException", "The security token included in the request is expired", 403, false, false],
    ["UnrecognizedClientException", "The security token included in the request is invalid.", 403, false, false],
  ])("%s (%s) is %s, retryable %s, this region's only %s", (type, message, status, retryable, regional) => {
    const err = mapped(type, message, 400);
    expect(err).toMatchObject({ status, retryable, regional });
    expect(err.message).toBe(`Upstream aws in eu-west-1 answered ${status} ${type}: ${message}`);
  });

  it("matches the names of exception frames (camelCase) too, and keeps an unknown one's HTTP status", () => {
    expect(mapped("throttlingException", "Too many tokens")).toMatchObject({ status: 429, retryable: true });
    expect(mapped("validationException", "Input is too long")).toMatchObject({ status: 400, retryable: false });
    expect(mapped("SomeNewException", "new", 409)).toMatchObject({ status: 409, retryable: false });
    expect(mapped("SomeNewException", "new", 502)).toMatchObject({ status: 502, retryable: true });
  });
});
