'use strict';

// A Hatchet worker written with the official TypeScript SDK and traced by the SDK's own HatchetInstrumentor, for
// the cross-language trace test in tests/MageFlow.Hatchet.Tests/Interop/CrossLanguageTraceTests.cs: a C# task runs
// `ts-traced` as its child, and `ts-traced` runs a C# task as its own child. The trace context travels in the runs'
// additional metadata (`traceparent`), which the instrumentor injects and extracts.
//
// Usage: node traced-worker.js <prefix>
//
// It prints one JSON object per line on stdout:
//   {"event":"ready","worker":...}                                           the worker registered and listens
//   {"event":"traced","runId":...,"metadata":...}                            ts-traced ran
//   {"event":"span","name":...,"kind":...,"traceId":...,"spanId":...,"parentSpanId":...,"attributes":...}
//                                                                             a finished span, as soon as it ends
//
// Tasks:
//   <prefix>-ts-traced  {child, n}  -> runs the task named <child> (a C# task) as its child with {n},
//                                      returns {fromChild: <the child's output>}

const { context, propagation, trace, SpanKind } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator, ExportResultCode } = require('@opentelemetry/core');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { emit } = require('./output.js');

/** Prints every finished span as one JSON line, so the C# test can join them with its own spans. */
class JsonLineExporter {
  export(spans, done) {
    for (const s of spans) {
      const ctx = s.spanContext();
      const parent = s.parentSpanContext ? s.parentSpanContext.spanId : s.parentSpanId;
      emit({
        event: 'span',
        name: s.name,
        kind: SpanKind[s.kind],
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        parentSpanId: parent || null,
        attributes: s.attributes,
      });
    }

    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown() {
    return Promise.resolve();
  }
}

// A plain BasicTracerProvider registers nothing globally: the context manager (so a span is active across awaits)
// and the W3C propagator (so the instrumentor's inject and extract write and read `traceparent`) are set here.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new JsonLineExporter())] }));

// The instrumentor patches the SDK's modules as they load, so it is registered before the SDK is required. Its
// default also exports to Hatchet's own collector, which the dev engine does not run.
const { HatchetInstrumentor } = require('@hatchet-dev/typescript-sdk/opentelemetry');
registerInstrumentations({ instrumentations: [new HatchetInstrumentor({ enableHatchetCollector: false })] });
const { HatchetClient } = require('@hatchet-dev/typescript-sdk/v1');

async function main() {
  const prefix = process.argv[2];
  if (!prefix) {
    throw new Error('usage: node traced-worker.js <prefix>');
  }

  const hatchet = HatchetClient.init();
  const traced = hatchet.task({
    name: `${prefix}-ts-traced`,
    fn: async (input, ctx) => {
      emit({ event: 'traced', runId: ctx.workflowRunId(), metadata: ctx.additionalMetadata() });
      const raw = await ctx.runChild(input.child, { n: input.n });
      return { fromChild: raw[input.child.toLowerCase()] };
    },
  });

  const name = `${prefix}-worker`;
  const worker = await hatchet.worker(name, { workflows: [traced], slots: 10 });
  worker.start().catch((e) => {
    emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
    process.exit(1);
  });
  await worker.waitUntilReady(30000);
  emit({ event: 'ready', worker: name });
}

main().catch((e) => {
  emit({ event: 'worker_error', message: e && e.message ? e.message : String(e) });
  process.exit(1);
});
