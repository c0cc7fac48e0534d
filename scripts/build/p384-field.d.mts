/** The text wasm/p384/field.ts must hold. */
export function fieldSource(): string;
/** Writes wasm/p384/field.ts when it differs from fieldSource(). */
export function writeFieldSource(): void;
