import fs from 'node:fs';
import type { EmbeddedService } from '../../src/launcher/embedded';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __MAC_SERVICES__?: EmbeddedService[] }).__MAC_SERVICES__ ?? [];
  await Promise.all(services.map((s) => s.stop()));
  const dir = process.env.MAC_TEST_DIR;
  if (dir && !process.env.MAC_TEST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}
