import { execFile } from 'node:child_process';
import { ROOT } from './infra';

/**
 * The text of a PDF, read back with unpdf (PDF.js) in a child process: PDF.js loads itself with a
 * dynamic import, which jest's module sandbox refuses without an experimental flag.
 */
export function pdfToText(pdf: Buffer): Promise<string> {
  const script = `
    const { extractText } = require('unpdf');
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', async () => {
      const { text } = await extractText(new Uint8Array(Buffer.concat(chunks)), { mergePages: true });
      process.stdout.write(text);
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin!.end(pdf);
  });
}
