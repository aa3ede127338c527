using System.Net;

namespace MageFlow.Hatchet.Exceptions;

/// <summary>A call to the Hatchet engine's REST API answered with an error status.</summary>
public sealed class HatchetApiException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="HatchetApiException"/> class.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path called, without the server URL.</param>
    /// <param name="statusCode">The status the engine answered.</param>
    /// <param name="body">The response body (Hatchet's <c>{"errors":[…]}</c> shape, usually).</param>
    public HatchetApiException(string method, string path, HttpStatusCode statusCode, string body)
        : base($"{method} {path} answered {(int)statusCode} {statusCode}: {Describe(body)}")
    {
        Method = method;
        Path = path;
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path called, without the server URL.</summary>
    public string Path { get; }

    /// <summary>Gets the status the engine answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the response body.</summary>
    public string Body { get; }

    /// <summary>Gets a value indicating whether the call may succeed when repeated (a 5xx, 408 or 429).</summary>
    public bool IsTransient => (int)StatusCode >= 500 || StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Keeps messages short: a proxy's HTML error page would otherwise fill the log.</summary>
    private static string Describe(string body) => body.Length <= 500 ? body : body[..500] + "…";
}
