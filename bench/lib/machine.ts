import { readFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";

/** What the benchmark ran on, for the report. */
export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  node: string;
  cpu: string;
}

export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    cpu,
  };
}
