/**
 * The story of the demo scene (packages/demo/scenes/morning) for a recording on the real gateway:
 * what the scripted model answers to each of the scene's messages, the workspace those answers
 * read, run and write in (real `read`, `exec`, `write`, `sessions_spawn`), and stand-ins for the
 * command-line tools the story calls that need a cluster or the network (`gh`, `kubectl`, `psql`,
 * `curl`), put first on exec's PATH. `git` and `grep` are the real ones, on a real repository.
 */
import type { ModelScript, ModelStep, ToolCallSpec } from "./fake-model.ts";

/** The fake secrets the story puts in command lines; the scene lists them, no post may show them. */
export const STORY_SECRETS = {
  bearer: "sk-demo-7f3c9e2ab41d4e0f9a6b8c5d2e1f0a9b",
  pgPassword: "Stg-pg-8c41-hunter2",
} as const;

/** The label and task marker of the sub-agent of the first turn. */
const DIGGER_LABEL = "log digger";
const DIGGER_MARKER = "[log digger]";

/** Markers, each a piece of one scene message, tried in this order (a later message can quote an earlier one). */
const MARKERS = {
  digger: DIGGER_MARKER,
  rollout: "draft the rollout note",
  migration: "is migration 0042 safe",
  deploy: "staging deploys have been failing",
  plate: "on my plate",
} as const;

export type StoryPart = keyof typeof MARKERS | "unknown";

/** Which part of the story a request belongs to, from the last real user message. */
export function storyPart(lastUserText: string): StoryPart {
  for (const [part, marker] of Object.entries(MARKERS) as Array<[StoryPart, string]>)
    if (lastUserText.includes(marker)) return part;
  return "unknown";
}

export interface StoryOptions {
  /** Short hash of the workspace commit that broke staging (the answer names it). */
  badCommit: string;
  /** Time source for the parent waiting on its sub-agent; default performance.now. */
  now?: () => number;
}

export interface Story {
  script: ModelScript;
  /** Requests the script did not recognise (their last user text), to report after the recording. */
  unknown: string[];
}

const exec = (command: string): ToolCallSpec => ({ name: "exec", arguments: { command } });
const read = (path: string): ToolCallSpec => ({ name: "read", arguments: { path } });
const tools = (
  calls: ToolCallSpec[],
  delayMs: number,
  usage: { prompt: number; completion: number },
  reasoning?: string,
): ModelStep => ({ kind: "tools", calls, delayMs, usage, ...(reasoning && { reasoning }) });
const text = (t: string, delayMs: number, usage: { prompt: number; completion: number }): ModelStep => ({
  kind: "text",
  text: t,
  delayMs,
  usage,
});

/**
 * The scripted model of the story. Model latencies (`delayMs`) are those of a real model, so the
 * recording has a plausible pace; the first turn's last step waits for its sub-agent to finish.
 */
