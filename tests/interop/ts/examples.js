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
