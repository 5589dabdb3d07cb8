/** What every BundledFunction's environment holds besides its own variables. */
export const BASE_FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = { NODE_OPTIONS: '--enable-source-maps' };

/** Lambda's limit on a function's environment: all names and values together, in bytes. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The bytes an environment counts against Lambda's limit: every name and value, in UTF-8. */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(environment)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}
