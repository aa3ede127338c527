// The chaos bench's TypeScript worker (official Hatchet SDK): serves "chaos-ts-leaf", the same leaf the C# workers
// serve as "chaos-leaf". Output {v: 3x + 1 + previous v}; in a chain, MageFlow hands the previous step's output in
// mageflow_results. Prints "ready" once listening; runs until killed or its stdin closes.
'use strict';
const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');

const hatchet = HatchetClient.init();
const leaf = hatchet.task({
  name: 'chaos-ts-leaf',
  retries: 3,
  fn: async (input) => {
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 100)));
    const previous = input.mageflow_results && typeof input.mageflow_results.v === 'number' ? input.mageflow_results.v : 0;
    return { v: 3 * input.x + 1 + previous };
  },
});

async function main() {
  const worker = await hatchet.worker('chaos-ts-worker', { workflows: [leaf], slots: 20 });
  worker.start();
  await worker.waitUntilReady(30000);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await worker.stop();
    process.exit(0);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
