// A TypeScript worker (official Hatchet SDK) serving the child task of Sample7_MixedLanguage.
'use strict';
const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');

const hatchet = HatchetClient.init();
const wordCount = hatchet.task({
  name: 'ts-word-count',
  fn: async (input) => ({ text: input.text, words: String(input.text).split(/\s+/).filter(Boolean).length }),
});

async function main() {
  const worker = await hatchet.worker('ts-word-count-worker', { workflows: [wordCount], slots: 10 });
  worker.start();
  await worker.waitUntilReady(30000);
  process.stdout.write('TypeScript worker ready\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
