import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, redactText, redactValue } from "./index.ts";

// Fake credentials assembled at runtime so no scanner mistakes this file for a leak.
const openai = `sk-${"proj-"}${"A1b2C3d4E5f6G7h8I9j0K1l2"}`;
const anthropic = `sk-ant-api03-${"x".repeat(30)}AA`;
const ghp = `ghp_${"a1B2".repeat(9)}`;
const gho = `gho_${"Z9y8".repeat(9)}`;
const ghPat = `github_pat_11ABCDEFG0${"abc_DEF123".repeat(4)}`;
const slack = `xoxb-${"1234567890"}-${"abcdefghijkl"}`;
const aws = `AKIA${"IOSFODNN7EXAMPLE"}`;
const jwt = `eyJhbGciOiJIUzI1NiJ9.${"eyJzdWIiOiIxMjM0NTY3ODkwIn0"}.${"dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}`;
const pem = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
  "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

describe("redactText masks secrets", () => {
  it.each([
    ["an OpenAI key", `key is ${openai} ok`, openai],
    ["an Anthropic key", `ANTHROPIC ${anthropic}`, anthropic],
    ["a GitHub personal token", `push with ${ghp}`, ghp],
    ["a GitHub OAuth token", `oauth ${gho}.`, gho],
    ["a GitHub fine-grained token", `pat ${ghPat}`, ghPat],
    ["a Slack bot token", `slack ${slack}`, slack],
    ["an AWS access key id", `aws ${aws} here`, aws],
    ["a JWT", `cookie jar ${jwt}`, jwt],
    ["a bearer credential", "curl -H 'X: Bearer abc123DEF456ghi'", "abc123DEF456ghi"],
    ["a basic credential", "Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="],
    ["an Authorization header", "Authorization: Bearer t0ken-value-xyz", "t0ken-value-xyz"],
    ["a raw Authorization value", 'authorization="rawsecretvalue"', "rawsecretvalue"],
    ["a password assignment", "password=hunter2 next", "hunter2"],
    ["an env token", "export GITHUB_TOKEN=abc123 && run", "abc123"],
    ["a YAML token", "token: s3cr3t-value", "s3cr3t-value"],
    ["an api_key query parameter", "https://api.example.com/v1?q=1&api_key=zz9988&x=2", "zz9988"],
    ["an access_token inside a URL", "see https://h.example/cb?access_token=ya29abc", "ya29abc"],
    ["a JSON secret", '{"client_secret": "very secret value"}', "very secret value"],
    ["a camelCase key", "apiKey: 'k-123-456'", "k-123-456"],
    ["a URL password", "git clone https://alice:pa55w0rd@git.example.com/r.git", "pa55w0rd"],
    ["a secret command-line flag", "tool --api-key abc123 --verbose", "abc123"],
    ["a secret flag with =", "tool --password=hunter2", "hunter2"],
    [
      "a PEM private key",
      `key:\n${pem}\nafter`,
      "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    ],
    ["a PEM key cut before its end", pem.slice(0, 120), "MIIEowIBAAKCAQEAu1SU1"],
    ["a PEM key tail without its start", pem.slice(60), "VTLw7onLRnrq0"],
  ])("masks %s", (_name, input, secret) => {
    const out = redactText(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it.each([
    ["keeps the name of an assignment", "password=hunter2", "password=[redacted]"],
    ["keeps quotes in JSON", '{"token":"abc"}', '{"token":"[redacted]"}'],
    ["keeps the auth scheme", "Authorization: Bearer abc123DEF456", "Authorization: Bearer [redacted]"],
    ["keeps the URL user and host", "https://bob:pw@example.com/x", "https://bob:[redacted]@example.com/x"],
    ["keeps the text around a key", `use ${openai} please`, "use [redacted] please"],
    ["labels a private key", pem, "[redacted] private key"],
  ])("%s", (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe("redactText leaves ordinary text alone", () => {
  it.each([
    ["a Mattermost id", "channel 4xp9fdt7pbgium38k9xu8ugtyy"],
    [
      "a session key",
      "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy:thread:abcdefghijklmnopqrstuvwxyz",
    ],
    ["a path", "/home/user/projects/sk-learn/src/index.ts"],
    ["a command", "git status && npm test -- --run src/core"],
    ["prose about tokens", "The model used 1200 tokens and the basic idea was a bearer of news."],
    ["prose after an auth scheme word", "Basic understanding matters; bearer everything."],
    ["a token count", "max_tokens=4096 tokenCount: 12 sessionKey: agent:main:main"],
    ["a plain URL", "https://example.com/path?page=2&sort=asc"],
    ["an ssh URL user", "ssh://git@github.com/openclaw/openclaw.git"],
    ["a short sk- word", "sk-learn is a library; task-sk-1"],
    ["an email address", "write to alice@example.com"],
    ["a UUID", "agent:main:subagent:123e4567-e89b-12d3-a456-426614174000"],
    ["an empty string", ""],
    ["a package-lock integrity hash", `"integrity": "sha512-${"Zm9vYmFy".repeat(10)}Tk9Qcw=="`],
    ["a git commit id", "HEAD is now at 2a62d23c9f8e7d6c5b4a39281706f5e4d3c2b1a0 fix"],
    ["a mysql port flag", "mysql -h db -P 3306 -u app --protocol=tcp"],
    ["an ssh port flag", "ssh -p 2222 deploy@web1"],
    ["a registry login without a password", "docker login ghcr.io -u bob --password-stdin"],
    ["an echo into an ordinary pipe", "echo hello world | wc -w"],
    ["a heredoc into a file", "cat <<EOF > notes.txt\nsome notes\nEOF"],
    ["an ordinary config set", "npm config set registry https://registry.npmjs.org/"],
    ["a connection string without secrets", "Server=db;Database=app;Trusted_Connection=True;"],
    ["a session cookie flag name", "chrome --disable-features=SameSiteByDefaultCookies"],
    ["prose about keys and passwords", "The key idea: rotate passwords often, and keep tokens short-lived."],
  ])("keeps %s", (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe("redactText with configured patterns", () => {
  it("masks every match of an extra pattern, even without the g flag", () => {
    expect(redactText("id ACME-1234 and ACME-5678", [/ACME-\d{4}/])).toBe("id [redacted] and [redacted]");
  });

  it("applies extra patterns after the built-in rules", () => {
    expect(redactText("internal-host.corp password=x", [/internal-host\.corp/i])).toBe(
      "[redacted] password=[redacted]",
    );
  });
});

describe("redactText stays fast", () => {
  it("handles a megabyte of adversarial input in linear time", () => {
    const inputs = [
      "a".repeat(1_000_000),
      "a.".repeat(500_000),
      "a=".repeat(500_000),
      "-----BEGIN PRIVATE KEY-----".repeat(30_000),
      "--a ".repeat(250_000),
      "x://a:".repeat(150_000),
    ];
    const started = performance.now();
    for (const input of inputs) redactText(input);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(typeof redactText(s)).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});

describe("isSecretKey", () => {
  it.each([
    "token",
    "access_token",
    "botToken",
    "password",
    "DB_PASSWORD",
    "passwd",
    "secret",
    "client_secret",
    "api_key",
    "apiKey",
    "x-api-key",
    "apikey",
    "authorization",
    "Cookie",
    "set-cookie",
    "private_key",
    "privateKey",
    "aws_secret_access_key",
    "PGPASSWORD",
    "GITHUBTOKEN",
  ])("treats %s as a secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    "max_tokens",
    "tokenCount",
    "sessionKey",
    "key",
    "path",
    "command",
    "author",
    "passive",
    "keyboard",
    "PWD",
    "maxtokens",
  ])("treats %s as ordinary", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe("secrets in command lines", () => {
  it("masks run-together environment assignments such as PGPASSWORD", () => {
    const out = redactText("PGPASSWORD=hunter2secret psql -h db -U app");
    expect(out).not.toContain("hunter2secret");
    expect(out).toContain("PGPASSWORD=");
    expect(out).toContain("psql -h db -U app");
  });
});

describe("redactValue", () => {
  it("masks values under secret keys at any depth and redacts strings", () => {
    const input = {
      command: `curl -H "Authorization: Bearer abcdef123456"`,
      headers: { Authorization: "Bearer x", Accept: "json" },
      nested: [{ password: 1234, user: "bob" }],
      auth: { mode: "token", token: "t" },
    };
    expect(redactValue(input)).toEqual({
      command: `curl -H "Authorization: Bearer [redacted]"`,
      headers: { Authorization: REDACTED, Accept: "json" },
      nested: [{ password: REDACTED, user: "bob" }],
      auth: REDACTED,
    });
  });

  it("does not mutate its input", () => {
    const input = { token: "abc", list: ["password=x"] };
    const copy = structuredClone(input);
    redactValue(input);
    expect(input).toEqual(copy);
  });

  it("replaces cycles instead of recursing forever", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    expect(redactValue(a)).toEqual({ name: "a", self: "[circular]" });
  });

  it("keeps repeated but acyclic references", () => {
    const shared = { v: 1 };
    expect(redactValue({ x: shared, y: shared })).toEqual({ x: { v: 1 }, y: { v: 1 } });
  });

  it("turns odd values into plain data", () => {
    expect(redactValue(10n)).toBe("10");
    expect(redactValue(() => 1)).toBeUndefined();
    expect(redactValue(new Error(`bad ${openai}`))).toEqual({ name: "Error", message: "bad [redacted]" });
    expect(redactValue(null)).toBeNull();
    expect(redactValue(3)).toBe(3);
  });

  it("survives getters that throw", () => {
    const evil = {
      get boom(): string {
        throw new Error("no");
      },
    };
    expect(redactValue(evil)).toBe("[unreadable]");
  });

  it("applies extra patterns to nested strings", () => {
    expect(redactValue({ a: ["ACME-1"] }, [/ACME-\d/])).toEqual({ a: [REDACTED] });
  });
});
