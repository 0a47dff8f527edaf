namespace DaClip.MLNet.Training.Clip;

/// <summary>What is wrong with a CLIP checkpoint.</summary>
public enum ClipCheckpointProblem
{
    /// <summary>The file does not exist.</summary>
    NotFound,
    /// <summary>The file ends early (interrupted download).</summary>
    Truncated,
    /// <summary>The file has a known container but broken content.</summary>
    Corrupt,
    /// <summary>Neither safetensors, a torch.save zip, nor a TorchScript archive.</summary>
    UnknownFormat,
    /// <summary>A tensor the model needs is absent.</summary>
    MissingKey,
    /// <summary>A tensor the model does not have is present.</summary>
    UnexpectedKey,
    /// <summary>A tensor has the wrong shape for the inferred architecture.</summary>
    ShapeMismatch,
    /// <summary>A CLIP variant this package does not implement (ResNet backbones).</summary>
    UnsupportedArchitecture,
}

/// <summary>A CLIP checkpoint could not be loaded; <see cref="Kind"/> says why, the message names the file and the fix.</summary>
public sealed class ClipCheckpointException : DaClipFileFormatException
{
    /// <summary>Creates the exception.</summary>
    public ClipCheckpointException(string path, ClipCheckpointProblem problem, string message, Exception? inner = null)
        : base(path, message, inner) => Kind = problem;

    /// <summary>The kind of problem.</summary>
    public ClipCheckpointProblem Kind { get; }
}
