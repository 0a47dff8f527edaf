namespace DaClip.Cli.Bench;

/// <summary>
/// One setting of <c>daclip bench infer --throughput</c>: <see cref="Images"/> scored in batches of
/// <see cref="BatchSize"/> with <see cref="Concurrency"/> batches at once on one session whose operators use
/// <see cref="IntraOpThreads"/> threads each; wall and process CPU seconds, images per second.
/// </summary>
internal sealed record ThroughputPoint(int BatchSize, int Concurrency, int IntraOpThreads, int Images, double WallS, double CpuS)
{
    /// <summary>Images per wall-clock second.</summary>
    public double ImagesPerS => Images / WallS;
}
