namespace DaClip.Serve.Api;

/// <summary>The answer of <c>GET /healthz</c> and <c>GET /readyz</c>.</summary>
/// <param name="Status"><c>ok</c> (alive), <c>ready</c> (model loaded, taking requests) or <c>stopping</c> (draining; 503).</param>
/// <param name="Model">The model id, for <c>/readyz</c>.</param>
public sealed record HealthResponse(string Status, string? Model = null);
