'use strict';

// Drives the official TypeScript SDK's own examples (node_modules/@hatchet-dev/typescript-sdk/v1/examples), unchanged,
// for the conformance tests in tests/MageFlow.Hatchet.DevEngine.Tests/Interop/TypeScriptConformanceTests.cs. The
// examples' workers are run as they ship (node .../examples/<name>/worker.js); this script does what an example's run
// script does with the example's own workflow module and client, and reports what it saw as JSON lines, which the
// example scripts themselves only print for a human.
//
// Usage: node examples.js <scenario>
//
// Scenarios:
//   streaming   streaming/run.ts: streamingTask.runNoWait({}), then every chunk of hatchet.runs.subscribeToStream(id)
//               -> {"event":"triggered","runId"}, then {"event":"streamed","chunks":[...]}
//   crons       simple/cron.ts: simple.cron('simple-daily', '0 0 * * *', {Message}), hatchet.crons.list({workflow: simple})
//               before and after hatchet.crons.delete(id); on_cron/workflow.ts's declared cron is listed too
//               -> {"event":"crons","created":{...},"listed":[...],"afterDelete":[...],"declared":[...]}
//   filters-worker
//               on_event/workflow.ts's lowerWithFilter (declared filter: expression 'true', scope 'example-scope') and
//               upper, served by one worker as on_event/worker.ts serves lower and upper -> {"event":"ready"}
//   durable-sleep
//               durable_sleep/run.ts: durableSleep.run({}) -> {"event":"durable-sleep","result":{...}}
//   durable-event
//               durable_event/run.ts: durableEvent.run({}) -> {"event":"durable-event","result":{...}}
//   conditions  dag_match_condition/run.ts: dagWithConditions.run({}) -> {"event":"conditions","result":{...}}
//   push <scope|->
//               on_event/event.ts's first push, hatchet.events.push(SIMPLE_EVENT, {...}, {scope}) -> {"event":"pushed"}
//   durable-worker
//               a worker serving durable/workflow.ts's workflows (the example ships none; its e2e worker serves them all)
//               -> {"event":"ready"}
//   durable-run <export> [input-json]
//               durable/workflow.ts's <export>.run(input) -> {"event":"durable-run","result":{...}}
//   push-event <key> [payload-json] [scope]
//               hatchet.events.push(key, payload, {scope}) -> {"event":"pushed"}
//   durable-event-worker
//               a worker serving all of durable_event/workflow.ts's tasks (its worker.ts serves durableEvent only)
//               -> {"event":"ready"}
//   durable-event-run <export>
//               durable_event/workflow.ts's <export>.run({}) -> {"event":"durable-event-run","result":{...}}
//   eviction-run <export>
//               durable_eviction/workflow.ts's <export>.run({}) -> {"event":"eviction-run","result":{...}}
//
// An unexpected exception prints {"event":"error","crashed":true,...}. It exits 0.

const { emit, errorText } = require('./output.js');

const examples = '@hatchet-dev/typescript-sdk/v1/examples';

function summary(cron) {
  return {
    id: cron.metadata.id,
    name: cron.name,
    cron: cron.cron,
    method: cron.method,
    workflowName: cron.workflowName,
    input: cron.input,
  };
}

const scenarios = {
  async streaming() {
    const { hatchet } = require(`${examples}/hatchet-client`);
    const { streamingTask } = require(`${examples}/streaming/workflow`);
    const ref = await streamingTask.runNoWait({});
    const id = await ref.getWorkflowRunId();
    emit({ event: 'triggered', runId: id });
    const chunks = [];
    for await (const content of hatchet.runs.subscribeToStream(id)) {
      chunks.push(content);
    }

    emit({ event: 'streamed', chunks });
  },

  async crons() {
    const { hatchet } = require(`${examples}/hatchet-client`);
    const { simple } = require(`${examples}/simple/workflow`);
    const { onCron } = require(`${examples}/on_cron/workflow`);
    const cron = await simple.cron('simple-daily', '0 0 * * *', { Message: 'hello' });
    const listed = await hatchet.crons.list({ workflow: simple });
    await hatchet.crons.delete(cron.metadata.id);
    const afterDelete = await hatchet.crons.list({ workflow: simple });
    const declared = await hatchet.crons.list({ workflow: onCron });
    emit({
      event: 'crons',
      created: summary(cron),
      listed: listed.rows.map(summary),
      afterDelete: afterDelete.rows.map(summary),
      declared: declared.rows.map(summary),
    });
  },
};

