// Lint rules: type-aware checks plus import ownership (one dependency, one owning folder).
import tseslint from "typescript-eslint";

const owned = [
  { name: "nact", folder: "actors/kernel/" },
  { name: "@rjweb/uws", folder: "src/transport/" },
  { name: "ws", folder: "src/transport/" },
  { name: "pg", folder: "src/storage/" },
  { name: "@electric-sql/pglite", folder: "src/storage/" },
  { name: "fengari", folder: "src/runtime/lua/" },
  { name: "quickjs-emscripten", folder: "src/runtime/js/" },
  { name: "quickjs-emscripten-core", folder: "src/runtime/js/" },
];

const actorsPattern = { group: ["**/actors/**"], message: "src/ may not import actors/ (only src/main.ts, the composition root)" };
// Builds a no-restricted-imports rule forbidding every owned package except those owned by `folder`.
function restrict(folder, forbidActors) {
  const paths = owned.filter((o) => o.folder !== folder).map(({ name, folder: f }) => ({ name, message: `${name} is owned by ${f}` }));
  const patterns = owned.filter((o) => o.folder !== folder).map(({ name, folder: f }) => ({ group: [`${name}/*`], message: `${name} is owned by ${f}` }));
  if (forbidActors) patterns.push(actorsPattern);
  return { "no-restricted-imports": ["error", { paths, patterns }] };
}
const folders = [...new Set(owned.map((o) => o.folder))];
// Later blocks override earlier ones for the same rule, so the general rule comes first.
const ownership = [
  { files: ["src/**/*.ts"], rules: restrict(null, true) },
  { files: ["actors/**/*.ts"], rules: restrict(null, false) },
  ...folders.map((f) => ({ files: [`${f}**/*.ts`], rules: restrict(f, f.startsWith("src/")) })),
  { files: ["src/main.ts"], rules: restrict(null, false) },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", "eslint.config.js", "bench/out/**", "test/fixtures/modules/**"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": ["error", { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "it", "describe", "suite"] }] }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      "no-console": ["error"],
    },
  },
  ...ownership,
  { files: ["bench/**/*.ts", "test/**/*.ts", "**/*.test.ts", "src/cli.ts"], rules: { "no-console": "off" } },
);
