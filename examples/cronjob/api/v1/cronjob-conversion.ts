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

import { conversion } from "kubebuilder-ts/runtime";
import { CronJobResource, type CronJob } from "./cronjob-types.js";
import { cronJobV2Conversion } from "../v2/cronjob-conversion.js";
// +kubebuilder:scaffold:imports

/**
 * How CronJob objects convert between the versions of their API. v1 is the hub:
 * every other version (a spoke) converts to and from it, and from one spoke to another
 * through it, so a new version needs one pair of functions, in its own directory
 * (`cronjob-conversion.ts` next to its types). The API server calls the conversion
 * webhook with these whenever it reads or writes a version other than the stored one.
 */
export const cronJobConversion = conversion<CronJob>({
  hub: CronJobResource,
  spokes: {
    v2: cronJobV2Conversion,
    // +kubebuilder:scaffold:spokes
  },
});
