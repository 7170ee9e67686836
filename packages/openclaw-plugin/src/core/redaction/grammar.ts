/**
 * Secrets recognisable by where they stand rather than by their shape: key blocks, auth headers,
 * URL credentials, the flags and positions of common commands, heredocs and here-strings fed to a
 * login, connection strings, and assignments whose name names a secret (shell, env files, JSON,
 * YAML, `.npmrc`, `.netrc`). Each rule keeps the words around the secret so the reader still sees
 * what was done.
 */
import { ARGS, maskNamedValues, REDACTED, type RedactionRule, WORD, withinSegments } from "./rule.ts";
import { isSecretFlag, isSecretKey } from "./secret-names.ts";

const PRIVATE_KEY = "[redacted] private key";

// A BEGIN with no END yet (text cut or still arriving) masks to the end; an END with no BEGIN
// (a tail cut inside a key) masks from the start.
const PEM_LABEL = "(?!PGP )[A-Z0-9 ]*PRIVATE KEY";
const PEM_BLOCK = new RegExp(
  String.raw`-{4,5} ?BEGIN ${PEM_LABEL} ?-{4,5}[\s\S]*?(?:-{4,5} ?END ${PEM_LABEL} ?-{4,5}|$)`,
  "g",
);
const PEM_ORPHAN_END = new RegExp(String.raw`^[\s\S]*?-{4,5} ?END ${PEM_LABEL} ?-{4,5}`);
const PGP_LABEL = "PGP (?:PRIVATE|SECRET) KEY BLOCK";
const PGP_BLOCK = new RegExp(
  String.raw`-----BEGIN ${PGP_LABEL}-----[\s\S]*?(?:-----END ${PGP_LABEL}-----|$)`,
  "g",
);
const PGP_ORPHAN_END = new RegExp(String.raw`^[\s\S]*?-----END ${PGP_LABEL}-----`);

