/**
 * `npm run build:bundle [file]` builds the workflow bundle (src/workflows with the worker's
 * preloaded modules, src/launcher/workflowBundle.ts) into a file, dist/workflow-bundle.js by
 * default: the file the image ships and its worker runs (WORKFLOW_BUNDLE_PATH). `npm run build`
 * runs it after tsc. Prints the file and the short sha256 that the worker logs at start.
 */
import { WORKFLOW_BUNDLE_FILE, writeWorkflowBundle } from '../launcher/workflowBundle';

async function main(): Promise<void> {
  const bundle = await writeWorkflowBundle(process.argv[2] ?? WORKFLOW_BUNDLE_FILE);
  process.stdout.write(`workflow bundle ${bundle.path} sha256 ${bundle.sha256} (${Math.round(Buffer.byteLength(bundle.code) / 1024)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`building the workflow bundle failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
