// Types of scripts/gen-manifests-doc.mjs, for the test that imports it.
export const OUTPUT: string;
export function renderManifestsDoc(schemaDir?: string): string;
