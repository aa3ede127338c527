using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.State;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>Creates signatures in Redis (one script each) and loads them back. A new signature's slot bucket is the
/// current body's, else that of the first signature it links (so none moves), else the next one; what it links from
/// other buckets moves into it first (<see cref="CopyOnLink"/>).</summary>
internal sealed class SignatureFactory(MageFlowServices services)
{
    private readonly CopyOnLink _links = new(services);

    public async Task<TaskSignature> CreateTaskAsync(string engineName, string returnField, object? kwargs, IEnumerable<Signature>? success, IEnumerable<Signature>? error, CancellationToken cancellationToken)
    {
        var callbacks = Linked(success, error);
        var bucket = services.Buckets.ForNew(services, callbacks);
        var json = KwargsOf(engineName, kwargs);
        await _links.IntoAsync(bucket, callbacks, $"the callbacks of a new signature of '{engineName}'", cancellationToken).ConfigureAwait(false);
        var record = TaskRecord(engineName, returnField, json) with
        {
            SuccessCallbacks = IdsOf(success),
            ErrorCallbacks = IdsOf(error),
        };
        var id = SignatureIds.New(bucket);
        if (MageFlowScope.Current is { } scope && scope.Services == services)
        {
            // Inside a root body, children are signed by the thousand: pipeline the write (a task signature cannot
            // fail to be created; a Redis fault surfaces when the child is added).
            await services.Scripts.Create.SendAsync(id, record.Ttl.Active, record.ToFields()).ConfigureAwait(false);
        }
        else
        {
            await services.Scripts.Create.RunAsync(id, record.Ttl.Active, record.ToFields(), "task", cancellationToken).ConfigureAwait(false);
        }

        return new TaskSignature(services, id, engineName);
    }

    public async Task<IReadOnlyList<TaskSignature>> CreateManyAsync(string engineName, string returnField, IEnumerable<object?> kwargs, CancellationToken cancellationToken)
    {
        // Every signature shares its fields but its bound input: they travel once, then one (id, kwargs) pair each.
        var shared = TaskRecord(engineName, returnField, "{}").ToFields(withKwargs: false);
        // One bucket for the whole batch: they are made to run together (a swarm's items), and one call creates them.
        var bucket = services.Buckets.ForNew(services);
        var created = kwargs.Select(k => (Id: SignatureIds.New(bucket), Kwargs: KwargsOf(engineName, k))).ToList();
        if (created.Count > 0)
        {
            await services.Scripts.CreateMany.RunAsync(SignatureIds.AreRandom, shared, created, cancellationToken).ConfigureAwait(false);
        }

        return [.. created.Select(c => new TaskSignature(services, c.Id, engineName))];
    }

    public async Task<ChainSignature> CreateChainAsync(IReadOnlyList<Signature> steps, string name, IEnumerable<Signature>? success, IEnumerable<Signature>? error, CancellationToken cancellationToken)
    {
        var linked = Linked(steps, success, error);
        var bucket = services.Buckets.ForNew(services, linked);
        await _links.IntoAsync(bucket, linked, $"chain {name}", cancellationToken).ConfigureAwait(false);
        var record = new ChainRecord(
            new SignatureRecord(SignatureKind.Chain, name, services.Options.TtlFor(SignatureKind.Chain)) { SuccessCallbacks = IdsOf(success), ErrorCallbacks = IdsOf(error) },
            [.. steps.Select(s => s.Id)]);
        var id = SignatureIds.New(bucket);
        await services.Scripts.Create.RunAsync(id, record.Signature.Ttl.Active, record.ToFields(), "chain", cancellationToken).ConfigureAwait(false);
        return new ChainSignature(services, id, name);
    }

