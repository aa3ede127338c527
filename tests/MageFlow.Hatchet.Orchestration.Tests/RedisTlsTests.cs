using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>MageFlow's state over <c>rediss://</c>: a TLS-only redis-server the test starts, with a CA the test makes.</summary>
[Collection(MageFlowCollection.Name)]
public sealed class RedisTlsTests(MageFlowFixture fixture) : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task Rediss_TrustedCa_SignatureRunsWithItsStateOverTls()
    {
        await using var redis = await TlsRedisServer.StartAsync(_certs);
        await using var h = fixture.Flow();
        var task = h.Task<In, Out>("over-rediss", (i, _) => Task.FromResult(new Out(i.N * 3)));
        var mageFlow = await h.StartAsync(slots: 2, o =>
        {
            o.Redis = null;
            o.RedisConfiguration = redis.Url;
            o.RedisTlsCaFile = _certs.CaFile;
        });

        var sig = await mageFlow.SignAsync(task);
        Assert.Equal(new Out(21), await sig.RunAsync<Out>(new In(7)).WaitAsync(Wait));

        // The state lives on the TLS server, not on the shared one.
        Assert.Equal(SignatureStatus.Done, await sig.GetStatusAsync());
        Assert.False(await fixture.Redis.GetDatabase().KeyExistsAsync(new RedisKeys(h.Prefix).Signature(sig.Id)));
        Assert.True(mageFlow.Redis.GetEndPoints().Length == 1 && mageFlow.Redis.IsConnected);
    }

    [Fact]
    public async Task Rediss_WrongCa_AttachFailsSayingWhichCaIsTrusted()
    {
        await using var redis = await TlsRedisServer.StartAsync(_certs);
        await using var h = fixture.Flow();

        var e = await Assert.ThrowsAsync<RedisConnectionException>(() => h.AttachAsync(o =>
        {
            o.Redis = null;
            o.RedisConfiguration = redis.Url;
            o.RedisTlsCaFile = _certs.OtherCaFile;
        }));

        Assert.Contains("over TLS", e.Message, StringComparison.Ordinal);
        Assert.Contains(_certs.OtherCaFile, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedissMutualTls_ClientCertificateFromTheTrustedCa_SignatureRuns()
    {
        await using var redis = await TlsRedisServer.StartAsync(_certs, requireClientCertificates: true);
        await using var h = fixture.Flow();
        var task = h.Task<In, Out>("over-mtls", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var mageFlow = await h.StartAsync(slots: 2, o =>
        {
            o.Redis = null;
            o.RedisConfiguration = redis.Url;
            o.RedisTlsCaFile = _certs.CaFile;
            o.RedisTlsCertFile = _certs.ClientCertFile;
            o.RedisTlsKeyFile = _certs.ClientKeyFile;
        });

        var sig = await mageFlow.SignAsync(task);
        Assert.Equal(new Out(8), await sig.RunAsync<Out>(new In(7)).WaitAsync(Wait));
        Assert.False(await fixture.Redis.GetDatabase().KeyExistsAsync(new RedisKeys(h.Prefix).Signature(sig.Id)));
    }

    [Fact]
    public async Task RedissMutualTls_NoClientCertificate_AttachFailsSayingWhichSettingsToSet()
    {
        var e = await AttachToMutualTlsRedisRefusedAsync(clientCertificate: null);

        Assert.Contains("over TLS", e.Message, StringComparison.Ordinal);
        Assert.Contains("RedisTlsCertFile and RedisTlsKeyFile", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedissMutualTls_ClientCertificateFromAnotherCa_AttachFailsNamingTheCertificate()
    {
        var e = await AttachToMutualTlsRedisRefusedAsync((_certs.OtherClientCertFile, _certs.OtherClientKeyFile));

        Assert.Contains(_certs.OtherClientCertFile, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisClientCertificateWithoutItsKey_IsRefused()
    {
        var errors = new MageFlowOptions { RedisTlsCertFile = _certs.ClientCertFile }.GetValidationErrors();
        Assert.Contains(errors, e => e.Contains("RedisTlsCertFile and RedisTlsKeyFile go together", StringComparison.Ordinal));
    }

    public void Dispose() => _certs.Dispose();

    /// <summary>Attaches to a Redis that requires client certificates, trusting its CA, and returns the refusal.</summary>
    private async Task<RedisConnectionException> AttachToMutualTlsRedisRefusedAsync((string Cert, string Key)? clientCertificate)
    {
        await using var redis = await TlsRedisServer.StartAsync(_certs, requireClientCertificates: true);
        await using var h = fixture.Flow();
        return await Assert.ThrowsAsync<RedisConnectionException>(() => h.AttachAsync(o =>
        {
            o.Redis = null;
            o.RedisConfiguration = redis.Url;
            o.RedisTlsCaFile = _certs.CaFile;
            o.RedisTlsCertFile = clientCertificate?.Cert;
            o.RedisTlsKeyFile = clientCertificate?.Key;
        }));
    }
}
