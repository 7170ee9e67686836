/**
 * What the core asks the runtime to do. Effects are data: the core never performs I/O itself.
 * Boxes are named by `boxId` (`${slot}#${generation}`); only the runtime knows their Mattermost post ids.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import type { Conversation } from "./conversation.ts";

export type Effect =
  | {
      kind: "create_box";
      boxId: string;
      session: string;
      conversation: Conversation;
      runId: string | null;
      status: LiveStatusV1;
    }
  | { kind: "update_box"; boxId: string; status: LiveStatusV1 }
  /** The box's last write: `status.state` is final. It must land even under throttling. */
  | { kind: "finalize_box"; boxId: string; status: LiveStatusV1 }
  /** A buried box leaves the conversation: deleted, or edited into a one-line receipt of `status`. */
  | { kind: "remove_box"; boxId: string; policy: "delete" | "receipt"; status: LiveStatusV1 }
  | { kind: "log"; level: "info" | "warn"; message: string; fields: Record<string, string> };

export type EffectKind = Effect["kind"];
