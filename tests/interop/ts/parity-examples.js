'use strict';

// Drives more of the official TypeScript SDK's own examples (node_modules/@hatchet-dev/typescript-sdk/v1/examples),
// unchanged, for tests/MageFlow.Hatchet.DevEngine.Tests/Interop/TypeScriptParityExampleTests.cs: where an example
// ships no worker or run script for a workflow, this script serves or runs the example's own workflow module as the
// example's other scripts do, and reports what it saw as JSON lines. The 'child-keys' scenario is ours (no example
// spawns with a child key); it uses only the SDK's public API.
//
// Usage: node parity-examples.js <scenario> [args]
//
// Scenarios:
//   sticky        sticky/workflow.ts's task (SOFT, spawns child_workflows' child with {sticky: true}) and that child,
//                 served by one worker, then sticky.run({}) -> {"event":"ready"}, {"event":"sticky","result":{...}}
//   priority      priority/workflow.ts (served by priority/worker.ts): priority.run({}), priority.run({}, {priority:
//                 HIGH}), priorityWf.run({}) -> {"event":"priority","default":{...},"high":{...},"workflow":{...}}
//   run <name>    hatchet.runNoWait(<name>, {}) -> {"event":"triggered","runId"}
//   conditions-worker
//                 conditions/complex-workflow.ts's taskConditionWorkflow, served by one worker -> {"event":"ready"}
//   conditions-complex
//                 taskConditionWorkflow.runNoWait({}), then its output -> {"event":"triggered","runId"},
//                 {"event":"conditions-complex","result":{...}}
//   push <key>    hatchet.events.push(<key>, {}) -> {"event":"pushed"}
//   child-index   child_index/workflow.ts served by one worker: childIndexParent.run({n: 3}) and
//                 orchestratorTask.run({}) -> {"event":"child-index","parent":{...},"orchestrator":{...}}
//   child-keys <suffix>
//                 a parent spawning one child with one key: twice in a row, twice at once, and from two parents
//                 -> {"event":"child-keys","sequential":{...},"concurrent":{...},"parents":[...],"childRuns":n}
//
// An unexpected exception prints {"event":"error","crashed":true,...}. It exits 0.

const { emit, errorText } = require('./output.js');

const examples = '@hatchet-dev/typescript-sdk/v1/examples';

async function serve(name, workflows) {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const worker = await hatchet.worker(name, { workflows });
  worker.start().catch((e) => emit({ event: 'worker_error', message: errorText(e) }));
  await worker.waitUntilReady(30000);
  emit({ event: 'ready' });
  return worker;
}

const scenarios = {
  async sticky() {
    const { sticky } = require(`${examples}/sticky/workflow`);
    const { child } = require(`${examples}/child_workflows/workflow`);
    await serve('sticky-worker', [sticky, child]);
    emit({ event: 'sticky', result: await sticky.run({}) });
  },

  async priority() {
    const { Priority } = require('@hatchet-dev/typescript-sdk/v1');
    const { priority, priorityWf } = require(`${examples}/priority/workflow`);
    emit({
      event: 'priority',
      default: await priority.run({}),
      high: await priority.run({}, { priority: Priority.HIGH }),
      workflow: await priorityWf.run({}),
    });
  },

  async run() {
    const { hatchet } = require(`${examples}/hatchet-client`);
    const ref = await hatchet.runNoWait(process.argv[3], {}, {});
    emit({ event: 'triggered', runId: await ref.getWorkflowRunId() });
  },

  async 'conditions-worker'() {
    const { taskConditionWorkflow } = require(`${examples}/conditions/complex-workflow`);
    await serve('task-condition-worker', [taskConditionWorkflow]);
    await new Promise(() => {});
  },

  async 'conditions-complex'() {
    const { taskConditionWorkflow } = require(`${examples}/conditions/complex-workflow`);
    const ref = await taskConditionWorkflow.runNoWait({});
    emit({ event: 'triggered', runId: await ref.getWorkflowRunId() });
    emit({ event: 'conditions-complex', result: await ref.output });
  },

  async push() {
    const { hatchet } = require(`${examples}/hatchet-client`);
    const res = await hatchet.events.push(process.argv[3], {});
    emit({ event: 'pushed', eventId: res.eventId });
  },

  async 'child-index'() {
    const w = require(`${examples}/child_index/workflow`);
    await serve('child-index-worker', [w.childIndexChild, w.childIndexParent, w.scenarioTask, w.orchestratorTask]);
    emit({
      event: 'child-index',
      parent: await w.childIndexParent.run({ n: 3 }),
      orchestrator: await w.orchestratorTask.run({}),
    });
  },

  async 'child-keys'() {
    const { hatchet } = require(`${examples}/hatchet-client`);
    const suffix = process.argv[3];
    let childRuns = 0;
    const child = hatchet.task({
      name: `child-key-child-${suffix}`,
      fn: async (input) => {
        childRuns++;
        return { n: input.n };
      },
    });
    const spawn = async (ctx, n) => {
      const ref = await ctx.runNoWaitChild(child, { n }, { key: 'only-key' });
      return { ref, runId: await ref.getWorkflowRunId() };
    };
    // The SDK's run listener keeps one waiter per run id, so a run's output is awaited once, whoever spawned it.
    const outputs = async (spawned) => {
      const byRun = new Map();
      for (const s of spawned) {
        if (!byRun.has(s.runId)) {
          byRun.set(s.runId, await s.ref.output);
        }
      }

      return spawned.map((s) => ({ runId: s.runId, output: byRun.get(s.runId) }));
    };
    const parent = hatchet.task({
      name: `child-key-parent-${suffix}`,
      executionTimeout: '2m',
      fn: async (input, ctx) => {
        if (input.mode === 'sequential') {
          const first = await spawn(ctx, 1);
          await first.ref.output;
          const second = await spawn(ctx, 2);
          return { spawns: await outputs([first, second]) };
        }

        // Both spawns are in flight together.
        return { spawns: await outputs(await Promise.all([spawn(ctx, 1), spawn(ctx, 2)])) };
      },
    });
    await serve(`child-key-worker-${suffix}`, [child, parent]);
    const sequential = await parent.run({ mode: 'sequential' });
    const concurrent = await parent.run({ mode: 'concurrent' });
    const parents = await Promise.all([parent.run({ mode: 'sequential' }), parent.run({ mode: 'sequential' })]);
    emit({ event: 'child-keys', sequential, concurrent, parents, childRuns });
  },
};

async function main() {
  const scenario = scenarios[process.argv[2]];
  if (!scenario) {
    throw new Error(`usage: node parity-examples.js <${Object.keys(scenarios).join('|')}>`);
  }

  await scenario();
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    emit({ event: 'error', message: errorText(e), crashed: true });
    process.exit(0);
  });
