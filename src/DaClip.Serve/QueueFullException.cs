namespace DaClip.Serve;

/// <summary>The scoring queue cannot take the request's images now (full, or the server is shutting down): answered 503 with Retry-After.</summary>
internal sealed class QueueFullException(string message) : Exception(message);
