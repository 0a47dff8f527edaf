namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>Which part of the captioned corpus an index draws from; each part has its own seed stream.</summary>
internal enum CorpusPartition
{
    /// <summary>The images contrastive pretraining trains on.</summary>
    Pretrain,

    /// <summary>Held-out image-caption pairs for zero-shot retrieval accuracy, never trained on.</summary>
    Validation,
}
