namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// Turns prompts into the token ids of a CLIP text tower: start-of-text id, content ids, end-of-text id, zero
/// padding to the context length. The end-of-text id is the largest id of the vocabulary, so the text tower can find
/// its position with an argmax, as OpenAI's <c>encode_text</c> does.
/// </summary>
/// <remarks>Implementations: <see cref="ClipTokenizer"/> (OpenAI's BPE, for real checkpoints) and
/// <see cref="TinyWordTokenizer"/> (a small fixed word list for the built-in random "tiny" backbone).</remarks>
internal interface IClipTokenizer
{
    /// <summary>The start-of-text id that opens every sequence (49406 for CLIP).</summary>
    int SotId { get; }

    /// <summary>The end-of-text id that closes every sequence (49407 for CLIP); the largest id of the vocabulary.</summary>
    int EotId { get; }

    /// <summary>The number of ids (rows of the token embedding): every id is in <c>[0, VocabSize)</c>.</summary>
    int VocabSize { get; }

    /// <summary>The content ids of <paramref name="text"/>, without start- or end-of-text ids and without length limit.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    int[] EncodeBpe(string text);

    /// <summary>
    /// The ids that <c>clip.tokenize(text, context_length, truncate)</c> gives: <see cref="SotId"/>, the content ids,
    /// <see cref="EotId"/>, zeros up to <paramref name="contextLength"/>. When the content needs more than
    /// <paramref name="contextLength"/> - 2 positions it is cut and the last position holds <see cref="EotId"/>
    /// (<paramref name="truncate"/> true), or a <see cref="DaClipException"/> is thrown (false).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="contextLength"/> is below 2.</exception>
    /// <exception cref="DaClipException">The text is too long and <paramref name="truncate"/> is false.</exception>
    long[] Tokenize(string text, int contextLength = 77, bool truncate = true);
}
