// Validate one file's C2PA manifest with @trustnxt/c2pa-ts and print the result as JSON:
// {"format", "manifest": bool, "valid": bool, "codes": [{"code", "success", "explanation"}], "error"?}
import * as fs from 'node:fs/promises';
import { JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';

const buf = await fs.readFile(process.argv[2]);
let asset;
let format;
if (JPEG.canRead(buf)) {
    asset = new JPEG(buf);
    format = 'jpeg';
} else if (PNG.canRead(buf)) {
    asset = new PNG(buf);
    format = 'png';
} else {
    console.log(JSON.stringify({ format: null, manifest: false, valid: false, codes: [], error: 'format not supported by c2pa-ts' }));
    process.exit(0);
}
const jumbf = asset.getManifestJUMBF();
if (!jumbf) {
    console.log(JSON.stringify({ format, manifest: false, valid: false, codes: [] }));
    process.exit(0);
}
let result;
let error;
try {
    const manifests = ManifestStore.read(SuperBox.fromBuffer(jumbf));
    result = await manifests.validate(asset);
} catch (e) {
    error = String(e);
    result = ValidationResult.fromError(e);
}
const codes = [...(result.statusEntries ?? [])].map((e) => ({ code: e.code, success: e.success, explanation: e.explanation ?? null }));
console.log(JSON.stringify({ format, manifest: true, valid: result.isValid, codes, ...(error ? { error } : {}) }));
