namespace DaClip.Cli.Bench;

/// <summary>One <c>Int8MatMulForm</c> timed by <c>daclip bench infer --int8-form A B ...</c>: median batch-1 wall and CPU seconds, model size, peak RSS of its phase.</summary>
internal sealed record Int8FormTiming(string Form, double OrtMedianS, double OrtCpuMedianS, long ModelBytes, long? PeakRssBytes);
