using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// The object-agnostic prompts and their token layout (METHOD §3, §9): <c>[SOT] s_1..s_K w_1..w_n [EOT] 0…</c> where
/// the K slot positions carry learnable embeddings instead of token rows and w are the BPE ids of
/// <c>a photo of a {state}.</c>. The EOT position is 1 + K + n (never found by argmax).
/// </summary>
internal sealed class PromptBank
{
    /// <summary>Marks slot positions in <see cref="Layout"/>.</summary>
    public const long SlotMarker = -1;

    /// <summary>Builds the bank from per-prompt word ids (without SOT/EOT).</summary>
    /// <param name="promptIds">Word ids of each prompt, normal prompts first.</param>
    /// <param name="normalCount">How many of the prompts are normal.</param>
    /// <param name="slots">Slot count K.</param>
    /// <param name="sotId">Start-of-text id.</param>
    /// <param name="eotId">End-of-text id.</param>
    /// <param name="contextLength">Sequence length (77).</param>
    public PromptBank(IReadOnlyList<IReadOnlyList<int>> promptIds, int normalCount, int slots, int sotId, int eotId, int contextLength)
    {
        if (normalCount < 1 || normalCount >= promptIds.Count) throw new ArgumentOutOfRangeException(nameof(normalCount), "Need at least one normal and one anomaly prompt.");
        Count = promptIds.Count;
        NormalCount = normalCount;
        Slots = slots;
        ContextLength = contextLength;
        Layout = new long[Count, contextLength];
        EotIndex = new long[Count];
        for (int p = 0; p < Count; p++)
        {
            var ids = promptIds[p];
            int eot = 1 + slots + ids.Count;
            if (eot >= contextLength)
                throw new DaClipException($"Prompt {p} has {ids.Count} tokens: with {slots} slots it does not fit the context of {contextLength}. Use a shorter template or state.");
            Layout[p, 0] = sotId;
            for (int k = 0; k < slots; k++) Layout[p, 1 + k] = SlotMarker;
            for (int i = 0; i < ids.Count; i++) Layout[p, 1 + slots + i] = ids[i];
            Layout[p, eot] = eotId;
            EotIndex[p] = eot;
        }
    }

    /// <summary>Builds the bank for <paramref name="options"/> with a word encoder (BPE ids without SOT/EOT).</summary>
    public static PromptBank Create(DaClipModelOptions options, Func<string, int[]> encode, int sotId, int eotId, int contextLength)
    {
        var ids = options.Prompts().Select(p => (IReadOnlyList<int>)encode(p)).ToList();
        return new PromptBank(ids, options.NormalStates.Length, options.Slots, sotId, eotId, contextLength);
    }

    /// <summary>Builds the bank for <paramref name="options"/> with a CLIP tokenizer (BPE, or the tiny backbone's word tokenizer).</summary>
    public static PromptBank Create(DaClipModelOptions options, Clip.Text.IClipTokenizer tokenizer, int contextLength = 77) =>
        Create(options, tokenizer.EncodeBpe, tokenizer.SotId, tokenizer.EotId, contextLength);

    /// <summary>Number of prompts.</summary>
    public int Count { get; }

    /// <summary>The first <see cref="NormalCount"/> prompts are normal, the rest anomalous.</summary>
    public int NormalCount { get; }

    /// <summary>Slot count K.</summary>
    public int Slots { get; }

    /// <summary>Sequence length.</summary>
    public int ContextLength { get; }

    /// <summary>[prompts, context] token layout; <see cref="SlotMarker"/> at slot positions.</summary>
    public long[,] Layout { get; }

    /// <summary>EOT position per prompt.</summary>
    public long[] EotIndex { get; }

    /// <summary>The layout as ids with slot positions set to 0 (their token rows are replaced), [prompts, context].</summary>
    public Tensor TokenIds(Device device)
    {
        var flat = new long[Count * ContextLength];
        for (int p = 0; p < Count; p++)
            for (int i = 0; i < ContextLength; i++)
                flat[p * ContextLength + i] = Math.Max(0, Layout[p, i]);
        return torch.tensor(flat, [Count, ContextLength], device: device);
    }
}
