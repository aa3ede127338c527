'use strict';

// A Hatchet worker written with the official TypeScript SDK, for the C# SDK interop tests in
// tests/MageFlow.Hatchet.Tests/Interop/TypeScriptInteropTests.cs: C# code triggers these tasks by
// name, spawns them as children, and serves the C# children that `ts-parent` spawns.
//
// Usage: node sdk-worker.js <prefix> [slots]
//
// Every task name starts with <prefix>, so tests that share one engine never collide. Inputs and
// outputs are camelCase JSON objects, as the C# SDK writes and reads them by default. The script
// prints one JSON object per line on stdout:
//   {"event":"ready","worker":...,"workerId":...}                           the worker registered and listens
//   {"event":"greet","runId":...,"input":...}                                ts-greet ran
//   {"event":"child","runId":...,"parentRunId":...,"metadata":...,"input":...}  ts-child ran
//   {"event":"fail","runId":...,"input":...}                                 ts-fail ran (and is about to throw)
//   {"event":"parent","runId":...,"child":...}                               ts-parent is spawning its C# child
//   {"event":"parent_got","runId":...,"raw":...}                             ts-parent got the child's result
//
// Tasks:
//   <prefix>-ts-greet   {name, count}  -> {greeting: "hello <name> from typescript", doubled: count * 2, language}
//   <prefix>-ts-child   {n}            -> {doubled: n * 2, runId, parentRunId, metadata}; for C# parents
//   <prefix>-ts-fail    {reason}       -> throws Error("ts-fail says: <reason>"), no retries
//   <prefix>-ts-parent  {child, n}     -> runs the task named <child> (a C# task) as its child with {n},
//                                         returns {fromChild: <the child's output>, runId}

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { emit } = require('./output.js');

function declare(hatchet, prefix, report) {
  const greet = hatchet.task({
    name: `${prefix}-ts-greet`,
    fn: async (input, ctx) => {
      report({ event: 'greet', runId: ctx.workflowRunId(), input });
      return { greeting: `hello ${input.name} from typescript`, doubled: input.count * 2, language: 'typescript' };
    },
  });

  const child = hatchet.task({
    name: `${prefix}-ts-child`,
    fn: async (input, ctx) => {
      const seen = {
        runId: ctx.workflowRunId(),
        parentRunId: ctx.parentWorkflowRunId() || null,
        metadata: ctx.additionalMetadata(),
      };
      report({ event: 'child', ...seen, input });
      return { doubled: input.n * 2, ...seen };
    },
  });

  const fail = hatchet.task({
    name: `${prefix}-ts-fail`,
    retries: 0,
    fn: async (input, ctx) => {
      report({ event: 'fail', runId: ctx.workflowRunId(), input });
      throw new Error(`ts-fail says: ${input.reason}`);
    },
  });

  const parent = hatchet.task({
    name: `${prefix}-ts-parent`,
    fn: async (input, ctx) => {
      report({ event: 'parent', runId: ctx.workflowRunId(), child: input.child });
      // By name, the SDK resolves a run to its outputs by task name; a C# standalone task's
      // only task is named like the task itself (lower case).
      const raw = await ctx.runChild(input.child, { n: input.n });
      report({ event: 'parent_got', runId: ctx.workflowRunId(), raw });
      return { fromChild: raw[input.child.toLowerCase()], runId: ctx.workflowRunId() };
    },
  });

  return [greet, child, fail, parent];
}

async function main() {
  const prefix = process.argv[2];
  const slots = Number(process.argv[3] || '20');
  if (!prefix) {
    throw new Error('usage: node sdk-worker.js <prefix> [slots]');
  }

  const hatchet = HatchetClient.init();
  const name = `${prefix}-worker`;
  const worker = await hatchet.worker(name, { workflows: declare(hatchet, prefix, emit), slots });
  worker.start().catch((e) => {
    emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
    process.exit(1);
  });
  await worker.waitUntilReady(30000);
  emit({ event: 'ready', worker: name, workerId: worker._internal ? worker._internal.workerId : null });
}

main().catch((e) => {
  emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
  process.exit(1);
});
