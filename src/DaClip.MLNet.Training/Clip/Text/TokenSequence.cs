namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>Frames content ids the way <c>clip.tokenize</c> does: SOT, ids, EOT, zero padding, truncation.</summary>
internal static class TokenSequence
{
    /// <summary>The framed, padded sequence of <paramref name="contextLength"/> ids.</summary>
    public static long[] Frame(string text, IReadOnlyList<int> content, int sotId, int eotId, int contextLength, bool truncate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 2);
        int total = content.Count + 2;
        if (total > contextLength && !truncate)
        {
            throw new DaClipException(
                $"The text \"{Shorten(text)}\" needs {total} token positions (start, {content.Count} content ids, end), more than the " +
                $"context length {contextLength}. Shorten the text, or tokenize with truncate: true to cut it (the end-of-text id then takes the last position).");
        }
        var ids = new long[contextLength];
        ids[0] = sotId;
        int n = Math.Min(content.Count, contextLength - 1);
        for (int i = 0; i < n; i++) ids[i + 1] = content[i];
        ids[Math.Min(n + 1, contextLength - 1)] = eotId;
        return ids;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
