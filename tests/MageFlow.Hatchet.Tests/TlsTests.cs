using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// <c>HATCHET_CLIENT_TLS_*</c> end to end against a dev engine serving TLS and mutual TLS from files, with a CA the test
/// makes: the right CA and certificate work for gRPC and REST; a wrong CA, a missing or foreign client certificate fail
/// with errors that say so.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task Tls_TrustedCa_TaskRunsAndRestCallsWork()
    {
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TlsCertificateFile = _certs.ServerCertFile, TlsKeyFile = _certs.ServerKeyFile });
        Assert.Equal("https", engine.GrpcAddress.Scheme);
        Assert.Equal("tls", engine.ClientEnvironment["HATCHET_CLIENT_TLS_STRATEGY"]);
        await using var h = new HatchetHarness(engine, configure: o => o.TlsRootCaFile = _certs.CaFile);
        var task = h.Task<In, Out>("over-tls", (i, _) => Task.FromResult(new Out(i.N * 2)));
        await h.StartWorkerAsync(slots: 2);

        var run = await task.RunNoWaitAsync(new In(21));
        Assert.Equal(new Out(42), await run.ResultAsync<Out>().WaitAsync(Wait));

        // The REST API (the token's https server URL) trusts the same CA.
        var details = await h.Client.Runs.GetAsync(run.RunId);
        Assert.Equal(run.RunId, details.RunId);
    }

    [Fact]
    public async Task Tls_WrongCa_ConnectFailsSayingTheCertificateIsNotTrusted()
    {
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TlsCertificateFile = _certs.ServerCertFile, TlsKeyFile = _certs.ServerKeyFile });
        var options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
        options.TlsRootCaFile = _certs.OtherCaFile;

        var e = await Assert.ThrowsAnyAsync<HatchetException>(() => HatchetClient.ConnectAsync(options));

        Assert.Contains("TLS", e.Message, StringComparison.Ordinal);
        Assert.Contains("certificate", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(_certs.OtherCaFile, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(engine.Token, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mtls_ClientCertificateOfTheCa_TaskRuns()
    {
        await using var engine = await HatchetDevEngine.StartAsync(MutualTls());
        Assert.Equal("mtls", engine.ClientEnvironment["HATCHET_CLIENT_TLS_STRATEGY"]);
        await using var h = new HatchetHarness(engine, configure: o =>
        {
            o.TlsRootCaFile = _certs.CaFile;
            o.TlsCertFile = _certs.ClientCertFile;
            o.TlsKeyFile = _certs.ClientKeyFile;
        });
        var task = h.Task<In, Out>("over-mtls", (i, _) => Task.FromResult(new Out(i.N + 1)));
        await h.StartWorkerAsync(slots: 2);

        Assert.Equal(new Out(8), await task.RunAsync(new In(7)).WaitAsync(Wait));
    }

    [Fact]
    public async Task Mtls_NoClientCertificate_ConnectFailsSayingTheEngineWantsOne()
    {
        await using var engine = await HatchetDevEngine.StartAsync(MutualTls());
        var options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
        options.TlsStrategy = TlsStrategy.Tls;
        options.TlsRootCaFile = _certs.CaFile;

        var e = await Assert.ThrowsAnyAsync<HatchetException>(() => HatchetClient.ConnectAsync(options));

        Assert.True(e.Message.Contains("mtls", StringComparison.Ordinal), e.ToString());
    }

    [Fact]
    public async Task Mtls_ClientCertificateOfAnotherCa_IsRefused()
    {
        await using var engine = await HatchetDevEngine.StartAsync(MutualTls());
        var options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
        options.TlsRootCaFile = _certs.CaFile;
        options.TlsCertFile = _certs.OtherClientCertFile;
        options.TlsKeyFile = _certs.OtherClientKeyFile;

        var e = await Assert.ThrowsAnyAsync<HatchetException>(() => HatchetClient.ConnectAsync(options));

        Assert.Contains("TLS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevEngine_TlsOptionsIncomplete_RefusedAtStart()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => HatchetDevEngine.StartAsync(new DevEngineOptions { TlsCertificateFile = _certs.ServerCertFile }));
        Assert.Contains("TlsCertificateFile and TlsKeyFile go together", e.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => HatchetDevEngine.StartAsync(new DevEngineOptions { TlsClientCaFile = _certs.CaFile }));
        Assert.Contains("TlsClientCaFile (mutual TLS) needs", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _certs.Dispose();

    private DevEngineOptions MutualTls() => new()
    {
        TlsCertificateFile = _certs.ServerCertFile,
        TlsKeyFile = _certs.ServerKeyFile,
        TlsClientCaFile = _certs.CaFile,
    };
}
