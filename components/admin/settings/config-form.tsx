"use client";

import { useEffect, useState } from "react";
import { type LimitChanges, type LimitValues, limitChanges, limitValuesFrom } from "@/components/admin/people/limits";
import { LimitsFields } from "@/components/admin/people/limits-fields";
import { Button, Card, ErrorNote, Field, Input } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { requestJson } from "@/components/settings/api";
import type { AdminConfig, DefaultUserLimits, LimitView } from "@/lib/validations/admin-responses";

// The default limits share the limit inputs of users and groups; only their names differ
// (camelCase in the config API, snake_case in the others).

function asLimitValues(d: DefaultUserLimits): LimitValues {
  return limitValuesFrom({
    ...d,
    id: "",
    scope: "USER",
    reserved: "0",
    monthSpent: "0",
    lastGrantAt: null,
    dayCount: 0,
  } satisfies LimitView);
}

function asDefaultLimits(c: LimitChanges): Partial<DefaultUserLimits> {
  const out: Record<string, unknown> = {};
  if ("balance" in c) out.balance = c.balance;
  if ("month_quota" in c) out.monthlyQuota = c.month_quota;
  if ("token_allowance" in c) out.tokenAllowance = c.token_allowance;
  if ("grant_amount" in c) out.grantAmount = c.grant_amount;
  if ("grant_period_seconds" in c) out.grantPeriodSeconds = c.grant_period_seconds;
  if ("daily_request_limit" in c) out.dailyRequestLimit = c.daily_request_limit;
  if ("rpm" in c) out.rpm = c.rpm;
  if ("tpm" in c) out.tpm = c.tpm;
  return out as Partial<DefaultUserLimits>;
}

/** Registration, the global daily limit, rate-limit fail-open and default limits → POST /api/admin/config. */
export function ConfigForm() {
  const [config, setConfig] = useState<AdminConfig | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    requestJson<AdminConfig>("/api/admin/config")
      .then((c) => !cancelled && setConfig(c))
      .catch((err: Error) => !cancelled && setLoadError(err.message));
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <Card title="Access and limits" testId="config-card">
      {config ? (
        <ConfigFields config={config} onSaved={setConfig} />
      ) : loadError ? (
        <ErrorNote error={loadError} />
      ) : (
        <p className="text-sm text-zinc-500" aria-busy="true">
          Loading…
        </p>
      )}
    </Card>
  );
}

function ConfigFields({ config, onSaved }: { config: AdminConfig; onSaved: (c: AdminConfig) => void }) {
  const [registrationOpen, setRegistrationOpen] = useState(config.registrationOpen);
  const [failOpen, setFailOpen] = useState(config.rateLimitFailOpen);
  const [dailyLimit, setDailyLimit] = useState(config.globalDailyLimit === null ? "" : String(config.globalDailyLimit));
  const [minAnswer, setMinAnswer] = useState(String(config.minAnswerTokens));
  const [initialLimits, setInitialLimits] = useState(() => asLimitValues(config.defaultUserLimits));
  const [limits, setLimits] = useState(initialLimits);
  const { busy, error, run } = useSubmit("The settings could not be saved");
  const [saved, setSaved] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    await run(async () => {
      const daily = dailyLimit.trim();
      if (daily && !/^\d{1,10}$/.test(daily)) throw new Error("Global daily request limit: must be a whole number");
      if (!/^\d{1,6}$/.test(minAnswer.trim())) throw new Error("Shortest answer: must be a whole number of tokens");
      const body = {
        registrationOpen,
        rateLimitFailOpen: failOpen,
        globalDailyLimit: daily ? Number(daily) : null,
        minAnswerTokens: Number(minAnswer.trim()),
        defaultUserLimits: asDefaultLimits(limitChanges(initialLimits, limits)),
      };
      const next = await requestJson<AdminConfig>("/api/admin/config", { method: "POST", body: JSON.stringify(body) });
      const nextLimits = asLimitValues(next.defaultUserLimits);
      setInitialLimits(nextLimits);
      setLimits(nextLimits);
      onSaved(next);
      setSaved(true);
    });
  }

  return (
    <form onSubmit={submit} className="space-y-4" data-testid="config-form">
      <div className="space-y-2">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={registrationOpen}
            onChange={(e) => setRegistrationOpen(e.target.checked)}
            data-testid="config-registration"
          />
          <span>
            <span className="font-medium">Registration open</span>
            <span className="block text-xs text-zinc-500">Anyone can create an account on the sign-up page.</span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={failOpen}
            onChange={(e) => setFailOpen(e.target.checked)}
            data-testid="config-fail-open"
          />
          <span>
            <span className="font-medium">Let requests through when the rate limiter is down</span>
            <span className="block text-xs text-zinc-500">
              Off (the default) refuses requests while rate limits cannot be checked.
            </span>
          </span>
        </label>
      </div>
      <div className="grid max-w-xl gap-3 sm:grid-cols-2">
        <Field label="Global daily request limit" hint="Across all users; empty means no limit.">
          <Input
            name="globalDailyLimit"
            inputMode="numeric"
            value={dailyLimit}
            onChange={(e) => setDailyLimit(e.target.value)}
            placeholder="No limit"
            data-testid="config-daily-limit"
          />
        </Field>
        <Field
          label="Shortest answer (tokens)"
          hint="Without max_tokens, a small balance caps the answer; below this many tokens it is refused."
        >
          <Input
            name="minAnswerTokens"
            inputMode="numeric"
            value={minAnswer}
            onChange={(e) => setMinAnswer(e.target.value)}
            data-testid="config-min-answer"
          />
        </Field>
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Default limits for new users</legend>
        <p className="mb-2 text-xs text-zinc-500">
          Copied into each new account&apos;s wallet; existing users keep theirs.
        </p>
        <LimitsFields
          values={limits}
          onChange={(n, v) => setLimits((l) => ({ ...l, [n]: v }))}
          testIdPrefix="config-default"
          disabled={busy}
        />
      </fieldset>
      <ErrorNote error={error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" disabled={busy} data-testid="config-save">
          {busy ? "Saving…" : "Save settings"}
        </Button>
        {saved && (
          <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400" data-testid="config-saved">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}
