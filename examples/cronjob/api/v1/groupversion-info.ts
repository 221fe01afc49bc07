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

// The v1 version of the batch API group: every kind in this directory
// belongs to it, and `kb generate` reads the markers below for all of them.
// +groupName=batch.tutorial.kubebuilder.io

/** The group and version of every kind in this directory, as resource handles take them. */
export const groupVersion = { group: "batch.tutorial.kubebuilder.io", version: "v1" } as const;
