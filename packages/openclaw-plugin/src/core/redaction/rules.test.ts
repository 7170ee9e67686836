import { describe, expect, it } from "vitest";
import { FAKE, PEM_BODY, PEM_RSA, PGP_BODY, PGP_KEY } from "../../../test/support/secret-corpus.ts";
import { RULES, redactorOf, redactText } from "./index.ts";

const hex32 = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const o = `Q7m${"Vn3Kp8Zr"}T2wX5yB6`; // no recognisable shape
const rep = (s: string, n: number) => s.repeat(n);

// One sample per rule that no other rule masks: deleting the rule must let its secret through.
const ONLY_THIS_RULE: Record<string, { text: string; secret: string }> = {
  "pem-private-key": { text: PEM_RSA, secret: PEM_BODY.split("\n")[1] ?? "" },
  "pgp-private-key": { text: PGP_KEY, secret: PGP_BODY.split("\n")[1] ?? "" },
  "authorization-header": { text: `Authorization: Token ${o}`, secret: o },
  "bearer-credential": { text: `send Bearer ${o} along`, secret: o },
  "cookie-header": { text: `Cookie: theme=dark; sid=${o}`, secret: o },
  "url-credentials": { text: `see https://bob:${o}@host.example/x`, secret: o },
  anthropic: { text: `k ${FAKE.anthropic}`, secret: FAKE.anthropic },
  openai: { text: `k ${FAKE.openai}`, secret: FAKE.openai },
  stripe: { text: `k ${FAKE.stripe}`, secret: FAKE.stripe },
  "stripe-webhook": { text: `k whsec_${rep("Ab3Cd5Ef7G", 3)}`, secret: `whsec_${rep("Ab3Cd5Ef7G", 3)}` },
  github: { text: `k ${FAKE.ghp}`, secret: FAKE.ghp },
  "github-fine-grained": { text: `k ${FAKE.githubPat}`, secret: FAKE.githubPat },
  gitlab: { text: `k ${FAKE.glpat}`, secret: FAKE.glpat },
  slack: { text: `k ${FAKE.slack}`, secret: FAKE.slack },
  "slack-app": { text: `k ${FAKE.slackApp}`, secret: FAKE.slackApp },
  "slack-webhook": {
    text: "post to https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/Xq9Zk2Lm7Hq9Zk2Lm7Hq9Zk2L",
    secret: "Xq9Zk2Lm7Hq9Zk2Lm7Hq9Zk2L",
  },
  "aws-access-key-id": { text: `k ${FAKE.aws}`, secret: FAKE.aws },
  "google-api-key": { text: `k ${FAKE.google}`, secret: FAKE.google },
  "google-oauth": { text: `k ya29.${rep("a0AfH6SMB", 4)}`, secret: `ya29.${rep("a0AfH6SMB", 4)}` },
  "google-client-secret": {
    text: `k GOCSPX-${rep("Ab3Cd5Ef7", 3)}`,
    secret: `GOCSPX-${rep("Ab3Cd5Ef7", 3)}`,
  },
  npm: { text: `k ${FAKE.npm}`, secret: FAKE.npm },
  huggingface: { text: `k ${FAKE.hf}`, secret: FAKE.hf },
  jwt: { text: `k ${FAKE.jwt}`, secret: FAKE.jwt },
  sendgrid: { text: `k ${FAKE.sendgrid}`, secret: FAKE.sendgrid },
  vault: { text: `k ${FAKE.vault}`, secret: FAKE.vault },
  docker: { text: `k ${FAKE.docker}`, secret: FAKE.docker },
  groq: { text: `k ${FAKE.groq}`, secret: FAKE.groq },
  linear: { text: `k lin_api_${rep("Ab3Cd5Ef7G", 4)}`, secret: `lin_api_${rep("Ab3Cd5Ef7G", 4)}` },
  notion: {
    text: `k ntn_12345678901${rep("Ab3Cd5Ef7G", 4)}`,
    secret: `ntn_12345678901${rep("Ab3Cd5Ef7G", 4)}`,
  },
  shopify: { text: `k shpat_${rep("a1b2c3d4", 4)}`, secret: `shpat_${rep("a1b2c3d4", 4)}` },
  grafana: { text: `k glc_${rep("Ab3Cd5Ef7G", 4)}`, secret: `glc_${rep("Ab3Cd5Ef7G", 4)}` },
  "1password": { text: `k ops_eyJ${rep("Ab3Cd5Ef7G", 6)}`, secret: `ops_eyJ${rep("Ab3Cd5Ef7G", 6)}` },
  databricks: { text: `k ${FAKE.databricks}`, secret: FAKE.databricks },
  figma: { text: `k figd_${rep("Ab3Cd5Ef7G", 4)}`, secret: `figd_${rep("Ab3Cd5Ef7G", 4)}` },
  cloudflare: { text: `k cfut_${rep("Ab3Cd5Ef7G", 5)}`, secret: `cfut_${rep("Ab3Cd5Ef7G", 5)}` },
  tailscale: { text: `k tskey-auth-${rep("kAb3Cd5Ef7", 3)}`, secret: `tskey-auth-${rep("kAb3Cd5Ef7", 3)}` },
  digitalocean: { text: `k dop_v1_${hex32}${hex32}`, secret: `dop_v1_${hex32}${hex32}` },
  pypi: { text: `k pypi-AgE${rep("IcHlwaS5vcmc", 5)}`, secret: `pypi-AgE${rep("IcHlwaS5vcmc", 5)}` },
  age: {
    text: `k AGE-SECRET-KEY-1${rep("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 2)}`,
    secret: `AGE-SECRET-KEY-1${rep("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 2)}`,
  },
  atlassian: { text: `k ATATT3${rep("xFfGF0Ab3Cd", 5)}`, secret: `ATATT3${rep("xFfGF0Ab3Cd", 5)}` },
  xai: { text: `k xai-${rep("Ab3Cd5Ef7G", 5)}`, secret: `xai-${rep("Ab3Cd5Ef7G", 5)}` },
  telegram: { text: `k ${FAKE.telegram}`, secret: FAKE.telegram },
  mailgun: { text: `k key-${hex32}`, secret: `key-${hex32}` },
  "azure-client-secret": {
    text: `k abc8Q~${rep("Ab3Cd5Ef7G", 3)}xyz`,
    secret: `abc8Q~${rep("Ab3Cd5Ef7G", 3)}xyz`,
  },
  "azure-storage-key": { text: `k ${FAKE.azureKey}`, secret: FAKE.azureKey },
  "user-password-flag": { text: `curl -u admin:${o} https://x`, secret: o },
  "mysql-password": { text: `mysql -u root -p${o} app`, secret: o },
  sshpass: { text: `sshpass -p ${o} ssh host`, secret: o },
  "login-password": { text: `podman login -u bob -p ${o} quay.io`, secret: o },
  "vault-login": { text: `vault login ${o}`, secret: o },
  "echo-to-login": { text: `echo ${o} | docker login -u bob --password-stdin`, secret: o },
  "here-string": { text: `docker login -u bob --password-stdin <<< ${o}`, secret: o },
  heredoc: { text: `cat <<EOF | chpasswd\nbob:${o}\nEOF`, secret: o },
  "config-set": { text: `aws configure set aws_secret_access_key ${o}`, secret: o },
  "connection-string": { text: `Server=db;Pwd=${o};`, secret: o },
  netrc: { text: `machine api.example.com login bob password ${o}`, secret: o },
  "secret-assignment": { text: `export DB_PASSWORD=${o}`, secret: o },
  "secret-flag": { text: `tool --api-key ${o} --verbose`, secret: o },
  "command-password-flags": { text: `redis-cli -h cache -a ${o} ping`, secret: o },
  "user-with-password": { text: `smbclient //srv/share -U alice%${o}`, secret: o },
  "positional-password": { text: `htpasswd -b /etc/htpasswd bob ${o}`, secret: o },
};

describe("every redaction rule is needed", () => {
  it("has a sample for every rule, and no sample for a rule that does not exist", () => {
    expect(Object.keys(ONLY_THIS_RULE).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it("has unique rule ids", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
  });

  it.each(RULES.map((r) => r.id))("%s masks a secret no other rule catches", (id) => {
    const sample = ONLY_THIS_RULE[id];
    expect(sample).toBeDefined();
    if (sample === undefined) return;
    expect(sample.secret.length).toBeGreaterThanOrEqual(8);
    expect(redactText(sample.text)).not.toContain(sample.secret);
    const without = redactorOf(RULES.filter((r) => r.id !== id));
    expect(without(sample.text)).toContain(sample.secret);
  });
});

describe("docs/security.md", () => {
  it("lists every rule, in the order they run", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../../../../../docs/security.md", import.meta.url), "utf8");
    const listed = Array.from(doc.matchAll(/^\| `([\w-]+)` \| (?:token|grammar) \|/gm), (m) => m[1]);
    expect(listed).toEqual(RULES.map((r) => r.id));
  });
});
