namespace DaClip.Serve.Api;

/// <summary>The body of every error answer (4xx, 5xx).</summary>
/// <param name="Error">One line: what is wrong and how to fix it (for a bad image, the reason the CLI gives).</param>
/// <param name="Status">The HTTP status code.</param>
public sealed record ErrorResponse(string Error, int Status);
