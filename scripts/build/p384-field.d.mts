/** The text wasm/p384/field.ts must hold. */
export function fieldSource(): string;
