/**
 * Passwords that common commands take on their command line by position or by a short flag whose
 * name says nothing (`redis-cli -a`, `ldapsearch -w`, `sqlcmd -P`, `smbclient -U user%pass`,
 * `htpasswd -b file user pass`, `sqlplus user/pass@db`). The generic secret-flag rule only knows
 * flags named like a secret, so each command's own flags are listed here.
 */
import { ARGS, REDACTED, type RedactionRule, WORD, withinSegments } from "./rule.ts";
import { isSecretKey } from "./secret-names.ts";

/** How a command takes its password: `-a SECRET`, `-pSECRET` (attached) or `/p:SECRET`. */
interface PasswordFlags {
  commands: readonly string[];
  flags: readonly string[];
  form: "separate" | "attached" | "colon";
}

const PASSWORD_FLAGS: readonly PasswordFlags[] = [
  { commands: ["redis-cli", "valkey-cli", "keydb-cli"], flags: ["-a"], form: "separate" },
  {
    commands: [
      "mongo",
      "mongosh",
      "mongodump",
      "mongorestore",
      "mongoexport",
      "mongoimport",
      "mongostat",
      "mongotop",
    ],
    flags: ["-p"],
    form: "separate",
  },
  {
    commands: [
      "ldapsearch",
      "ldapadd",
      "ldapmodify",
      "ldapdelete",
      "ldapmodrdn",
      "ldapcompare",
      "ldapwhoami",
    ],
    flags: ["-w"],
    form: "separate",
  },
  { commands: ["ldappasswd"], flags: ["-w", "-a", "-s"], form: "separate" },
  { commands: ["sqlcmd", "bcp", "osql", "isql", "ipmitool"], flags: ["-P"], form: "separate" },
  { commands: ["ssh-keygen"], flags: ["-N", "-P"], form: "separate" },
  { commands: ["zip", "zipcloak", "unzip", "funzip"], flags: ["-P"], form: "separate" },
  { commands: ["7z", "7za", "7zr"], flags: ["-p"], form: "attached" },
  { commands: ["psexec", "psexec64"], flags: ["-p"], form: "separate" },
  { commands: ["openssl"], flags: ["-k"], form: "separate" },
  {
    commands: ["snmpwalk", "snmpget", "snmpgetnext", "snmpbulkwalk", "snmpset", "snmptable", "snmptrap"],
    flags: ["-A", "-X", "-c"],
    form: "separate",
  },
  { commands: ["xfreerdp", "wlfreerdp", "sdl-freerdp"], flags: ["/p"], form: "colon" },
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function segmentOf(commands: readonly string[]): RegExp {
  return new RegExp(
    String.raw`(?<![\w.-])(?:${commands.map(escapeRegExp).join("|")})(?:\.exe)?(?![\w.-])${ARGS}`,
    "gi",
  );
}

function flagPattern({ flags, form }: PasswordFlags): RegExp {
  const names = flags.map(escapeRegExp).join("|");
  if (form === "colon") return new RegExp(String.raw`(?<![\w-])(${names}:)(${WORD})`, "g");
  if (form === "attached") return new RegExp(String.raw`(?<![\w-])(${names})(?!-)(${WORD})`, "g");
  return new RegExp(String.raw`(?<![\w-])(${names})([ \t]+)(?!-)(${WORD})`, "g");
}

const FLAG_TABLE = PASSWORD_FLAGS.map((entry) => ({
  segment: segmentOf(entry.commands),
  flag: flagPattern(entry),
  separate: entry.form === "separate",
}));

// `smbclient -U user%secret`, `--user=user%secret`; `lftp -u user,secret`.
const SMB_SEGMENT = segmentOf(["smbclient", "rpcclient", "smbcacls", "smbget", "smbmap", "net"]);
const SMB_USER = /(?<![\w-])(-U|--user)([ \t]+|=)(["']?)([^\s%"']+)%([^\s"']+)/g;
const LFTP_SEGMENT = segmentOf(["lftp"]);
const LFTP_USER = /(?<![\w-])(-u)([ \t]+)(["']?)([^\s,"']+),([^\s"']+)/g;

// `htpasswd -b[c…] FILE USER SECRET`, `htpasswd -nb USER SECRET`: the password is a counted positional.
const HTPASSWD_SEGMENT = segmentOf(["htpasswd"]);
const ARG = new RegExp(WORD, "g");
const HTPASSWD_VALUED_FLAGS = new Set(["-C", "-r"]);

function maskHtpasswd(segment: string): string {
  const words = [...segment.matchAll(ARG)].slice(1);
  const flags = words.filter((w) => /^-[A-Za-z]+$/.test(w[0])).map((w) => w[0]);
  if (!flags.some((f) => f.includes("b"))) return segment;
  const positionals = words.filter(
    (w, i) => !w[0].startsWith("-") && !HTPASSWD_VALUED_FLAGS.has(words[i - 1]?.[0] ?? ""),
  );
  const password = positionals[flags.some((f) => f.includes("n")) ? 1 : 2];
  if (password?.index === undefined) return segment;
  return segment.slice(0, password.index) + REDACTED + segment.slice(password.index + password[0].length);
}

// `net use … /user:NAME SECRET`, `net user NAME SECRET`.
const NET_USE = new RegExp(String.raw`(\bnet[ \t]+use\b${ARGS}?/user:\S+[ \t]+)(?![/-])(${WORD})`, "gi");
const NET_USER = new RegExp(String.raw`(\bnet[ \t]+user[ \t]+(?![/-])\S+[ \t]+)(?![/-])(${WORD})`, "gi");
// `sqlplus scott/tiger@db` and its siblings: the password between `/` and `@` (or the word's end).
const ORACLE_LOGIN =
  /(\b(?:sqlplus|rman|expdp|impdp|sqlldr|exp|imp|dgmgrl)[ \t]+(?:-\S+[ \t]+)*["']?[^\s/@"']+\/)([^\s@"']+)/gi;
// `rclone config create|update NAME TYPE key value …`: secret-named keys lose their value.
const RCLONE_CONFIG = new RegExp(String.raw`\brclone[ \t]+config[ \t]+(?:create|update)\b${ARGS}`, "g");
const KEY_VALUE = new RegExp(String.raw`(?<=[ \t])([\w.-]+)([ \t]+)(?![-=])(${WORD})`, "g");

export const COMMAND_FLAG_RULES: readonly RedactionRule[] = [
  {
    id: "command-password-flags",
    what: "short password flags of specific commands: `redis-cli -a`, `mongosh -p`, `ldapsearch -w`, `sqlcmd -P`, `ipmitool -P`, `ssh-keygen -N/-P`, `zip -P`, `7z -p…`, `psexec -p`, `openssl -k`, `snmpwalk -A/-X/-c`, `xfreerdp /p:`",
    hint: [
      "redis",
      "valkey",
      "keydb",
      "mongo",
      "ldap",
      "sqlcmd",
      "bcp",
      "osql",
      "isql",
      "ipmitool",
      "ssh-keygen",
      "zip",
      "7z",
      "psexec",
      "openssl",
      "snmp",
      "freerdp",
    ],
    apply: (text) => {
      let out = text;
      for (const { segment, flag, separate } of FLAG_TABLE) {
        out = withinSegments(out, segment, (s) =>
          s.replace(flag, (_m, name: string, space: string) => `${name}${separate ? space : ""}${REDACTED}`),
        );
      }
      return out;
    },
  },
  {
    id: "user-with-password",
    what: "the password joined to a user name: `smbclient -U user%PASSWORD`, `lftp -u user,PASSWORD`; the user is kept",
    hint: ["smb", "rpcclient", "net", "lftp"],
    apply: (text) => {
      const smb = withinSegments(text, SMB_SEGMENT, (s) =>
        s.replace(
          SMB_USER,
          (_m, f: string, sep: string, q: string, user: string) => `${f}${sep}${q}${user}%${REDACTED}`,
        ),
      );
      return withinSegments(smb, LFTP_SEGMENT, (s) =>
        s.replace(
          LFTP_USER,
          (_m, f: string, sep: string, q: string, user: string) => `${f}${sep}${q}${user},${REDACTED}`,
        ),
      );
    },
  },
  {
    id: "positional-password",
    what: "passwords given by position: `htpasswd -b FILE USER PASSWORD`, `net use … /user:NAME PASSWORD`, `net user NAME PASSWORD`, `sqlplus user/PASSWORD@db`, secret keys of `rclone config create`",
    hint: [
      "htpasswd",
      "net",
      "sqlplus",
      "rman",
      "expdp",
      "impdp",
      "sqlldr",
      "exp",
      "imp",
      "dgmgrl",
      "rclone",
    ],
    apply: (text) =>
      withinSegments(text, HTPASSWD_SEGMENT, maskHtpasswd)
        .replace(NET_USE, (_m, head: string) => `${head}${REDACTED}`)
        .replace(NET_USER, (_m, head: string) => `${head}${REDACTED}`)
        .replace(ORACLE_LOGIN, (_m, head: string) => `${head}${REDACTED}`)
        .replace(RCLONE_CONFIG, (segment) =>
          segment.replace(KEY_VALUE, (m, key: string, space: string) =>
            isSecretKey(key) ? `${key}${space}${REDACTED}` : m,
          ),
        ),
  },
];