export function demoStory(o: StoryOptions): Story {
  const now = o.now ?? (() => performance.now());
  const { bearer, pgPassword } = STORY_SECRETS;
  /** When the sub-agent asked for its last step (its answer), if it has. */
  let diggerAnsweredAt: number | undefined;
  const unknown: string[] = [];

  const deploy = (step: number): ModelStep => {
    switch (step) {
      case 0:
        return tools(
          [exec("gh run list --workflow deploy-staging.yml --limit 5")],
          1800,
          { prompt: 9120, completion: 96 },
          "Staging deploys failing since this morning: start with the last runs of the deploy workflow.",
        );
      case 1:
        return tools([read("deploy/staging/values.yaml")], 1500, { prompt: 9870, completion: 41 });
      case 2:
        return tools(
          [
            {
              name: "sessions_spawn",
              arguments: {
                task: `${DIGGER_MARKER} Find the first error in the staging api logs since 06:00 and the setting it comes from.`,
                label: DIGGER_LABEL,
                mode: "run",
                expectsCompletionMessage: false,
              },
            },
          ],
          1700,
          { prompt: 10650, completion: 88 },
          "The logs are long: hand them to a helper and check the health endpoint meanwhile.",
        );
      case 3:
        return tools(
          [
            exec(
              `curl -sS --fail -H 'Authorization: Bearer ${bearer}' https://api.staging.acme.dev/v1/health`,
            ),
          ],
          1300,
          { prompt: 11020, completion: 57 },
        );
      case 4: {
        // Waits (as model time) for the helper's findings: its answer plus a margin, at least 1.5 s.
        const wait = diggerAnsweredAt === undefined ? 7000 : Math.max(1500, diggerAnsweredAt + 4500 - now());
        return tools(
          [exec("git log -2 --format='%h %an %ar: %s' -- deploy/staging/values.yaml")],
          Math.round(wait),
          { prompt: 12360, completion: 49 },
        );
      }
      default:
        return text(
          `Found it. The staging **api** pods crash on start: \`DATABASE_URL\` in \`deploy/staging/values.yaml\` points at \`10.0.4.12\`, the old database host, since \`${o.badCommit}\` (a load-test change from last night that was never reverted).\n\n- the last three deploys failed and the health check answers 503\n- the first error in the logs, at 06:12: \`connect ECONNREFUSED 10.0.4.12:5432\`\n\nFix: point it back at \`db.staging.acme.dev\` and re-run the deploy.`,
          2200,
          { prompt: 13337, completion: 460 },
        );
    }
  };

  const digger = (step: number): ModelStep => {
    switch (step) {
      case 0:
        return tools(
          [exec("kubectl -n staging logs deploy/api --since=6h | grep -i error | head -20")],
          1500,
          { prompt: 4210, completion: 62 },
          "Errors in the api logs first, then where the address comes from.",
        );
      case 1:
        return tools([exec("grep -rn DATABASE_URL deploy/staging")], 1200, { prompt: 5390, completion: 38 });
      default:
        diggerAnsweredAt = now();
        return text(
          "First error at 06:12:03: `connect ECONNREFUSED 10.0.4.12:5432`, repeated on every restart. `deploy/staging/values.yaml` sets `DATABASE_URL` to that host.",
          1000,
          { prompt: 5980, completion: 74 },
        );
    }
  };

  const migration = (step: number): ModelStep => {
    switch (step) {
      case 0:
        return tools(
          [read("db/migrations/0042_orders_customer_index.sql")],
          1600,
          { prompt: 8740, completion: 52 },
          "Read the migration, then see how big the table is.",
        );
      case 1:
        return tools(
          [
            exec(
              `psql 'postgres://deploy:${pgPassword}@db.staging.acme.dev/shop' -c 'select count(*) from orders'`,
            ),
          ],
          1700,
          { prompt: 9410, completion: 71 },
        );
      case 2:
        return tools([exec("grep -ln CONCURRENTLY db/migrations/*.sql")], 1300, {
          prompt: 10020,
          completion: 33,
        });
      default:
        return text(
          "Yes, with one change: `0042` creates an index on `orders(customer_id)` without `CONCURRENTLY`, which would lock writes on 4.2M rows for about 40 s. With `CREATE INDEX CONCURRENTLY` (as `0039` does) it runs without blocking. I'd ship it that way.",
          2000,
          { prompt: 11460, completion: 386 },
        );
    }
  };

  const rollout = (step: number): ModelStep => {
    switch (step) {
      case 0:
        return tools(
          [read("CHANGELOG.md")],
          1500,
          { prompt: 12880, completion: 40 },
          "A rollout note: what ships in 2.4, then the order of steps.",
        );
      case 1:
        return tools([exec("git log --oneline -6")], 1300, { prompt: 13650, completion: 29 });
      case 2:
        return tools(
          [
            {
              name: "write",
              arguments: {
                path: "docs/releases/2.4-rollout.md",
                content: ROLLOUT_NOTE,
              },
            },
          ],
          2600,
          { prompt: 14710, completion: 310 },
        );
      default:
        return text(
          "Draft rollout note (also in `docs/releases/2.4-rollout.md`):\n\n1. Thursday 10:00: run `0042` with `CONCURRENTLY`\n2. deploy **api** 2.4 to 10% of pods, watch errors for 15 min\n3. roll out to 100%\n\nRollback: `helm rollback api 41`.",
          1800,
          { prompt: 15920, completion: 204 },
        );
    }
  };

  const plate = (step: number): ModelStep => {
    switch (step) {
      case 0:
        return tools(
          [exec("gh issue list --assignee bob --state open")],
          1500,
          { prompt: 6210, completion: 44 },
          "bob's open issues and the on-call rota.",
        );
      case 1:
        return tools([read("ONCALL.md")], 1200, { prompt: 6890, completion: 27 });
      default:
        return text(
          "Three things today:\n\n1. ship migration `0042` with `CONCURRENTLY` (see the release thread)\n2. issue #318: flaky checkout test, assigned to you since Monday\n3. on-call handover to alice at 17:00",
          1700,
          { prompt: 7420, completion: 212 },
        );
    }
  };

  const script: ModelScript = (turn) => {
    const part = storyPart(turn.lastUserText);
    switch (part) {
      case "deploy":
        return deploy(turn.step);
      case "digger":
        return digger(turn.step);
      case "migration":
        return migration(turn.step);
      case "rollout":
        return rollout(turn.step);
      case "plate":
        return plate(turn.step);
      case "unknown":
        unknown.push(turn.lastUserText.slice(0, 200));
        return { kind: "text", text: "NO_REPLY" };
    }
  };
  return { script, unknown };
}

