namespace DaClip.MLNet.Data;

/// <summary>A dataset folder does not have the layout its reader expects (wrong root, missing masks, counts that do not match, bad index file).</summary>
public sealed class DatasetLayoutException : DaClipException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The file or folder at fault.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="fix">How to fix it.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DatasetLayoutException(string path, string problem, string fix, Exception? inner = null)
        : base($"{path}: {problem} Fix: {fix}", inner)
    {
        LayoutPath = path;
        Problem = problem;
        Fix = fix;
    }

    /// <summary>The file or folder at fault.</summary>
    public string LayoutPath { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>How to fix it.</summary>
    public string Fix { get; }
}
