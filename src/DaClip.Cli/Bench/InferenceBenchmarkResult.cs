namespace DaClip.Cli.Bench;

/// <summary>
/// What <c>daclip bench infer --json</c> prints (snake_case keys): the setting, the timed model's latency and memory,
/// and, when a comparison ran, the reference's and the deviation; with <c>--throughput</c> the images/s curve and the
/// best setting. Times in seconds, memory in bytes; absent measurements are null.
/// </summary>
internal sealed class InferenceBenchmarkResult
{
    public string Arch { get; set; } = "";
    public int Size { get; set; }
    public int Grid { get; set; }
    public string Precision { get; set; } = "";
    public string? Int8Form { get; set; }
    public int Threads { get; set; }
    public int Batch { get; set; } = 1;
    public string? Onnx { get; set; }
    public long ModelBytes { get; set; }
    public double? ExportS { get; set; }
    public double? SessionS { get; set; }
    public double? OrtMedianS { get; set; }
    public double[]? OrtRunsS { get; set; }
    public double? OrtCpuMedianS { get; set; }

    /// <summary>Peak resident memory (VmHWM) of the timed model's phase; in <c>--onnx</c> mode of the whole process, which only scores.</summary>
    public long? PeakRssBytes { get; set; }

    /// <summary>Resident memory just before the timed model's session was created.</summary>
    public long? RssBeforeBytes { get; set; }

    /// <summary>"onnx-float32" (the float32 graph of the same network, for int8) or "torchsharp" (DaClipNetwork.Predict); null when none ran.</summary>
    public string? Reference { get; set; }
    public double? ReferenceMedianS { get; set; }
    public double[]? ReferenceRunsS { get; set; }
    public double? ReferenceCpuMedianS { get; set; }
    public long? ReferencePeakRssBytes { get; set; }
    public long? ReferenceModelBytes { get; set; }

    /// <summary>Timed model's median wall time over the reference's.</summary>
    public double? Ratio { get; set; }
    public int? CompareImages { get; set; }
    public double? ScoreMaxAbsDiff { get; set; }
    public double? MapMaxAbsDiff { get; set; }
    public double? GlobalProbMaxAbsDiff { get; set; }
    public double? PatchMapMaxAbsDiff { get; set; }
    public double? MapPearsonMin { get; set; }
    public double? MapPearsonMean { get; set; }
    /// <summary>With several <c>--int8-form</c>s: each form's batch-1 timing in the same run (the first is the main result).</summary>
    public IReadOnlyList<Int8FormTiming>? Int8Forms { get; set; }
    public IReadOnlyList<ThroughputPoint>? Throughput { get; set; }
    public ThroughputPoint? Best { get; set; }
    public string LoadAverage { get; set; } = "";
}
