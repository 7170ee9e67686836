import { afterEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api } from "./test-client.ts";

let fake: FakeMattermost | undefined;

afterEach(async () => {
  if (fake) assertServedAccordingToSpec(fake);
  await fake?.close();
  fake = undefined;
});

describe("webapp plugins", () => {
  it("lists the active webapp plugins to any signed-in user, as manifests with a bundle path", async () => {
    fake = await startFakeMattermost({
      users: ["alice"],
      webappPlugins: [{ id: "live-status", version: "0.1.0" }],
    });
    const alice = fake.user("alice");
    const res = await api(fake, "GET", "/api/v4/plugins/webapp", { token: alice?.token ?? null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      {
        id: "live-status",
        version: "0.1.0",
        webapp: { bundle_path: "/static/plugins/live-status/live-status_bundle.js" },
      },
    ]);
  });

  it("lists none by default and follows what an admin changes", async () => {
    fake = await startFakeMattermost();
    expect((await api(fake, "GET", "/api/v4/plugins/webapp")).json).toEqual([]);
    fake.setWebappPlugins([{ id: "com.example.other", version: "2.0.0" }]);
    expect((await api(fake, "GET", "/api/v4/plugins/webapp")).json).toMatchObject([
      { id: "com.example.other" },
    ]);
  });

  it("answers 501 with the server's error id when plugins are disabled", async () => {
    fake = await startFakeMattermost({ webappPlugins: "disabled" });
    const res = await api(fake, "GET", "/api/v4/plugins/webapp");
    expect(res.status).toBe(501);
    expect(res.json).toMatchObject({ id: "app.plugin.disabled.app_error", status_code: 501 });
  });

  it("answers 401 without a token", async () => {
    fake = await startFakeMattermost();
    expect((await api(fake, "GET", "/api/v4/plugins/webapp", { token: null })).status).toBe(401);
  });
});
