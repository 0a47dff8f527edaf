using System.Diagnostics;
using System.Globalization;

namespace DaClip.Cli;

/// <summary>
/// A one-line progress bar redrawn in place on a console writer, at most ten times a second: bytes for downloads
/// (<c>label [#####-----]  45%  412.3 / 915.0 MB</c>, through <see cref="IProgress{T}"/>) or counted steps with a note
/// (<c>training [#####-----]  45%  270/600  epoch 7/15 loss 0.4210</c>, through <see cref="Update"/>).
/// </summary>
internal sealed class ConsoleProgressBar : IProgress<(long done, long? total)>
{
    private const int BarWidth = 30;
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private readonly TextWriter _writer;
    private readonly string _label;
    private long _lastDraw;
    private int _lastLength;

    /// <summary>Creates the bar for <paramref name="label"/>, drawn on <paramref name="writer"/> (standard error).</summary>
    public ConsoleProgressBar(string label, TextWriter writer)
    {
        _label = label;
        _writer = writer;
    }

    /// <summary>Whether a bar should be drawn: not for machine-readable output, and not when standard error is redirected.</summary>
    public static bool Wanted(bool json) => !json && !Console.IsErrorRedirected;

    /// <summary>The bar for <paramref name="label"/> when <see cref="Wanted"/>, else null.</summary>
    public static ConsoleProgressBar? CreateIfWanted(string label, TextWriter writer, bool json) =>
        Wanted(json) ? new ConsoleProgressBar(label, writer) : null;

    /// <inheritdoc/>
    public void Report((long done, long? total) value)
    {
        if (value.total is long total && total > 0)
        {
            Draw(value.done, total, string.Create(CultureInfo.InvariantCulture, $"{Megabytes(value.done)} / {Megabytes(total)} MB"));
        }
        else if (Due(complete: false))
        {
            Write(string.Create(CultureInfo.InvariantCulture, $"{_label} {Megabytes(value.done)} MB"));
        }
    }

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> steps, followed by <paramref name="note"/>.</summary>
    public void Update(long done, long total, string note = "") =>
        Draw(done, total, string.Create(CultureInfo.InvariantCulture, $"{done}/{total}") + (note.Length > 0 ? "  " + note : ""));

    /// <summary>Ends the line the bar was drawn on (no-op when nothing was drawn).</summary>
    public void Finish()
    {
        if (_lastLength == 0) return;
        _writer.WriteLine();
        _lastLength = 0;
    }

    private void Draw(long done, long total, string detail)
    {
        if (!Due(complete: done >= total)) return;
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        int filled = (int)Math.Round(fraction * BarWidth);
        Write(string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {fraction * 100,3:0}%  {detail}"));
    }

    private bool Due(bool complete)
    {
        long now = Stopwatch.GetTimestamp();
        if (!complete && _lastLength > 0 && now - _lastDraw < Interval) return false;
        _lastDraw = now;
        return true;
    }

    private void Write(string line)
    {
        _writer.Write('\r' + line.PadRight(_lastLength));
        _lastLength = line.Length;
        _writer.Flush();
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
