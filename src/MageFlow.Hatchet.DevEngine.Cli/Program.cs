using System.Runtime.InteropServices;
using MageFlow.Hatchet.DevEngine.Cli;

// hatchet-dev-engine: runs the in-memory Hatchet-compatible engine in the foreground until Ctrl+C or SIGTERM.
using var stop = new CancellationTokenSource();

// Cancelling the signal lets the engine stop its server and flush the console instead of the runtime killing it.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
return await DevEngineCommand.RunAsync(args, Console.Out, Console.Error, stop.Token);
