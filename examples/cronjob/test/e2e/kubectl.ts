/*
 * Copyright 2026.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { execFile, spawn } from "node:child_process";
import { request } from "node:https";

/** Runs kubectl with `args`, writing `input` to its standard input; resolves with what it printed. */
export function kubectl(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "kubectl",
      args,
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`kubectl ${args.join(" ")} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
}

/** A running `kubectl port-forward`. */
export interface PortForward {
  /** The local port that leads to the remote one. */
  readonly port: number;
  close(): void;
}

/** Forwards a free local port to `remotePort` of `target` (`service/<name>`, `pod/<name>`) in `namespace`. */
export function portForward(
  namespace: string,
  target: string,
  remotePort: number,
): Promise<PortForward> {
  const child = spawn("kubectl", ["port-forward", "-n", namespace, target, `:${remotePort}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const forwarding = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (forwarding) resolve({ port: Number(forwarding[1]), close: () => child.kill() });
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`kubectl port-forward exited (${code}): ${output}`)),
    );
  });
}

/** An HTTP response: its status code and body. */
export interface Response {
  readonly status: number;
  readonly body: string;
}

/**
 * GETs `path` over HTTPS from a local port (a port-forward), with a bearer token when one is
 * given. The server's certificate is not verified: it is issued for the service's DNS name
 * (or self-signed), not for 127.0.0.1, and these tests check what is served, not the certificate.
 */
export function httpsGet(port: number, path: string, token?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "GET",
        rejectUnauthorized: false,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
