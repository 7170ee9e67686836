import { describe, expect, it } from "vitest";
import { Runs } from "./runs.ts";

const S = "agent:main:main";

describe("Runs", () => {
  it("opens a run on its session and makes it the session's current run", () => {
    const runs = new Runs(10);
    runs.open("r1", S);
    expect(runs.get("r1")).toEqual({ session: S });
    expect(runs.activeRun(S)).toBe("r1");
    expect(runs.openCount).toBe(1);
  });

  it("tells an ended run apart from one it never saw", () => {
    const runs = new Runs(10);
    runs.open("r1", S);
    runs.close("r1", S);
    expect(runs.get("r1")).toBeUndefined();
    expect(runs.skipReason("r1")).toBe("run_ended");
    expect(runs.skipReason("r2")).toBe("unknown_run");
    expect(runs.activeRun(S)).toBeUndefined();
  });

  it("keeps a newer run current when an older run of the session ends", () => {
    const runs = new Runs(10);
    runs.open("r1", S);
    runs.open("r2", S);
    runs.close("r1", S);
    expect(runs.activeRun(S)).toBe("r2");
  });

  it("reopening an ended run takes it off the ended list", () => {
    const runs = new Runs(10);
    runs.open("r1", S);
    runs.close("r1", S);
    runs.open("r1", S);
    expect(runs.get("r1")).toEqual({ session: S });
  });

  it("keeps the first report of each fact before the run starts and while it runs", () => {
    const runs = new Runs(10);
    runs.recordFacts({ runId: "r1", trigger: "user", senderId: "alice" });
    runs.recordFacts({ runId: "r1", trigger: "heartbeat", chatId: "dm1", senderId: "bob" });
    expect(runs.facts("r1")).toEqual({ trigger: "user", senderId: "alice", chatId: "dm1" });
    runs.open("r1", S);
    expect(runs.facts("r1").chatId).toBe("dm1");
  });

  it("drops a run's facts when it ends and ignores facts that come later or name no run", () => {
    const runs = new Runs(10);
    runs.recordFacts({ runId: "r1", trigger: "user" });
    runs.open("r1", S);
    runs.close("r1", S);
    runs.recordFacts({ runId: "r1", chatId: "late" });
    runs.recordFacts({ trigger: "cron" });
    expect(runs.facts("r1")).toEqual({});
  });

  it("forgets the oldest open runs, ended runs and facts beyond its bound", () => {
    const runs = new Runs(2);
    for (const id of ["r1", "r2", "r3"]) runs.open(id, `agent:main:${id}`);
    expect(runs.openCount).toBe(2);
    expect(runs.get("r1")).toBeUndefined();
    for (const id of ["r2", "r3"]) runs.close(id, `agent:main:${id}`);
    runs.open("r4", S);
    runs.close("r4", S);
    expect(["r2", "r3", "r4"].map((id) => runs.skipReason(id))).toEqual([
      "unknown_run",
      "run_ended",
      "run_ended",
    ]);
    for (const id of ["f1", "f2", "f3"]) runs.recordFacts({ runId: id, trigger: "user" });
    expect(runs.facts("f1")).toEqual({});
    expect(runs.facts("f3")).toEqual({ trigger: "user" });
  });
});
