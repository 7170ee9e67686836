export type { ApiError, AppErrorBody } from "./app-error.ts";
export {
  assertServedAccordingToSpec,
  checkEventsAgainstSpec,
  checkRequestsAgainstSpec,
  KNOWN_DIFFERENCES,
  loadMattermostSpec,
  MATTERMOST_API_DIR,
  type SpecViolation,
} from "./openapi-check.ts";
export { PENDING_POST_ID_TTL_MS } from "./posts.ts";
export { type FakeFaults, type FakeMattermost, startFakeMattermost } from "./server.ts";
export type {
  ChannelType,
  FakeChannel,
  FakeMattermostOptions,
  FakePost,
  FakeUser,
  FaultKind,
  LoggedRequest,
  MatchableRequest,
  PublishedEvent,
  RequestMatcher,
} from "./types.ts";