const ROLLOUT_NOTE = `# 2.4 rollout

1. Thursday 10:00: run migration 0042 with \`CREATE INDEX CONCURRENTLY\` (about 40 s, no write lock).
2. Deploy **api** 2.4.0 to 10% of pods; watch the error rate and p95 latency for 15 minutes.
3. Roll out to 100%.

Rollback: \`helm rollback api 41\` (the index can stay).
`;

/** The workspace the story works in, committed as the repository's last state. */
export const STORY_FILES: Record<string, string> = {
  "deploy/staging/values.yaml": `# api chart values for staging
image:
  repository: ghcr.io/acme/api
  tag: "2.4.0-rc.3"
replicas: 2
env:
  LOG_LEVEL: info
  REDIS_URL: redis://redis.staging.acme.dev:6379/0
  DATABASE_URL: postgres://api@10.0.4.12:5432/shop
healthCheck:
  path: /v1/health
  initialDelaySeconds: 10
`,
  "deploy/production/values.yaml": `# api chart values for production
image:
  repository: ghcr.io/acme/api
  tag: "2.3.2"
replicas: 6
env:
  LOG_LEVEL: warn
  REDIS_URL: redis://redis.prod.acme.dev:6379/0
  DATABASE_URL: postgres://api@db.prod.acme.dev:5432/shop
`,
  "db/migrations/0039_payments_status_index.sql": `-- 2.3: payments by status, built without locking writes
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_status_idx ON payments (status);
`,
  "db/migrations/0042_orders_customer_index.sql": `-- 2.4: orders by customer, for the account page
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
`,
  "CHANGELOG.md": `# Changelog

## 2.4.0 (unreleased)

- Account page lists a customer's orders (new index on \`orders.customer_id\`, migration 0042)
- Payment webhooks are retried with backoff
- Checkout keeps the cart when the session expires

## 2.3.2

- Fix: refunds of partial orders
`,
  "ONCALL.md": `# On-call

| week | primary | secondary |
|---|---|---|
| this week | bob | alice |
| next week | alice | dana |

Handover: today 17:00 (bob → alice).
`,
};

/** The values file before the change that broke staging. */
export const VALUES_BEFORE = STORY_FILES["deploy/staging/values.yaml"]?.replace(
  "postgres://api@10.0.4.12:5432/shop",
  "postgres://api@db.staging.acme.dev:5432/shop",
);

/** Stand-ins for tools that need a cluster or the network; each answers only what the story asks. */
export const STORY_BIN: Record<string, string> = {
  gh: `#!/bin/sh
# Stand-in for the GitHub CLI in the demo recording.
case "$*" in
  *"run list"*) cat <<'EOF'
STATUS  TITLE                             WORKFLOW        BRANCH  EVENT  ID           ELAPSED  AGE
X       Deploy api 2.4.0-rc.3 to staging  deploy-staging  main    push   10293847561  4m02s    about 25 minutes ago
X       Deploy api 2.4.0-rc.3 to staging  deploy-staging  main    push   10293712204  3m58s    about 2 hours ago
X       Deploy api 2.4.0-rc.3 to staging  deploy-staging  main    push   10293544310  4m11s    about 5 hours ago
✓       Deploy api 2.4.0-rc.2 to staging  deploy-staging  main    push   10293102877  2m37s    about 14 hours ago
✓       Deploy api 2.4.0-rc.1 to staging  deploy-staging  main    push   10292877065  2m41s    about 1 day ago
EOF
  ;;
  *"issue list"*) cat <<'EOF'
Showing 2 of 2 open issues in acme/shop that match your search

ID    TITLE                                         LABELS      UPDATED
#318  Flaky checkout test: cart_expiry_spec         test, flaky about 2 days ago
#311  Migration 0042: review before the 2.4 train   db          about 1 hour ago
EOF
  ;;
  *) echo "gh: not available in this recording" >&2; exit 1 ;;
esac
`,
  kubectl: `#!/bin/sh
# Stand-in for kubectl in the demo recording: the staging api's log.
cat <<'EOF'
06:12:03.481Z ERROR db: connect ECONNREFUSED 10.0.4.12:5432
06:12:03.482Z ERROR startup: cannot reach the database, exiting (code 1)
06:12:41.907Z ERROR db: connect ECONNREFUSED 10.0.4.12:5432
06:12:41.908Z ERROR startup: cannot reach the database, exiting (code 1)
06:13:58.115Z ERROR db: connect ECONNREFUSED 10.0.4.12:5432
06:13:58.116Z ERROR startup: cannot reach the database, exiting (code 1)
EOF
`,
  psql: `#!/bin/sh
# Stand-in for psql in the demo recording.
printf '  count\\n---------\\n 4213577\\n(1 row)\\n\\n'
`,
  curl: `#!/bin/sh
# Stand-in for curl in the demo recording: the staging health check is down.
echo "curl: (22) The requested URL returned error: 503" >&2
exit 22
`,
};
