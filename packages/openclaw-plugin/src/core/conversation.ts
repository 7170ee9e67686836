/**
 * A Mattermost conversation a box can live in. A box belongs to exactly one (session, conversation)
 * pair; routing guarantees a run never touches another conversation's box. Its keys: `keys.ts`.
 */
export type Conversation = (
  | { kind: "channel"; channelId: string; rootId?: string }
  /** A DM known only by the other user's id; the runtime resolves the DM channel. */
  | { kind: "dm"; userId: string; rootId?: string }
) & {
  /**
   * The OpenClaw Mattermost account (`channels.mattermost.accounts.<id>`) the run's message came in
   * on: its box goes through that account's bot and server. Absent: the default account. Not part of
   * the key: channel and user ids are unique per server.
   */
  account?: string;
};
