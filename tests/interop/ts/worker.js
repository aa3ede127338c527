'use strict';

// A Hatchet worker written with the official TypeScript SDK, for the conformance tests in
// tests/MageFlow.Hatchet.DevEngine.Tests/Interop/TypeScriptConformanceTests.cs.
//
// Usage: node worker.js <prefix> [slots]
//
// Every workflow name (and the event key) starts with <prefix>, so tests that share one engine
// never collide. The script prints one JSON object per line on stdout so that the test can follow
// what happened inside the worker:
//   {"event":"ready","worker":...,"workerId":...}             the worker registered and listens
//   {"event":"simple","runId":...,"input":...}                  the simple task ran
//   {"event":"attempt","task":"flaky","retry":n,"runId":...}    one attempt of the failing task
//   {"event":"dag","task":...,"parents":{...}}                  a DAG task ran, with the parent outputs it saw
//   {"event":"parent"|"child",...}                              the parent and child tasks ran
//   {"event":"on_failure","errors":{...}}                       the on-failure task ran with the run's errors
//   {"event":"started","task":...,"runId":...}                  a long task started (cancel / timeout scenarios)
//   {"event":"cancelled","task":...,"reason":...}               that task observed its abort signal
//   {"event":"event_task","input":...,"eventId":...}            the event-triggered task ran
//   {"event":"bulk_report","distinct":n,"executions":n,"counts":{runId:n}}  tally of bulk executions
//
// client.js requires this file for the declarations (as an application shares its task
// definitions between its worker and its callers); only `node worker.js` starts a worker.

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { emit } = require('./output.js');

/** Resolves with the abort reason once the task's abort signal fires, or with null after `ms`. */
function waitForAbort(ctx, ms) {
  const signal = ctx.abortController.signal;
  return new Promise((resolve) => {
    const describe = (r) => (r instanceof Error ? r.message : String(r));
    if (signal.aborted) {
      resolve(describe(signal.reason));
      return;
    }

    const timer = setTimeout(() => resolve(null), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(describe(signal.reason));
      },
      { once: true },
    );
  });
}

/**
 * Declares every workflow of the conformance suite, named after `prefix`.
 * `report` receives the worker-side observations (a no-op in the client).
 */
