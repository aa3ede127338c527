using System.Globalization;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// The slot bucket a signature id carries. An id made since buckets exist ends with <c>.&lt;bucket&gt;</c>, the bucket
/// number in lower-case hex (1 to 4 digits), e.g. <c>3f2504e0-4f89-11d3-9a0c-0305e82c3301.3f</c>; a GUID never has a
/// dot, so an id without that suffix (every id written before buckets) belongs to the legacy bucket, named
/// <see cref="Legacy"/> (the empty string). This is the one parser of that spelling (move_out.lua mirrors it).
/// </summary>
internal static class SignatureBucket
{
    /// <summary>The legacy bucket: keys under <c>{prefix}</c>, as before buckets.</summary>
    public const string Legacy = "";

    /// <summary>The most buckets a deployment may use (bucket numbers fit four hex digits).</summary>
    public const int MaxBuckets = 16384;

    private const char Separator = '.';

    /// <summary>The bucket of an id, or <see cref="Legacy"/>.</summary>
    public static string Of(string id)
    {
        var dot = id.LastIndexOf(Separator);
        if (dot <= 0 || id.Length - dot - 1 is < 1 or > 4)
        {
            return Legacy;
        }

        for (var i = dot + 1; i < id.Length; i++)
        {
            if (!char.IsAsciiHexDigitLower(id[i]) && !char.IsAsciiDigit(id[i]))
            {
                return Legacy;
            }
        }

        return id[(dot + 1)..];
    }

    /// <summary>The id without its bucket: what stays the same when a signature moves to another bucket.</summary>
    public static string UniquePart(string id)
    {
        var bucket = Of(id);
        return bucket.Length == 0 ? id : id[..(id.Length - bucket.Length - 1)];
    }

    /// <summary>The id <paramref name="unique"/> has in <paramref name="bucket"/>.</summary>
    public static string Join(string unique, string bucket) => bucket.Length == 0 ? unique : unique + Separator + bucket;

    /// <summary>The id a signature gets when it moves into <paramref name="bucket"/> (deterministic: a retried move finds it).</summary>
    public static string MovedInto(string id, string bucket) => Join(UniquePart(id), bucket);

    /// <summary>The name of bucket number <paramref name="n"/>.</summary>
    public static string Name(int n) => n.ToString("x", CultureInfo.InvariantCulture);
}
