using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>
/// The command line of <c>hatchet-dev-engine</c>. Every failure the user can cause ends as one line on stderr and a
/// non-zero exit code (see <see cref="ExitCodes"/>), never as an unhandled exception with a stack trace.
/// </summary>
internal static class DevEngineCommand
{
    private const string Name = "hatchet-dev-engine";

    private static readonly Option<int> Port = PortOption("--port", 7077, "gRPC port (HTTP/2 cleartext); 0 picks a free port");
    private static readonly Option<int?> RestPort = OptionalPortOption("--rest-port", "REST port (worker pause, task cancel); default: --port + 1, or a free port when --port is 0");
    private static readonly Option<string> Host = new("--host")
    {
        Description = "Address to bind; anything but loopback also needs --allow-remote",
        DefaultValueFactory = _ => "127.0.0.1",
        HelpName = "address",
    };

    private static readonly Option<bool> AllowRemote = new("--allow-remote")
    {
        Description = "Allow a non-loopback --host (the dev engine has no real authentication: keep it off networks)",
    };

    private static readonly Option<string?> EnvFilePath = new("--env-file")
    {
        Description = "Also write the HATCHET_CLIENT_* settings to this dotenv file (mode 0600), and keep the signing key beside it (<path>.key)",
        HelpName = "path",
    };

    private static readonly Option<string?> KeyFilePath = new("--key-file")
    {
        Description = "Signing key file (base64, mode 0600; made if missing), so tokens stay valid across restarts",
        HelpName = "path",
    };

    private static readonly Option<string> EngineVersion = new("--engine-version")
    {
        Description = "Version reported by GetVersion",
        DefaultValueFactory = _ => new DevEngineOptions().EngineVersion,
        HelpName = "version",
    };

    private static readonly Option<string> Viewer = new("--viewer")
    {
        Description = "Serve the MageFlow viewer: auto (when Redis answers), on, or off",
        DefaultValueFactory = _ => "auto",
        HelpName = "auto|on|off",
    };

    private static readonly Option<int?> ViewerPort = OptionalPortOption("--viewer-port", "Viewer port; default: the REST port + 1, or a free port when --port is 0");

    private static readonly Option<string> Redis = new("--redis")
    {
        Description = "Redis of the MageFlow state the viewer shows (default: REDIS_URL, else localhost:6379)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url : "localhost:6379",
        HelpName = "url",
    };

    private static readonly Option<string> KeyPrefix = new("--mageflow-prefix")
    {
        Description = "MageFlow key prefix the viewer reads (MageFlowOptions.KeyPrefix)",
        DefaultValueFactory = _ => "mageflow",
        HelpName = "prefix",
    };

    private static readonly Option<bool> ViewerActions = new("--viewer-actions")
    {
        Description = "Let the viewer suspend, interrupt, resume, cancel and retry (loopback --host only)",
    };

    private static readonly Option<string?> TlsCert = new("--tls-cert")
    {
        Description = "Serve TLS with this certificate (PEM); needs --tls-key",
        HelpName = "path",
    };

    private static readonly Option<string?> TlsKey = new("--tls-key")
    {
        Description = "The private key (PEM) of --tls-cert",
        HelpName = "path",
    };

    private static readonly Option<string?> TlsClientCa = new("--tls-client-ca")
    {
        Description = "Mutual TLS: gRPC clients must present a certificate issued by this CA (PEM)",
        HelpName = "path",
    };

