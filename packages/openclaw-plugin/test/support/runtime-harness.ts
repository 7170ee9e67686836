import { DEFAULT_CORE_CONFIG } from "../../src/runtime/defaults.ts";
import type { Ledger } from "../../src/runtime/ledger.ts";
import type { RuntimeOptions } from "../../src/runtime/runtime.ts";
import { LiveStatusRuntime } from "../../src/runtime/runtime.ts";
import type { Wire } from "./publisher-harness.ts";

/** A runtime over the wire's client and clock, with the default config and no jitter; `o` overrides. */
export function testRuntime(wire: Wire, ledger: Ledger, o: Partial<RuntimeOptions> = {}): LiveStatusRuntime {
  return new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger,
    client: wire.client,
    botUserId: wire.fake.botUserId,
    clock: wire.clock,
    log: { info() {}, warn() {}, error() {} },
    random: () => 0.5,
    ...o,
  });
}
