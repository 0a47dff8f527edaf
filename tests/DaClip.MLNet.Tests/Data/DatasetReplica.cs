namespace DaClip.MLNet.Tests.Data;

/// <summary>A throw-away folder in which a test writes a small copy of a dataset's real layout.</summary>
public sealed class DatasetReplica : IDisposable
{
    private readonly string _scratch;
    private int _shade = 40;

    /// <summary>Creates an empty replica whose root folder is called <paramref name="rootName"/>.</summary>
    public DatasetReplica(string rootName = "dataset")
    {
        _scratch = Path.Combine(Path.GetTempPath(), "daclip-tests", Guid.NewGuid().ToString("N"));
        Root = Path.Combine(_scratch, rootName);
        Directory.CreateDirectory(Root);
    }

    /// <summary>The dataset root.</summary>
    public string Root { get; }

    /// <summary>Absolute path of <paramref name="relative"/> (forward slashes) under the root.</summary>
    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes an image (format from the extension, a new grey level each time) and returns its absolute path.</summary>
    public string Image(string relative)
    {
        _shade = (_shade + 23) % 200 + 20;
        return Write(relative, TinyImages.For(relative, (byte)_shade));
    }

    /// <summary>Writes a mask (black with a white square) and returns its absolute path.</summary>
    public string Mask(string relative) => Write(relative, TinyImages.For(relative, 0, mark: true));

    /// <summary>Writes a text file and returns its absolute path.</summary>
    public string Text(string relative, string content) => Write(relative, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Deletes a file of the replica.</summary>
    public void Delete(string relative) => File.Delete(PathOf(relative));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
