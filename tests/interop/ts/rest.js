'use strict';

// The official TypeScript SDK's REST-backed feature clients against the dev engine, for
// tests/MageFlow.Hatchet.DevEngine.Tests/Interop/TypeScriptRestTests.cs. Needs `node worker.js <prefix>` running.
//
// Usage: node rest.js <scenario> <prefix> [args...]
//
// Prints one JSON object per line on stdout, as client.js does. Scenarios:
//   schedule         task.schedule(in 1h), hatchet.scheduled.list/get/delete, list again      -> {"event":"scheduled",...}
//   runs             task.run() with metadata, then hatchet.runs.list (by metadata and by
//                    workflow), runs.get, runs.get_status, logs.list of its task              -> {"event":"runs",...}
//   cancel-filter    two cancellable runs, then hatchet.runs.cancel({filters}) by metadata      -> {"event":"cancelled",...}
//   replay-filter    a cancellable run cancelled by id, then hatchet.runs.replay({filters}) by
//                    metadata and status CANCELLED                                               -> {"event":"replayed",...}
//   ratelimits       hatchet.ratelimits.upsert then list({search})                              -> {"event":"ratelimits",...}
//   workers <name>   hatchet.workers.list/get/pause/isPaused/unpause of the worker named <name> -> {"event":"workers",...}
//   events           hatchet.events.push then hatchet.events.list({keys})                       -> {"event":"events",...}
//   filters          hatchet.filters.create/list/get/update/delete on the event workflow, with
//                    scoped pushes in between; an unsupported CEL expression is refused          -> {"event":"filters",...}
//   workflows-delete hatchet.workflows.delete(flaky), then hatchet.workflows.get of it          -> {"event":"workflow-deleted",...}
//   schedule-changes hatchet.scheduled.update, bulkUpdate, bulkDelete by ids and by filter       -> {"event":"schedule-changes",...}
//   events-deprecated hatchet.api.eventUpdateReplay/eventUpdateCancel (Hatchet answers 400)      -> {"event":"events-deprecated",...}

const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');
const { RateLimitDuration } = require('@hatchet-dev/typescript-sdk/v1/client/features/ratelimits');
const { declare } = require('./worker.js');
const { emit, errorText } = require('./output.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns a truthy value (the engine applies some calls asynchronously, as Hatchet does). */
async function until(probe, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) {
      return value;
    }
    await sleep(100);
  }
}

