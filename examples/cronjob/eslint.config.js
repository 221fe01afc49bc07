// @ts-check
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "coverage/"]),
  js.configs.recommended,
  // The rules that read the types TypeScript infers. Among them: a promise that is neither
  // awaited nor handled (no-floating-promises), and an async function passed where nothing
  // waits for its promise (no-misused-promises). In a reconciler, either lets a failed
  // client.update() go unseen: the reconcile reports success, and nothing retries it.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig.json that includes it.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // JavaScript files (this one) are in no tsconfig.json: no type information for them.
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    rules: {
      // A leading underscore marks a parameter or variable that is unused on purpose.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);
