// Types of scripts/gen-validators.mjs, for the tests that import it.
export const OUTPUT: string;
export function schemasDigest(texts: string[]): string;
export function renderValidators(): string;
