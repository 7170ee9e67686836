import * as React from "react";
import type { RemoteStatus } from "../remote.ts";

const POLL_MS = 800;

/**
 * The form that plays the scene into a real Mattermost. The token goes to the demo server once,
 * in the request that starts the run, and is cleared from the form right after.
 */
export function RemoteDialog({ onClose }: { onClose: () => void }): React.ReactElement {
  const [url, setUrl] = React.useState("");
  const [token, setToken] = React.useState("");
  const [channelId, setChannelId] = React.useState("");
  const [error, setError] = React.useState("");
  const [status, setStatus] = React.useState<RemoteStatus | null>(null);
  const running = status?.state === "running";

  // Escape closes it, as any modal dialog.
  React.useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  React.useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch("/demo/api/remote");
        if (!stop && res.ok) setStatus((await res.json()) as RemoteStatus);
      } catch {
        // The demo stopped; the main view says so.
      }
    };
    tick();
    const timer = setInterval(tick, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError("");
    const res = await fetch("/demo/api/remote", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, token, channelId }),
    });
    setToken("");
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      setError(body.error ?? `The demo answered ${res.status}.`);
    } else setStatus({ state: "running", lines: [] });
  };

  return (
    <div className="overlay">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="remote-title">
        <header className="dialog__header">
          <h2 id="remote-title">Play this scene on your Mattermost</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <p>
          The same recorded turns go through the same pipeline into one channel of your server: channel
          messages stay in it, the thread and the DM become threads. Use a bot token (the bot must be in the
          channel). Install the webapp plugin (<code>packages/webapp/dist/live-status-webapp.tar.gz</code>) to
          see the boxes drawn; without it Mattermost shows their text.
        </p>
        <form onSubmit={submit} autoComplete="off">
          <label>
            Server URL
            <input
              type="url"
              required
              placeholder="https://chat.example.com"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </label>
          <label>
            Bot token
            <input type="password" required value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          <label>
            Channel id
            <input
              required
              pattern="[a-z0-9]{26}"
              placeholder="26 letters and digits (channel menu → View Info)"
              value={channelId}
              onChange={(e) => setChannelId(e.target.value.trim())}
            />
          </label>
          <p className="dialog__note">
            The token is used for this run only: never stored, logged or shown again.
          </p>
          {error ? (
            <p className="dialog__error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="dialog__actions">
            <button type="submit" className="button" disabled={running}>
              {running ? "Playing…" : "Play on my server"}
            </button>
          </div>
        </form>
        {status && status.lines.length > 0 ? (
          <pre className="dialog__log" role="log" aria-live="polite">
            {status.lines.join("\n")}
          </pre>
        ) : null}
      </div>
    </div>
  );
}
