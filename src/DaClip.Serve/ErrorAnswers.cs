using DaClip.MLNet;
using DaClip.Serve.Api;
using Microsoft.AspNetCore.Http;

namespace DaClip.Serve;

/// <summary>
/// Turns exceptions into answers: client input (a bad image, a bad query value, a malformed or oversized body) is a
/// 4xx with a one-line reason, a full queue or a shutdown is 503 with Retry-After; only the server's own failures are 500.
/// </summary>
internal static class ErrorAnswers
{
    /// <summary>The status and message of <paramref name="e"/>, or null when it is the server's own failure.</summary>
    public static (int Status, string Message)? Classify(Exception e) => e switch
    {
        DaClipException or DaClipSchemaException or DaClipOptionException => (StatusCodes.Status400BadRequest, e.Message),
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLarge(bad) : bad.Message),
        InvalidDataException malformed => (StatusCodes.Status400BadRequest, $"the multipart body is malformed ({malformed.Message})."),
        QueueFullException full => (StatusCodes.Status503ServiceUnavailable, full.Message),
        _ => null,
    };

    /// <summary>Writes an <see cref="ErrorResponse"/> (and Retry-After for 503) unless the response has started.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message, int retryAfterSeconds)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message, status));
    }

    /// <summary>
    /// The reason for an error status the framework set without a body: no such endpoint (404), wrong method (405) or
    /// a content type the endpoint does not take (415).
    /// </summary>
    public static string Unanswered(HttpContext context)
    {
        var request = context.Request;
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"no endpoint at {request.Path}: see /openapi/v1.json for the API.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}: see /openapi/v1.json for the API.",
            StatusCodes.Status415UnsupportedMediaType => $"{request.Path} does not take Content-Type '{request.ContentType}': /v1/score/batch takes multipart/form-data " +
                "(one file field per image); /v1/score also takes a raw image body.",
            int status => $"HTTP {status} for {request.Method} {request.Path}.",
        };
    }

    private static string TooLarge(BadHttpRequestException e) => $"the request body is too large ({e.Message}); send a smaller image or raise the server's --max-body-mb.";
}
