'use strict';

// A Hatchet client written with the official TypeScript SDK, for the C# SDK interop tests in
// tests/MageFlow.Hatchet.Tests/Interop/TypeScriptInteropTests.cs: it triggers a task that only a
// C# worker serves, by name, and waits for its result.
//
// Usage: node sdk-client.js run <taskName> <inputJson> [metadataJson]
//
// It prints one JSON object per line on stdout and exits 0:
//   {"event":"triggered","runId":...}            the run was created
//   {"event":"result","runId":...,"output":...}  the run completed; `output` is the task's own output
//                                                (the SDK resolves a run by name to {taskName: output})
//   {"event":"error","message":...,"isArray":b}  the run failed (the SDK rejects with the tasks' errors)
//   {"event":"error","crashed":true,...}         the script failed before the run did

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { emit, errorText } = require('./output.js');

async function main() {
  const [scenario, taskName, inputJson, metadataJson] = process.argv.slice(2);
  if (scenario !== 'run' || !taskName || !inputJson) {
    throw new Error('usage: node sdk-client.js run <taskName> <inputJson> [metadataJson]');
  }

  const hatchet = HatchetClient.init();
  const options = metadataJson ? { additionalMetadata: JSON.parse(metadataJson) } : {};
  const ref = await hatchet.runNoWait(taskName, JSON.parse(inputJson), options);
  const runId = await ref.getWorkflowRunId();
  emit({ event: 'triggered', runId });
  try {
    const outputs = await ref.output;
    emit({ event: 'result', runId, output: outputs[taskName.toLowerCase()], outputs });
  } catch (e) {
    emit({ event: 'error', runId, message: errorText(e), isArray: Array.isArray(e) });
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    emit({ event: 'error', message: errorText(e), crashed: true });
    process.exit(0);
  });
