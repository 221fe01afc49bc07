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

import { defineConfig } from "vitest/config";

// The e2e tests check the manager that npm run deploy put on the cluster of the current
// kubeconfig. They run only with USE_EXISTING_CLUSTER=true (see README.md).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    // One cluster is shared: run the files one after another.
    fileParallelism: false,
    // The manager may still be pulling its image or waiting for its certificate.
    testTimeout: 5 * 60_000,
    hookTimeout: 60_000,
  },
});
