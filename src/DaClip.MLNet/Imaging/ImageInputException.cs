namespace DaClip.MLNet.Imaging;

/// <summary>An image or mask could not be read: missing or empty file, unsupported format, corrupt or truncated data.</summary>
public sealed class ImageInputException : DaClipException
{
    /// <summary>Creates the exception for <paramref name="input"/> (a file path, or a description of in-memory data).</summary>
    public ImageInputException(string input, string problem, Exception? inner = null)
        : base($"{input}: {problem}", inner)
    {
        Input = input;
        Problem = problem;
    }

    /// <summary>The file path or in-memory source at fault.</summary>
    public string Input { get; }

    /// <summary>What is wrong with it, and how to fix it.</summary>
    public string Problem { get; }
}
