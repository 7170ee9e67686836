import { afterEach, beforeEach } from "vitest";

/**
 * Registers `beforeEach`/`afterEach` hooks that give every test of the file its own `T` (made by `start`,
 * torn down by `stop` even when the test failed), and returns a stand-in that a test file keeps in a
 * module-level `const`: each property read reaches the current test's `T`, methods bound to it.
 */
export function perTest<T extends object>(start: () => Promise<T>, stop: (value: T) => Promise<void>): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await start();
  });
  afterEach(async () => {
    const value = current;
    current = undefined;
    if (value !== undefined) await stop(value);
  });
  const now = (): T => {
    if (current === undefined) throw new Error("perTest: used outside a test");
    return current;
  };
  return new Proxy({} as T, {
    get(_target, key) {
      const value = now();
      const field: unknown = Reflect.get(value, key);
      return typeof field === "function" ? field.bind(value) : field;
    },
  });
}
