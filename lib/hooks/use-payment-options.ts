"use client";

import { useEffect, useState } from "react";

export type PaymentOptions = {
  enabled: true;
  currency: string;
  decimals: number;
  minimum: string;
  maximum: string;
  presets: string[];
};

/** What "Add credit" offers, or null while loading and when the server has no Stripe (404): then nothing shows. */
export function usePaymentOptions(): PaymentOptions | null {
  const [options, setOptions] = useState<PaymentOptions | null>(null);
  useEffect(() => {
    let active = true;
    fetch("/api/user/payments/options", { cache: "no-store" })
      .then(async (res) => (res.ok ? ((await res.json()) as PaymentOptions) : null))
      .then((o) => active && setOptions(o))
      .catch(() => active && setOptions(null));
    return () => {
      active = false;
    };
  }, []);
  return options;
}
