/**
 * The expected access matrix, as the tools and tests use it: its words
 * (model.ts), the file's schema and selectors (schema.ts, selectors.ts), and
 * the expansion of its templates for each subject (expand.ts, subjects/).
 */
export * from "./model";
export { DEFAULT_MATRIX_FILE, loadExpectedMatrix, MatrixFileError } from "./schema";
export type { ExpectedMatrix, Template } from "./schema";
export { expandMatrix, expandSubject, transportContext } from "./expand";
export { ADMINISTRATOR_ACCESS, THIRD_PARTY_IDENTITY } from "./principals";