const AUTH_HEADER =
  /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)((?:bearer|basic|digest|token|negotiate|ntlm)\s+)?([^\s"',;]+)/gi;
// A token after Bearer/Basic must contain a digit, capital or symbol, so prose like "basic idea" survives.
const AUTH_SCHEME =
  /\b(Bearer|bearer|BEARER|Basic|basic|BASIC)(\s+)(?=[A-Za-z0-9._~+/-]*[0-9A-Z_~+/-])[A-Za-z0-9._~+/-]{8,}=*/g;
// Every cookie of the header, not just the first pair.
const COOKIE_HEADER = /\b((?:set-)?cookie)(["']?[ \t]*:[ \t]*)([^\r\n"']+)/gi;

// `scheme://user:password@host` and `//user:password@host` keep the user. The password runs to
// the last `@` before a space or `/`, so a password containing `@` is masked whole.
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])((?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/)([^\s/@:]*):([^\s/]+)@/g;

// curl/wget-style `-u user:password`, `--user=user:password`, `-uuser:password`.
const USER_FLAG = /(?<![\w-])(-u|--user|--proxy-user)([ \t]*|=)(["']?)([^\s:"']+):([^\s"']+)/g;

const MYSQL_SEGMENT = new RegExp(String.raw`\b(?:mysql\w*|mariadb\w*)\b${ARGS}`, "g");
const SSHPASS_SEGMENT = new RegExp(String.raw`\bsshpass\b${ARGS}`, "g");
const LOGIN_SEGMENT = new RegExp(String.raw`\b(?:login|signin)\b${ARGS}`, "g");
const VAULT_LOGIN = new RegExp(String.raw`\b((?:vault|bao)\s+login)(${ARGS})`, "g");
// A positional argument: after a space, not a flag, a redirection or `name=value`.
const POSITIONAL = new RegExp(String.raw`(?<=\s)(?![-<>])(?![\w.-]+=)${WORD}`, "g");
// `-p secret` and `-psecret` (not `-P`, the port, nor `--p…`).
const DASH_P = new RegExp(String.raw`(?<![\w-])(-p)([ \t]+)?(?!-)(${WORD})`, "g");

// Commands that read a secret on stdin.
const STDIN_CONSUMER = /\blogin\b|password-stdin|with-token|\b(?:ch)?passwd\b|--stdin\b|\bsecret\b/;
// Arguments are bounded so a line of many echos without a pipe stays linear.
const ECHO_PIPE =
  /(?<![\w-])(echo|printf)((?:[ \t]+-[A-Za-z]+)*[ \t]+)([^|\n]{1,512}?)([ \t]*\|[^|\n][^\n]*)/g;
// Whole lines holding a here-string: the consumer is looked for once per line.
const HERE_STRING_LINE = /^.*<<<.*$/gm;
const HERE_STRING = new RegExp(String.raw`(<<<[ \t]*)(${WORD})`, "g");
const HEREDOC = /<<-?[ \t]*(["']?)([A-Za-z_][\w-]*)\1([^\n]*)\n([\s\S]*?)(?=\n[ \t]*\2[ \t]*(?:\n|$)|$)/g;

// `aws configure set aws_secret_access_key …`, `npm config set //host/:_authToken …`.
const CONFIG_SET = new RegExp(
  String.raw`\b(config(?:ure)?[ \t]+set[ \t]+(?:--?[\w-]+[ \t]+)*)(\S+)([ \t]+)(${WORD})`,
  "g",
);

// `Server=…;Pwd=my secret;AccountKey=…;` — values may hold spaces, up to the next `;`.
const CONNECTION_PAIR =
  /(?<![\w.-])(password|pwd|accountkey|sharedaccesskey|sharedaccesssignature|clientsecret|accesskey)([ \t]*=[ \t]*)([^;"'\n]+)(?=;)/gi;

// `.netrc`: `machine host login user password secret`.
const NETRC = /\b(machine[ \t]+\S+[ \t]+(?:login[ \t]+\S+[ \t]+)?password[ \t]+)(\S+)/g;

// `name=value`, `name: value`, `"name": "value"`. Names are matched first and values scanned only
// for secret names, so a long run of ordinary assignments stays linear. Look-behinds pin the start.
const ASSIGNMENT_NAME = /(?<![\w.-])([A-Za-z_][\w.-]*)(["']?[ \t]*[:=][ \t]*)(?=\S)/g;
const ASSIGNMENT_VALUE = /"[^"\n]*"?|'[^'\n]*'?|[^\s"'&,;)}\]]+/y;
// `--token abc123`, `--token=abc123`, `-passout pass:x`.
const FLAG_NAME = /(?<![\w-])(--?[A-Za-z][\w-]*)([ \t]+|=)(?=[^\s-])/g;
const FLAG_VALUE = /"[^"\n]*"?|'[^'\n]*'?|[^\s"']+/y;

// Every secret name contains one of these (see secret-names.ts).
const SECRET_WORDS = [
  "token",
  "passw",
  "phrase",
  "secret",
  "key",
  "auth",
  "cookie",
  "credential",
  "signature",
  "sig",
  "pwd",
  "sshpass",
];
// Prose mentions tokens and keys; only a secret word followed by its separator is worth a full scan.
const ASSIGNMENT_GATE = new RegExp(String.raw`(?:${SECRET_WORDS.join("|")})[\w.-]*["']?[ 	]*[:=]`, "i");
const FLAG_GATE = new RegExp(
  String.raw`-(?:[\w-]*)(?:${SECRET_WORDS.join("|")}|pass|pw)[\w-]*(?:[ 	]|=)`,
  "i",
);

function maskDashP(segment: string): string {
  return segment.replace(
    DASH_P,
    (_m, flag: string, space: string | undefined) => `${flag}${space ?? ""}${REDACTED}`,
  );
}

// A command whose `-p` carries a password: mask it within each of the command's segments.
function dashPRule(id: string, what: string, hint: readonly string[], segment: RegExp): RedactionRule {
  return { id, what, hint, apply: (t) => withinSegments(t, segment, maskDashP) };
}

/** Key blocks, headers and URL credentials: run before the token rules. */
export const LEADING_RULES: readonly RedactionRule[] = [
  {
    id: "pem-private-key",
    what: "PEM private key blocks of every kind (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, SSH2), whole, cut or unterminated",
    hint: ["----"],
    apply: (t) => t.replace(PEM_BLOCK, PRIVATE_KEY).replace(PEM_ORPHAN_END, PRIVATE_KEY),
  },
  {
    id: "pgp-private-key",
    what: "PGP private key blocks, whole, cut or unterminated",
    hint: ["-----begin pgp", "-----end pgp"],
    apply: (t) =>
      t
        .replace(PGP_BLOCK, `${REDACTED} PGP private key`)
        .replace(PGP_ORPHAN_END, `${REDACTED} PGP private key`),
  },
  {
    id: "authorization-header",
    what: "`Authorization` / `Proxy-Authorization` values (the scheme word is kept)",
    hint: ["authorization"],
    apply: (t) =>
      t.replace(
        AUTH_HEADER,
        (_m, key: string, sep: string, scheme: string | undefined) =>
          `${key}${sep}${scheme ?? ""}${REDACTED}`,
      ),
  },
  {
    id: "bearer-credential",
    what: "`Bearer …` / `Basic …` credentials anywhere",
    hint: ["bearer", "basic"],
    apply: (t) =>
      t.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`),
  },
  {
    id: "cookie-header",
    what: "`Cookie` / `Set-Cookie` header values, every pair",
    hint: ["cookie"],
    apply: (t) => t.replace(COOKIE_HEADER, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`),
  },
  {
    id: "url-credentials",
    what: "`user:password@` in any URL (`https://`, `postgres://`, `//…`); the user is kept",
    hint: ["//"],
    apply: (t) =>
      t.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`),
  },
];

/** Command grammar and secret-named values: run after the token rules. */
export const COMMAND_RULES: readonly RedactionRule[] = [
  {
    id: "user-password-flag",
    what: "`-u user:password` / `--user user:password` (curl, wget); the user is kept",
    hint: ["-u", "--user", "--proxy-user"],
    apply: (t) =>
      t.replace(
        USER_FLAG,
        (_m, flag: string, sep: string, quote: string, user: string) =>
          `${flag}${sep}${quote}${user}:${REDACTED}`,
      ),
  },
  dashPRule(
    "mysql-password",
    "`-p PASSWORD` and `-pPASSWORD` of mysql, mysqldump, mariadb and friends",
    ["mysql", "mariadb"],
    MYSQL_SEGMENT,
  ),
  dashPRule("sshpass", "`sshpass -p PASSWORD` and `-pPASSWORD`", ["sshpass"], SSHPASS_SEGMENT),
  dashPRule(
    "login-password",
    "`-p PASSWORD` of `login` subcommands (docker, podman, helm registry, cf, az …)",
    ["login", "signin"],
    LOGIN_SEGMENT,
  ),
  {
    id: "vault-login",
    what: "the token argument of `vault login` / `bao login`",
    hint: ["login"],
    apply: (t) =>
      t.replace(VAULT_LOGIN, (_m, cmd: string, args: string) => cmd + args.replace(POSITIONAL, REDACTED)),
  },
  {
    id: "echo-to-login",
    what: "what `echo`/`printf` pipes into a command reading a secret on stdin (`| docker login --password-stdin`, `| chpasswd`)",
    hint: ["echo", "printf"],
    apply: (t) =>
      t.replace(ECHO_PIPE, (m, cmd: string, opts: string, _value: string, rest: string) =>
        STDIN_CONSUMER.test(rest) ? `${cmd}${opts}${REDACTED}${rest}` : m,
      ),
  },
  {
    id: "here-string",
    what: "`<<< value` here-strings on a line that reads a secret (login, `--password-stdin`, passwd, secret)",
    hint: ["<<<"],
    apply: (t) =>
      t.replace(HERE_STRING_LINE, (line) =>
        STDIN_CONSUMER.test(line) ? line.replace(HERE_STRING, (_m, op: string) => `${op}${REDACTED}`) : line,
      ),
  },
  {
    id: "heredoc",
    what: "heredoc bodies fed to a command reading a secret, to the terminator or the end of the text",
    hint: ["<<"],
    apply: (t) =>
      t.replace(
        HEREDOC,
        (m: string, _q: string, _tag: string, rest: string, body: string, at: number, all: string) => {
          const line = all.slice(all.lastIndexOf("\n", at - 1) + 1, at) + rest;
          if (!STDIN_CONSUMER.test(line) || body.length === 0) return m;
          return m.slice(0, m.length - body.length) + REDACTED;
        },
      ),
  },
  {
    id: "config-set",
    what: "`aws configure set <secret-name> VALUE`, `npm config set //host/:_authToken VALUE` and the like",
    hint: ["config"],
    apply: (t) =>
      t.replace(CONFIG_SET, (m, head: string, name: string, space: string) =>
        isSecretKey(name) ? `${head}${name}${space}${REDACTED}` : m,
      ),
  },
  {
    id: "connection-string",
    what: "`Password=`, `Pwd=`, `AccountKey=`, `SharedAccessKey=` … pairs of `;` connection strings, spaces included",
    hint: ["password", "pwd", "key", "signature", "secret"],
    apply: (t) => t.replace(CONNECTION_PAIR, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`),
  },
  {
    id: "netrc",
    what: "`.netrc` lines: `machine HOST login USER password SECRET`",
    hint: ["machine"],
    apply: (t) => t.replace(NETRC, (_m, head: string) => `${head}${REDACTED}`),
  },
  {
    id: "secret-assignment",
    what: "values of secret-named assignments: shell `export X_TOKEN=…`, env files, JSON, YAML, `.npmrc` `_authToken=`",
    hint: SECRET_WORDS,
    apply: (t) =>
      ASSIGNMENT_GATE.test(t) ? maskNamedValues(t, ASSIGNMENT_NAME, ASSIGNMENT_VALUE, isSecretKey) : t,
  },
  {
    id: "secret-flag",
    what: "values of secret flags: `--password[=]`, `--token`, `--key`, `--api-key`, `--access-token`, `-passout` …",
    hint: [...SECRET_WORDS, "pass", "-pw"],
    apply: (t) => (FLAG_GATE.test(t) ? maskNamedValues(t, FLAG_NAME, FLAG_VALUE, isSecretFlag) : t),
  },
];
