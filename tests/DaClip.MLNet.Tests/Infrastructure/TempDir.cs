namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempDir(string? prefix = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"daclip-test-{prefix ?? "t"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