function declare(hatchet, prefix, report = () => {}) {
  const bulkCounts = new Map();

  // 1. A task returns its output.
  const simple = hatchet.task({
    name: `${prefix}-simple`,
    fn: async (input, ctx) => {
      report({ event: 'simple', runId: ctx.workflowRunId(), input });
      // Read back through hatchet.logs.list by rest.js.
      await ctx.log(`simple ran for ${input.name}`);
      return { greeting: `hello ${input.name}`, length: input.name.length };
    },
  });

  // 2. A failing task retries N (=2) times, then fails.
  const flaky = hatchet.task({
    name: `${prefix}-flaky`,
    retries: 2,
    fn: async (input, ctx) => {
      const retry = ctx.retryCount();
      report({ event: 'attempt', task: 'flaky', retry, runId: ctx.workflowRunId() });
      throw new Error(`flaky failed on retry ${retry}`);
    },
  });

  // 3. A three-task DAG: first -> second -> third, and first -> third.
  const dag = hatchet.workflow({ name: `${prefix}-dag` });
  const first = dag.task({
    name: 'first',
    fn: async (input, ctx) => {
      report({ event: 'dag', task: 'first', runId: ctx.workflowRunId(), input });
      return { value: input.n + 1 };
    },
  });
  const second = dag.task({
    name: 'second',
    parents: [first],
    fn: async (input, ctx) => {
      const f = await ctx.parentOutput(first);
      report({ event: 'dag', task: 'second', runId: ctx.workflowRunId(), parents: { first: f } });
      return { value: f.value * 2 };
    },
  });
  dag.task({
    name: 'third',
    parents: [first, second],
    fn: async (input, ctx) => {
      const f = await ctx.parentOutput(first);
      const s = await ctx.parentOutput(second);
      report({ event: 'dag', task: 'third', runId: ctx.workflowRunId(), parents: { first: f, second: s } });
      return { sum: f.value + s.value, n: input.n };
    },
  });

  // 4. A child spawned from a task; its result returns to the parent.
  const child = hatchet.task({
    name: `${prefix}-child`,
    fn: async (input, ctx) => {
      report({
        event: 'child',
        runId: ctx.workflowRunId(),
        parentRunId: ctx.parentWorkflowRunId(),
        metadata: ctx.additionalMetadata(),
        input,
      });
      return { doubled: input.n * 2 };
    },
  });
  const parent = hatchet.task({
    name: `${prefix}-parent`,
    fn: async (input, ctx) => {
      report({ event: 'parent', runId: ctx.workflowRunId() });
      const result = await child.run({ n: input.n });
      report({ event: 'parent_got', runId: ctx.workflowRunId(), result });
      return { fromChild: result.doubled };
    },
  });

  // 5. An on-failure task runs after a failure.
  const failing = hatchet.workflow({ name: `${prefix}-onfail` });
  failing.task({
    name: 'explode',
    fn: async (input, ctx) => {
      report({ event: 'attempt', task: 'explode', retry: ctx.retryCount(), runId: ctx.workflowRunId() });
      throw new Error(`explode failed for ${prefix}`);
    },
  });
  failing.onFailure({
    name: 'cleanup',
    fn: async (input, ctx) => {
      report({ event: 'on_failure', runId: ctx.workflowRunId(), errors: ctx.errors() });
      return { cleaned: true };
    },
  });

  // 6. A long task that only ends when it is cancelled (or after 30 s, which the test treats as failure).
  const cancellable = hatchet.task({
    name: `${prefix}-cancellable`,
    executionTimeout: '60s',
    fn: async (input, ctx) => {
      report({ event: 'started', task: 'cancellable', runId: ctx.workflowRunId() });
      const reason = await waitForAbort(ctx, 30000);
      if (reason === null) {
        report({ event: 'not_cancelled', task: 'cancellable', runId: ctx.workflowRunId() });
        return { completed: true };
      }

      report({ event: 'cancelled', task: 'cancellable', runId: ctx.workflowRunId(), reason });
      throw new Error('cancellable observed cancellation');
    },
  });

  // 7. A task that outlives its execution timeout.
  const sleeper = hatchet.task({
    name: `${prefix}-sleeper`,
    executionTimeout: '1s',
    retries: 0,
    fn: async (input, ctx) => {
      report({ event: 'started', task: 'sleeper', runId: ctx.workflowRunId(), retry: ctx.retryCount() });
      const reason = await waitForAbort(ctx, 30000);
      if (reason === null) {
        report({ event: 'not_cancelled', task: 'sleeper', runId: ctx.workflowRunId() });
        return { completed: true };
      }

      report({ event: 'cancelled', task: 'sleeper', runId: ctx.workflowRunId(), reason });
      throw new Error('sleeper observed cancellation');
    },
  });

  // 8. A workflow triggered by an event.
  const eventKey = `${prefix}:ping`;
  const onEvent = hatchet.workflow({ name: `${prefix}-on-event`, onEvents: [eventKey] });
  onEvent.task({
    name: 'handle',
    fn: async (input, ctx) => {
      report({
        event: 'event_task',
        runId: ctx.workflowRunId(),
        input,
        eventId: ctx.triggeringEventId(),
        eventKey: ctx.triggeringEventKey(),
      });
      return { handled: input.msg };
    },
  });

  // 9. Bulk: each execution is tallied by run id; `bulk-report` returns (and prints) the tally.
  const bulk = hatchet.task({
    name: `${prefix}-bulk`,
    fn: async (input, ctx) => {
      const runId = ctx.workflowRunId();
      bulkCounts.set(runId, (bulkCounts.get(runId) || 0) + 1);
      return { i: input.i, runId };
    },
  });
  const bulkReport = hatchet.task({
    name: `${prefix}-bulk-report`,
    fn: async () => {
      let executions = 0;
      const duplicates = [];
      for (const [id, n] of bulkCounts) {
        executions += n;
        if (n > 1) {
          duplicates.push(id);
        }
      }

      const tally = { distinct: bulkCounts.size, executions, duplicates };
      report({ event: 'bulk_report', ...tally, counts: Object.fromEntries(bulkCounts) });
      return tally;
    },
  });

  return {
    eventKey,
    simple,
    flaky,
    dag,
    child,
    parent,
    failing,
    cancellable,
    sleeper,
    onEvent,
    bulk,
    bulkReport,
    all: [simple, flaky, dag, child, parent, failing, cancellable, sleeper, onEvent, bulk, bulkReport],
  };
}

async function main() {
  const prefix = process.argv[2];
  const slots = Number(process.argv[3] || '100');
  if (!prefix) {
    throw new Error('usage: node worker.js <prefix> [slots]');
  }

  const hatchet = HatchetClient.init();
  const wf = declare(hatchet, prefix, emit);
  const name = `${prefix}-worker`;
  const worker = await hatchet.worker(name, { workflows: wf.all, slots });
  worker.start().catch((e) => {
    emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
    process.exit(1);
  });
  await worker.waitUntilReady(30000);
  emit({ event: 'ready', worker: name, workerId: worker._internal ? worker._internal.workerId : null });
}

if (require.main === module) {
  main().catch((e) => {
    emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
    process.exit(1);
  });
}

module.exports = { declare };
