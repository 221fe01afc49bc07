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

// Unit tests: the *.test.ts files next to the code they test. The e2e tests, which need a
// cluster, have their own configuration (test/e2e/vitest.config.ts, npm run test:e2e).
export default defineConfig({
  test: {
    include: ["{api,src}/**/*.test.ts"],
    // A new project has no kinds yet, so no tests: that is not a failure.
    passWithNoTests: true,
    // Controller tests start a test API server and a manager: allow them some time.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
