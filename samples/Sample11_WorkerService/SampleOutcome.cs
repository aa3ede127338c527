namespace MageFlow.Hatchet.Samples.WorkerService;

/// <summary>What the driver checked: the process exits 0 only if every check held.</summary>
internal sealed class SampleOutcome
{
    private int _failures = -1; // unknown until the driver has run

    public int Failures => Math.Max(_failures, 0);

    public int ExitCode => _failures == 0 ? 0 : 1;

    public void Start() => Interlocked.CompareExchange(ref _failures, 0, -1);

    public void Check(bool holds, string what)
    {
        Console.WriteLine($"{(holds ? "  ok " : "  FAILED ")} {what}");
        if (!holds)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    public void Fail(string what)
    {
        Start();
        Check(false, what);
    }
}
