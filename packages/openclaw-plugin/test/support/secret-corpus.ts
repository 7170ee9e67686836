/**
 * A corpus of realistic (fake) secrets in the commands and texts people actually produce, one
 * entry per kind. Values are assembled at run time so no scanner mistakes this file for a leak.
 * `secret` is the part that must never be shown; `text` is how it appears.
 */
export interface SecretSample {
  kind: string;
  text: string;
  secret: string;
}

const pw = `Hx7${"qPz2"}Lw9Rv`; // a password
const opaque = `Q7m${"Vn3Kp8Zr"}T2wX5yB6`; // an opaque credential with no recognisable shape
const rep = (s: string, n: number) => s.repeat(n);

export const FAKE = {
  anthropic: `sk-ant-api03-${rep("Rk3Tz9Qw", 11)}AA`,
  openai: `sk-proj-${rep("N4bV8cX2", 6)}`,
  ghp: `ghp_${rep("Zq9Xw3", 6)}`,
  githubPat: `github_pat_11AB${rep("cD3eF5gH7j", 8)}`,
  glpat: `glpat-${rep("xY7zW2", 4)}`,
  slack: `xoxb-${"2048577730"}-${rep("AbCd9", 5)}`,
  slackApp: `xapp-1-A0${rep("QWER7", 6)}`,
  aws: `AKIA${"Q3VTZ7P2RX5N8MWK"}`,
  awsSecret: `wJalr${"XUtnFEMI"}/K7MDENG/bPxRfi${"CYEXAMPLE"}KEY`,
  google: `AIza${rep("Sy9Bq3Lm7", 4)}Xy`,
  stripe: `sk_live_${rep("51HxQ8", 5)}`,
  npm: `npm_${rep("a9B8c7D6e5", 4)}`,
  hf: `hf_${rep("KqWeRtYu", 4)}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.${"eyJzdWIiOiI0MjQyNDIifQ"}.${"Zk9Xq3Vr8LpWm2Tn6YbHc1JdQs4"}`,
  sendgrid: `SG.${rep("Ab3Cd5Ef", 3)}.${rep("Gh7Ij9Kl", 5)}`,
  vault: `hvs.${rep("CAESIJ9k", 12)}`,
  docker: `dckr_pat_${rep("Pq7Rs9Tu", 3)}abc`,
  azureKey: `${rep("Zm9vYmFy", 10)}${"Tk9Qcw"}==`,
  telegram: `7${"1234567"}89:AA${rep("Hq9Zk2Lm7", 4)}`,
  groq: `gsk_${rep("Wq8Ep2Rt", 6)}`,
  databricks: `dapi${rep("a1b2c3d4", 4)}`,
};

const pemBody = Array.from({ length: 6 }, (_, i) =>
  `MIIE${i}${rep("pAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM", 2)}`.slice(0, 64),
).join("\n");
const pgpBody = Array.from({ length: 6 }, (_, i) =>
  `lQOYBG${i}${rep("Xk3bCAQgAy9rT7QzL2mWv", 3)}`.slice(0, 64),
).join("\n");

export const PEM_RSA = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;
export const PGP_KEY = `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${pgpBody}\n=Xq3Z\n-----END PGP PRIVATE KEY BLOCK-----`;
export const PEM_BODY = pemBody;
export const PGP_BODY = pgpBody;

