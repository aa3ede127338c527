'use strict';

// A Hatchet client written with the official TypeScript SDK, for the conformance tests in
// tests/MageFlow.Hatchet.DevEngine.Tests/Interop/TypeScriptConformanceTests.cs.
//
// Usage: node client.js <scenario> <prefix> [args...]
//
// It triggers the workflows that `node worker.js <prefix>` serves and prints one JSON object per
// line on stdout: {"event":"result",...} on success, {"event":"error","message":...} when the run
// (or the call) failed; an unexpected exception prints {"event":"error","crashed":true,...}. It exits 0.
//
// Scenarios:
//   simple                 task.run()                                          -> result.output
//   retry                  task.run() of a task that always throws             -> error
//   dag                    workflow.run() of a 3-task DAG                       -> result.output (per task)
//   child                  task.run() of a parent that runs a child             -> result.output
//   on-failure             workflow.run() of a failing workflow with onFailure  -> error
//   cancel-trigger         task.runNoWait() of the cancellable task             -> {"event":"triggered","runId"}
//   cancel <runId>         hatchet.runs.cancel({ids}) then waits for the run    -> {"event":"cancel_requested"}, then error
//   timeout                task.run() of a task that outlives its timeout       -> error
//   event                  hatchet.events.push(key, payload)                    -> {"event":"pushed","eventId"}
//   bulk <count>           task.runNoWait([...count inputs]) (BulkTriggerWorkflow), waits for every result
//                          -> result {count, distinctRunIds, distinctI, mismatched, triggerCalls, runIds},
//                          then runs the bulk-report task
//                          -> {"event":"report",...}

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { declare } = require('./worker.js');
const { emit, errorText } = require('./output.js');

async function expectFailure(promise) {
  try {
    const output = await promise;
    emit({ event: 'result', output });
  } catch (e) {
    emit({ event: 'error', message: errorText(e), isArray: Array.isArray(e) });
  }
}

/** Counts the SDK's TriggerWorkflow and BulkTriggerWorkflow gRPC calls (SDK internals: admin.workflowsGrpc). */
function countTriggerCalls(hatchet) {
  const calls = { trigger: 0, bulkTrigger: 0 };
  const grpc = hatchet.admin.workflowsGrpc;
  for (const [method, key] of [['triggerWorkflow', 'trigger'], ['bulkTriggerWorkflow', 'bulkTrigger']]) {
    const original = grpc[method].bind(grpc);
    grpc[method] = (...a) => {
      calls[key]++;
      return original(...a);
    };
  }

  return calls;
}

async function main() {
  const [scenario, prefix, ...args] = process.argv.slice(2);
  if (!scenario || !prefix) {
    throw new Error('usage: node client.js <scenario> <prefix> [args...]');
  }

  const hatchet = HatchetClient.init();
  const wf = declare(hatchet, prefix);

  switch (scenario) {
    case 'simple': {
      const output = await wf.simple.run({ name: 'conformance' });
      emit({ event: 'result', output });
      break;
    }
    case 'retry':
      await expectFailure(wf.flaky.run({}));
      break;
    case 'dag': {
      const output = await wf.dag.run({ n: 5 });
      emit({ event: 'result', output });
      break;
    }
    case 'child': {
      const ref = await wf.parent.runNoWait({ n: 21 });
      const runId = await ref.runId;
      const output = await ref.output;
      emit({ event: 'result', runId, output });
      break;
    }
    case 'on-failure':
      await expectFailure(wf.failing.run({}));
      break;
    case 'cancel-trigger': {
      const ref = await wf.cancellable.runNoWait({});
      emit({ event: 'triggered', runId: await ref.runId });
      break;
    }
    case 'cancel': {
      const runId = args[0];
      await hatchet.runs.cancel({ ids: [runId] });
      emit({ event: 'cancel_requested', runId });
      await expectFailure(hatchet.runRef(runId).output);
      break;
    }
    case 'timeout':
      await expectFailure(wf.sleeper.run({}));
      break;
    case 'event': {
      const event = await hatchet.events.push(wf.eventKey, { msg: `hello from ${prefix}` });
      emit({ event: 'pushed', eventId: event.eventId, key: event.key });
      break;
    }
    case 'bulk': {
      const count = Number(args[0] || '1000');
      const inputs = Array.from({ length: count }, (_, i) => ({ i }));
      // An array input makes the SDK trigger through BulkTriggerWorkflow (500 runs per call);
      // count the gRPC calls to show it.
      const calls = countTriggerCalls(hatchet);
      const refs = await wf.bulk.runNoWait(inputs);
      const triggerCalls = { ...calls };
      const runIds = await Promise.all(refs.map((r) => r.runId));
      const outputs = await Promise.all(refs.map((r) => r.output));
      const mismatched = outputs.filter((o, i) => o.i !== i || o.runId !== runIds[i]).length;
      emit({
        event: 'result',
        count: outputs.length,
        distinctRunIds: new Set(runIds).size,
        distinctI: new Set(outputs.map((o) => o.i)).size,
        mismatched,
        triggerCalls,
        runIds,
      });
      const report = await wf.bulkReport.run({});
      emit({ event: 'report', ...report });
      break;
    }
    default:
      throw new Error(`unknown scenario '${scenario}'`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    emit({ event: 'error', message: errorText(e), crashed: true });
    process.exit(0);
  });
