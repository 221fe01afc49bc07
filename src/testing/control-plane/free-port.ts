import { createServer, type AddressInfo } from "node:net";

/**
 * `count` distinct free TCP ports on `host`, as the kernel hands them out for port 0. They
 * are held open together until all are known (so that none is handed out twice), then
 * released for the caller's processes to bind; another process could take one in between,
 * the same window envtest has.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
