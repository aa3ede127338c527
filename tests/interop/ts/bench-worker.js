// Benchmark worker: one no-op task served by the official Hatchet TypeScript SDK.
// Usage: node bench-worker.js <task-name> <slots>
// Prints {"event":"ready"} once listening. On a line "report" on stdin it prints
// {"event":"report","executions":N,"distinct":D} (D = distinct run ids executed).
'use strict';
const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');

const [taskName = 'bench-noop', slotsArg = '100'] = process.argv.slice(2);
const hatchet = HatchetClient.init();
const seen = new Map();
let executions = 0;

const noop = hatchet.task({
  name: taskName,
  retries: 0,
  fn: async (_input, ctx) => {
    executions += 1;
    const id = ctx.workflowRunId();
    seen.set(id, (seen.get(id) || 0) + 1);
    return { ok: true };
  },
});

async function main() {
  const worker = await hatchet.worker(`${taskName}-worker`, { workflows: [noop], slots: Number(slotsArg) });
  worker.start();
  await worker.waitUntilReady(30000);
  process.stdout.write(JSON.stringify({ event: 'ready' }) + '\n');
  let buffer = '';
  process.stdin.on('data', (chunk) => {
    buffer += chunk.toString();
    if (buffer.includes('report')) {
      buffer = '';
      process.stdout.write(JSON.stringify({ event: 'report', executions, distinct: seen.size }) + '\n');
    }
  });
  process.stdin.on('end', async () => {
    await worker.stop();
    process.exit(0);
  });
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ event: 'error', message: String(e && e.stack || e) }) + '\n');
  process.exit(1);
});
