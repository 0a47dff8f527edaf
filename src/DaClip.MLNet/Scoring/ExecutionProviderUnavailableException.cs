namespace DaClip.MLNet.Scoring;

/// <summary>An explicitly requested execution provider (CUDA, TensorRT) could not be started.</summary>
public sealed class ExecutionProviderUnavailableException : DaClipException
{
    /// <summary>Creates the exception; <paramref name="message"/> gives the reason and the fix.</summary>
    public ExecutionProviderUnavailableException(ExecutionProvider provider, string message, Exception? inner = null)
        : base(message, inner) => Provider = provider;

    /// <summary>The provider that was requested.</summary>
    public ExecutionProvider Provider { get; }
}