    private static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Log engine activity",
    };

    /// <summary>Parses <paramref name="args"/> and runs the engine until <paramref name="stop"/> is cancelled.</summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        try
        {
            var parse = Build(output, error).Parse(args);
            if (parse.Errors.Count > 0)
            {
                await error.WriteLineAsync($"{Name}: {OneLine(parse.Errors[0].Message).TrimEnd('.')}; see --help").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,

                // Our own handler below prints one line; the default one prints the stack trace.
                EnableDefaultExceptionHandler = false,

                // Program.cs owns SIGINT/SIGTERM and cancels `stop`, so the engine always gets to stop cleanly.
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(invocation, stop).ConfigureAwait(false);
        }
        catch (CliError e)
        {
            await error.WriteLineAsync($"{Name}: {OneLine(e.Message)}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e)
        {
            // Anything else is our bug, still reported as one line: a stack trace helps no one running a dev tool.
            await error.WriteLineAsync($"{Name}: unexpected error: {e.GetType().Name}: {OneLine(e.Message)}").ConfigureAwait(false);
            return ExitCodes.CannotStart;
        }
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "An in-memory engine that speaks Hatchet's gRPC protocol, for development and tests. " +
            "Point any Hatchet SDK at it with:  set -a; source <env-file>; set +a")
        {
            Port, RestPort, Host, AllowRemote, EnvFilePath, KeyFilePath, EngineVersion, TlsCert, TlsKey, TlsClientCa,
            Viewer, ViewerPort, Redis, KeyPrefix, ViewerActions, Verbose,
        };
        root.SetAction((parse, ct) => ServeAsync(parse, output, error, ct));
        root.Subcommands.Add(McpCommand.Build(Redis, KeyPrefix));
        return root;
    }

    private static async Task<int> ServeAsync(ParseResult parse, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var host = parse.GetRequiredValue(Host);
        var allowRemote = parse.GetValue(AllowRemote);
        if (!IsAddress(host))
        {
            throw new CliError($"--host '{host}' is not an IP address or 'localhost'", ExitCodes.Usage);
        }

        if (!allowRemote && !IsLoopback(host))
        {
            throw new CliError($"--host {host} is not a loopback address; add --allow-remote to bind it anyway (the dev engine has no real authentication)", ExitCodes.Usage);
        }

        var viewerMode = parse.GetRequiredValue(Viewer);
        if (viewerMode is not ("auto" or "on" or "off"))
        {
            throw new CliError($"--viewer '{viewerMode}' is not auto, on or off", ExitCodes.Usage);
        }

        if (parse.GetValue(ViewerActions) && !IsLoopback(host))
        {
            throw new CliError($"--viewer-actions lets anyone who reaches the page act on flows: it needs a loopback --host, not {host}", ExitCodes.Usage);
        }

        var envFile = parse.GetValue(EnvFilePath);
        var keyFile = parse.GetValue(KeyFilePath) ?? (envFile is null ? null : SigningKeyFile.BesideEnvFile(envFile));
        var options = new DevEngineOptions
        {
            GrpcPort = parse.GetValue(Port),
            RestPort = parse.GetValue(RestPort) ?? DefaultRestPort(parse.GetValue(Port)),
            Host = host,
            AllowNonLoopback = allowRemote,
            EngineVersion = parse.GetRequiredValue(EngineVersion),
            SigningKey = keyFile is null ? null : SigningKeyFile.LoadOrCreate(keyFile),
            TlsCertificateFile = parse.GetValue(TlsCert),
            TlsKeyFile = parse.GetValue(TlsKey),
            TlsClientCaFile = parse.GetValue(TlsClientCa),
        };

        var verbose = parse.GetValue(Verbose);
        using var loggerFactory = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => o.SingleLine = true);
            b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
            b.AddFilter("Microsoft", LogLevel.Warning);
            b.AddFilter("Grpc", LogLevel.Warning);

            // The host logs a failed start with its stack trace; StartAsync below reports it as one line instead.
            b.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        });
        options.LoggerFactory = loggerFactory;

        await using var engine = await StartAsync(options, stop).ConfigureAwait(false);
        var dotenv = engine.ToDotEnv();
        if (envFile is not null)
        {
            await EnvFile.WriteAsync(envFile, dotenv, stop).ConfigureAwait(false);
        }

        await output.WriteLineAsync("# Hatchet dev engine is running. Point an SDK at it with these settings:").ConfigureAwait(false);
        await output.WriteAsync(dotenv).ConfigureAwait(false);
        if (envFile is not null)
        {
            await output.WriteLineAsync($"# written to {Path.GetFullPath(envFile)}").ConfigureAwait(false);
        }

        if (keyFile is not null)
        {
            await output.WriteLineAsync($"# signing key in {Path.GetFullPath(keyFile)}: tokens stay valid across restarts").ConfigureAwait(false);
        }

        await using var viewer = await StartViewerAsync(parse, viewerMode, engine, options, loggerFactory, output, stop).ConfigureAwait(false);
        await output.WriteLineAsync("# Press Ctrl+C to stop.").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: the normal way to stop.
        }

        return ExitCodes.Ok;
    }

    private static async Task<ViewerServer?> StartViewerAsync(ParseResult parse, string mode, HatchetDevEngine engine, DevEngineOptions options, ILoggerFactory logs, TextWriter output, CancellationToken stop)
    {
        if (mode == "off")
        {
            return null;
        }

        var redisUrl = parse.GetRequiredValue(Redis);
        var (redis, reason) = await ViewerServer.ConnectRedisAsync(redisUrl).ConfigureAwait(false);
        if (redis is null)
        {
            if (mode == "on")
            {
                throw new CliError($"--viewer on: no Redis at {redisUrl} ({reason})");
            }

            await output.WriteLineAsync($"# MageFlow viewer off: no Redis answers at {redisUrl} (--redis, or --viewer off)").ConfigureAwait(false);
            return null;
        }

        // By default the port after the REST port, so that the address stays the same across restarts; a free one if taken.
        var explicitPort = parse.GetValue(ViewerPort);
        var port = explicitPort ?? (engine.ServerUrl.Port < IPEndPoint.MaxPort && options.RestPort != 0 ? engine.ServerUrl.Port + 1 : 0);
        var prefix = parse.GetRequiredValue(KeyPrefix);
        var actions = parse.GetValue(ViewerActions);
        ViewerServer viewer;
        try
        {
            viewer = await ViewerServer.StartAsync(engine, redis, options.Host, port, prefix, actions, logs, stop).ConfigureAwait(false);
        }
        catch (CliError) when (explicitPort is null && port != 0)
        {
            viewer = await ViewerServer.StartAsync(engine, redis, options.Host, 0, prefix, actions, logs, stop).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"# MageFlow viewer: {viewer.Address}").ConfigureAwait(false);
        return viewer;
    }

    private static async Task<HatchetDevEngine> StartAsync(DevEngineOptions options, CancellationToken stop)
    {
        try
        {
            return await HatchetDevEngine.StartAsync(options, stop).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel's message names the address ("Failed to bind to address http://127.0.0.1:7077: address already in use.").
            throw new CliError($"{e.Message.TrimEnd('.')}; is another engine running? Pick another --port, or 0 for a free one");
        }
        catch (ArgumentException e)
        {
            throw new CliError(e.Message, ExitCodes.Usage);
        }
    }

    private static Option<int> PortOption(string name, int defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        HelpName = "port",
        CustomParser = result => ParsePort(name, result) ?? defaultValue,
    };

    private static Option<int?> OptionalPortOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "port",
        CustomParser = result => ParsePort(name, result),
    };

    private static int? ParsePort(string name, ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort)
        {
            return port;
        }

        result.AddError(int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $"{name} {text} is out of range: a port is 0..65535 (0 picks a free port)"
            : $"{name} '{text}' is not a port number (0..65535)");
        return null;
    }

    // A fixed REST port next to a fixed gRPC port keeps the whole env file (HATCHET_CLIENT_SERVER_URL and the token's
    // server_url) valid across restarts, not only the token's signature.
    private static int DefaultRestPort(int grpcPort) => grpcPort is > 0 and < IPEndPoint.MaxPort ? grpcPort + 1 : 0;

    private static bool IsAddress(string host) => host == "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out _);

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
