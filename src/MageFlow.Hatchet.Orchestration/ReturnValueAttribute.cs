namespace MageFlow.Hatchet.Orchestration;

/// <summary>Marks the input property that receives the previous task's result when the task runs as a callback or chain step
/// (Python MageFlow's <c>ReturnValue</c>). Without it, the result goes into <c>mageflow_results</c>.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ReturnValueAttribute : Attribute
{
}
