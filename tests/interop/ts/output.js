'use strict';

// What the interop scripts print: one JSON object per line on stdout, which the C# tests read as events
// (NodeScript in tests/MageFlow.Hatchet.TestUtils/Node.cs). Other output (SDK logs) is kept for diagnostics only.

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** The SDK rejects a run's result with an array of the failed tasks' error strings; an HTTP error carries its response. */
function errorText(e) {
  if (Array.isArray(e)) {
    return e.map(errorText).join('; ');
  }

  if (e instanceof Error) {
    const status = e.response && e.response.status ? ` (HTTP ${e.response.status} ${JSON.stringify(e.response.data)})` : '';
    return e.message + status;
  }

  return typeof e === 'string' ? e : JSON.stringify(e);
}

module.exports = { emit, errorText };
