namespace DaClip.MLNet.Pipeline;

/// <summary>
/// A temporary copy of an ONNX model that ML.NET's <c>ApplyOnnxModel</c> reads (it re-reads the file when the model is
/// saved, so the file must live as long as the transformer). Deleted on <see cref="Dispose"/>, or by the finalizer when
/// the owner is collected without being disposed.
/// </summary>
internal sealed class OwnedModelFile : IDisposable
{
    private int _deleted;

    public OwnedModelFile(byte[] bytes, string? folder)
    {
        var dir = string.IsNullOrEmpty(folder) ? System.IO.Path.GetTempPath() : folder;
        Directory.CreateDirectory(dir);
        Path = System.IO.Path.Combine(dir, $"daclip-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(Path, bytes);
        }
        catch
        {
            Delete();
            throw;
        }
    }

    public string Path { get; }

    public byte[] ReadAllBytes() => File.ReadAllBytes(Path);

    public void Dispose()
    {
        Delete();
        GC.SuppressFinalize(this);
    }

    ~OwnedModelFile() => Delete();

    private void Delete()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0) return;
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.WriteLine($"Could not delete the temporary model copy {Path}: {e.Message}", "DaClip.MLNet");
        }
    }
}
