// The OpenAPI document is valid OpenAPI 3.1, is served at /api/openapi.json, and its shared response
// schemas match what the code really answers.

import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import * as healthRoute from "@/app/api/health/route";
import * as openapiRoute from "@/app/api/openapi.json/route";
import { AppError, errorBody, openAiErrorBody } from "@/lib/errors";
import { openApiDocument } from "@/lib/openapi/document";
import { errorSchema, openAiErrorSchema } from "@/lib/validations/errors";
import { healthSchema } from "@/lib/validations/health";
import { call, startApp } from "../helpers/app";

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 and every $ref resolves", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApiDocument()));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("is caught by the validator when broken (the check can fail)", async () => {
    const broken = structuredClone(openApiDocument()) as Record<string, unknown> & {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    broken.paths["/api/health"].get.parameters = [{ name: "verbose" }]; // a parameter must say where it goes (`in`)
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("carries the routes' zod constraints as JSON Schema", () => {
    const doc = openApiDocument();
    const apply = doc.paths["/api/admin/api-key/apply"]!.post as {
      requestBody: {
        content: { "application/json": { schema: { required: string[]; additionalProperties: boolean } } };
      };
    };
    const schema = apply.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(["name", "email"]);
    expect(schema.additionalProperties).toBe(false);
    const list = doc.paths["/api/admin/thread/list"]!.get as {
      parameters: Array<{ name: string; in: string; schema: { maximum?: number } }>;
    };
    expect(list.parameters.find((p) => p.name === "limit")).toMatchObject({ in: "query", schema: { maximum: 200 } });
    const detail = doc.paths["/api/user/session/detail/{id}"]!.get as {
      parameters: Array<{ name: string; in: string; required: boolean }>;
    };
    expect(detail.parameters).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
  });

  it("is served at GET /api/openapi.json", async () => {
    const res = await call(openapiRoute.GET);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(served.openapi).toBe("3.1.0");
    expect(Object.keys(served.paths)).toEqual(Object.keys(openApiDocument().paths));
  });
});

describe("shared response schemas match real answers", () => {
  beforeAll(startApp);

  it("describes both error shapes as lib/errors.ts writes them", () => {
    const err = new AppError("validation_error", "email: must be a valid email address", { param: "email" });
    expect(errorSchema.safeParse(errorBody(err)).success).toBe(true);
    expect(openAiErrorSchema.safeParse(openAiErrorBody(err)).success).toBe(true);
    expect(errorSchema.safeParse({ message: "no envelope" }).success).toBe(false);
  });

  it("describes the health answer", async () => {
    const res = await call(healthRoute.GET);
    expect(healthSchema.parse(await res.json()).status).toBe("ok");
  });
});