export const CORPUS: readonly SecretSample[] = [
  { kind: "mysql -p PASSWORD", text: `mysql -u root -p ${pw} app`, secret: pw },
  { kind: "mysql -pPASSWORD", text: `mysql -uroot -p${pw} app`, secret: pw },
  { kind: "sshpass -p", text: `sshpass -p ${pw} ssh deploy@web1`, secret: pw },
  { kind: "curl -u user:pass", text: `curl -u admin:${pw} https://ci.example.com/api`, secret: pw },
  {
    kind: "aws configure set secret",
    text: `aws configure set aws_secret_access_key ${FAKE.awsSecret}`,
    secret: FAKE.awsSecret,
  },
  { kind: "vault login TOKEN", text: `vault login ${opaque}`, secret: opaque },
  {
    kind: "echo TOKEN | docker login",
    text: `echo ${opaque} | docker login -u bob --password-stdin`,
    secret: opaque,
  },
  { kind: "docker login -p", text: `docker login -u bob -p ${pw} registry.example.com`, secret: pw },
  {
    kind: "heredoc into a login",
    text: `docker login -u bob --password-stdin <<EOF\n${opaque}\nEOF`,
    secret: opaque,
  },
  { kind: "here-string into a login", text: `gh auth login --with-token <<< ${opaque}`, secret: opaque },
  { kind: "--key SendGrid", text: `sendgrid-cli mail --key ${FAKE.sendgrid}`, secret: FAKE.sendgrid },
  { kind: "--password=", text: `pg_dump --password=${pw} app`, secret: pw },
  { kind: "--token value", text: `deploy --token ${opaque} --env prod`, secret: opaque },
  { kind: "--api-key value", text: `tool --api-key ${opaque} --verbose`, secret: opaque },
  { kind: "--access-token value", text: `doctl --access-token ${opaque} apps list`, secret: opaque },
  {
    kind: "Azure connection string",
    text: `AccountName=acct;AccountKey=${FAKE.azureKey};EndpointSuffix=core.windows.net`,
    secret: FAKE.azureKey,
  },
  { kind: "ODBC Pwd= with spaces", text: `Server=db;Uid=app;Pwd=${pw} ${opaque};`, secret: opaque },
  { kind: "postgres URL password", text: `psql postgres://app:${pw}@db.internal:5432/app`, secret: pw },
  {
    kind: "URL password with @",
    text: `git clone https://bob:${pw}@x@git.example.com/r.git`,
    secret: `${pw}@x`,
  },
  {
    kind: "Authorization header",
    text: `curl -H 'Authorization: Bearer ${opaque}' https://api.example.com`,
    secret: opaque,
  },
  {
    kind: "X-Api-Key header",
    text: `curl -H "X-Api-Key: ${opaque}" https://api.example.com`,
    secret: opaque,
  },
  {
    kind: "Cookie header",
    text: `curl -H "Cookie: theme=dark; session=${opaque}" https://x.example`,
    secret: opaque,
  },
  { kind: "PEM RSA private key", text: `key:\n${PEM_RSA}\nsaved`, secret: pemBody },
  { kind: "PGP private key block", text: `key:\n${PGP_KEY}\nsaved`, secret: pgpBody },
  { kind: "shell export", text: `export GITHUB_TOKEN=${opaque} && gh pr list`, secret: opaque },
  { kind: "env file line", text: `DB_PASSWORD=${pw}\nDB_HOST=db`, secret: pw },
  { kind: "JSON secret", text: `{"client_secret": "${opaque}", "id": 7}`, secret: opaque },
  { kind: "YAML secret", text: `api_key: ${opaque}\nregion: eu`, secret: opaque },
  { kind: ".npmrc auth token", text: `//registry.npmjs.org/:_authToken=${opaque}`, secret: opaque },
  { kind: ".netrc password", text: `machine api.example.com login bob password ${pw}`, secret: pw },
  { kind: "Anthropic key", text: `key ${FAKE.anthropic} is set`, secret: FAKE.anthropic },
  { kind: "OpenAI key", text: `using ${FAKE.openai} now`, secret: FAKE.openai },
  { kind: "GitHub token", text: `push with ${FAKE.ghp} ok`, secret: FAKE.ghp },
  { kind: "GitHub fine-grained token", text: `pat ${FAKE.githubPat} ok`, secret: FAKE.githubPat },
  { kind: "GitLab token", text: `use ${FAKE.glpat} for CI`, secret: FAKE.glpat },
  { kind: "Slack bot token", text: `slack ${FAKE.slack} ok`, secret: FAKE.slack },
  { kind: "Slack app token", text: `app ${FAKE.slackApp} ok`, secret: FAKE.slackApp },
  { kind: "AWS access key id", text: `id ${FAKE.aws} ok`, secret: FAKE.aws },
  { kind: "Google API key", text: `maps ${FAKE.google} ok`, secret: FAKE.google },
  { kind: "Stripe key", text: `stripe ${FAKE.stripe} ok`, secret: FAKE.stripe },
  { kind: "npm token", text: `npm ${FAKE.npm} ok`, secret: FAKE.npm },
  { kind: "Hugging Face token", text: `hf ${FAKE.hf} ok`, secret: FAKE.hf },
  { kind: "JWT", text: `jwt ${FAKE.jwt} ok`, secret: FAKE.jwt },
  { kind: "SendGrid key in prose", text: `the key ${FAKE.sendgrid} works`, secret: FAKE.sendgrid },
  { kind: "Vault token in prose", text: `got ${FAKE.vault} back`, secret: FAKE.vault },
  { kind: "Docker token in prose", text: `token ${FAKE.docker} made`, secret: FAKE.docker },
  { kind: "Azure storage key bare", text: `the key is ${FAKE.azureKey} ok`, secret: FAKE.azureKey },
  { kind: "Telegram bot token", text: `bot ${FAKE.telegram} ok`, secret: FAKE.telegram },
  { kind: "Groq key", text: `groq ${FAKE.groq} ok`, secret: FAKE.groq },
  { kind: "Databricks token", text: `dbx ${FAKE.databricks} ok`, secret: FAKE.databricks },
  { kind: "redis-cli -a", text: `redis-cli -h cache -a ${pw} ping`, secret: pw },
  { kind: "mongosh -p", text: `mongosh -u admin -p ${pw} --authenticationDatabase admin`, secret: pw },
  { kind: "ldapsearch -w", text: `ldapsearch -x -D cn=admin,dc=x -w ${pw} -b dc=x`, secret: pw },
  { kind: "sqlcmd -P", text: `sqlcmd -S db -U sa -P ${pw} -Q "select 1"`, secret: pw },
  { kind: "ssh-keygen -N", text: `ssh-keygen -t ed25519 -N ${pw} -f key`, secret: pw },
  { kind: "zip -P", text: `zip -P ${pw} backup.zip notes.txt`, secret: pw },
  { kind: "7z -pPASSWORD", text: `7z a -p${pw} backup.7z notes`, secret: pw },
  { kind: "openssl enc -k", text: `openssl enc -aes-256-cbc -k ${pw} -in a -out b`, secret: pw },
  { kind: "xfreerdp /p:", text: `xfreerdp /v:host /u:bob /p:${pw}`, secret: pw },
  { kind: "smbclient -U user%pass", text: `smbclient //srv/share -U alice%${pw}`, secret: pw },
  { kind: "lftp -u user,pass", text: `lftp -u bob,${pw} ftp.example.com`, secret: pw },
  { kind: "htpasswd -b", text: `htpasswd -bc /etc/nginx/htpasswd bob ${pw}`, secret: pw },
  { kind: "net use /user:", text: `net use Z: \\\\srv\\share /user:CORP\\bob ${pw}`, secret: pw },
  { kind: "sqlplus user/pass@db", text: `sqlplus scott/${pw}@orcl`, secret: pw },
  {
    kind: "rclone config create",
    text: `rclone config create r s3 secret_access_key ${pw}`,
    secret: pw,
  },
];

/** Every substring of `secret` of `n` characters (8 by default): none may ever be shown. */
export function fragments(secret: string, n = 8): string[] {
  const out: string[] = [];
  for (const part of secret.split("\n"))
    for (let i = 0; i + n <= part.length; i++) out.push(part.slice(i, i + n));
  return out;
}

/** The first fragment of `secret` that `shown` contains, or undefined. Markdown escapes are undone first. */
export function leakedFragment(shown: string, secret: string): string | undefined {
  const plain = shown.replace(/\u2060/g, "").replace(/\\([\\`*_{}[\]()#+!|~>.-])/g, "$1");
  return fragments(secret).find((f) => plain.includes(f) || shown.includes(f));
}
