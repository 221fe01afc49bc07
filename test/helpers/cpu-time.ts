/**
 * Runs `fn` and measures the CPU time (user + system) this process spent meanwhile, in ms.
 * Performance assertions use it rather than wall-clock time: on a loaded machine other
 * processes stretch wall-clock time arbitrarily, but not this process's CPU time.
 */
export function cpuTimed<T>(fn: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}
