namespace DaClip.Serve.Api;

/// <summary>The answer of <c>POST /v1/score/batch</c>: one result per uploaded file, in upload order.</summary>
/// <param name="Model">The model id.</param>
/// <param name="Results">The images' results.</param>
public sealed record BatchScoreResponse(string Model, IReadOnlyList<ScoreResponse> Results);