    public async Task<SwarmSignature> CreateSwarmAsync(string? name, SwarmConfig config, IReadOnlyList<Signature>? items, IEnumerable<Signature>? success, IEnumerable<Signature>? error, bool closed, object? kwargs, CancellationToken cancellationToken)
    {
        var callbacks = Linked(success, error);
        var bucket = services.Buckets.ForNew(services, Linked(items, callbacks));
        await _links.IntoAsync(bucket, callbacks, $"swarm {name ?? "(new)"}", cancellationToken).ConfigureAwait(false);
        var id = SignatureIds.New(bucket);
        name ??= $"swarm-task-{id}";
        var record = new SwarmRecord(
            new SignatureRecord(SignatureKind.Swarm, name, services.Options.TtlFor(SignatureKind.Swarm))
            {
                Kwargs = services.Serialize(kwargs),
                SuccessCallbacks = IdsOf(success),
                ErrorCallbacks = IdsOf(error),
            },
            config);
        var created = await services.Scripts.Create.RunAsync(id, record.Signature.Ttl.Active, record.ToFields(), "swarm", cancellationToken).ConfigureAwait(false);
        var swarm = new SwarmSignature(services, id, name);
        if (created && items is { Count: > 0 })
        {
            await swarm.AddTasksAsync(items, cancellationToken).ConfigureAwait(false);
        }

        if (created && closed)
        {
            await swarm.CloseAsync(cancellationToken).ConfigureAwait(false);
        }

        return swarm;
    }

    /// <summary>Creates the signature of a plain trigger captured by a root task: its metadata and trigger options are
    /// replayed when it runs. A child key names the signature, so the same key twice in one root run is one child.</summary>
    public async Task<TaskSignature> CreateCapturedAsync(string engineName, string metadataJson, string? triggerOptionsJson, string? childKey)
    {
        var record = TaskRecord(engineName, SignatureRecord.DefaultReturnField, "{}") with { Metadata = metadataJson, TriggerOptions = triggerOptionsJson };
        var bucket = services.Buckets.ForNew(services);
        var id = childKey is not null && Hatchet.Tasks.TaskContext.Current is { } parent
            ? SignatureIds.Derived($"{parent.TaskRunExternalId}#key#{childKey}", bucket)
            : SignatureIds.New(bucket);
        await services.Scripts.Create.SendAsync(id, record.Ttl.Active, record.ToFields()).ConfigureAwait(false);
        return new TaskSignature(services, id, engineName);
    }

    public async Task<Signature?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var h = await services.Runner.DoAsync(db => db.HashGetAsync(services.Keys.Signature(id), [Fields.Kind, Fields.Name, Fields.Moved]), cancellationToken).ConfigureAwait(false);
        if (!h[2].IsNullOrEmpty)
        {
            // Moved to another bucket when it was linked there (copy-on-link): the old id forwards to the new one.
            return await LoadAsync((string)h[2]!, cancellationToken).ConfigureAwait(false);
        }

        var name = (string?)h[1] ?? string.Empty;
        return WireNames.KindOf(h[0]) switch
        {
            SignatureKind.Task => new TaskSignature(services, id, name),
            SignatureKind.Chain => new ChainSignature(services, id, name),
            SignatureKind.Swarm => new SwarmSignature(services, id, name),
            _ => null,
        };
    }

    private SignatureRecord TaskRecord(string engineName, string returnField, string kwargs) =>
        new(SignatureKind.Task, engineName, services.Options.TtlFor(SignatureKind.Task)) { ReturnField = returnField, Kwargs = kwargs };

    private string KwargsOf(string engineName, object? kwargs)
    {
        var json = services.Serialize(kwargs);
        if (!json.TrimStart().StartsWith('{'))
        {
            throw new ArgumentException($"kwargs for task '{engineName}' must serialize to a JSON object, got: {json}", nameof(kwargs));
        }

        return json;
    }

    private static string[] IdsOf(IEnumerable<Signature>? signatures) => [.. (signatures ?? []).Select(s => s.Id)];

    private static List<Signature> Linked(params IEnumerable<Signature>?[] lists) => [.. lists.SelectMany(l => l ?? [])];
}