async function main() {
  const [scenario, prefix, ...args] = process.argv.slice(2);
  const hatchet = HatchetClient.init();
  const wf = declare(hatchet, prefix);
  const since = new Date(Date.now() - 60_000);

  switch (scenario) {
    case 'schedule': {
      const at = new Date(Date.now() + 3_600_000);
      const created = await wf.simple.schedule(at, { name: 'later' }, { additionalMetadata: { suite: prefix } });
      const listed = await hatchet.scheduled.list({ workflow: wf.simple });
      const got = await hatchet.scheduled.get(created.metadata.id);
      await hatchet.scheduled.delete(created.metadata.id);
      const afterDelete = await hatchet.scheduled.list({ workflow: wf.simple });
      emit({
        event: 'scheduled',
        created: {
          id: created.metadata.id,
          workflowName: created.workflowName,
          triggerAt: created.triggerAt,
          input: created.input,
          additionalMetadata: created.additionalMetadata,
          method: created.method,
        },
        triggerAt: at.toISOString(),
        listed: listed.rows.map((r) => r.metadata.id),
        got: got.metadata.id,
        afterDelete: afterDelete.rows.map((r) => r.metadata.id),
      });
      break;
    }
    case 'runs': {
      const ref = await wf.simple.runNoWait({ name: 'listed' }, { additionalMetadata: { suite: prefix } });
      const runId = await ref.getWorkflowRunId();
      await ref.output;
      const byMetadata = await hatchet.runs.list({ since, additionalMetadata: { suite: prefix } });
      const byWorkflow = await hatchet.runs.list({ since, workflowNames: [wf.simple.name], statuses: ['COMPLETED'] });
      const failedOnly = await hatchet.runs.list({ since, additionalMetadata: { suite: prefix }, statuses: ['FAILED'] });
      const details = await hatchet.runs.get(runId);
      const status = await hatchet.runs.get_status(runId);
      const logs = await until(async () => {
        const page = await hatchet.logs.list(runId);
        return page.rows && page.rows.length > 0 ? page : null;
      });
      emit({
        event: 'runs',
        runId,
        byMetadata: byMetadata.rows.map((r) => ({ id: r.metadata.id, status: r.status, workflowRunExternalId: r.workflowRunExternalId, type: r.type })),
        byWorkflow: byWorkflow.rows.map((r) => r.metadata.id),
        failedOnly: failedOnly.rows.length,
        details: { status: details.run.status, metadata: details.run.additionalMetadata, taskOutput: details.tasks[0].output },
        status,
        logs: logs ? logs.rows.map((l) => l.message) : [],
      });
      break;
    }
    case 'cancel-filter': {
      const suite = { suite: `${prefix}-cancel` };
      const refs = [await wf.cancellable.runNoWait({}, { additionalMetadata: suite }), await wf.cancellable.runNoWait({}, { additionalMetadata: suite })];
      const runIds = await Promise.all(refs.map((r) => r.getWorkflowRunId()));
      const response = await hatchet.runs.cancel({ filters: { since, additionalMetadata: suite } });
      const errors = [];
      for (const r of refs) {
        try {
          await r.output;
          errors.push(null);
        } catch (e) {
          errors.push(errorText(e));
        }
      }
      const statuses = await Promise.all(runIds.map((id) => hatchet.runs.get_status(id)));
      emit({ event: 'cancelled', runIds, ids: response.data.ids, statuses, errors });
      break;
    }
    case 'replay-filter': {
      // The dev engine replays failed and cancelled tasks: cancel a run by id, then replay it by filter.
      const suite = { suite: `${prefix}-replay` };
      const ref = await wf.cancellable.runNoWait({}, { additionalMetadata: suite });
      const runId = await ref.getWorkflowRunId();
      await hatchet.runs.cancel({ ids: [runId] });
      await until(async () => (await hatchet.runs.get_status(runId)) === 'CANCELLED');
      const response = await hatchet.runs.replay({ filters: { since, additionalMetadata: suite, statuses: ['CANCELLED'] } });
      const status = await until(async () => {
        const s = await hatchet.runs.get_status(runId);
        return s !== 'CANCELLED' ? s : null;
      });
      await hatchet.runs.cancel({ ids: [runId] });
      emit({ event: 'replayed', runId, ids: response.data.ids, statusAfterReplay: status });
      break;
    }
    case 'ratelimits': {
      const key = `${prefix}-limit`;
      const upserted = await hatchet.ratelimits.upsert({ key, limit: 7, duration: RateLimitDuration.MINUTE });
      const listed = await hatchet.ratelimits.list({ search: key });
      emit({ event: 'ratelimits', upserted, rows: listed.rows });
      break;
    }
    case 'workers': {
      const name = args[0];
      const list = await hatchet.workers.list();
      const mine = list.rows.find((w) => w.name === name);
      const got = await hatchet.workers.get(mine.metadata.id);
      await hatchet.workers.pause(mine.metadata.id);
      const paused = await hatchet.workers.isPaused(mine.metadata.id);
      await hatchet.workers.unpause(mine.metadata.id);
      const resumed = await hatchet.workers.isPaused(mine.metadata.id);
      emit({
        event: 'workers',
        id: mine.metadata.id,
        status: got.status,
        actions: got.actions,
        slotConfig: got.slotConfig,
        paused,
        resumed,
      });
      break;
    }
    case 'events': {
      const pushed = await hatchet.events.push(wf.eventKey, { msg: `listed ${prefix}` }, { additionalMetadata: { suite: prefix } });
      const listed = await until(async () => {
        const page = await hatchet.events.list({ keys: [wf.eventKey] });
        const row = page.rows.find((r) => r.metadata.id === pushed.eventId);
        return row && row.workflowRunSummary.succeeded > 0 ? page : null;
      });
      const rows = listed ? listed.rows : [];
      emit({
        event: 'events',
        eventId: pushed.eventId,
        rows: rows.map((r) => ({ id: r.metadata.id, key: r.key, payload: r.payload, additionalMetadata: r.additionalMetadata, summary: r.workflowRunSummary, triggeredRuns: r.triggeredRuns })),
      });
      break;
    }
    case 'filters': {
      const workflow = await hatchet.workflows.get(wf.onEvent);
      const workflowId = workflow.metadata.id;
      const created = await hatchet.filters.create({ workflowId, scope: 'vip', expression: 'input.amount > 10', payload: { tier: 'gold' } });
      const listed = await hatchet.filters.list({ workflowIds: [workflowId] });
      const got = await hatchet.filters.get(created.metadata.id);
      // Runs are created as an event is pushed, so each event's triggered runs are known once the push returns.
      const low = await hatchet.events.push(wf.eventKey, { msg: 'low', amount: 5 }, { scope: 'vip' });
      const high = await hatchet.events.push(wf.eventKey, { msg: 'high', amount: 50 }, { scope: 'vip' });
      const unscoped = await hatchet.events.push(wf.eventKey, { msg: 'unscoped', amount: 50 });
      const updated = await hatchet.filters.update(created.metadata.id, { expression: 'input.amount < 10' });
      const lowAfterUpdate = await hatchet.events.push(wf.eventKey, { msg: 'low-after-update', amount: 5 }, { scope: 'vip' });
      const deleted = await hatchet.filters.delete(created.metadata.id);
      const afterDelete = await hatchet.filters.list({ workflowIds: [workflowId] });
      let refused = null;
      try {
        await hatchet.filters.create({ workflowId, scope: 'vip', expression: 'input.amount > 1 && input.amount < 9' });
      } catch (e) {
        refused = { status: e.response ? e.response.status : null, errors: e.response ? e.response.data.errors : errorText(e) };
      }
      const events = await hatchet.events.list({ keys: [wf.eventKey] });
      const runsOf = (id) => {
        const row = events.rows.find((r) => r.metadata.id === id);
        return row ? row.triggeredRuns.length : -1;
      };
      emit({
        event: 'filters',
        workflowId,
        created: { id: created.metadata.id, workflowId: created.workflowId, scope: created.scope, expression: created.expression, payload: created.payload, isDeclarative: created.isDeclarative },
        listed: listed.rows.map((r) => r.metadata.id),
        got: got.metadata.id,
        updated: { expression: updated.expression, scope: updated.scope },
        deleted: deleted.metadata.id,
        afterDelete: afterDelete.rows.length,
        runs: { low: runsOf(low.eventId), high: runsOf(high.eventId), unscoped: runsOf(unscoped.eventId), lowAfterUpdate: runsOf(lowAfterUpdate.eventId) },
        refused,
      });
      break;
    }
    case 'workflows-delete': {
      const before = await hatchet.workflows.get(wf.flaky);
      await hatchet.workflows.delete(wf.flaky);
      let getError = null;
      try {
        await hatchet.workflows.get(wf.flaky);
      } catch (e) {
        getError = errorText(e);
      }
      let deleteAgain = null;
      try {
        await hatchet.api.workflowDelete(before.metadata.id);
      } catch (e) {
        deleteAgain = e.response ? e.response.status : errorText(e);
      }
      emit({ event: 'workflow-deleted', id: before.metadata.id, getError, deleteAgain });
      break;
    }
    case 'schedule-changes': {
      const at = new Date(Date.now() + 3_600_000);
      const suite = { suite: `${prefix}-bulk` };
      const a = await wf.simple.schedule(at, { name: 'a' }, { additionalMetadata: suite });
      const b = await wf.simple.schedule(at, { name: 'b' }, { additionalMetadata: suite });
      const c = await wf.simple.schedule(at, { name: 'c' });
      const movedTo = new Date(at.getTime() + 3_600_000);
      const updated = await hatchet.scheduled.update(a.metadata.id, { triggerAt: movedTo });
      const missing = '00000000-0000-4000-8000-000000000000';
      const bulkUpdated = await hatchet.scheduled.bulkUpdate([
        { scheduledRun: b.metadata.id, triggerAt: movedTo },
        { scheduledRun: missing, triggerAt: movedTo },
      ]);
      const byIds = await hatchet.scheduled.bulkDelete({ scheduledRuns: [c.metadata.id] });
      const workflow = await hatchet.workflows.get(wf.simple);
      const byFilter = await hatchet.scheduled.bulkDelete({ filter: { workflowId: workflow.metadata.id, additionalMetadata: [`suite:${prefix}-bulk`] } });
      const after = await hatchet.scheduled.list({ workflow: wf.simple });
      emit({
        event: 'schedule-changes',
        ids: { a: a.metadata.id, b: b.metadata.id, c: c.metadata.id, missing },
        movedTo: movedTo.toISOString(),
        updated: { id: updated.metadata.id, triggerAt: updated.triggerAt },
        bulkUpdated,
        byIds,
        byFilter,
        after: after.rows.length,
      });
      break;
    }
    case 'events-deprecated': {
      const pushed = await hatchet.events.push(wf.eventKey, { msg: 'deprecated' });
      const answers = {};
      for (const [name, call] of [
        ['replay', () => hatchet.api.eventUpdateReplay(hatchet.tenantId, { eventIds: [pushed.eventId] })],
        ['cancel', () => hatchet.api.eventUpdateCancel(hatchet.tenantId, { eventIds: [pushed.eventId] })],
      ]) {
        try {
          await call();
          answers[name] = { status: 200 };
        } catch (e) {
          answers[name] = { status: e.response ? e.response.status : null, errors: e.response ? e.response.data.errors : errorText(e) };
        }
      }
      emit({ event: 'events-deprecated', ...answers });
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
