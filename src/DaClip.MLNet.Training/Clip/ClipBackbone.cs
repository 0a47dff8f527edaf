using DaClip.MLNet.Training.Clip.Text;

namespace DaClip.MLNet.Training.Clip;

/// <summary>A frozen CLIP backbone with the tokenizer that goes with it.</summary>
/// <param name="Model">The model (CPU, eval mode).</param>
/// <param name="Tokenizer">CLIP's BPE tokenizer, or the word tokenizer of <c>tiny</c> or <c>mini</c>.</param>
/// <param name="Source">The checkpoint path, <c>tiny</c> or <c>mini</c>.</param>
internal sealed record ClipBackbone(ClipModel Model, IClipTokenizer Tokenizer, string Source) : IDisposable
{
    /// <summary>The name that selects the embedded random backbone.</summary>
    public const string TinyName = "tiny";

    /// <summary>Seed of the embedded random backbone's weights (fixed, so every run sees the same "tiny" model).</summary>
    public const long TinySeed = 20240601;

    /// <summary>The name that selects the embedded pretrained backbone (<see cref="MiniBackbone"/>).</summary>
    public const string MiniName = MiniBackbone.Name;

    /// <summary>True for the embedded random backbone, whose results demonstrate the pipeline only.</summary>
    public bool IsTiny => Source == TinyName;

    /// <summary>
    /// Loads <paramref name="backbone"/>: <c>tiny</c> (the embedded random backbone with its built-in word tokenizer),
    /// <c>mini</c> (the embedded pretrained backbone with its stored word vocabulary, <see cref="MiniBackbone"/>), a
    /// backbone file written by <c>daclip pretrain</c> (its vocabulary is inside), or
    /// the path of an OpenAI CLIP checkpoint together with CLIP's BPE vocabulary (<paramref name="vocabPath"/>: the
    /// <c>bpe_simple_vocab_16e6.txt.gz</c> file, or a Hugging Face folder with <c>vocab.json</c> and <c>merges.txt</c>).
    /// </summary>
    /// <exception cref="DaClipException">A missing vocabulary, or any checkpoint problem (<see cref="ClipCheckpointException"/>).</exception>
    public static ClipBackbone Load(string backbone, string? vocabPath = null)
    {
        if (string.Equals(backbone, TinyName, StringComparison.OrdinalIgnoreCase))
        {
            var tiny = new ClipModel(ClipConfig.Tiny, TinySeed);
            tiny.eval();
            return new ClipBackbone(tiny, TinyWordTokenizer.Instance, TinyName);
        }
        if (string.Equals(backbone, MiniName, StringComparison.OrdinalIgnoreCase))
            return MiniBackbone.Load();
        if (MiniBackbone.IsBackboneFile(backbone))
            return MiniBackbone.LoadFile(backbone);
        var tokenizer = LoadTokenizer(vocabPath, backbone);
        var model = ClipCheckpoint.Load(backbone);
        if (tokenizer.VocabSize != model.Config.VocabSize)
        {
            model.Dispose();
            throw new DaClipException($"The vocabulary has {tokenizer.VocabSize} tokens but the checkpoint {backbone} has {model.Config.VocabSize} token embeddings: pass CLIP's bpe_simple_vocab_16e6.txt.gz.");
        }
        return new ClipBackbone(model, tokenizer, backbone);
    }

    private static IClipTokenizer LoadTokenizer(string? vocabPath, string backbone)
    {
        if (string.IsNullOrEmpty(vocabPath))
            throw new DaClipException($"A CLIP checkpoint ({backbone}) needs CLIP's BPE vocabulary: pass the path of bpe_simple_vocab_16e6.txt.gz " +
                $"(`daclip download` fetches it with the weights, or get it from {ClipTokenizer.BpeVocabUrl}).");
        if (Directory.Exists(vocabPath))
            return ClipTokenizer.FromHuggingFace(Path.Combine(vocabPath, "vocab.json"), Path.Combine(vocabPath, "merges.txt"));
        return ClipTokenizer.FromBpeGzip(vocabPath);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
