namespace DaClip.MLNet;

/// <summary>Base type of every error DaClip.MLNet raises on purpose; the message names the input at fault and the fix.</summary>
public class DaClipException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DaClipException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A file (checkpoint, safetensors, vocabulary, model, image) could not be read or has the wrong content.</summary>
public class DaClipFileFormatException : DaClipException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public DaClipFileFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, and how to fix it.</summary>
    public string Problem { get; }
}