scenarios['filters-worker'] = async () => {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const { lowerWithFilter, upper } = require(`${examples}/on_event/workflow`);
  const worker = await hatchet.worker('on-event-filter-worker', { workflows: [lowerWithFilter, upper] });
  worker.start().catch((e) => emit({ event: 'worker_error', message: errorText(e) }));
  await worker.waitUntilReady(30000);
  emit({ event: 'ready' });
  await new Promise(() => {});
};

for (const [scenario, module, name] of [
  ['durable-sleep', 'durable_sleep/workflow', 'durableSleep'],
  ['durable-event', 'durable_event/workflow', 'durableEvent'],
  ['conditions', 'dag_match_condition/workflow', 'dagWithConditions'],
]) {
  scenarios[scenario] = async () => {
    const workflow = require(`${examples}/${module}`)[name];
    emit({ event: scenario, result: await workflow.run({}) });
  };
}

scenarios.push = async () => {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const { SIMPLE_EVENT } = require(`${examples}/on_event/workflow`);
  const scope = process.argv[3] === '-' ? undefined : process.argv[3];
  const res = await hatchet.events.push(SIMPLE_EVENT, { Message: 'hello', ShouldSkip: false }, scope ? { scope } : {});
  emit({ event: 'pushed', eventId: res.eventId, scope: res.scope || null });
};

scenarios['durable-worker'] = async () => {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const d = require(`${examples}/durable/workflow`);
  const worker = await hatchet.worker('durable-example-worker', {
    workflows: [
      d.durableWorkflow,
      d.spawnChildTask,
      d.durableWithSpawn,
      d.durableWithBulkSpawn,
      d.durableWithExplicitSpawn,
      d.durableNonDeterminism,
      d.memoNowCaching,
      d.dagChildWorkflow,
      d.durableSpawnDag,
    ],
  });
  worker.start().catch((e) => emit({ event: 'worker_error', message: errorText(e) }));
  await worker.waitUntilReady(30000);
  emit({ event: 'ready' });
  await new Promise(() => {});
};

scenarios['durable-run'] = async () => {
  const workflow = require(`${examples}/durable/workflow`)[process.argv[3]];
  emit({ event: 'durable-run', result: await workflow.run(JSON.parse(process.argv[4] || '{}')) });
};

scenarios['push-event'] = async () => {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const scope = process.argv[5];
  const res = await hatchet.events.push(process.argv[3], JSON.parse(process.argv[4] || '{}'), scope ? { scope } : {});
  emit({ event: 'pushed', eventId: res.eventId });
};

scenarios['durable-event-worker'] = async () => {
  const { hatchet } = require(`${examples}/hatchet-client`);
  const d = require(`${examples}/durable_event/workflow`);
  const worker = await hatchet.worker('durable-event-example-worker', {
    workflows: [d.durableEvent, d.durableEventWithFilter, d.durableEventWithLookback],
  });
  worker.start().catch((e) => emit({ event: 'worker_error', message: errorText(e) }));
  await worker.waitUntilReady(30000);
  emit({ event: 'ready' });
  await new Promise(() => {});
};

scenarios['durable-event-run'] = async () => {
  const workflow = require(`${examples}/durable_event/workflow`)[process.argv[3]];
  emit({ event: 'durable-event-run', result: await workflow.run({}) });
};

scenarios['eviction-run'] = async () => {
  const workflow = require(`${examples}/durable_eviction/workflow`)[process.argv[3]];
  emit({ event: 'eviction-run', result: await workflow.run({}) });
};

async function main() {
  const scenario = scenarios[process.argv[2]];
  if (!scenario) {
    throw new Error(`usage: node examples.js <${Object.keys(scenarios).join('|')}>`);
  }

  await scenario();
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    emit({ event: 'error', message: errorText(e), crashed: true });
    process.exit(0);
  });
