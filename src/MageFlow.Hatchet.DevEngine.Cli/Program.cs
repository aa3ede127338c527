using System.Globalization;
using System.Runtime.InteropServices;
using MageFlow.Hatchet.DevEngine;
using Microsoft.Extensions.Logging;

// hatchet-dev-engine: runs the in-memory Hatchet-compatible engine in the foreground.
var options = new DevEngineOptions { GrpcPort = 7077 };
string? envFile = null;
var verbose = false;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port":
            options.GrpcPort = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--rest-port":
            options.RestPort = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--host":
            options.Host = Next();
            break;
        case "--env-file":
            envFile = Next();
            break;
        case "--engine-version":
            options.EngineVersion = Next();
            break;
        case "--verbose":
            verbose = true;
            break;
        case "-h" or "--help":
            Console.WriteLine("""
                hatchet-dev-engine: an in-memory engine that speaks Hatchet's gRPC protocol (for development and tests).

                  --port N            gRPC port (HTTP/2 cleartext); default 7077, 0 picks a free port
                  --rest-port N       REST port (worker pause, task cancel); default 0, a free port
                  --host ADDR         bind address; default 127.0.0.1 (loopback only)
                  --env-file PATH     also write the HATCHET_CLIENT_* settings to PATH (dotenv form)
                  --engine-version V  version reported by GetVersion; default v0.104.7
                  --verbose           log engine activity

                Point any Hatchet SDK at it with:  set -a; source PATH; set +a
                """);
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; see --help");
            return 2;
    }
}

using var loggerFactory = LoggerFactory.Create(b =>
{
    b.AddSimpleConsole(o => o.SingleLine = true);
    b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
    b.AddFilter("Microsoft", LogLevel.Warning);
    b.AddFilter("Grpc", LogLevel.Warning);
});
options.LoggerFactory = loggerFactory;

await using var engine = await HatchetDevEngine.StartAsync(options);
var dotenv = engine.ToDotEnv();
if (envFile is not null)
{
    await File.WriteAllTextAsync(envFile, dotenv);
}

Console.WriteLine("# Hatchet dev engine is running. Point an SDK at it with these settings:");
Console.Write(dotenv);
if (envFile is not null)
{
    Console.WriteLine($"# written to {Path.GetFullPath(envFile)}");
}

Console.WriteLine("# Press Ctrl+C to stop.");
var stop = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
return 0;
