using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// CLIP's BPE vocabulary and merge list, read either from OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> (which holds
/// only merges: the ids are derived the way <c>SimpleTokenizer</c> derives them) or from a Hugging Face
/// <c>vocab.json</c> + <c>merges.txt</c> pair (the same BPE with the ids written out).
/// </summary>
internal sealed class ClipBpeVocabulary
{
    /// <summary>Where OpenAI publishes the merges file.</summary>
    public const string BpeGzipUrl = "https://github.com/openai/CLIP/raw/main/clip/bpe_simple_vocab_16e6.txt.gz";

    /// <summary>SHA-256 of OpenAI's merges file.</summary>
    public const string BpeGzipSha256 = "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a";

    /// <summary>How many merges CLIP uses: lines 1..48894 after the header (49152 - 256 - 2).</summary>
    public const int MergeCount = 49152 - 256 - 2;

    /// <summary>The start-of-text token.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>The end-of-text token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The suffix that marks the last symbol of a word.</summary>
    public const string EndOfWord = "</w>";

    private ClipBpeVocabulary(Dictionary<string, int> vocabulary, List<string> merges)
    {
        Vocabulary = vocabulary;
        Merges = merges;
        SotId = vocabulary[StartOfText];
        EotId = vocabulary[EndOfText];
        VocabSize = vocabulary.Values.Max() + 1;
    }

    /// <summary>Token string → id.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary { get; }

    /// <summary>The merges in priority order, each "left right".</summary>
    public IReadOnlyList<string> Merges { get; }

    /// <summary>The id of <see cref="StartOfText"/>.</summary>
    public int SotId { get; }

    /// <summary>The id of <see cref="EndOfText"/>.</summary>
    public int EotId { get; }

    /// <summary>The largest id + 1.</summary>
    public int VocabSize { get; }

    /// <summary>Reads OpenAI's gzipped merges file and builds the vocabulary as CLIP does.</summary>
    public static ClipBpeVocabulary FromBpeGzip(string path)
    {
        RequireFile(path, $"the CLIP BPE merges file does not exist. Download bpe_simple_vocab_16e6.txt.gz from {BpeGzipUrl} " +
            $"(sha256 {BpeGzipSha256}) and pass its path");
        var merges = new List<string>(MergeCount);
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, new UTF8Encoding(false, throwOnInvalidBytes: true));
            if (reader.ReadLine() is null) throw Format(path, "the file is empty");
            while (merges.Count < MergeCount && reader.ReadLine() is { } line)
            {
                merges.Add(ParseMerge(path, line, merges.Count + 2));
            }
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException or IOException)
        {
            throw new DaClipFileFormatException(path, $"cannot be read as a gzipped UTF-8 text file ({e.Message}). It should be " +
                $"OpenAI's bpe_simple_vocab_16e6.txt.gz ({BpeGzipUrl}, sha256 {BpeGzipSha256}).", e);
        }
        if (merges.Count < MergeCount)
        {
            throw Format(path, $"holds {merges.Count} merges after the header line, CLIP needs {MergeCount}. The file is truncated or " +
                $"is not OpenAI's bpe_simple_vocab_16e6.txt.gz ({BpeGzipUrl}, sha256 {BpeGzipSha256})");
        }

        // SimpleTokenizer's encoder: the byte characters, the same with "</w>", every merge result, then the two specials.
        var tokens = new List<string>(2 * 256 + MergeCount + 2);
        foreach (char c in ClipByteEncoder.Alphabet) tokens.Add(c.ToString());
        foreach (char c in ClipByteEncoder.Alphabet) tokens.Add(c + EndOfWord);
        foreach (var merge in merges) tokens.Add(merge.Replace(" ", "", StringComparison.Ordinal));
        tokens.Add(StartOfText);
        tokens.Add(EndOfText);
        var vocabulary = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++)
        {
            if (!vocabulary.TryAdd(tokens[id], id))
                throw Format(path, $"the merge results contain \"{tokens[id]}\" twice; this is not OpenAI's CLIP merges file ({BpeGzipUrl})");
        }
        return new ClipBpeVocabulary(vocabulary, merges);
    }

    /// <summary>Reads a Hugging Face <c>vocab.json</c> (token → id) and <c>merges.txt</c> (optional <c>#version</c> header, one merge a line).</summary>
    public static ClipBpeVocabulary FromHuggingFace(string vocabJsonPath, string mergesPath)
    {
        RequireFile(vocabJsonPath, "the vocab.json file does not exist. Pass the vocab.json of a Hugging Face CLIP tokenizer (e.g. from openai/clip-vit-base-patch32)");
        RequireFile(mergesPath, "the merges.txt file does not exist. Pass the merges.txt that belongs to the vocab.json");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(vocabJsonPath));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Format(vocabJsonPath, "is not a JSON object of token → id");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int id) || id < 0)
                    throw Format(vocabJsonPath, $"the id of \"{property.Name}\" is not a non-negative integer");
                vocabulary[property.Name] = id;
            }
        }
        catch (JsonException e)
        {
            throw new DaClipFileFormatException(vocabJsonPath, $"is not valid JSON ({e.Message}); expected the vocab.json of a CLIP tokenizer.", e);
        }
        foreach (var special in new[] { StartOfText, EndOfText })
        {
            if (!vocabulary.ContainsKey(special)) throw Format(vocabJsonPath, $"has no \"{special}\" entry; it is not a CLIP vocabulary");
        }
        foreach (char c in ClipByteEncoder.Alphabet)
        {
            if (!vocabulary.ContainsKey(c.ToString()) || !vocabulary.ContainsKey(c + EndOfWord))
                throw Format(vocabJsonPath, $"lacks the byte token \"{c}\" or \"{c}{EndOfWord}\"; it is not a CLIP byte-level vocabulary");
        }

        var merges = new List<string>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(mergesPath, Encoding.UTF8))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var merge = ParseMerge(mergesPath, line, lineNumber);
            var merged = merge.Replace(" ", "", StringComparison.Ordinal);
            if (!vocabulary.ContainsKey(merged))
                throw Format(mergesPath, $"line {lineNumber}: the merge result \"{merged}\" is not in {Path.GetFileName(vocabJsonPath)}; the two files do not belong together");
            merges.Add(merge);
        }
        if (merges.Count == 0) throw Format(mergesPath, "holds no merges");
        return new ClipBpeVocabulary(vocabulary, merges);
    }

    private static string ParseMerge(string path, string line, int lineNumber)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2) throw Format(path, $"line {lineNumber} is \"{line}\", not a merge of two symbols separated by a space");
        return parts[0] + " " + parts[1];
    }

    private static void RequireFile(string path, string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new DaClipFileFormatException(path, problem + ".");
    }

    private static DaClipFileFormatException Format(string path, string problem) => new(path, problem + ".");
}
