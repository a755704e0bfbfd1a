/**
 * The worker's workflow bundle is built in a child process (src/launcher/workflowBundle.ts), so
 * webpack's memory never stays in the worker: the bundle comes back whole over IPC.
 */
import { buildWorkflowBundleApart } from '../../src/launcher/workflowBundle';
import * as workflows from '../../src/workflows';

test('when the bundle is built apart, then it carries every workflow the worker registers', async () => {
  const { code } = await buildWorkflowBundleApart();
  for (const name of Object.keys(workflows)) expect(code).toContain(name);
  expect(code).toContain('__TEMPORAL__');
}, 120_000);
