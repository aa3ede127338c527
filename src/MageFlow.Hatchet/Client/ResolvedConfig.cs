namespace MageFlow.Hatchet.Client;

/// <summary>Validated connection details.</summary>
internal sealed record ResolvedConfig(string TenantId, string HostPort, string? ServerUrl, string Namespace);
