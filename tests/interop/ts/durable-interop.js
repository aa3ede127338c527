'use strict';

// Durable tasks across languages, with the official TypeScript SDK, for
// tests/MageFlow.Hatchet.Tests/Interop/CrossLanguageDurableTests.cs.
//
// Usage: node durable-interop.js <scenario> <args>
//
// Scenarios:
//   push <key> <payloadJson>
//                 hatchet.events.push(key, payload), for a C# durable task waiting for the event -> {"event":"pushed"}
//   durable-worker <prefix>
//                 serves the durable task '<prefix>-ts-durable': it sleeps one second, spawns the C# task
//                 '<prefix>-cs-child' with {n: input.n} through ctx.spawnChild, and returns {child: <its output>,
//                 ran: 'typescript'} -> {"event":"ready"}, then {"event":"durable-ran","input":{...}} per run
//
// An unexpected exception prints {"event":"error","crashed":true,...}. The worker runs until killed; push exits 0.

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { emit, errorText } = require('./output.js');

const scenarios = {
  async push(hatchet, [key, payloadJson]) {
    const res = await hatchet.events.push(key, JSON.parse(payloadJson));
    emit({ event: 'pushed', eventId: res.eventId });
  },

  async 'durable-worker'(hatchet, [prefix]) {
    const childName = `${prefix}-cs-child`;
    const durable = hatchet.durableTask({
      name: `${prefix}-ts-durable`,
      executionTimeout: '2m',
      fn: async (input, ctx) => {
        await ctx.sleepFor('1s');
        const result = await ctx.spawnChild(childName, { n: input.n });
        emit({ event: 'durable-ran', input });
        // A child run by name resolves to its tasks' outputs by task name; the C# child has one task.
        return { child: result[childName] ?? result, ran: 'typescript' };
      },
    });
    const worker = await hatchet.worker(`${prefix}-ts-durable-worker`, { workflows: [durable] });
    worker.start().catch((e) => emit({ event: 'worker_error', message: errorText(e) }));
    await worker.waitUntilReady(30000);
    emit({ event: 'ready' });
    await new Promise(() => {});
  },
};

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const scenario = scenarios[name];
  if (!scenario) {
    throw new Error(`usage: node durable-interop.js <${Object.keys(scenarios).join('|')}> <args>`);
  }

  await scenario(HatchetClient.init(), args);
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    emit({ event: 'error', message: errorText(e), crashed: true });
    process.exit(0);
  });
